"""The working results read through the leaves summed by the database and kept per period
(services/ranking/rank_sums.c, rank_cache.c; issue 11, P2).

- The results (leaves summed in SQL) agree, agency by agency, with the scorecards (every
  leaf read one by one by rank.c) on the worked example with automatic leaves, required
  leaves and dossier counts (05-portal-heads).
- Reading the results twice serves the kept results (same computed_at a second apart);
  every write that changes an input (an N/A decision, an agency's name, the period's
  configuration) shows in the next read; another province reads nothing."""

import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import api, assert_error, new_province  # noqa: E402
from test_examples import _play, _scenario  # noqa: E402

FIELDS = ("rank", "tie_pending", "total", "max", "quality_pct", "cchc_pct", "contents", "band",
          "cchc_band", "disciplined", "late_state", "late_pct", "head_rating", "head_reason",
          "required_done")


def _agencies(results):
    return {a["agency_id"]: a for g in results["groups"] for a in g["agencies"]}


class TestSummedResults(unittest.TestCase):
    def test_results_agree_with_every_leaf(self):
        ld, _ = _play(_scenario("05-portal-heads"))
        st, res, _ = api("GET", f"/api/v1/periods/{ld.period}/results", token=ld.admin)
        self.assertEqual(st, 200, res)
        agencies = _agencies(res)
        self.assertGreaterEqual(len(agencies), 3)
        for aid, a in agencies.items():
            st, sc, _ = api("GET", f"/api/v1/periods/{ld.period}/agencies/{aid}/scorecard",
                            token=ld.admin)
            self.assertEqual(st, 200, sc)
            for f in FIELDS:
                self.assertEqual(a.get(f), sc["result"].get(f), f"{a['code']}: {f}")


class TestResultsKept(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ld, _ = _play(_scenario("01-basic"))
        cls.pid = cls.ld.period

    def _results(self):
        st, body, _ = api("GET", f"/api/v1/periods/{self.pid}/results", token=self.ld.admin)
        self.assertEqual(st, 200, body)
        return body

    def test_kept_until_an_input_changes(self):
        ld, pid = self.ld, self.pid
        st, comp, _ = api("POST", f"/api/v1/periods/{pid}/compute", {}, token=ld.admin)
        self.assertEqual(st, 200, comp)
        first = self._results()
        time.sleep(1.2)
        again = self._results()
        # served as kept: not computed again a second later
        self.assertEqual(again, first)
        self.assertEqual(again["groups"], comp["groups"])

        # An N/A decision: SNV's bonus leaf 5.1 (2 points) leaves its maximum and its score.
        snv = ld.agency_ids["SNV"]
        before = _agencies(first)[snv]
        self.assertEqual(before["max"], 100)
        st, body, _ = api("PUT", f"/api/v1/periods/{pid}/agencies/{snv}/na-decisions",
                          {"leaf_code": "5.1", "not_applicable": True, "reason": "thử"},
                          token=ld.admin)
        self.assertEqual(st, 200, body)
        after = _agencies(self._results())[snv]
        self.assertEqual((after["max"], after["total"]), (99, 95.5))
        st, body, _ = api("PUT", f"/api/v1/periods/{pid}/agencies/{snv}/na-decisions",
                          {"leaf_code": "5.1", "not_applicable": False, "reason": "thử lại"},
                          token=ld.admin)
        self.assertEqual(st, 200, body)
        back = self._results()
        self.assertEqual(_agencies(back)[snv]["max"], 100)
        self.assertEqual(back["groups"], first["groups"])

        # An agency's name (every period of the province) shows in the next read.
        st, body, _ = api("PATCH", f"/api/v1/agencies/{snv}", {"name": "Sở Nội vụ (mới)"},
                          token=ld.admin)
        self.assertEqual(st, 200, body)
        self.assertEqual(_agencies(self._results())[snv]["name"], "Sở Nội vụ (mới)")

        # The period's configuration: a quota of 0 % leaves no excellent place.
        st, body, _ = api("PUT", f"/api/v1/periods/{pid}/config",
                          {"config": json.dumps({"ranking": {"quota_percent": 0}})},
                          token=ld.admin)
        self.assertEqual(st, 200, body)
        groups = self._results()["groups"]
        self.assertTrue(all(g["excellent_quota"] == 0 for g in groups), groups)

        # Another province reaches nothing, kept or not.
        other = new_province()
        assert_error(self, api("GET", f"/api/v1/periods/{pid}/results", token=other["token"]),
                     404, "not_found")


if __name__ == "__main__":
    unittest.main()
