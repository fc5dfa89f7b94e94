"""The web UI in a real browser (Debian's chromium over WebDriver, see webui_driver.py): one
walk per role through its part of the yearly cycle, through the UI only, each screen checked
with axe-core (no serious or critical violation), shot at 1366x900 and 390x844 and free of
horizontal scrolling at 390 px.

The province, its agencies, index set, period and users are made through the API (that is
the admin's set-up, walked in the UI by test_8); phases are opened through the API as the
year goes on. The walks run in order (test_1 ... test_9): the editor and head fill and
submit, the appraiser scores round 1 and asks a specialist, the specialist answers, the head
explains a lowered leaf, the leader scores content 4 and orders a tie, the surveyor prepares
a questionnaire and invitations, a citizen answers on a phone, the admin runs the province,
the viewer reads; then (test_9z) version 1 is published and appealed, answered and followed
by version 2. Screenshot names: <step>-1366.png and <step>-390.png (listed in
docs/webui.md).

Skipped only when chromium or chromedriver is not installed (scripts/install-deps adds them
and axe-core)."""

import os
import struct
import tempfile
import time
import unittest
import zlib

from harness import api, env, new_agencies, new_province, new_user, ok, unique
from webui_driver import AXE, CHROMEDRIVER, CHROMIUM, PHONE, WIDE, WebDriver

P = "/api/v1/periods"
BANDS_VI = ("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ",
            "Không hoàn thành nhiệm vụ")
VI_LETTERS = "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỷỹý"

NODES = [
    {"code": "1.1", "content": 1, "title": "Kế hoạch công tác năm", "max_points": 20, "step": 0.25,
     "guidance": "Ban hành đúng hạn: 20 điểm; chậm: 10 điểm."},
    {"code": "1.2", "content": 1, "title": "Kết quả nhiệm vụ được giao", "max_points": 25, "step": 0.5},
    {"code": "2.1", "content": 2, "title": "Cải cách thủ tục hành chính", "max_points": 35, "step": 0.25,
     "evidence_required": True},
    {"code": "3.1", "content": 3, "title": "Khảo sát sự hài lòng", "max_points": 12, "step": 0.01},
    {"code": "4.1", "content": 4, "title": "Đánh giá của lãnh đạo tỉnh", "max_points": 5, "step": 0.25},
    {"code": "5.1", "content": 5, "title": "Sáng kiến được công nhận", "max_points": 3, "step": 0.25},
    {"code": "6.1", "content": 6, "title": "Vi phạm kỷ luật, kỷ cương", "max_points": 2, "step": 0.25},
]
# A one-page PDF: libmagic sees application/pdf, an accepted evidence type.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
       b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def png(w, h, rgb):
    """A plain w x h PNG of one colour (an image evidence the workbench previews)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@unittest.skipUnless(CHROMIUM and CHROMEDRIVER, "chromium and chromium-driver are not installed")
class TestWebUI(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(AXE):
            raise AssertionError("axe-core is not installed: run scripts/install-deps")
        cls.p = new_province()
        admin = cls.admin = cls.p["token"]
        cls.codes, cls.ids = new_agencies(cls.p, (
            ("A", "Sở Nội vụ thử nghiệm"), ("B", "Sở Tư pháp thử nghiệm"),
            ("C", "Sở Y tế thử nghiệm"), ("D", "Sở Xây dựng thử nghiệm")))
        iset = ok(api("POST", "/api/v1/index-sets", {
            "code": unique("IS"), "name": "Bộ chỉ số thử giao diện", "group_code": "01",
            "year": 2025, "contents": [], "nodes": NODES}, token=admin), "index set")
        cls.set_id = iset["id"]
        cls.period = ok(api("POST", P, {"code": unique("K"), "name": "Kỳ đánh giá thử 2025", "year": 2025},
                            token=admin), "period")["id"]
        ok(api("PUT", f"{P}/{cls.period}/index-sets/01", {"index_set_id": iset["id"]}, token=admin), "set")
        cls.open_phase("self_assessment")
        cls.open_phase("survey")
        A, B = cls.ids["A"], cls.ids["B"]
        cls.head = new_user(cls.p, ["agency_head"], A)
        cls.editor = new_user(cls.p, ["agency_editor"], A)
        cls.appraiser = new_user(cls.p, ["appraiser"])
        cls.specialist = new_user(cls.p, ["specialist"], B)
        cls.leader = new_user(cls.p, ["leader"])
        cls.surveyor = new_user(cls.p, ["surveyor"])
        cls.viewer = new_user(cls.p, ["viewer"])
        ok(api("PUT", f"{P}/{cls.period}/council/{cls.appraiser['id']}",
               {"scopes": [{"prefix": "1", "group_code": "01"}, {"prefix": "2", "group_code": "01"},
                           {"prefix": "5", "group_code": "01"}, {"prefix": "6", "group_code": "01"}]},
               token=admin), "council")
        ok(api("PUT", f"{P}/{cls.period}/leaders/{cls.leader['id']}/agencies",
               {"agency_ids": [A, B, cls.ids["C"], cls.ids["D"]]}, token=admin), "leader")
        cls.base = env("CHISO_URL").rstrip("/")
        cls.tmp = tempfile.mkdtemp(prefix="chiso-webui-files.")
        cls.pdf = os.path.join(cls.tmp, "ke-hoach-cchc.pdf")
        cls.wrong = os.path.join(cls.tmp, "nham-tep.pdf")
        for path in (cls.pdf, cls.wrong):
            with open(path, "wb") as f:
                f.write(PDF)
        cls.png = os.path.join(cls.tmp, "so-do-to-chuc.png")
        with open(cls.png, "wb") as f:
            f.write(png(160, 90, (11, 92, 173)))
        cls.links = []
        cls.wd = WebDriver()

    @classmethod
    def tearDownClass(cls):
        wd = getattr(cls, "wd", None)
        if wd:
            wd.quit()

    @classmethod
    def open_phase(cls, phase, closed=False):
        now = int(time.time())
        window = {"opens_at": now - 7200, "closes_at": now - 3600} if closed else \
            {"opens_at": now - 60, "closes_at": now + 86400}
        ok(api("PUT", f"{P}/{cls.period}/phases/{phase}", window, token=cls.admin), "phase " + phase)

    # --- helpers ------------------------------------------------------------------------------

    def get(self, path, token=None):
        return ok(api("GET", path, token=token or self.admin), path)

    def self_assessment(self):
        return self.get(f"{P}/{self.period}/agencies/{self.ids['A']}/self-assessment")

    def sign_in(self, user, password=None):
        """Fresh page, sign in through the form, wait for the dashboard."""
        self.wd.size(*WIDE)
        login = user if isinstance(user, str) else user["login"]
        self.wd.sign_in(self.base, login, password or user["password"])

    def go(self, route):
        """Open a screen by its menu entry, as a user would; the menu marks it current when
        its drawing starts (the hash change comes after the click), then wait for it."""
        self.wd.click(f"#nav-{route}")
        deadline = time.time() + 30
        while time.time() < deadline and not self.wd.js(
                "const a = document.querySelector(arguments[0]);"
                "return !!a && a.getAttribute('aria-current') === 'page'", f"#nav-{route}"):
            time.sleep(0.1)
        self.wd.idle()

    def preview_image(self, scope):
        """The natural size of the evidence image previewed in scope, once it has loaded."""
        deadline = time.time() + 20
        size = None
        while time.time() < deadline:
            size = self.wd.js("""const i = document.querySelector(arguments[0] + ' details.preview img.preview-img');
                return i && i.complete && i.naturalWidth ? [i.naturalWidth, i.naturalHeight] : null""", scope)
            if size:
                break
            time.sleep(0.2)
        return size

    def flash(self, predicate, timeout=60):
        return self.wd.wait_text("#flash", predicate, timeout=timeout)

    def no_error(self):
        self.assertEqual(self.wd.js("return document.querySelector('#app-error').textContent"), "")

    # --- 1: the agency's editor and head --------------------------------------------------------

    def test_1_editor_and_head(self):
        wd = self.wd
        self.sign_in(self.editor)
        self.assertEqual(wd.js("return document.documentElement.lang"), "vi")
        self.assertIn("Tự đánh giá", wd.text("#task-self"))
        wd.check_screen(self, "editor-home")
        self.go("self")
        self.no_error()
        self.assertIn("Nội dung 1", wd.text("#content-1 legend"))
        self.assertFalse(wd.enabled('input[data-leaf="3.1"]'))      # content 3 is the surveys'
        self.assertIsNone(wd.js("return document.querySelector('#submit')"))   # the head's
        wd.type('input[data-leaf="1.1"]', "12,5")                    # the Vietnamese decimal comma
        wd.type('input[data-note-leaf="1.1"]', "Kế hoạch ban hành đúng hạn")
        wd.click("#save")
        self.flash(lambda s: "Đã lưu 1 chỉ số" in s)
        leaves = {l["leaf_code"]: l for l in self.self_assessment()["leaves"]}
        self.assertEqual(leaves["1.1"]["score"], 12.5)

        # An out-of-range score: the Vietnamese error beside that leaf, nothing stored.
        wd.type('input[data-leaf="1.2"]', "30")
        wd.type('input[data-leaf="2.1"]', "10")
        wd.click("#save")
        err = wd.wait_text('[data-err-leaf="1.2"]', lambda s: s.strip() != "")
        self.assertRegex(err, f"[{VI_LETTERS}]")
        self.assertIn("1.2", err)
        self.assertEqual(wd.attribute('input[data-leaf="1.2"]', "aria-invalid"), "true")
        self.assertIsNone({l["leaf_code"]: l for l in self.self_assessment()["leaves"]}["2.1"].get("score"))
        wd.check_screen(self, "self-error")
        wd.click("#lang")                                             # the API's English message
        wd.idle()
        wd.wait_text('[data-err-leaf="1.2"]', lambda s: "must be between" in s)
        wd.click("#lang")
        wd.idle()
        wd.type('input[data-leaf="1.2"]', "20")
        wd.click("#save")
        self.flash(lambda s: "Đã lưu 2 chỉ số" in s)

        # Evidence: a file for 2.1 (required there) and a document reference for 1.1.
        wd.js("document.querySelector('#leaf-2-1-more').open = true")
        wd.upload("#ev-2-1-file", self.pdf)
        wd.click("#ev-2-1-upload")
        self.flash(lambda s: "ke-hoach-cchc.pdf" in s)
        wd.wait_text("#leaf-2-1-more ul.evidence", lambda s: "ke-hoach-cchc.pdf" in s)
        # A wrong file on 1.2, removed again (with a confirmation).
        wd.js("document.querySelector('#leaf-1-2-more').open = true")
        wd.upload("#ev-1-2-file", self.wrong)
        wd.click("#ev-1-2-upload")
        self.flash(lambda s: "nham-tep.pdf" in s)
        wd.click("#leaf-1-2-more button[id^=ev-remove-]")
        wd.click("#dlg-yes")
        self.flash(lambda s: "Đã xoá «nham-tep.pdf»" in s)
        self.assertEqual({l["leaf_code"]: l for l in self.self_assessment()["leaves"]}["1.2"].get("evidence", []), [])
        wd.js("document.querySelector('#leaf-1-1-more').open = true")
        wd.type("#doc-1-1-number", "15/KH-SNV")
        wd.set_value("#doc-1-1-date", "2025-01-15")
        wd.type("#doc-1-1-issuer", "Sở Nội vụ thử nghiệm")
        wd.type("#doc-1-1-title", "Kế hoạch cải cách hành chính năm 2025")
        wd.click("#doc-1-1-add")
        self.flash(lambda s: "15/KH-SNV" in s)
        leaves = {l["leaf_code"]: l for l in self.self_assessment()["leaves"]}
        self.assertEqual([e["file_name"] for e in leaves["2.1"]["evidence"]], ["ke-hoach-cchc.pdf"])
        self.assertEqual(leaves["1.1"]["evidence"][0]["number"], "15/KH-SNV")
        # an image for 1.1, shown in place in the grid on demand
        wd.upload("#ev-1-1-file", self.png)
        wd.click("#ev-1-1-upload")
        self.flash(lambda s: "so-do-to-chuc.png" in s)
        wd.click('#leaf-1-1-more details.preview summary')
        self.assertEqual(self.preview_image('#leaf-1-1-more'), [160, 90])
        self.assertIn("3/5 chỉ số đã chấm; 0 thiếu tài liệu", wd.text("#sa-progress"))
        wd.js("document.querySelector('#leaf-2-1-more').scrollIntoView()")
        wd.check_screen(self, "self-evidence")

        # Leaving with an unsaved edit asks first; "Huỷ" stays.
        wd.type('input[data-leaf="5.1"]', "1")
        wd.wait_text("#sa-unsaved", lambda s: "chưa lưu" in s)
        wd.click("#nav-home")
        wd.find("#dlg")
        wd.click("#dlg-no")
        self.assertTrue(self.wd.js("return location.hash.startsWith('#/self')"))
        wd.type('input[data-leaf="5.1"]', "")
        wd.click("#logout")

        # The head: submit, with the confirmation listing what is missing.
        self.sign_in(self.head)
        self.go("self")
        wd.click("#submit")
        wd.find("#dlg")
        missing = wd.text("#missing-list")
        self.assertIn("5.1: chưa chấm điểm", missing)
        self.assertIn("6.1: chưa chấm điểm", missing)
        wd.check_screen(self, "head-submit-confirm")
        wd.click("#dlg-yes")
        self.flash(lambda s: "Đã nộp" in s)
        self.assertEqual(self.self_assessment()["state"], "submitted")
        self.assertFalse(wd.enabled('input[data-leaf="1.1"]'))
        self.assertIn("Chỉ xem", wd.text("#sa-readonly"))
        # Withdraw and submit again.
        wd.click("#withdraw")
        self.flash(lambda s: "Đã rút lại" in s)
        self.assertEqual(self.self_assessment()["state"], "draft")
        wd.click("#submit")
        wd.click("#dlg-yes")
        self.flash(lambda s: "Đã nộp" in s)
        wd.check_screen(self, "head-submitted")
        self.go("scorecard")
        self.assertIn("12,50", wd.text("#scorecard"))
        wd.check_screen(self, "head-scorecard")

    # --- 2: the appraiser ------------------------------------------------------------------------

    def test_2_appraiser(self):
        wd = self.wd
        if self.self_assessment()["state"] != "submitted":
            self.skipTest("the self-assessment was not submitted (test_1 failed)")
        self.open_phase("self_assessment", closed=True)
        self.open_phase("appraisal_1")
        self.sign_in(self.appraiser)
        self.assertIn("Thẩm định vòng 1", wd.text("#task-appraise"))
        wd.check_screen(self, "appraiser-home")
        self.go("appraise")
        self.assertIn("chỉ số 1* nhóm 01", wd.text("#my-scopes"))
        wd.check_screen(self, "appraiser-list")
        wd.click(f'a[data-agency-link="{self.codes["A"]}"]')
        wd.idle()
        self.no_error()
        self.assertIn("12,50", wd.text('[data-apr-leaf="1.1"]'))          # the self score beside
        self.assertIn("ke-hoach-cchc.pdf", wd.text('[data-apr-leaf="2.1"]'))   # and its evidence
        # evidence shown in place: the image, and the PDF framed from the preview route (sent
        # inline, framable by this origin only, nosniff)
        wd.click('[data-apr-leaf="1.1"] details.preview summary')
        self.assertEqual(self.preview_image('[data-apr-leaf="1.1"]'), [160, 90])
        wd.click('[data-apr-leaf="2.1"] details.preview summary')
        wd.find('[data-apr-leaf="2.1"] iframe.preview-pdf')       # added when the toggle event comes
        frame = wd.js("""const f = document.querySelector('[data-apr-leaf="2.1"] iframe.preview-pdf');
            return f && {src: f.getAttribute('src'), title: f.title}""")
        self.assertRegex(frame["src"], r"^/api/v1/evidence/\d+/preview$")
        self.assertEqual(frame["title"], "Xem trước: ke-hoach-cchc.pdf")
        heads = wd.js("""return fetch(arguments[0]).then(r => ({status: r.status, type: r.headers.get('content-type'),
            disp: r.headers.get('content-disposition'), xfo: r.headers.get('x-frame-options'),
            nosniff: r.headers.get('x-content-type-options')}))""", frame["src"])
        self.assertEqual(heads, {"status": 200, "type": "application/pdf", "xfo": "SAMEORIGIN", "nosniff": "nosniff",
                                 "disp": "inline; filename=\"ke-hoach-cchc.pdf\"; filename*=UTF-8''ke-hoach-cchc.pdf"})
        deadline = time.time() + 20                 # the frame holds the PDF, not a refusal page
        while time.time() < deadline and wd.js("""const f = document.querySelector('[data-apr-leaf="2.1"] iframe.preview-pdf');
                const d = f.contentDocument; return d ? d.contentType : 'blocked'""") != "application/pdf":
            time.sleep(0.3)
        self.assertEqual(wd.js("""const d = document.querySelector('[data-apr-leaf="2.1"] iframe.preview-pdf').contentDocument;
            return d ? d.contentType : 'blocked'"""), "application/pdf")
        wd.type("#apr-1-1-r1", "10")
        wd.type("#apr-1-1-c1", "Kế hoạch ban hành chậm 10 ngày")
        wd.type("#apr-2-1-r1", "10")
        wd.click("#save-round")
        self.flash(lambda s: "Đã lưu 2 chỉ số" in s)
        ap = self.get(f"{P}/{self.period}/agencies/{self.ids['A']}/appraisal")
        r1 = {l["leaf_code"]: l.get("r1_score") for l in ap["leaves"]}
        self.assertEqual((r1["1.1"], r1["2.1"]), (10, 10))
        self.assertIn("2/5 chỉ số đã thẩm định vòng 1", wd.text("#apr-progress"))
        # N/A decision on 6.1, and an opinion request on 2.1 to the justice department.
        wd.js("document.querySelector('#apr-6-1-more').open = true")
        wd.click("#na-6-1-dec")
        wd.type("#na-6-1-why", "Cơ quan không có cán bộ thuộc diện xem xét kỷ luật")
        wd.click("#na-6-1-save")
        self.flash(lambda s: "6.1" in s)
        wd.js("document.querySelector('#apr-2-1-more').open = true")
        wd.choose("#op-2-1-agency", "Sở Tư pháp thử nghiệm")
        wd.type("#op-2-1-q", "Đề nghị cho ý kiến về tỷ lệ hồ sơ đúng hạn")
        wd.click("#op-2-1-send")
        self.flash(lambda s: "xin ý kiến" in s)
        ap = self.get(f"{P}/{self.period}/agencies/{self.ids['A']}/appraisal")
        leaves = {l["leaf_code"]: l for l in ap["leaves"]}
        self.assertTrue(leaves["6.1"].get("not_applicable"))
        self.assertEqual(leaves["2.1"]["opinions"][0]["specialist_agency_id"], self.ids["B"])
        wd.check_screen(self, "appraiser-agency")

    # --- 3: the specialist agency ----------------------------------------------------------------

    def test_3_specialist(self):
        wd = self.wd
        self.sign_in(self.specialist)
        self.assertIn("1 yêu cầu xin ý kiến", wd.text("#task-opinions"))
        self.go("opinions")
        self.assertIn("Sở Nội vụ thử nghiệm", wd.text("#view"))      # names, not ids
        wd.check_screen(self, "specialist-inbox")
        op = self.get(f"/api/v1/opinions?period_id={self.period}", token=self.specialist["token"])["opinions"][0]
        i = op["id"]
        wd.type(f"#answer-{i}", "Tỷ lệ đúng hạn 97%, đạt yêu cầu; kèm báo cáo và sơ đồ")
        # files chosen one by one, listed; a wrong one dropped before sending
        for path in (self.png, self.wrong, self.pdf):
            wd.upload(f"#answer-{i}-files", path)
        wd.wait_text(f"#answer-{i}-chosen", lambda s: "ke-hoach-cchc.pdf" in s)
        self.assertIn("nham-tep.pdf", wd.text(f"#answer-{i}-chosen"))
        wd.click(f'#answer-{i}-chosen button[data-unpick="nham-tep.pdf"]')
        wd.wait_text(f"#answer-{i}-chosen", lambda s: "nham-tep.pdf" not in s)
        self.assertIn("so-do-to-chuc.png", wd.text(f"#answer-{i}-chosen"))
        wd.check_screen(self, "specialist-answer-files")
        wd.click(f"#answer-{i}-send")
        self.flash(lambda s: "Đã gửi câu trả lời cùng 2 tệp" in s)
        ops = self.get(f"/api/v1/opinions?period_id={self.period}", token=self.specialist["token"])["opinions"]
        self.assertEqual(ops[0]["answer"], "Tỷ lệ đúng hạn 97%, đạt yêu cầu; kèm báo cáo và sơ đồ")
        self.assertEqual([f["file_name"] for f in ops[0]["files"]], ["so-do-to-chuc.png", "ke-hoach-cchc.pdf"])
        wd.wait_text(f'[data-opinion="{i}"] .opinion-files', lambda s: "ke-hoach-cchc.pdf" in s)
        wd.check_screen(self, "specialist-answered")
        # the appraiser reads the answer and its files in the workbench, the image in place
        self.sign_in(self.appraiser)
        self.go("appraise")
        wd.click(f'a[data-agency-link="{self.codes["A"]}"]')
        wd.idle()
        scope = f'[data-apr-leaf="2.1"] [data-opinion="{i}"]'
        self.assertIn("Tỷ lệ đúng hạn 97%", wd.text(scope))
        self.assertIn("ke-hoach-cchc.pdf", wd.text(scope + " .opinion-files"))
        wd.click(scope + " details.preview summary")
        self.assertEqual(self.preview_image(scope), [160, 90])
        src = wd.js("return document.querySelector(arguments[0]).getAttribute('src')", scope + " img.preview-img")
        self.assertRegex(src, r"^/api/v1/opinion-files/\d+/preview$")
        wd.js("document.querySelector(arguments[0]).scrollIntoView()", scope)
        wd.check_screen(self, "appraiser-opinion-files")

    # --- 4: the head explains a lowered leaf ---------------------------------------------------------

    def test_4_head_explains(self):
        wd = self.wd
        self.open_phase("appraisal_1", closed=True)
        self.open_phase("explanation")
        self.sign_in(self.head)
        self.assertIn("Giải trình", wd.text("#task-explain"))
        self.go("self")
        wd.find('[data-expl-row="1.1"]')
        wd.type("#expl-1-1", "Kế hoạch ban hành ngày 15/01, đúng hạn theo văn bản của tỉnh")
        wd.click("#expl-1-1-save")
        self.flash(lambda s: "giải trình" in s)
        sa = {l["leaf_code"]: l for l in self.self_assessment()["leaves"]}
        self.assertIn("đúng hạn", sa["1.1"]["explanation"])
        wd.js("document.querySelector('#explain-h').scrollIntoView()")
        wd.check_screen(self, "head-explanation")
        self.open_phase("explanation", closed=True)

    # --- 5: the provincial leader --------------------------------------------------------------------

    def test_5_leader(self):
        wd = self.wd
        self.open_phase("leadership")
        ok(api("POST", f"{P}/{self.period}/compute", {}, token=self.admin), "compute")   # C and D tie
        self.sign_in(self.leader)
        self.go("leader")
        self.assertIn("Sở Nội vụ thử nghiệm", wd.text("#assigned"))
        wd.check_screen(self, "leader-list")
        wd.click(f'a[data-agency-link="{self.codes["A"]}"]')
        wd.idle()
        wd.type("#ls-4-1", "4,5")
        wd.click("#ls-4-1-save")
        self.flash(lambda s: "Đã lưu 1" in s)
        sl = self.get(f"{P}/{self.period}/agencies/{self.ids['A']}/leader-scores")
        self.assertEqual(sl["leaves"][0]["scores"][0]["score"], 4.5)
        wd.check_screen(self, "leader-agency")
        # The tie of the untouched agencies: order it with the arrows and give a reason.
        wd.click("#back-list")
        wd.idle()
        wd.find("[data-tie-group] ol")
        first = wd.js("return document.querySelector('[data-tie-group] ol li').dataset.agency")
        wd.click("#tie-0-down-0")
        # dragging the row back to the top undoes it (the page's drag and drop handlers, driven
        # by the browser's own DragEvents), then the arrow again
        dragged = wd.js("""const ol = document.querySelector('[data-tie-group] ol'), rows = ol.querySelectorAll('li');
            const dt = new DataTransfer();
            const fire = (el, type) => el.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: dt}));
            fire(rows[1], 'dragstart'); fire(rows[0], 'dragover'); fire(rows[0], 'drop'); fire(ol, 'dragend');
            return Array.from(ol.querySelectorAll('li'), li => li.dataset.agency)""")
        self.assertEqual(dragged[0], first)
        self.assertEqual(wd.attribute("[data-tie-group] ol li", "draggable"), "true")
        wd.click("#tie-0-down-0")
        wd.type("#tie-0-reason", "Kết quả khảo sát cao hơn")
        wd.check_screen(self, "leader-ties")
        wd.click("#tie-0-save")
        self.flash(lambda s: "Đã ghi thứ tự" in s)
        tb = self.get(f"{P}/{self.period}/tiebreaks")
        cur = [x for x in tb.get("items", tb.get("tiebreaks", [])) if x.get("current")]
        self.assertEqual(len(cur), 1)
        self.assertEqual(cur[0]["reason"], "Kết quả khảo sát cao hơn")
        code_of = {v: k for k, v in self.ids.items()}
        self.assertNotEqual(self.codes[code_of[cur[0]["agency_ids"][0]]], first)   # moved down
        # Approval: the admin computes again (the score and the tie order above changed the
        # inputs); the leader approves that computation with a note on "Kết quả".
        ok(api("POST", f"{P}/{self.period}/compute", {}, token=self.admin), "compute")
        self.go("results")
        self.assertIn("chưa được phê duyệt", wd.text("#approval-state"))
        wd.type("#approve-note", "Đồng ý kết quả tính sau khi xếp thứ tự đồng hạng")
        wd.click("#approve")
        wd.wait_text("#approval-state", lambda s: "Đã phê duyệt" in s)
        snaps = self.get(f"{P}/{self.period}/snapshots")
        cur = [a for a in snaps.get("approvals", []) if a.get("current")]
        self.assertEqual(len(cur), 1, snaps.get("approvals"))
        self.assertEqual(cur[0]["note"], "Đồng ý kết quả tính sau khi xếp thứ tự đồng hạng")
        wd.check_screen(self, "leader-approval")

    # --- 6: the survey unit --------------------------------------------------------------------------

    def test_6_surveyor(self):
        wd = self.wd
        self.sign_in(self.surveyor)
        self.go("surveys")
        wd.check_screen(self, "surveyor-empty")
        wd.click("#q-new summary")
        code = unique("Q").upper()
        wd.type("#q-code", code)
        wd.type("#q-title", "Khảo sát sự hài lòng của người dân")
        wd.type("#q-questions", "3.1 | Bạn có hài lòng với thái độ phục vụ của cán bộ?")
        wd.click("#q-create")
        self.flash(lambda s: code in s)
        wd.wait_text("#questionnaires", lambda s: "Người dân" in s)
        wd.choose("#inv-agency", "Sở Nội vụ thử nghiệm")
        wd.type("#inv-count", "2")
        wd.click("#inv-create")
        self.flash(lambda s: "Đã tạo 2 thư mời cho Sở Nội vụ thử nghiệm" in s)
        links = wd.js("return Array.from(document.querySelectorAll('#inv-links a'), a => a.href)")
        self.assertEqual(len(links), 2)
        type(self).links = links
        # the printable sheet: each card shows its link and the server-drawn QR code of it,
        # a well-formed SVG the browser rendered (its width: the module count of the link's
        # QR version plus the quiet zone)
        qrs = wd.js("""return Array.from(document.querySelectorAll('#inv-links li.inv-card'), li => {
            const img = li.querySelector('img.qr'), a = li.querySelector('a');
            const svg = img.src.startsWith('data:image/svg+xml;base64,') ? atob(img.src.split(',')[1]) : '';
            const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
            return {link: a.href, text: a.textContent, loaded: img.complete && img.naturalWidth > 0,
                    alt: img.alt, root: doc.documentElement.nodeName,
                    box: doc.documentElement.getAttribute('viewBox')}; })""")
        self.assertEqual([x["link"] for x in qrs], links)
        for i, x in enumerate(qrs):
            self.assertEqual(x["text"], x["link"])
            self.assertTrue(x["loaded"], x)
            self.assertEqual(x["root"], "svg", x)
            self.assertEqual(x["alt"], f"Mã QR của thư mời {i + 1}")
            # level M byte-mode capacities of versions 1..7; version v is 17 + 4v modules
            side = next(17 + 4 * v for v, cap in enumerate((14, 26, 42, 62, 84, 106, 122), 1)
                        if len(x["link"].encode()) <= cap)
            self.assertEqual(x["box"], f"0 0 {side + 8} {side + 8}", x)
        wd.check_screen(self, "surveyor-invitations")
        # Responses collected on paper, imported as CSV.
        wd.type("#resp-import-text", f"agency_code,q1\n{self.codes['A']},4\n{self.codes['A']},5\n")
        wd.click("#resp-import-go")
        self.flash(lambda s: "Đã nhập 2 phiếu" in s)
        wd.click("#pts-compute")
        self.flash(lambda s: "Đã tính 1 giá trị" in s)
        wd.wait_text("#survey-points", lambda s: "Sở Nội vụ thử nghiệm" in s)
        wd.check_screen(self, "surveyor-points")

    # --- 7: a citizen answers on a phone -------------------------------------------------------------

    def test_7_public_survey(self):
        wd = self.wd
        if not self.links:
            self.skipTest("no invitation link (test_6 failed)")
        wd.get(self.base + "/")
        wd.js("sessionStorage.clear(); localStorage.clear();")
        wd.size(*PHONE)
        wd.get(self.links[0])
        wd.find("#survey-form")
        self.assertIn("Sở Nội vụ thử nghiệm", wd.text("#view"))
        self.assertLessEqual(wd.overflow(), 0)
        self.assertEqual(wd.axe(), [])
        wd.screenshot("survey-form-390.png")
        wd.click("#survey-send")                                     # nothing chosen: told so
        wd.wait_text("#survey-error", lambda s: "chưa trả lời" in s)
        height = wd.js("return document.querySelector('.likert-option').getBoundingClientRect().height")
        self.assertGreaterEqual(height, 44)                           # a large tap target
        wd.click("label.likert-option[for$='-5']")
        wd.click("#survey-send")
        wd.wait_text("#survey-thanks", lambda s: "Cảm ơn" in s)
        self.assertLessEqual(wd.overflow(), 0)
        wd.screenshot("survey-thanks-390.png")
        wd.js("location.reload()")
        wd.wait_text("#survey-used", lambda s: "đã được sử dụng" in s)
        wd.screenshot("survey-used-390.png")
        wd.size(*WIDE)

    # --- 8: the province admin -----------------------------------------------------------------------

    def test_8_admin(self):
        wd = self.wd
        self.sign_in(self.p["admin_login"], self.p["admin_password"])
        wd.check_screen(self, "admin-home")
        # On a phone the admin's eleven screens are one labelled menu in one row, and it works.
        wd.size(*PHONE)
        time.sleep(0.2)
        nav = wd.js("""const n = document.querySelector('#nav'), s = document.querySelector('#nav-compact');
            return {h: n.getBoundingClientRect().height, links: Array.from(n.querySelectorAll('a.navlink')).filter(a => a.offsetParent).length,
                    options: s.options.length, label: document.querySelector('label[for=nav-compact]').textContent}""")
        self.assertLess(nav["h"], 60, nav)
        self.assertEqual((nav["links"], nav["label"]), (0, "Chức năng"))
        self.assertGreaterEqual(nav["options"], 10)
        self.assertEqual(wd.axe(), [])
        wd.choose("#nav-compact", "Cơ quan, đơn vị")
        wd.idle()
        self.assertTrue(wd.js("return location.hash.startsWith('#/agencies')"))
        wd.screenshot("admin-menu-390.png")
        self.assertLessEqual(wd.overflow(), 0)
        wd.size(*WIDE)
        # Agencies: create one, a CSV import with a bad line names the line.
        self.go("agencies")
        wd.click("#ag-new summary")
        code = unique("SC").upper().replace("-", "")
        wd.type("#ag-code", code)
        wd.type("#ag-name", "Sở Công Thương thử nghiệm")
        wd.click("#ag-create")
        self.flash(lambda s: "Sở Công Thương thử nghiệm" in s)
        wd.click("#ag-import-box summary")
        wd.type("#ag-import-text", "group,code,name\n99,XX1,Cơ quan sai nhóm\n")
        wd.click("#ag-import-go")
        err = wd.wait_text("#ag-import-error", lambda s: s.strip() != "")
        self.assertIn("Dòng 2", err)
        wd.check_screen(self, "admin-agencies")
        # People and discipline of an agency.
        wd.click(f'tr[data-agency="{self.codes["A"]}"] a')
        wd.idle()
        wd.type("#pp-name", "Nguyễn Văn Thử")
        wd.click("#pp-add")
        self.flash(lambda s: "Nguyễn Văn Thử" in s)
        people = self.get(f"/api/v1/agencies/{self.ids['A']}/people")["items"]
        self.assertEqual(people[0]["full_name"], "Nguyễn Văn Thử")
        wd.check_screen(self, "admin-agency-people")
        # Users: create an appraiser.
        self.go("users")
        wd.click("#u-new summary")
        login = unique("tdinh")
        wd.type("#u-login", login)
        wd.type("#u-name", "Thẩm định viên mới")
        wd.type("#u-password", "mat-khau-du-dai-1")
        wd.click("#u-role-appraiser")
        wd.click("#u-create")
        self.flash(lambda s: login in s)
        wd.check_screen(self, "admin-users")
        # Index sets: the tree.
        self.go("index-sets")
        wd.click("#index-sets a")
        wd.idle()
        self.assertIn("Bắt buộc có tài liệu kiểm chứng", wd.text('[data-node="2.1"]'))
        wd.check_screen(self, "admin-index-tree")
        # The set in use has started: no editing, a note says why; a copy for next year is
        # edited node by node before use.
        self.assertIn("không sửa được nữa", wd.text("#set-frozen-note"))
        self.assertIsNone(wd.js("return document.querySelector('[data-edit-node]')"))
        copy_code = unique("IS26").upper().replace("-", "")
        wd.js("document.querySelector('#is-copy').closest('details').open = true")
        wd.type("#is-copy-code", copy_code)
        wd.click("#is-copy")
        wd.find('[data-edit-node="1.1"]')
        wd.idle()
        copy_id = [s["id"] for s in self.get("/api/v1/index-sets")["items"] if s["code"] == copy_code][0]
        # 1.1 gives two points to 1.2: alone it is refused with the import's own message
        wd.click('[data-edit-node="1.1"]')
        self.assertEqual(wd.js("return document.querySelector('#nd-code').value"), "1.1")
        self.assertEqual(wd.js("return document.querySelector('#nd-max').value"), "20")
        wd.type("#nd-max", "18")
        wd.type("#nd-guidance", "Ban hành đúng hạn: 18 điểm; chậm dưới 10 ngày: 9 điểm.")
        wd.click("#nd-stage")
        self.flash(lambda s: "1.1" in s)
        wd.click("#nd-save")
        err = wd.wait_text("#nd-save-error", lambda s: s.strip() != "")
        self.assertIn("Nội dung 1", err)
        self.assertEqual(self.get(f"/api/v1/index-sets/{copy_id}")["nodes"][0]["max_points"], 20)
        wd.click('[data-edit-node="1.2"]')
        wd.type("#nd-max", "27,5")                  # the decimal comma; 0,5 steps
        wd.click("#nd-stage")
        wd.click('[data-edit-node="1.2"]')          # 27,5 makes 45,5: corrected before saving
        self.assertEqual(wd.js("return document.querySelector('#nd-max').value"), "27,5")
        wd.type("#nd-max", "27")
        wd.click("#nd-stage")
        # a new automatic leaf under content 5, with bands and a required minimum
        wd.click("#nd-new")
        wd.type("#nd-code", "5.2")
        wd.choose("#nd-content", "Nội dung 5")
        wd.type("#nd-title", "Giải thưởng cải cách hành chính cấp tỉnh")
        wd.type("#nd-title-en", "Provincial administrative reform award")
        wd.type("#nd-max", "1")
        wd.type("#nd-required-min", "0,25")
        wd.type("#nd-auto-metric", "TDGQ.1")
        wd.choose("#nd-auto-formula", "bands")
        wd.type("#nd-auto-bands", "90 | 1\n80 | 0,5")
        wd.click("#nd-stage")
        self.assertEqual(wd.text("#pending-changes ul").count("\n") + 1, 3)
        self.assertIn("mới", wd.text('[data-node="5.2"]'))
        wd.js("document.querySelector('#pending-changes').scrollIntoView()")
        wd.check_screen(self, "admin-index-edit")
        wd.click("#nd-save")
        self.flash(lambda s: "Đã lưu 3 thay đổi" in s)
        nodes = {n["code"]: n for n in self.get(f"/api/v1/index-sets/{copy_id}")["nodes"]}
        self.assertEqual((nodes["1.1"]["max_points"], nodes["1.2"]["max_points"]), (18, 27))
        self.assertIn("18 điểm", nodes["1.1"]["guidance"])
        self.assertEqual(nodes["5.2"]["required_min"], 0.25)
        self.assertEqual(nodes["5.2"]["title_en"], "Provincial administrative reform award")
        self.assertEqual(nodes["5.2"]["auto"], {"metric": "TDGQ.1", "formula": "bands",
                                                "bands": [{"min_pct": 90, "points": 1},
                                                          {"min_pct": 80, "points": 0.5}]})
        self.assertIn("mức tối thiểu 0,25", wd.text('[data-node="5.2"]'))
        self.assertIn("tự động TDGQ.1 (bands)", wd.text('[data-node="5.2"]'))
        # A set imported from the CSV the screen exports (the set's code, name, group and
        # year typed beside it; the decimal comma; a quoted guidance with a comma).
        csv_path = os.path.join(self.tmp, "bo-chi-so-2026.csv")
        with open(csv_path, "w", encoding="utf-8") as f:
            f.write("code,parent_code,content,title,max_points,step,evidence_required,auto_source,guidance,"
                    "required_min,auto_metric,auto_formula,auto_bands,title_en\r\n"
                    "1.1,,1,Kế hoạch công tác năm,20,\"0,25\",0,,\"Đúng hạn: 20 điểm, chậm: 10 điểm\",,,,,Annual plan\r\n"
                    "1.2,,1,Kết quả nhiệm vụ được giao,25,\"0,5\",1,,,,,,,\r\n"
                    "2.1,,2,Cải cách thủ tục hành chính,35,,1,,,,TDGQ.1,bands,90:35;50:20,\r\n"
                    "3.1,,3,Khảo sát sự hài lòng,12,0.01,0,,,,,,,\r\n"
                    "4.1,,4,Đánh giá của lãnh đạo tỉnh,5,,0,,,,,,,\r\n"
                    "5.1,,5,Sáng kiến được công nhận,3,,0,,,1,,,,\r\n"
                    "6.1,,6,\"Vi phạm kỷ luật, kỷ cương\",2,,0,,,,,,,\r\n")
        self.go("index-sets")
        wd.upload("#is-file", csv_path)
        csv_code = unique("CSV").upper().replace("-", "")
        wd.type("#is-csv-code", csv_code)
        wd.type("#is-csv-name", "Bộ chỉ số nhập từ CSV")
        wd.choose("#is-csv-group", "01")
        wd.click("#is-import")
        self.flash(lambda s: csv_code in s)
        got = [s for s in self.get("/api/v1/index-sets")["items"] if s["code"] == csv_code][0]
        nodes = {n["code"]: n for n in self.get(f"/api/v1/index-sets/{got['id']}")["nodes"]}
        self.assertEqual((got["name"], got["year"]), ("Bộ chỉ số nhập từ CSV", time.gmtime().tm_year + 1))
        self.assertEqual((nodes["1.1"]["step"], nodes["1.1"]["title_en"]), (0.25, "Annual plan"))
        self.assertEqual(nodes["1.1"]["guidance"], "Đúng hạn: 20 điểm, chậm: 10 điểm")
        self.assertTrue(nodes["1.2"]["evidence_required"])
        self.assertEqual(nodes["2.1"]["auto"]["bands"], [{"min_pct": 90, "points": 35}, {"min_pct": 50, "points": 20}])
        self.assertEqual(nodes["5.1"]["required_min"], 1)
        self.assertEqual(nodes["6.1"]["title"], "Vi phạm kỷ luật, kỷ cương")
        # Periods: move the appeal phase in the schedule editor (province time).
        self.go("periods")
        wd.click("#ph-default")
        wd.click("#ph-appeal-save")
        self.flash(lambda s: "Phúc tra, kiến nghị" in s)
        phases = {x["phase"]: x for x in self.get(f"{P}/{self.period}/phases")["items"]}
        # 2025-12-31 00:00 in Asia/Ho_Chi_Minh
        self.assertEqual(phases["appeal"]["opens_at"], 1767114000)
        wd.check_screen(self, "admin-periods")
        # Council scopes and leader assignments.
        self.go("council")
        wd.wait_text(f'tr[data-user="{self.appraiser["login"]}"]', lambda s: "Người dùng" in s)
        wd.click(f"#sc-{self.appraiser['id']}-save")
        self.flash(lambda s: "Đã lưu phạm vi" in s)
        wd.check_screen(self, "admin-council")
        self.go("leaders")
        wd.click(f"#la-{self.leader['id']}-save")
        self.flash(lambda s: "Đã lưu phân công" in s)
        wd.check_screen(self, "admin-leaders")
        # Results: compute, the agency's row with a Vietnamese band, its scorecard.
        self.go("results")
        wd.click("#compute")
        row = f'#results tr[data-agency="{self.codes["A"]}"]'
        text = wd.wait_text(row, lambda s: "Sở Nội vụ thử nghiệm" in s, timeout=60)
        self.assertTrue(any(b in text for b in BANDS_VI), text)
        wd.check_screen(self, "admin-results")
        wd.click(f"{row} a")
        wd.idle()
        self.assertIn("Sở Nội vụ thử nghiệm", wd.text("#view"))
        wd.check_screen(self, "admin-scorecard")
        # Back and Forward, deep links.
        wd.cmd("POST", "/back", {})
        wd.idle()
        wd.find(row)
        wd.cmd("POST", "/forward", {})
        wd.idle()
        wd.find("#scorecard")
        # The audit trail, filtered by user.
        self.go("audit")
        wd.type("#au-user", self.p["admin_login"])
        wd.click("#au-filter")
        wd.idle()
        self.assertIn("user=", wd.js("return location.hash"))
        wd.wait_text("#audit", lambda s: self.p["admin_login"] in s)
        wd.check_screen(self, "admin-audit")
        wd.click("#lang")
        wd.idle()
        wd.wait_text("#view h1", lambda s: s == "Audit trail")
        wd.click("#lang")
        wd.idle()

    # --- 9: a viewer reads --------------------------------------------------------------------------

    def test_9_viewer(self):
        wd = self.wd
        self.sign_in(self.viewer)
        self.go("results")
        self.assertIsNone(wd.js("return document.querySelector('#compute')"))
        wd.find(f'#results tr[data-agency="{self.codes["A"]}"]')
        wd.check_screen(self, "viewer-results")
        self.go("periods")
        self.assertFalse(wd.enabled("#ph-appeal-opens"))
        wd.check_screen(self, "viewer-periods")

    # --- after publication: appeals and the next version (runs last: it publishes) ------------

    def test_9z_appeals(self):
        """Version 1 published (through the API: compute, a leader's approval, the admin's
        publication): the head's scorecard shows the published version and its SHA-256; the
        head lodges an appeal on two leaves with reasons and attaches a file; the appraiser
        answers both in the workbench (1.1 upheld with a new value, 2.1 rejected with a
        reason); the head reads the answers; the admin's appeals overview computes and
        publishes version 2; the public page shows what changed."""
        wd = self.wd
        A, code_a = self.ids["A"], self.codes["A"]
        self.open_phase("leadership", closed=True)
        self.open_phase("appeal")
        ok(api("POST", f"{P}/{self.period}/compute", {}, token=self.admin), "compute")
        ok(api("POST", f"{P}/{self.period}/approve", {"note": "Đồng ý kết quả"},
               token=self.leader["token"]), "approve")
        v1 = ok(api("POST", f"{P}/{self.period}/publish",
                    {"confirm_pending_heads": True, "reason": "Chưa có số liệu hồ sơ"},
                    token=self.admin), "publish")
        appeal_pdf = os.path.join(self.tmp, "bao-cao-khieu-nai.pdf")
        with open(appeal_pdf, "wb") as f:
            f.write(PDF)

        # The head: the published version on the scorecard, then the appeal.
        self.sign_in(self.head)
        self.assertIn("Phúc tra, kiến nghị", wd.text("#task-appeal"))
        self.go("scorecard")
        self.assertEqual(wd.attribute("#sc-version", "data-version"), "1")
        self.assertEqual(wd.text("#sc-sha"), v1["sha256"])
        self.assertIn(code_a, wd.text("#sc-group"))                   # its group as published
        self.assertIn("phiên bản 1", wd.text("#sc-result-h"))
        wd.check_screen(self, "head-published-scorecard")
        self.go("appeals")
        self.assertIn("phiên bản 1", wd.text("#appeal-state"))
        wd.click("#ap-leaf-1-1")
        wd.type("#ap-reason-1-1", "Kế hoạch ban hành ngày 15/01, đúng hạn; có văn bản kèm theo")
        wd.click("#ap-leaf-2-1")
        wd.type("#ap-reason-2-1", "Tỷ lệ hồ sơ đúng hạn đạt 97%")
        wd.click("#ap-lodge")
        self.flash(lambda s: "Đã gửi khiếu nại về 2 chỉ số" in s)
        wd.upload("#apf-1-1-file", appeal_pdf)
        wd.click("#apf-1-1-upload")
        self.flash(lambda s: "bao-cao-khieu-nai.pdf" in s)
        wd.wait_text('[data-appeal-item="1.1"]', lambda s: "bao-cao-khieu-nai.pdf" in s)
        self.assertIn("Chờ trả lời", wd.text('[data-appeal-item="2.1"]'))
        wd.check_screen(self, "head-appeal-lodged")
        mine = self.get(f"{P}/{self.period}/appeals", token=self.head["token"])
        self.assertEqual([i["leaf_code"] for i in mine["appeals"][0]["items"]], ["1.1", "2.1"])

        # The appraiser answers in the workbench.
        self.sign_in(self.appraiser)
        self.assertIn("Phúc tra, kiến nghị", wd.text("#task-appeals"))
        self.go("appraise")
        wd.click(f'a[data-agency-link="{code_a}"]')
        wd.idle()
        wd.choose("#aa-1-1-decision", "Chấp nhận")
        wd.type("#aa-1-1-value", "15")
        wd.type("#aa-1-1-answer", "Chấp nhận: kế hoạch ban hành đúng hạn")
        wd.click("#aa-1-1-save")
        self.flash(lambda s: "Đã trả lời khiếu nại chỉ số 1.1" in s)
        wd.js("document.querySelector('#appeal-answers-h').scrollIntoView()")
        wd.check_screen(self, "appraiser-appeal")
        wd.choose("#aa-2-1-decision", "Không chấp nhận")
        wd.type("#aa-2-1-answer", "Số liệu của Cổng cho thấy tỷ lệ đúng hạn 88%")
        wd.click("#aa-2-1-save")
        self.flash(lambda s: "Đã trả lời khiếu nại chỉ số 2.1" in s)

        # The head reads the answers; the scorecard says the working values moved.
        self.sign_in(self.head)
        self.go("appeals")
        upheld = wd.text('[data-appeal-item="1.1"]')
        self.assertIn("Chấp nhận", upheld)
        self.assertIn("15,00", upheld)
        self.assertIn("tỷ lệ đúng hạn 88%", wd.text('[data-appeal-item="2.1"]'))
        wd.check_screen(self, "head-appeal-answers")
        self.go("scorecard")
        self.assertEqual(wd.attribute("#sc-version", "data-differs"), "yes")
        self.assertIn("phiên bản 1", wd.text("#sc-differs"))

        # The admin: the overview, then version 2.
        self.sign_in(self.p["admin_login"], self.p["admin_password"])
        self.go("appeals")
        self.assertIn("0 chỉ số chờ trả lời", wd.text("#appeals-count"))
        wd.type("#ap-next-reason", "Trả lời khiếu nại của " + code_a)
        wd.click("#ap-next-pending")
        wd.check_screen(self, "admin-appeals")
        wd.click("#ap-publish")
        self.flash(lambda s: "Đã công bố phiên bản 2" in s, timeout=90)
        snaps = self.get(f"{P}/{self.period}/snapshots")["snapshots"]
        self.assertEqual([x["version"] for x in snaps], [1, 2])
        self.go("results")
        self.assertIn("phiên bản 2", wd.text("#results-published"))

        # The public page: version 2 and what changed from version 1.
        wd.get(f"{self.base}/public.html?p={self.p['code']}&k={self.period}&v=2")
        wd.wait_text("#msg", lambda s: "phiên bản 2" in s, timeout=30)
        self.assertEqual(wd.attribute("#check", "data-verified"), "yes")
        self.assertIn(code_a, wd.text("#change-list"))
        wd.check_screen(self, "public-changes")


if __name__ == "__main__":
    unittest.main()
