"""The web UI in a real browser: Debian's chromium driven by chromedriver over the W3C
WebDriver HTTP protocol (standard library only, no selenium).

The test builds its own province through the API (admin, group, agency, agency head, index
set, period with an open self-assessment phase), then in the browser: the head signs in,
enters a score and saves (the API shows it stored), enters an out-of-range score and sees the
Vietnamese error next to that leaf (nothing stored), fixes it, submits, reads the scorecard;
the admin signs in, computes and sees the
results table with the agency's row; the English toggle switches texts.

Skipped only when chromium or chromedriver is not installed (scripts/install-deps adds them).
CHISO_WEBUI_SCREENSHOT_DIR, when set, keeps the screenshots there (for a look by eye)."""

import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from harness import api, env, new_province, new_user, unique

P = "/api/v1/periods"
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
BANDS_VI = ("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ",
            "Không hoàn thành nhiệm vụ")

NODES = [
    {"code": "1.1", "content": 1, "title": "Kế hoạch công tác năm", "max_points": 20, "step": 0.25},
    {"code": "1.2", "content": 1, "title": "Kết quả nhiệm vụ được giao", "max_points": 25, "step": 0.5},
    {"code": "2.1", "content": 2, "title": "Cải cách thủ tục hành chính", "max_points": 35, "step": 0.25},
    {"code": "3.1", "content": 3, "title": "Khảo sát sự hài lòng", "max_points": 12, "step": 0.01},
    {"code": "4.1", "content": 4, "title": "Đánh giá của lãnh đạo tỉnh", "max_points": 5, "step": 0.25},
    {"code": "5.1", "content": 5, "title": "Sáng kiến được công nhận", "max_points": 3, "step": 0.25},
    {"code": "6.1", "content": 6, "title": "Vi phạm kỷ luật, kỷ cương", "max_points": 2, "step": 0.25},
]


def ok(resp, what):
    st, body, _ = resp
    if st not in (200, 201):
        raise AssertionError(f"{what}: HTTP {st} {body!r}")
    return body


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebDriver:
    """The few W3C WebDriver commands the test needs, over HTTP with urllib."""

    def __init__(self):
        self.port = free_port()
        self.profile = tempfile.mkdtemp(prefix="chiso-webui-profile.")
        self.log = open(os.path.join(self.profile, "chromedriver.log"), "wb")
        self.proc = subprocess.Popen([CHROMEDRIVER, f"--port={self.port}"], stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"
        self.session = None
        deadline = time.time() + 20
        while True:
            try:
                if self._call("GET", "/status").get("ready"):
                    break
            except (OSError, urllib.error.URLError):
                pass
            if time.time() > deadline or self.proc.poll() is not None:
                self.quit()
                raise AssertionError("chromedriver did not start")
            time.sleep(0.1)
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=1366,900",
                "--lang=vi-VN", f"--user-data-dir={os.path.join(self.profile, 'chrome')}"]}}}}
        try:
            self.session = self._call("POST", "/session", caps)["sessionId"]
        except Exception:
            self.quit()
            raise

    def _call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return json.loads(r.read().decode("utf-8")).get("value")
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace")[:500]
            raise AssertionError(f"webdriver {method} {path}: HTTP {e.code} {detail}") from None

    def cmd(self, method, path, body=None):
        return self._call(method, f"/session/{self.session}{path}", body)

    def quit(self):
        if self.session:
            try:
                self._call("DELETE", f"/session/{self.session}")
            except (AssertionError, OSError):
                pass
            self.session = None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    # --- page ---------------------------------------------------------------------------
    def get(self, url):
        self.cmd("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def find(self, css, timeout=10):
        """The first element matching css that is displayed, waiting for it."""
        deadline = time.time() + timeout
        while True:
            els = self.cmd("POST", "/elements", {"using": "css selector", "value": css})
            for el in els:
                eid = el[ELEMENT]
                if self.cmd("GET", f"/element/{eid}/displayed"):
                    return eid
            if time.time() > deadline:
                raise AssertionError(f"no visible element {css!r} within {timeout}s")
            time.sleep(0.1)

    def text(self, css, timeout=10):
        return self.cmd("GET", f"/element/{self.find(css, timeout)}/text")

    def wait_text(self, css, predicate, timeout=10):
        """The text of css once predicate(text) holds (the last text in the failure)."""
        deadline = time.time() + timeout
        last = None
        while True:
            try:
                last = self.text(css, timeout=0.5)
                if predicate(last):
                    return last
            except AssertionError:
                pass
            if time.time() > deadline:
                raise AssertionError(f"{css!r}: text {last!r} never matched")
            time.sleep(0.1)

    def idle(self, timeout=15):
        """Wait until the page has drawn its current view (#view loses aria-busy)."""
        deadline = time.time() + timeout
        while self.js("return document.querySelector('#view').hasAttribute('aria-busy')"):
            if time.time() > deadline:
                raise AssertionError("the view is still loading")
            time.sleep(0.1)

    def enabled(self, css):
        return self.cmd("GET", f"/element/{self.find(css)}/enabled")

    def attribute(self, css, name):
        return self.cmd("GET", f"/element/{self.find(css)}/attribute/{name}")

    def click(self, css):
        self.cmd("POST", f"/element/{self.find(css)}/click", {})

    def type(self, css, text):
        eid = self.find(css)
        self.cmd("POST", f"/element/{eid}/clear", {})
        self.cmd("POST", f"/element/{eid}/value", {"text": text})

    def screenshot(self, name):
        png = base64.b64decode(self.cmd("GET", "/screenshot"))
        keep = os.environ.get("CHISO_WEBUI_SCREENSHOT_DIR")
        folder = keep or tempfile.mkdtemp(prefix="chiso-webui-shot.")
        path = os.path.join(folder, name)
        with open(path, "wb") as f:
            f.write(png)
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
        return png


@unittest.skipUnless(CHROMIUM and CHROMEDRIVER, "chromium and chromium-driver are not installed")
class TestWebUI(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = new_province()
        admin = cls.p["token"]
        ok(api("POST", "/api/v1/agency-groups", {"code": "01", "name": "Sở, ban, ngành"},
               token=admin), "group")
        cls.agency_code = unique("SNV").upper()
        cls.agency = ok(api("POST", "/api/v1/agencies", {
            "code": cls.agency_code, "name": "Sở Nội vụ thử nghiệm", "group_code": "01"},
            token=admin), "agency")["id"]
        iset = ok(api("POST", "/api/v1/index-sets", {
            "code": unique("IS"), "name": "Bộ chỉ số thử giao diện", "group_code": "01",
            "year": 2025, "contents": [], "nodes": NODES}, token=admin), "index set")
        cls.period = ok(api("POST", P, {"code": unique("K"), "name": "Kỳ đánh giá thử 2025",
                                        "year": 2025}, token=admin), "period")["id"]
        ok(api("PUT", f"{P}/{cls.period}/index-sets/01", {"index_set_id": iset["id"]},
               token=admin), "period index set")
        now = int(time.time())
        ok(api("PUT", f"{P}/{cls.period}/phases/self_assessment",
               {"opens_at": now - 60, "closes_at": now + 86400}, token=admin), "open phase")
        cls.head = new_user(cls.p, ["agency_head"], cls.agency)
        cls.editor = new_user(cls.p, ["agency_editor"], cls.agency)
        cls.viewer = new_user(cls.p, ["viewer"])
        cls.base = env("CHISO_URL").rstrip("/")
        cls.wd = WebDriver()

    @classmethod
    def tearDownClass(cls):
        wd = getattr(cls, "wd", None)
        if wd:
            wd.quit()

    def self_scores(self):
        sa = ok(api("GET", f"{P}/{self.period}/agencies/{self.agency}/self-assessment",
                    token=self.p["token"]), "self-assessment")
        return {l["leaf_code"]: l.get("score") for l in sa["leaves"]}

    def state(self):
        sa = ok(api("GET", f"{P}/{self.period}/agencies/{self.agency}/self-assessment",
                    token=self.p["token"]), "self-assessment")
        return sa.get("state", "draft")

    def sign_in(self, login, password, first_view):
        """Sign in through the form; wait for the user's first view to be drawn."""
        wd = self.wd
        wd.find("#login-form")
        wd.type("#login-name", login)
        wd.type("#login-password", password)
        wd.click("#login-form button[type=submit]")
        wd.find(f'#nav button[data-view={first_view}][aria-current="page"]')
        wd.idle()
        self.assertTrue(wd.js("return sessionStorage.getItem('chiso_token') !== null"))

    def fresh_page(self):
        """The start page with no session and the default language."""
        wd = self.wd
        wd.get(self.base + "/")
        wd.js("sessionStorage.clear(); localStorage.clear();")
        wd.get(self.base + "/")
        wd.find("#login-form")

    def test_roles_see_their_views(self):
        wd = self.wd
        # An agency editor: the self-assessment, but no "Nộp" / "Rút lại" (the head's).
        self.fresh_page()
        self.sign_in(self.editor["login"], self.editor["password"], "self")
        wd.find("#self-form")
        # "Lưu" while the agency's draft is open (the other test may have submitted it).
        if self.state() == "draft":
            wd.find("#save")
        self.assertEqual(wd.js("return document.querySelector('#submit, #withdraw')"), None)
        navs = wd.js("return Array.from(document.querySelectorAll('#nav button'), b => b.dataset.view)")
        self.assertEqual(navs, ["self", "scorecard"])
        wd.click("#logout")

        # A viewer: agencies grouped with the group's name, results without "Tính điểm".
        self.sign_in(self.viewer["login"], self.viewer["password"], "agencies")
        self.assertEqual(wd.text("#view h3"), "Nhóm 01 — Sở, ban, ngành")
        self.assertIn("Sở Nội vụ thử nghiệm", wd.text("#view table tbody"))
        wd.click("#nav button[data-view=results]")
        wd.idle()
        self.assertEqual(wd.text("#view h2"), "Kết quả xếp hạng")
        self.assertEqual(wd.js("return document.querySelector('#compute')"), None)
        wd.click("#nav button[data-view=periods]")
        wd.idle()
        self.assertIn("Đang mở", wd.text("#view"))          # the open self-assessment phase
        wd.click("#logout")

    def test_head_enters_scores_then_admin_computes(self):
        wd = self.wd
        self.fresh_page()
        self.assertEqual(wd.js("return document.documentElement.lang"), "vi")
        self.assertIn("Đăng nhập", wd.text("#login-h"))

        # A wrong password: the API's Vietnamese message, in the page.
        wd.type("#login-name", self.head["login"])
        wd.type("#login-password", "sai-mat-khau")
        wd.click("#login-form button[type=submit]")
        msg = wd.wait_text("#login-error", lambda s: s.strip() != "")
        self.assertRegex(msg, "[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỷỹý]",
                         "login error is not Vietnamese: " + msg)

        # --- the agency head: enter one score and save ---------------------------------------
        self.sign_in(self.head["login"], self.head["password"], "self")
        wd.click("#nav button[data-view=self]")
        wd.idle()
        wd.find('input[data-leaf="1.1"]')
        legend = wd.text("fieldset.content legend")
        self.assertIn("Nội dung 1", legend)
        # Content 3 is not the agency's to score: shown, not editable.
        self.assertFalse(wd.enabled('input[data-leaf="3.1"]'))
        wd.type('input[data-leaf="1.1"]', "12,5")        # the Vietnamese decimal comma
        wd.type('input[data-note-leaf="1.1"]', "Kế hoạch ban hành đúng hạn")
        wd.click("#save")
        wd.wait_text("#flash", lambda s: "Đã lưu 1 chỉ số" in s)
        self.assertEqual(self.self_scores()["1.1"], 12.5)

        # --- an out-of-range score: the Vietnamese error next to that leaf, nothing stored ---
        wd.type('input[data-leaf="1.2"]', "30")
        wd.type('input[data-leaf="2.1"]', "10")
        wd.click("#save")
        err = wd.wait_text('[data-err-leaf="1.2"]', lambda s: s.strip() != "")
        self.assertIn("phải trong khoảng", err)
        self.assertIn("1.2", err)
        self.assertEqual(wd.attribute('input[data-leaf="1.2"]', "aria-invalid"), "true")
        self.assertEqual(wd.js("return document.querySelector('[data-err-leaf=\"1.1\"]').textContent"), "")
        scores = self.self_scores()
        self.assertIsNone(scores.get("1.2"))
        self.assertIsNone(scores.get("2.1"))           # all or nothing: 2.1 was valid
        self.assertEqual(scores["1.1"], 12.5)
        wd.screenshot("self-assessment-error.png")

        # The same error in English after the toggle (the API sent both languages).
        wd.click("#lang")
        wd.idle()
        err_en = wd.wait_text('[data-err-leaf="1.2"]', lambda s: "must be between" in s)
        self.assertIn("1.2", err_en)
        self.assertEqual(wd.js("return document.documentElement.lang"), "en")
        wd.click("#lang")
        wd.idle()
        wd.wait_text("#nav button[data-view=self]", lambda s: s == "Tự đánh giá")

        # Fix it and save: both leaves stored in one request.
        wd.type('input[data-leaf="1.2"]', "20")
        wd.click("#save")
        wd.wait_text("#flash", lambda s: "Đã lưu 2 chỉ số" in s)
        scores = self.self_scores()
        self.assertEqual((scores["1.2"], scores["2.1"]), (20, 10))

        # Submit: refused in the page while an edit is unsaved, then done by the head.
        wd.type('input[data-leaf="5.1"]', "1")
        wd.click("#submit")
        wd.wait_text("#self-error", lambda s: "chưa lưu" in s)
        self.assertEqual(self.state(), "draft")
        wd.type('input[data-leaf="5.1"]', "")
        wd.click("#submit")
        wd.wait_text("#flash", lambda s: "Đã nộp" in s)
        self.assertEqual(self.state(), "submitted")
        self.assertFalse(wd.enabled('input[data-leaf="1.1"]'))
        self.assertEqual(wd.attribute("#sa-state", "data-state"), "submitted")

        # The scorecard shows the stored self score.
        wd.click("#nav button[data-view=scorecard]")
        wd.idle()
        self.assertIn("12,50", wd.text("#view table tbody tr"))

        # --- the province admin: compute and read the results -------------------------------
        wd.click("#logout")
        wd.find("#login-form")
        self.assertIsNone(wd.js("return sessionStorage.getItem('chiso_token')"))
        self.sign_in(self.p["admin_login"], self.p["admin_password"], "agencies")
        wd.click("#nav button[data-view=results]")
        wd.idle()
        wd.click("#compute")
        row = f'#results tr[data-agency="{self.agency_code}"]'
        text = wd.wait_text(row, lambda s: self.agency_code in s, timeout=30)
        self.assertIn("Sở Nội vụ thử nghiệm", text)
        self.assertTrue(any(b in text for b in BANDS_VI), "no Vietnamese band in: " + text)
        # T = 12.5 + 20 + 10 = 42.5, shown the Vietnamese way.
        self.assertIn("42,50", text)
        res = ok(api("GET", f"{P}/{self.period}/results", token=self.p["token"]), "results")
        mine = [a for g in res["groups"] for a in g["agencies"] if a["agency_id"] == self.agency]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["total"], 42.5)
        png = wd.screenshot("results.png")
        self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")

        # The agency's scorecard, opened from its code in the results.
        wd.click(f'#results tr[data-agency="{self.agency_code}"] button')
        wd.idle()
        self.assertEqual(wd.text("#view h2"), "Phiếu điểm")
        self.assertIn("Sở Nội vụ thử nghiệm", wd.text("#view"))
        wd.click("#view button.link")
        wd.idle()
        wd.find(row)

        wd.click("#lang")
        wd.idle()
        wd.wait_text("#view h2", lambda s: s == "Ranking results")
        wd.click("#lang")
        wd.idle()
        wd.wait_text("#view h2", lambda s: s == "Kết quả xếp hạng")


if __name__ == "__main__":
    unittest.main()
