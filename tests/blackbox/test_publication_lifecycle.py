"""A period's lifecycle around publication (SPEC §4, §10, issue 7 item 4): the ranking
configuration is checked when it is set (a quota of 120 % is a 400 at once) and editable
until publication; the group -> index set mapping is locked once the self-assessment opens;
a period may be created with the default schedule of seed 002."""

import datetime
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import api, assert_error, new_province, psql_super, unique  # noqa: E402

NODES = [
    {"code": "1.1", "content": 1, "title": "Kết quả nhiệm vụ được giao", "max_points": 45, "step": 0.25},
    {"code": "2.1", "content": 2, "title": "Cải cách thủ tục hành chính", "max_points": 35, "step": 0.25},
    {"code": "3.1", "content": 3, "title": "Khảo sát sự hài lòng", "max_points": 12, "step": 0.01},
    {"code": "4.1", "content": 4, "title": "Đánh giá của lãnh đạo tỉnh", "max_points": 5, "step": 0.25},
    {"code": "5.1", "content": 5, "title": "Sáng kiến được công nhận", "max_points": 3, "step": 0.25},
    {"code": "6.1", "content": 6, "title": "Vi phạm kỷ luật, kỷ cương", "max_points": 2, "step": 0.25},
]


class TestLifecycle(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = new_province()
        t = cls.p["token"]
        st, _, _ = api("POST", "/api/v1/agency-groups", {"code": "01", "name": "Sở, ban, ngành"},
                       token=t)
        assert st in (200, 201)

    def _create(self, **extra):
        body = {"code": unique("K"), "name": "Kỳ đánh giá 2025", "year": 2025}
        body.update(extra)
        return api("POST", "/api/v1/periods", body, token=self.p["token"])

    def test_config_checked_when_set(self):
        before = psql_super("SELECT count(*) FROM catalog.periods WHERE province_id = :'p'",
                            {"p": self.p["id"]})
        r = self._create(config='{"ranking": {"quota_percent": 120}}')
        assert_error(self, r, 400, "invalid_config")
        self.assertEqual(r[1]["error"]["field"], "quota_percent")
        r = self._create(config='{"ranking": {"bands": [{"code": "good", "min_pct": 75}]}}')
        assert_error(self, r, 400, "invalid_config")
        assert_error(self, self._create(config='{"ranking": []}'), 400, "invalid_config")
        assert_error(self, self._create(config='[1]'), 400, "invalid_config")
        after = psql_super("SELECT count(*) FROM catalog.periods WHERE province_id = :'p'",
                           {"p": self.p["id"]})
        self.assertEqual(before, after)     # nothing stored

        st, per, _ = self._create(config='{"ranking": {"quota_percent": 15}}')
        self.assertEqual(st, 200, per)
        path = f"/api/v1/periods/{per['id']}/config"
        t = self.p["token"]
        assert_error(self, api("PUT", path, {"config": '{"ranking": {"quota_percent": 120}}'},
                               token=t), 400, "invalid_config")
        st, got, _ = api("PUT", path, {"config": '{"ranking": {"quota_percent": 25}}'}, token=t)
        self.assertEqual(st, 200, got)
        self.assertIn("25", got["config"])
        viewer_resp = api("PUT", path, {"config": "{}"}, token=self.p["sysadmin_token"])
        self.assertIn(viewer_resp[0], (403, 404))
        other = new_province()
        assert_error(self, api("PUT", path, {"config": "{}"}, token=other["token"]), 404,
                     "not_found")

    def test_default_schedule(self):
        st, per, _ = self._create(default_phases=True)
        self.assertEqual(st, 200, per)
        phases = {p["phase"]: p for p in per["phases"]}
        self.assertEqual(set(phases), {"self_assessment", "survey", "appraisal_1", "explanation",
                                       "appraisal_2", "leadership", "publication", "appeal"})
        tz = datetime.timezone(datetime.timedelta(hours=7))     # Asia/Ho_Chi_Minh

        def local(ts):
            return datetime.datetime.fromtimestamp(ts, tz).strftime("%d/%m/%Y %H:%M")
        self.assertEqual(local(phases["self_assessment"]["closes_at"]), "15/12/2025 00:00")
        self.assertEqual(local(phases["appraisal_1"]["opens_at"]), "15/12/2025 00:00")
        self.assertEqual(local(phases["appraisal_2"]["closes_at"]), "25/12/2025 00:00")
        self.assertEqual(phases["explanation"]["opens_at"], phases["appraisal_1"]["closes_at"])
        self.assertEqual(phases["explanation"]["closes_at"], phases["appraisal_2"]["opens_at"])
        self.assertEqual(local(phases["publication"]["closes_at"]), "31/12/2025 00:00")
        self.assertEqual(phases["appeal"]["opens_at"], phases["publication"]["closes_at"])
        # Without the flag, no schedule.
        st, bare, _ = self._create()
        self.assertEqual(st, 200, bare)
        self.assertFalse(bare.get("phases"))

    def test_index_sets_locked_once_self_assessment_opens(self):
        t = self.p["token"]
        st, per, _ = self._create()
        self.assertEqual(st, 200, per)
        sets = []
        for _ in range(2):
            st, iset, _ = api("POST", "/api/v1/index-sets", {
                "code": unique("IS"), "name": "Bộ chỉ số", "group_code": "01", "year": 2025,
                "contents": [], "nodes": NODES}, token=t)
            self.assertEqual(st, 200, iset)
            sets.append(iset["id"])
        base = f"/api/v1/periods/{per['id']}"
        self.assertEqual(api("PUT", f"{base}/index-sets/01", {"index_set_id": sets[0]},
                             token=t)[0], 200)
        # Still changeable while the self-assessment lies ahead.
        now = int(time.time())
        self.assertEqual(api("PUT", f"{base}/phases/self_assessment",
                             {"opens_at": now + 3600, "closes_at": now + 86400}, token=t)[0], 200)
        self.assertEqual(api("PUT", f"{base}/index-sets/01", {"index_set_id": sets[1]},
                             token=t)[0], 200)
        self.assertEqual(api("PUT", f"{base}/phases/self_assessment",
                             {"opens_at": now - 60, "closes_at": now + 86400}, token=t)[0], 200)
        assert_error(self, api("PUT", f"{base}/index-sets/01", {"index_set_id": sets[0]},
                               token=t), 409, "index_sets_locked")
        rows = psql_super("SELECT index_set_id FROM catalog.period_index_sets WHERE period_id = :'p'",
                          {"p": per["id"]})
        self.assertEqual(rows, [[str(sets[1])]])


if __name__ == "__main__":
    unittest.main()
