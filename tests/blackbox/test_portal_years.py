"""A year from months (services/portal/README.md, "A year from months"): a province's period
is a year; the portal sends months and quarters. The year of an agency is its year record
when there is one; otherwise each quarter is its quarter record, or the sum of its months.
Dossier counts add up, a 766 metric's numerator and denominator add up (the ratio of the
sums), group scores do not (no portal data without a year record). Played through the feed
API as the portal would send it, read back from the results and the scorecard."""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import api, env, login, psql_super  # noqa: E402

FEED = "/api/v1/portal/batches"


def _metric(num, den):
    return {"code": "TDGQ", "metrics": [{"code": "TDGQ.1", "name": "Đúng hạn", "numerator": num,
                                         "denominator": den}]}


class TestYearFromMonths(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        from test_examples import _play
        scores = {"1.1": {"self": 45}, "3.1": {"survey": 12}, "4.1": {"leader": [5]},
                  "5.1": {"self": 3}}
        cls.scenario = {
            "indices": {"01": [
                {"code": "1.1", "content": 1, "max": 45, "title": "Nhiệm vụ"},
                {"code": "2.1", "content": 2, "max": 20, "title": "Đúng hạn",
                 "auto": {"metric": "TDGQ.1", "formula": "ratio"}},
                {"code": "2.2", "content": 2, "max": 15, "title": "Công khai",
                 "auto": {"metric": "CKMB", "formula": "score"}},
                {"code": "3.1", "content": 3, "max": 12, "title": "Khảo sát"},
                {"code": "4.1", "content": 4, "max": 5, "title": "Lãnh đạo"},
                {"code": "5.1", "content": 5, "max": 3, "title": "Điểm cộng"},
                {"code": "6.1", "content": 6, "max": 5, "title": "Điểm trừ"}]},
            "agencies": [{"code": "M1", "group": "01", "scores": scores},
                         {"code": "Y1", "group": "01", "scores": scores}]}
        cls.ld, _ = _play(cls.scenario)
        ld = cls.ld
        sa = login(env("CHISO_ADMIN_USER"), env("CHISO_ADMIN_PASSWORD"))
        st, k, _ = api("POST", "/api/v1/portal/keys", {"name": "Cổng tháng",
                                                       "province_id": ld.province}, token=sa)
        assert st == 200, k
        cls.key = k["key"]
        code = ld.province_code

        def push(raw, ctype):
            st, b, _ = api("POST", FEED, raw=raw, headers={"X-API-Key": cls.key, "Content-Type": ctype})
            assert st == 200, b
            return b

        def doc(records):
            return json.dumps({"province": code, "records": records}, ensure_ascii=False)

        # M1: months of Q1 (March "does not apply": null), months of Q2 and, in a later
        # batch, Q2's own record (which wins over its months); a group score in January.
        push(doc([{"agencyCode": "M1", "period": "2025-01",
                   "groups": [_metric(90, 100), {"code": "CKMB", "score": 15, "maxScore": 18}]},
                  {"agencyCode": "M1", "period": "2025-02", "groups": [_metric(80, 100)]},
                  {"agencyCode": "M1", "period": "2025-03", "groups": [_metric(None, None)]},
                  {"agencyCode": "M1", "period": "2025-04", "groups": [_metric(50, 100)]},
                  {"agencyCode": "M1", "period": "2025-05", "groups": [_metric(70, 100)]},
                  # Y1: a month, and the year itself (the year wins)
                  {"agencyCode": "Y1", "period": "2025-01", "groups": [_metric(10, 100)]},
                  {"agencyCode": "Y1", "period": "2025",
                   "groups": [_metric(950, 1000), {"code": "CKMB", "score": 17, "maxScore": 18}]}]),
             "application/json")
        push(doc([{"agencyCode": "M1", "period": "2025-Q2", "groups": [_metric(190, 200)]}]),
             "application/json")
        # dossiers: M1 every month (9 on time, 1 late) and Q4's own record (30, 0);
        # Y1 a month with many late ones and the year (100, 0)
        rows = [f"M1,2025-{m:02d},9,1" for m in range(1, 13)] + ["M1,2025-Q4,30,0",
                                                                  "Y1,2025-01,0,50", "Y1,2025,100,0"]
        st, b, _ = api("POST", FEED + f"?province={code}",
                       raw="agency_code,period,on_time,late\n" + "\n".join(rows) + "\n",
                       headers={"X-API-Key": cls.key, "Content-Type": "text/csv"})
        assert st == 200, b
        cls.results = ld.results()

    def _agency(self, code):
        return [a for a in self.results["01"]["agencies"] if a["code"] == code][0]

    def _leaf(self, code, leaf):
        ld = self.ld
        st, sc, _ = api("GET", f"/api/v1/periods/{ld.period}/agencies/{ld.agency_ids[code]}/scorecard",
                        token=ld.admin)
        self.assertEqual(st, 200, sc)
        return [x for x in sc["leaves"] if x["leaf_code"] == leaf][0]

    def test_ratio_of_the_summed_months_and_quarters(self):
        # Q1: 90 + 80 over 100 + 100 (March null adds nothing); Q2: its record 190/200
        leaf = self._leaf("M1", "2.1")
        self.assertEqual((leaf["auto_status"], leaf["auto_numerator"], leaf["auto_denominator"]),
                         ("computed", 360, 400))
        self.assertEqual(leaf["effective"], 18)            # 20 x 360 / 400
        # the scorecard names the periods the year was made of (Q2's record, not its months)
        self.assertEqual(leaf["auto_periods"], "2025-01,2025-02,2025-03,2025-Q2")

    def test_a_year_record_wins(self):
        leaf = self._leaf("Y1", "2.1")
        self.assertEqual((leaf["auto_numerator"], leaf["auto_denominator"]), (950, 1000))
        self.assertEqual(leaf["effective"], 19)
        self.assertEqual(leaf["auto_periods"], "2025")
        score = self._leaf("Y1", "2.2")
        self.assertEqual(score["auto_status"], "computed")
        self.assertEqual(score["effective"], 14.17)        # 15 x 17 / 18, half-up

    def test_group_scores_do_not_add_up(self):
        leaf = self._leaf("M1", "2.2")
        self.assertEqual(leaf["auto_status"], "no_portal_data")
        self.assertEqual(leaf.get("effective", 0), 0)

    def test_late_rate_of_the_year(self):
        # M1: Jan-Sep 81 on time, 9 late; Q4's record 30 on time -> 9 / 120 = 7.50 %
        self.assertEqual(self._agency("M1")["late_pct"], "7.50")
        self.assertEqual(self._agency("Y1")["late_pct"], "0.00")
        rows = psql_super("SELECT a.code, d.periods, d.on_time, d.late FROM portal.year_dossiers d"
                          " JOIN catalog.agencies a ON a.id = d.agency_id"
                          " WHERE d.province_id = :'p' AND d.year = 2025 ORDER BY a.code",
                          {"p": self.ld.province})
        months = ",".join(f"2025-{m:02d}" for m in range(1, 10))
        self.assertEqual(rows, [["M1", months + ",2025-Q4", "111", "9"], ["Y1", "2025", "100", "0"]])


if __name__ == "__main__":
    unittest.main()
