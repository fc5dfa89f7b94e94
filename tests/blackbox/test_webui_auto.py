"""Automatic leaves (SPEC §12) in a real browser (webui_driver.py): the self-assessment grid
does not offer them and does not count them as missing (its progress, the submit
confirmation); the scorecard says what stands behind their value with the language's
decimal mark, that the portal has no data, or that the metric does not apply (then the leaf
is N/A: no counted value, like any N/A leaf). Each screen is checked with axe-core and at
390 px (check_screen).

Skipped only when chromium or chromedriver is not installed."""

import json
import os
import time
import unittest

from harness import api, env, new_agencies, new_province, new_user, ok, unique
from webui_driver import AXE, WebDriver

P = "/api/v1/periods"
NODES = [
    {"code": "1.1", "content": 1, "title": "Kế hoạch công tác năm", "max_points": 45, "step": 0.25},
    {"code": "2.1", "content": 2, "title": "Cải cách thủ tục hành chính", "max_points": 22, "step": 0.25},
    {"code": "2.2", "content": 2, "title": "Tỷ lệ hồ sơ giải quyết đúng hạn", "max_points": 7,
     "step": 0.25, "auto": {"metric": "TDGQ.1", "formula": "ratio"}},
    {"code": "2.4", "content": 2, "title": "Công khai, minh bạch (CKMB)", "max_points": 6,
     "step": 0.25, "auto": {"metric": "CKMB", "formula": "score"}},
    {"code": "3.1", "content": 3, "title": "Khảo sát sự hài lòng", "max_points": 12, "step": 0.01},
    {"code": "4.1", "content": 4, "title": "Đánh giá của lãnh đạo tỉnh", "max_points": 5, "step": 0.25},
    {"code": "5.1", "content": 5, "title": "Sáng kiến được công nhận", "max_points": 3, "step": 0.25},
    {"code": "6.1", "content": 6, "title": "Vi phạm kỷ luật, kỷ cương", "max_points": 2, "step": 0.25},
]


class TestWebUIAutomaticLeaves(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(AXE):
            raise AssertionError("axe-core is not installed: run scripts/install-deps")
        cls.p = new_province()
        admin = cls.admin = cls.p["token"]
        cls.codes, cls.ids = new_agencies(cls.p, (
            ("A", "Sở Nội vụ thử nghiệm"), ("B", "Sở Tư pháp thử nghiệm"), ("C", "Sở Y tế thử nghiệm")))
        iset = ok(api("POST", "/api/v1/index-sets", {
            "code": unique("IS"), "name": "Bộ chỉ số tự động", "group_code": "01", "year": 2025,
            "contents": [], "nodes": NODES}, token=admin), "index set")
        cls.period = ok(api("POST", P, {"code": unique("K"), "name": "Kỳ thử tự động 2025", "year": 2025},
                            token=admin), "period")["id"]
        ok(api("PUT", f"{P}/{cls.period}/index-sets/01", {"index_set_id": iset["id"]}, token=admin), "set")
        now = int(time.time())
        ok(api("PUT", f"{P}/{cls.period}/phases/self_assessment",
               {"opens_at": now - 60, "closes_at": now + 86400}, token=admin), "phase")
        cls.editor = new_user(cls.p, ["agency_editor"], cls.ids["A"])
        # the portal's feed: A has both metrics, C a zero denominator (does not apply), B nothing
        key = ok(api("POST", "/api/v1/portal/keys", {"name": unique("k"), "province_id": cls.p["id"]},
                     token=cls.p["sysadmin_token"]), "key")["key"]
        recs = [{"agencyCode": cls.codes["A"], "period": "2025", "groups": [
                    {"code": "TDGQ", "score": 18, "maxScore": 20, "metrics": [
                        {"code": "TDGQ.1", "name": "Đúng hạn", "numerator": 980, "denominator": 1000}]},
                    {"code": "CKMB", "score": 17.5, "maxScore": 18}]},
                {"agencyCode": cls.codes["C"], "period": "2025", "groups": [
                    {"code": "TDGQ", "score": 0, "maxScore": 20, "metrics": [
                        {"code": "TDGQ.1", "name": "Đúng hạn", "numerator": 0, "denominator": 0}]}]}]
        doc = json.dumps({"province": cls.p["code"], "records": recs}, ensure_ascii=False)
        ok(api("POST", "/api/v1/portal/batches", raw=doc,
               headers={"X-API-Key": key, "Content-Type": "application/json"}), "feed")
        cls.base = env("CHISO_URL").rstrip("/")
        cls.wd = WebDriver()

    @classmethod
    def tearDownClass(cls):
        wd = getattr(cls, "wd", None)
        if wd:
            wd.quit()

    def sign_in(self, login, password):
        self.wd.sign_in(self.base, login, password)

    def open(self, route):
        self.wd.js("location.hash = arguments[0]", f"{route}?period={self.period}")
        time.sleep(0.3)
        self.wd.idle()

    def auto_line(self, leaf):
        return self.wd.text(f'[data-auto-leaf="{leaf}"]')

    def test_1_self_grid(self):
        wd = self.wd
        self.sign_in(self.editor["login"], self.editor["password"])
        self.open("#/self")
        self.assertTrue(wd.enabled("#leaf-1-1-score"))
        self.assertFalse(wd.enabled("#leaf-2-2-score"))
        self.assertIn("tự động TDGQ.1 (tỷ lệ)", wd.text("#content-2"))
        # 1.1, 2.1, 5.1 and 6.1 are the agency's to score, not 2.2 nor 2.4
        self.assertIn("0/4 chỉ số đã chấm", wd.text("#sa-progress"))
        for leaf, v in (("1-1", "40"), ("2-1", "20"), ("5-1", "1"), ("6-1", "0")):
            wd.type(f"#leaf-{leaf}-score", v)
        wd.click("#save")
        wd.wait_text("#sa-progress", lambda s: "4/4 chỉ số đã chấm" in s)
        wd.check_screen(self, "auto-self")

    def test_2_scorecard(self):
        wd = self.wd
        self.sign_in(self.p["admin_login"], self.p["admin_password"])
        self.open(f"#/scorecard/{self.ids['A']}")
        self.assertIn("TDGQ.1 = 980/1000", self.auto_line("2.2"))
        self.assertIn("CKMB = điểm 17,5/18", self.auto_line("2.4"))
        self.assertIn("kỳ 2025", self.auto_line("2.4"))
        wd.check_screen(self, "auto-scorecard")
        wd.click("#lang")
        wd.wait_text('[data-auto-leaf="2.4"]', lambda s: "score 17.5/18" in s)
        wd.click("#lang")
        wd.wait_text('[data-auto-leaf="2.4"]', lambda s: "điểm 17,5/18" in s)
        self.open(f"#/scorecard/{self.ids['B']}")
        self.assertIn("chưa có dữ liệu chỉ số TDGQ.1", self.auto_line("2.2"))
        # C: the portal says TDGQ.1 does not apply: N/A, no counted value
        self.open(f"#/scorecard/{self.ids['C']}")
        self.assertIn("không áp dụng", self.auto_line("2.2"))
        row = wd.js("""const tr = document.querySelector('[data-auto-leaf="2.2"]').closest('tr');
            return [tr.querySelector('.tag') ? tr.querySelector('.tag').textContent : '',
                    tr.lastElementChild.textContent]""")
        self.assertEqual(row[1].strip()[-1:], "—", row)
        self.assertNotEqual(row[0], "", row)


if __name__ == "__main__":
    unittest.main()
