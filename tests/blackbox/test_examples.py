"""The worked examples (tests/examples/*.scenario.json) played through the public HTTP API by
scripts/load-scenario must give their *.expected.json exactly (after normalising JSON
whitespace: same keys, same order, same values). Then, on a played example: the scorecard,
who may read what, results that follow the data, and a period's own band scheme."""

import copy
import glob
import importlib.util
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import api, assert_error, env, new_province  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
EXAMPLES = os.path.join(ROOT, "tests", "examples")
LOADER = os.path.join(ROOT, "scripts", "load-scenario")


def _canonical(text):
    """Whitespace-normalised JSON, key order kept."""
    return json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))


class TestExamples(unittest.TestCase):
    def test_every_example(self):
        scenarios = sorted(glob.glob(os.path.join(EXAMPLES, "*.scenario.json")))
        self.assertGreaterEqual(len(scenarios), 4, "the worked examples are missing")
        for scen in scenarios:
            name = os.path.basename(scen)[: -len(".scenario.json")]
            with self.subTest(example=name):
                e = dict(os.environ)
                for var in ("CHISO_URL", "CHISO_ADMIN_USER", "CHISO_ADMIN_PASSWORD"):
                    e[var] = env(var)
                p = subprocess.run([sys.executable, LOADER, scen], env=e, capture_output=True,
                                   text=True, timeout=600)
                self.assertEqual(p.returncode, 0, f"load-scenario {name} failed: {p.stderr}")
                with open(os.path.join(EXAMPLES, f"{name}.expected.json"), encoding="utf-8") as f:
                    want = _canonical(f.read())
                got = _canonical(p.stdout)
                if got != want:
                    # Show the first group or agency that differs, not two walls of JSON.
                    g, w = json.loads(got), json.loads(want)
                    for group in sorted(set(g) | set(w)):
                        self.assertEqual(g.get(group), w.get(group), f"{name}: group {group}")
                self.assertEqual(got, want, f"{name}: results differ")



def _load_module():
    """scripts/load-scenario as a module, to reach the province it builds (tokens, ids)."""
    from importlib.machinery import SourceFileLoader
    loader = SourceFileLoader("load_scenario", LOADER)
    spec = importlib.util.spec_from_loader("load_scenario", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def _play(scenario):
    """Play a scenario dict; returns (loader object, printed results)."""
    for var in ("CHISO_URL", "CHISO_ADMIN_USER", "CHISO_ADMIN_PASSWORD"):
        env(var)
    mod = _load_module()
    ld = mod.Loader(mod.Api(env("CHISO_URL")), scenario, 2025)
    ld.organisation()
    ld.users()
    ld.assignments()
    ld.self_assessment()
    ld._round(1)
    ld.explanation()
    ld._round(2)
    ld.survey()
    ld.leadership()
    ld.portal()
    return ld, ld.results()


def _scenario(name):
    with open(os.path.join(EXAMPLES, f"{name}.scenario.json"), encoding="utf-8") as f:
        return json.load(f)


class TestRankingApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ld, cls.results = _play(_scenario("01-basic"))
        cls.period = cls.ld.period

    def _get(self, path, token):
        return api("GET", f"/api/v1/periods/{self.period}{path}", token=token)

    def test_scorecard_content(self):
        stp = self.ld.agency_ids["STP"]
        # Before publication the agency sees its own values and the council's rounds (both
        # closed by now), never its rank, band, sums or shortcomings (SPEC §12).
        st, own, _ = self._get(f"/agencies/{stp}/scorecard", self.ld.heads["STP"])
        self.assertEqual(st, 200, own)
        self.assertNotIn("result", own)
        self.assertNotIn("excellent_quota", own)
        self.assertFalse(own.get("shortcomings"))
        mine = {l["leaf_code"]: l for l in own["leaves"]}
        self.assertEqual(mine["1.1"]["self"], 15)
        self.assertEqual(mine["6.1"]["round1"], -1)
        self.assertNotIn("effective", mine["1.1"])
        self.assertNotIn("survey", mine["3.2"])
        self.assertFalse(mine["4.1"].get("leader_scores"))
        st, sc, _ = self._get(f"/agencies/{stp}/scorecard", self.ld.admin)
        self.assertEqual(st, 200, sc)
        self.assertEqual(sc["agency_code"], "STP")
        self.assertEqual(sc["result"]["rank"], 7)
        self.assertEqual(sc["result"]["band"], "complete")
        self.assertEqual(sc["result"]["max"], 94)
        leaves = {l["leaf_code"]: l for l in sc["leaves"]}
        self.assertEqual(len(leaves), 15)
        # N/A leaf: out of the score, flagged, with the decision's reason.
        self.assertTrue(leaves["2.3"]["not_applicable"])
        self.assertEqual(leaves["2.3"]["effective"], 0)
        self.assertEqual(leaves["2.3"]["na_reason"], "Không được giao chức năng này")
        # Self score standing: flagged "not appraised".
        self.assertTrue(leaves["1.1"]["not_appraised"])
        self.assertEqual(leaves["1.1"]["self"], 15)
        self.assertEqual(leaves["1.1"]["effective"], 15)
        # Council deduction in round 1.
        self.assertEqual(leaves["6.1"]["round1"], -1)
        self.assertFalse(leaves["6.1"]["not_appraised"])
        self.assertEqual(leaves["4.1"]["leader_scores"], [4, 3.5])
        self.assertEqual(leaves["4.1"]["effective"], 3.75)
        self.assertEqual(leaves["3.2"]["survey"], 4.5)
        short = {s["leaf_code"]: s for s in sc["shortcomings"]}
        self.assertEqual(short["6.1"]["lost"], 1)
        self.assertIn("Thẩm định lần 1", short["6.1"]["comment"])
        self.assertEqual(short["1.1"]["lost"], 5)
        self.assertNotIn("2.3", short)      # N/A loses nothing
        # Round 2 wins over round 1 and self (STC 1.1: 18 / 16 / 17.5).
        stc = self.ld.agency_ids["STC"]
        st, sc2, _ = self._get(f"/agencies/{stc}/scorecard", self.ld.admin)
        self.assertEqual(st, 200, sc2)
        l11 = {l["leaf_code"]: l for l in sc2["leaves"]}["1.1"]
        self.assertEqual((l11["self"], l11["round1"], l11["round2"], l11["effective"]),
                         (18, 16, 17.5, 17.5))

    def test_who_sees_what(self):
        stp, snv = self.ld.agency_ids["STP"], self.ld.agency_ids["SNV"]
        head = self.ld.heads["STP"]
        # An agency sees its own scorecard only, and not the province's results.
        assert_error(self, self._get(f"/agencies/{snv}/scorecard", head), 403, "forbidden")
        assert_error(self, self._get("/results", head), 403, "forbidden")
        assert_error(self, api("POST", f"/api/v1/periods/{self.period}/compute", {}, token=head),
                     403, "forbidden")
        # Leaders (and the admin) see everything of the province.
        leader = self.ld.leaders[0][1]
        st, body, _ = self._get("/results", leader)
        self.assertEqual(st, 200, body)
        self.assertEqual(len(body["groups"][0]["agencies"]), 8)
        st, body, _ = self._get(f"/agencies/{snv}/scorecard", leader)
        self.assertEqual(st, 200, body)
        st, body, _ = self._get("/results?group_code=01", self.ld.admin)
        self.assertEqual(st, 200, body)
        st, body, _ = self._get("/results?group_code=02", self.ld.admin)
        self.assertEqual((st, body.get("groups", [])), (200, []))
        # Leaders may not compute; nobody unauthenticated reads anything.
        assert_error(self, api("POST", f"/api/v1/periods/{self.period}/compute", {},
                               token=leader), 403, "forbidden")
        assert_error(self, self._get("/results", None), 401, "unauthenticated")
        # Another province cannot reach this one, not even by guessing ids.
        other = new_province()
        assert_error(self, self._get("/results", other["token"]), 404, "not_found")
        assert_error(self, self._get(f"/agencies/{stp}/scorecard", other["token"]), 404,
                     "not_found")
        assert_error(self, api("POST", f"/api/v1/periods/{self.period}/compute", {},
                               token=other["token"]), 404, "not_found")

    def test_compute_is_recorded_and_results_follow_the_data(self):
        st, body, _ = api("POST", f"/api/v1/periods/{self.period}/compute", {},
                          token=self.ld.admin)
        self.assertEqual(st, 200, body)
        self.assertGreater(body["computation_id"], 0)
        self.assertEqual(body["groups"][0]["agencies"][0]["code"], "SXD")
        # A new N/A decision shows in the results at once: SNV's bonus leaf 5.1 (2 points)
        # leaves its maximum (cap_5 = min(3, 2) = 2, so M = 99) and its score.
        snv = self.ld.agency_ids["SNV"]
        st, body, _ = api("PUT", f"/api/v1/periods/{self.period}/agencies/{snv}/na-decisions",
                          {"leaf_code": "5.1", "not_applicable": True, "reason": "thử"},
                          token=self.ld.admin)
        self.assertEqual(st, 200, body)
        st, body, _ = self._get(f"/agencies/{snv}/scorecard", self.ld.admin)
        self.assertEqual(st, 200, body)
        self.assertEqual(body["result"]["max"], 99)
        self.assertEqual(body["result"]["total"], 95.5)
        st, body, _ = api("PUT", f"/api/v1/periods/{self.period}/agencies/{snv}/na-decisions",
                          {"leaf_code": "5.1", "not_applicable": False, "reason": "thử lại"},
                          token=self.ld.admin)
        self.assertEqual(st, 200, body)
        st, body, _ = self._get(f"/agencies/{snv}/scorecard", self.ld.admin)
        self.assertEqual(body["result"]["max"], 100)
        # The computation is in the audit trail.
        st, body, _ = api("GET", "/api/v1/audit?entity=ranking.computation&limit=10",
                          token=self.ld.admin)
        self.assertEqual(st, 200, body)
        self.assertTrue(any(e.get("action") == "compute" for e in body.get("items", [])), body)

    def test_bad_period_configuration(self):
        st, per, _ = api("POST", "/api/v1/periods", {
            "code": "KSAI", "name": "Kỳ cấu hình sai", "year": 2025,
            "config": json.dumps({"ranking": {"quota_percent": 120}})}, token=self.ld.admin)
        # refused when set (not when results are read), and nothing is created
        self.assertEqual(st, 400, per)
        self.assertEqual(per["error"]["code"], "invalid_config")
        st, body, _ = api("GET", "/api/v1/periods", token=self.ld.admin)
        self.assertEqual(st, 200, body)
        self.assertFalse([p for p in body.get("items", []) if p.get("code") == "KSAI"], body)
        # Unknown period: 404.
        assert_error(self, api("GET", "/api/v1/periods/999999999/results", token=self.ld.admin),
                     404, "not_found")


class TestPeriodScheme(unittest.TestCase):
    def test_bands_and_quota_from_the_period(self):
        """Seed 004's 90/75/50 scheme and a 50 % quota, as the period's configuration."""
        sc = copy.deepcopy(_scenario("01-basic"))
        sc["config"] = {"ranking": {
            "bands": [
                {"code": "excellent", "min_pct": 90, "not_disciplined": True, "quota": True,
                 "good_or_better": True},
                {"code": "good", "min_pct": 75, "good_or_better": True},
                {"code": "complete", "min_pct": 50},
                {"code": "not_complete", "min_pct": 0}],
            "quota_percent": 50}}
        _, res = _play(sc)
        g = res["01"]
        self.assertEqual((g["good_or_better"], g["excellent_quota"]), (6, 3))
        bands = {a["code"]: a["band"] for a in g["agencies"]}
        # SXD and SNV (>= 90 %) are excellent; SGD is disciplined; SYT at 51.25 % completes.
        self.assertEqual(bands, {"SXD": "excellent", "SNV": "excellent", "SGD": "good",
                                 "STC": "good", "SCT": "good", "SKH": "good",
                                 "STP": "complete", "SYT": "complete"})


if __name__ == "__main__":
    unittest.main()
