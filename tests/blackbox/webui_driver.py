"""A real browser for the web UI tests: Debian's chromium driven by chromedriver over the W3C
WebDriver HTTP protocol (standard library only, no selenium), plus the checks every screen
gets: screenshots at 1366x900 and 390x844, no horizontal scrolling at 390 px, and axe-core
(npm, tests/webui/node_modules, installed by scripts/install-deps) with no serious or
critical violation.

Screenshots go to $CHISO_WEBUI_SCREENSHOT_DIR when set, else to webui-screenshots/ under
$CHISO_VAR_DIR (the test run's own folder), as <name>-1366.png and <name>-390.png."""

import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AXE = os.path.join(ROOT, "tests", "webui", "node_modules", "axe-core", "axe.min.js")
WIDE = (1366, 900)
PHONE = (390, 844)


def shot_dir():
    d = os.environ.get("CHISO_WEBUI_SCREENSHOT_DIR") or os.path.join(
        os.environ.get("CHISO_VAR_DIR") or tempfile.gettempdir(), "webui-screenshots")
    os.makedirs(d, exist_ok=True)
    return d


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
                "--lang=vi-VN", f"--user-data-dir={os.path.join(self.profile, 'chrome')}"]},
            # the page's console, read by console_errors() after each screen
            "goog:loggingPrefs": {"browser": "ALL"}}}}
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
            with urllib.request.urlopen(req, timeout=180) as r:
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

    def find(self, css, timeout=30):
        """The first element matching css that is displayed, waiting for it."""
        deadline = time.time() + timeout
        while True:
            els = self.cmd("POST", "/elements", {"using": "css selector", "value": css})
            for el in els:
                eid = el[ELEMENT]
                try:
                    if self.cmd("GET", f"/element/{eid}/displayed"):
                        return eid
                except AssertionError as e:       # drawn again meanwhile: look again
                    if "stale element" not in str(e):
                        raise
            if time.time() > deadline:
                raise AssertionError(f"no visible element {css!r} within {timeout}s")
            time.sleep(0.1)

    def text(self, css, timeout=30):
        return self.cmd("GET", f"/element/{self.find(css, timeout)}/text")

    def wait_text(self, css, predicate, timeout=30):
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

    def idle(self, timeout=60):
        """Wait until the page has drawn its current view (#view loses aria-busy)."""
        deadline = time.time() + timeout
        while self.js("const v = document.querySelector('#view'); return !!v && v.hasAttribute('aria-busy')"):
            if time.time() > deadline:
                raise AssertionError("the view is still loading")
            time.sleep(0.1)

    def enabled(self, css):
        return self.cmd("GET", f"/element/{self.find(css)}/enabled")

    def attribute(self, css, name):
        return self.cmd("GET", f"/element/{self.find(css)}/attribute/{name}")

    def _fresh(self, css, act):
        """act(element id) on the element css finds; when the page drew that part again
        between the find and the act (a language switch, an answer arriving), find it
        again, as a user's next click would land on the new element."""
        for attempt in range(5):
            eid = self.find(css)
            try:
                return act(eid)
            except AssertionError as e:
                if "stale element" not in str(e) or attempt == 4:
                    raise
                time.sleep(0.2)

    def click(self, css):
        """Click as a user would, with the element in the middle of the window (a sticky
        bar at the bottom would otherwise be under the pointer)."""
        def act(eid):
            self.js("arguments[0].scrollIntoView({block: 'center'})", {ELEMENT: eid})
            self.cmd("POST", f"/element/{eid}/click", {})
        self._fresh(css, act)

    def type(self, css, text):
        def act(eid):
            self.cmd("POST", f"/element/{eid}/clear", {})
            self.cmd("POST", f"/element/{eid}/value", {"text": text})
        self._fresh(css, act)

    def size(self, w, h):
        """The viewport size (the window is made larger by the browser's frame)."""
        self.cmd("POST", "/window/rect", {"width": w, "height": h})
        # the frame is what the window has beyond its viewport; read once the resize has
        # reached the page (read too early, the old, wider viewport made the second width
        # negative: "'width' out of range")
        for _ in range(30):
            inner = self.js("return [window.innerWidth, window.innerHeight]")
            if inner[0] <= w and inner[1] <= h:
                break
            time.sleep(0.1)
        self.cmd("POST", "/window/rect", {"width": w + max(0, w - inner[0]),
                                          "height": h + max(0, h - inner[1])})

    def choose(self, css, text):
        """Pick the option of a <select> whose text contains text (as a user would)."""
        found = self.js("""const s = arguments[0];
            const o = Array.from(s.options).find(o => o.text.includes(arguments[1]));
            if (!o) return false;
            s.value = o.value; s.dispatchEvent(new Event('change', {bubbles: true})); return true;""",
                        {ELEMENT: self.find(css)}, text)
        if not found:
            raise AssertionError(f"{css}: no option with {text!r}")

    def set_value(self, css, value):
        """Set a date or time input (typing into them depends on the browser's locale)."""
        self.js("const e = arguments[0]; e.value = arguments[1];"
                "e.dispatchEvent(new Event('input', {bubbles: true}));", {ELEMENT: self.find(css)}, value)

    def upload(self, css, path):
        """Choose a file in an <input type=file> (chromedriver reads the local path)."""
        self.cmd("POST", f"/element/{self.find(css)}/value", {"text": path})

    def screenshot(self, name):
        png = base64.b64decode(self.cmd("GET", "/screenshot"))
        with open(os.path.join(shot_dir(), name), "wb") as f:
            f.write(png)
        return png

    def axe(self):
        """axe-core's serious and critical violations of the page: [(rule, [targets])]."""
        self.cmd("POST", "/timeouts", {"script": 120000})
        if not self.js("return typeof window.axe === 'object'"):
            with open(AXE, encoding="utf-8") as f:
                self.js(f.read() + "\n;return true;")
        res = self.cmd("POST", "/execute/async", {"script": """
            const done = arguments[arguments.length - 1];
            axe.run(document, {resultTypes: ['violations'], performanceTimer: false}).then(
                r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                               .map(v => [v.id, v.nodes.slice(0, 5).map(n => n.target.join(' '))])),
                e => done([['axe-error', [String(e)]]]));""", "args": []})
        return res

    def overflow(self):
        """How far the page is wider than the window (0: no horizontal scrolling)."""
        return self.js("const d = document.documentElement;"
                       "return Math.max(d.scrollWidth, document.body.scrollWidth) - d.clientWidth;")

    def sign_in(self, base, login, password):
        """A fresh page at base, signed in through the form; returns once the dashboard is
        drawn."""
        self.get(base + "/")
        self.js("sessionStorage.clear(); localStorage.clear();")
        self.get(base + "/")
        self.type("#login-name", login)
        self.type("#login-password", password)
        self.click("#login-submit")
        self.find('#nav a[aria-current="page"]')
        self.idle()

    def console_errors(self):
        """The page's errors since the last call: uncaught exceptions and rejected promises
        (the app itself never writes to the console). Failed requests ("network") are left
        out — a screen may show a refusal on purpose — and written to network-errors.txt."""
        entries = self.cmd("POST", "/se/log", {"type": "browser"}) or []
        errors = []
        for e in entries:
            if e.get("level") != "SEVERE":
                continue
            if e.get("source") == "network":
                with open(os.path.join(shot_dir(), "network-errors.txt"), "a") as f:
                    f.write(e.get("message", "") + "\n")
            else:
                errors.append(e.get("message", ""))
        return errors

    def check_screen(self, tc, name):
        """The checks of one screen: no error in the page's console, axe at 1366 px,
        screenshots at both sizes, and at 390 px no horizontal scrolling; the window is left
        at 1366x900."""
        self.idle()
        tc.assertEqual(self.console_errors(), [], f"{name}: errors in the page's console")
        started = time.time()
        problems = self.axe()
        with open(os.path.join(shot_dir(), "axe-seconds.txt"), "a") as f:
            f.write(f"{name} {time.time() - started:.1f}\n")
        tc.assertEqual(problems, [], f"{name}: axe-core serious/critical violations")
        self.screenshot(f"{name}-1366.png")
        self.size(*PHONE)
        time.sleep(0.2)
        tc.assertLessEqual(self.overflow(), 0, f"{name}: horizontal scrolling at 390 px")
        self.screenshot(f"{name}-390.png")
        self.size(*WIDE)
