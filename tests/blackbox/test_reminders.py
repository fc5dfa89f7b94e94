"""Reminders before a phase closes (issue 8 item 5, services/catalog/cat_remind.h): the users
with work left get a notification in the web UI and, through the configured SMTP relay, an
e-mail, once per lead time; retried after an SMTP failure, never sent after the phase
closed, never twice (two senders at once), nothing e-mailed without a relay; a user sees
only their own notifications, never another province's.

The clock is injected: `chiso-admin reminders-run --now T` runs one pass as chiso-catalog's
thread does. The relay is a small SMTP sink in this file (socketserver), which can refuse
the first messages with a 451."""

import datetime
import email
import email.header
import email.policy
import json
import os
import socketserver
import subprocess
import itertools
import threading
import time
import unittest

from harness import (api, assert_error, env, new_province, new_user, service_built,
                     start_service, stop)
from test_submissions import P, World, ok
from webui_driver import AXE, CHROMEDRIVER, CHROMIUM, WIDE, WebDriver

DAY = 86400
T0 = 1930176000                     # 2031-03-01 00:00 UTC: far from the real clock
_worlds = itertools.count()


class Sink:
    """An SMTP relay on 127.0.0.1 that keeps every message it accepts; `refuse` = how many
    MAIL commands to answer 451 first (a relay that is failing)."""

    def __init__(self):
        self.messages = []      # (envelope to, email.message.EmailMessage)
        self.refuse = 0
        self.refused = 0
        self.lock = threading.Lock()
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line):
                self.wfile.write(line.encode() + b"\r\n")

            def handle(self):
                self.reply("220 sink ESMTP")
                rcpt = []
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    cmd = line.decode("ascii", "replace").strip()
                    verb = cmd.split(" ", 1)[0].upper()
                    if verb in ("EHLO", "HELO"):
                        self.reply("250 sink")
                    elif verb == "MAIL":
                        with sink.lock:
                            if sink.refused < sink.refuse:
                                sink.refused += 1
                                self.reply("451 4.3.0 try again later")
                                continue
                        rcpt = []
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        rcpt.append(cmd.split(":", 1)[1].strip().strip("<>"))
                        self.reply("250 OK")
                    elif verb == "DATA":
                        self.reply("354 go ahead")
                        data = b""
                        while True:
                            chunk = self.rfile.readline()
                            if chunk in (b".\r\n", b".\n", b""):
                                break
                            data += chunk[1:] if chunk.startswith(b"..") else chunk
                        msg = email.message_from_bytes(data, policy=email.policy.default)
                        with sink.lock:
                            sink.messages.extend((r, msg) for r in rcpt)
                        self.reply("250 OK queued")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("250 OK")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def to(self, addr):
        with self.lock:
            return [m for r, m in self.messages if r == addr]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def run(now, relay=None, check=True):
    """One pass of the reminders at `now` (Unix seconds); its figures."""
    e = dict(os.environ, CHISO_DB=env("CHISO_DB_APP"))
    e.pop("CHISO_SMTP_URL", None)
    if relay:
        e.update(CHISO_SMTP_URL=relay, CHISO_SMTP_FROM="nhac-viec@sonoivu.example.vn")
    r = subprocess.run([os.path.join(env("CHISO_BIN"), "chiso-admin"), "reminders-run",
                        "--now", str(now)], env=e, capture_output=True, text=True, timeout=120)
    if check and r.returncode != 0:
        raise AssertionError(f"reminders-run: exit {r.returncode}: {r.stderr}")
    return json.loads(r.stdout) if r.returncode == 0 else r


def notes(user, **q):
    qs = "&".join(f"{k}={v}" for k, v in q.items())
    st, body, _ = api("GET", "/api/v1/notifications" + (f"?{qs}" if qs else ""),
                      token=user["token"])
    assert st == 200, body
    return body


def set_email(w, user, addr):
    ok(api("PATCH", f"/api/v1/users/{user['id']}", {"email": addr}, token=w.admin), "email")
    user["email"] = addr


def world():
    """A province (test_submissions.World) where agency B has finished everything and A
    has not: B's editor entered every leaf of contents 1-2 and its head submitted; leader
    (A) has not scored, leader2 (B) has. Then its phases move to 2031 (the injected clock):
    self-assessment and leadership w.t..w.close, appraisal 1 w.close..w.close+5 days. Each
    world has its own 100 days, so a pass for one test finds no other test's phase open."""
    w = World()
    w.t = T0 + next(_worlds) * 100 * DAY
    w.close = w.t + 20 * DAY
    local = datetime.datetime.fromtimestamp(w.close, datetime.timezone(datetime.timedelta(hours=7)))
    w.close_local = local.strftime("%H:%M %d/%m/%Y")
    A, B = w.agency["A"], w.agency["B"]
    w.leader2 = new_user(w.p, ["leader"])
    ok(api("PUT", f"{P}/{w.period}/leaders/{w.leader2['id']}/agencies", {"agency_ids": [B]},
           token=w.admin), "leader2 assignment")
    w.scope(w.appraiser)
    w.scope(w.appraiser_a)
    w.open("self_assessment")
    w.open("leadership")
    ok(w.scores([{"leaf_code": "1.1", "score": 15}], w.editor["token"]))
    ok(w.scores([{"leaf_code": c, "score": 0} for c in ("1.1", "1.2", "2.1", "2.2")],
                w.editor_b["token"], key="B"))
    ok(api("POST", w.ag("B") + "/submit", {}, token=w.head_b["token"]), "submit B")
    ok(api("PUT", f"{P}/{w.period}/agencies/{B}/leader-score", {"leaf_code": "4.1", "score": 4},
           token=w.leader2["token"]), "leader2 score")
    for phase, opens, closes in (("self_assessment", w.t, w.close), ("leadership", w.t, w.close),
                                 ("appraisal_1", w.close, w.close + 5 * DAY)):
        ok(api("PUT", f"{P}/{w.period}/phases/{phase}", {"opens_at": opens, "closes_at": closes},
               token=w.admin), phase)
    w.users = {"editor": w.editor, "head": w.head, "editor_b": w.editor_b, "head_b": w.head_b,
               "leader": w.leader, "leader2": w.leader2, "leader_none": w.leader_none,
               "appraiser": w.appraiser, "appraiser_a": w.appraiser_a, "viewer": w.viewer}
    for name, u in w.users.items():
        set_email(w, u, f"{name}.{w.p['code'].lower()}@example.vn")
    return w


def subject(msg):
    return str(email.header.make_header(email.header.decode_header(msg["Subject"])))


@unittest.skipUnless(service_built("admin"), "chiso-admin not built")
class TestReminders(unittest.TestCase):
    def setUp(self):
        self.sink = Sink()

    def tearDown(self):
        self.sink.close()

    def mails(self, w):
        return {n: len(self.sink.to(u["email"])) for n, u in w.users.items()}

    def test_sent_once_to_those_with_work_left(self):
        w = world()
        # Ten days before the close: no lead time has begun.
        run(w.close - 10 * DAY, self.sink.url())
        self.assertEqual(sum(self.mails(w).values()), 0)
        self.assertEqual(notes(w.editor).get("items", []), [])
        # 6.5 days before: the 7-day reminder, to exactly those with work left.
        now = w.close - 6 * DAY - 12 * 3600
        run(now, self.sink.url())
        want = {n: 0 for n in w.users}
        want.update(editor=1, head=1, leader=1)
        self.assertEqual(self.mails(w), want)
        # Again: nothing new, nothing twice.
        self.assertEqual(run(now, self.sink.url())["sent"], 0)
        run(now + 600, self.sink.url())
        self.assertEqual(self.mails(w), want)
        # The e-mail: Vietnamese, the phase's name, the close in the province's time zone.
        msg = self.sink.to(w.users["editor"]["email"])[0]
        self.assertEqual(msg["From"], "nhac-viec@sonoivu.example.vn")
        self.assertEqual(subject(msg),
                         f"Nhắc việc: giai đoạn «Tự đánh giá» kỳ {self._code(w)} đóng lúc "
                         f"{w.close_local}")
        text = msg.get_content()
        hm, date = w.close_local.split(" ")
        self.assertIn(f"đóng lúc {hm} ngày {date} (giờ Asia/Ho_Chi_Minh)", text)
        self.assertIn("còn 3 tiêu chí chưa nhập điểm tự đánh giá", text)
        self.assertIn("Người dùng", text)       # addressed by name
        head = self.sink.to(w.users["head"]["email"])[0].get_content()
        self.assertIn("chưa nộp bản tự đánh giá (còn 3 tiêu chí chưa nhập điểm)", head)
        lead = self.sink.to(w.users["leader"]["email"])[0]
        self.assertIn("Lãnh đạo tỉnh chấm điểm (nội dung 4)", subject(lead))
        self.assertIn("Còn 1 điểm nội dung 4", lead.get_content())
        # Half a day before: the 1-day reminder (the 3-day window was never seen: only the
        # latest due one is sent), to the same people.
        # Two senders at once: each message goes out once (FOR UPDATE SKIP LOCKED).
        results = []
        procs = [threading.Thread(target=lambda: results.append(
                     run(w.close - 12 * 3600, self.sink.url(), check=False))) for _ in range(2)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        self.assertEqual(sorted(type(r).__name__ for r in results), ["dict", "dict"], results)
        self.assertEqual(sum(r["sent"] for r in results), 3, results)
        self.assertEqual(sum(r["enqueued"] for r in results), 3, results)
        want.update(editor=2, head=2, leader=2)
        self.assertEqual(self.mails(w), want)
        # The phase has closed: none of it any more; appraisal 1 opened, 5 days to go: its
        # 7-day reminder to the appraisers, never counting their own agency.
        run(w.close + 60, self.sink.url())
        want.update(appraiser=1, appraiser_a=1)
        self.assertEqual(self.mails(w), want)
        self.assertIn("Còn 12 tiêu chí trong phạm vi thẩm định",
                      self.sink.to(w.users["appraiser"]["email"])[0].get_content())
        self.assertIn("Còn 8 tiêu chí trong phạm vi thẩm định",
                      self.sink.to(w.users["appraiser_a"]["email"])[0].get_content())
        # In the web UI: the editor's two, newest first, unread, then read.
        body = notes(w.editor)
        self.assertEqual(body["unread"], 2)
        self.assertEqual([(n["phase"], n["lead_days"], n["email_state"]) for n in body["items"]],
                         [("self_assessment", 1, "sent"), ("self_assessment", 7, "sent")])
        first = body["items"][0]
        self.assertEqual((first["phase_name"], first["closes_local"], first["closes_at"],
                          first["period_id"]), ("Tự đánh giá", w.close_local, w.close,
                                                w.period))
        st, read, _ = api("POST", f"/api/v1/notifications/{first['id']}/read", {},
                          token=w.editor["token"])
        self.assertEqual(st, 200, read)
        self.assertIn("read_at", read)
        self.assertEqual(notes(w.editor)["unread"], 1)
        self.assertEqual(len(notes(w.editor, unread_only="true")["items"]), 1)
        self.assertEqual(notes(w.editor_b)["items"], [])
        # Someone else's notification does not exist for the caller.
        assert_error(self, api("POST", f"/api/v1/notifications/{first['id']}/read", {},
                               token=w.head["token"]), 404, "not_found")
        assert_error(self, api("GET", "/api/v1/notifications?limit=0", token=w.editor["token"]),
                     400, "invalid_input")

    def _code(self, w):
        return ok(api("GET", f"{P}/{w.period}", token=w.admin))["code"]

    def test_retried_after_smtp_failure_never_after_close(self):
        w = world()
        self.sink.refuse = 1            # the first message is refused (451), then accepted
        now = w.close - 5 * DAY
        res = run(now, self.sink.url())
        self.assertEqual((res["sent"], res["retry"]), (2, 1), res)
        self.assertEqual(sum(self.mails(w).values()), 2)
        # Retried after a minute (not before), then sent once.
        res = run(now + 30, self.sink.url())
        self.assertEqual((res["sent"], res["retry"]), (0, 0), res)
        res = run(now + 61, self.sink.url())
        self.assertEqual(res["sent"], 1, res)
        self.assertEqual(self.mails(w)["editor"] + self.mails(w)["head"] +
                         self.mails(w)["leader"], 3)
        self.assertEqual(max(self.mails(w).values()), 1)
        # The 1-day reminders fail for good: after the phase closes they are never sent.
        self.sink.refuse = self.sink.refused + 100
        res = run(w.close - 3600, self.sink.url())
        self.assertEqual((res["sent"], res["retry"]), (0, 3), res)
        self.sink.refuse = 0
        res = run(w.close + 1, self.sink.url())
        self.assertEqual(res["sent"], 2, res)       # appraisal 1's, not the closed phase's
        self.assertEqual(self.mails(w)["editor"], 1)
        states = [n["email_state"] for n in notes(w.editor)["items"]]
        self.assertEqual(states, ["expired", "sent"])

    def test_no_relay_web_only(self):
        w = world()
        res = run(w.close - 2 * DAY)
        self.assertFalse(res["relay"])
        self.assertEqual(res["sent"], 0)
        body = notes(w.editor)
        self.assertEqual(len(body["items"]), 1)
        n = body["items"][0]
        self.assertEqual((n["phase"], n["lead_days"], n["email_state"]),
                         ("self_assessment", 3, "pending"))
        self.assertIn("«Tự đánh giá»", n["title"])
        self.assertIn("còn 3 tiêu chí chưa nhập điểm tự đánh giá", n["body"])
        self.assertEqual(sum(self.mails(w).values()), 0)
        # A user without an address: in the web UI only, even with a relay.
        ok(api("PATCH", f"/api/v1/users/{w.head['id']}", {"email": ""}, token=w.admin))
        res = run(w.close - 2 * DAY + 60, self.sink.url())
        self.assertEqual(res["no_address"], 1, res)
        self.assertEqual([x["email_state"] for x in notes(w.head)["items"]], ["no_address"])

    def test_province_isolation(self):
        w = world()
        run(w.close - DAY // 2)
        mine = notes(w.editor)["items"][0]
        other = new_province()
        stranger = new_user(other, ["viewer"])
        self.assertEqual(notes(stranger)["items"], [])
        assert_error(self, api("POST", f"/api/v1/notifications/{mine['id']}/read", {},
                               token=stranger["token"]), 404, "not_found")
        assert_error(self, api("POST", f"/api/v1/notifications/{mine['id']}/read", {},
                               token=other["token"]), 404, "not_found")
        # The province's admin sees only their own (none), not their users'.
        self.assertEqual(notes({"token": w.admin})["items"], [])
        assert_error(self, api("GET", "/api/v1/notifications"), 401, "unauthenticated")

    def test_catalog_thread(self):
        """chiso-catalog's own sender (CHISO_REMINDER_INTERVAL; off in the test system): a
        copy with a one-second interval inserts the 1-day reminder of a phase closing in a
        day by the real clock, and stops cleanly."""
        w = World()
        w.open("self_assessment")           # closes in 24 h: the 1-day window has begun
        proc = start_service("catalog", {"CHISO_REMINDER_INTERVAL": "1"})
        try:
            deadline = time.time() + 60
            while not notes(w.editor)["items"] and time.time() < deadline:
                time.sleep(0.5)
        finally:
            stop(proc)
        self.assertEqual([(n["phase"], n["lead_days"], n["email_state"])
                          for n in notes(w.editor)["items"]], [("self_assessment", 1, "pending")])
        self.assertEqual(proc.returncode, 0)

    def test_email_address(self):
        w = world()
        # The user changes their own address; nothing else of theirs this way.
        st, me, _ = api("PATCH", f"/api/v1/users/{w.editor['id']}",
                        {"email": "tu.sua@example.vn"}, token=w.editor["token"])
        self.assertEqual((st, me.get("email")), (200, "tu.sua@example.vn"), me)
        self.assertEqual(ok(api("GET", "/api/v1/auth/me", token=w.editor["token"]))["email"],
                         "tu.sua@example.vn")
        assert_error(self, api("PATCH", f"/api/v1/users/{w.editor['id']}",
                               {"email": "a@example.vn", "full_name": "X"},
                               token=w.editor["token"]), 403, "forbidden")
        assert_error(self, api("PATCH", f"/api/v1/users/{w.head['id']}",
                               {"email": "a@example.vn"}, token=w.editor["token"]), 403,
                     "forbidden")
        for bad in ("khong-co-a-cong", "a@b@c.vn", "x y@example.vn", "a,b@example.vn",
                    "<a@example.vn>", "@example.vn", "a@exa_mple.vn", "a" * 250 + "@example.vn"):
            with self.subTest(email=bad):
                assert_error(self, api("PATCH", f"/api/v1/users/{w.editor['id']}",
                                       {"email": bad}, token=w.admin), 400, "invalid_email")
        assert_error(self, api("POST", "/api/v1/users", {
            "login": f"x{w.p['code'].lower()}", "password": "mat-khau-dai", "full_name": "X",
            "roles": ["viewer"], "email": "sai"}, token=w.admin), 400, "invalid_email")
        self.assertEqual(ok(api("GET", f"/api/v1/users/{w.editor['id']}",
                                token=w.admin))["email"], "tu.sua@example.vn")
        # Lead times per period: checked when set.
        ok(api("PUT", f"{P}/{w.period}/config",
               {"config": json.dumps({"reminders": {"lead_days": [2]}})}, token=w.admin))
        for bad in ({"lead_days": []}, {"lead_days": [0]}, {"lead_days": [3, 3]},
                    {"lead_days": "7"}, {"lead": [1]}):
            with self.subTest(config=bad):
                assert_error(self, api("PUT", f"{P}/{w.period}/config",
                                       {"config": json.dumps({"reminders": bad})},
                                       token=w.admin), 400, "invalid_config")
        # With lead time 2 only: nothing 3 days before, the 2-day one 1.5 days before.
        self.assertEqual(run(w.close - 3 * DAY)["enqueued"], 0)
        self.assertEqual(run(w.close - 36 * 3600)["enqueued"], 3)
        self.assertEqual([n["lead_days"] for n in notes(w.editor)["items"]], [2])


@unittest.skipUnless(service_built("admin") and CHROMIUM and CHROMEDRIVER and os.path.exists(AXE),
                     "chiso-admin, chromium, chromedriver or axe-core missing")
class TestRemindersWeb(unittest.TestCase):
    """The bell and the list in a real browser (webui_driver.py): the editor's reminder in
    Vietnamese with the phase and the close in the province's time, marked read, and the
    editor's own e-mail address saved from the same screen."""

    def test_bell_and_list(self):
        w = world()
        run(w.close - 2 * DAY)
        wd = WebDriver()
        try:
            wd.size(*WIDE)
            wd.get(env("CHISO_URL") + "/")
            wd.type("#login-name", w.editor["login"])
            wd.type("#login-password", w.editor["password"])
            wd.click("#login-submit")
            wd.find('#nav a[aria-current="page"]')
            wd.idle()
            self.assertEqual(wd.wait_text("#bell-count", lambda x: x == "1"), "1")
            self.assertIn("1 chưa đọc", wd.attribute("#bell", "aria-label"))
            wd.click("#bell")
            wd.idle()
            note = wd.text("#nt-list li")
            self.assertIn("«Tự đánh giá»", note)
            self.assertIn(f"đóng lúc {w.close_local}", note)
            self.assertIn("còn 3 tiêu chí chưa nhập điểm tự đánh giá", note)
            wd.check_screen(self, "reminders")
            wd.click("#nt-list li button")
            wd.wait_text("#nt-count", lambda x: x == "Chưa đọc: 0")
            # the count is empty now (an empty badge is not drawn: read it, not its text)
            deadline = time.time() + 10
            while wd.js("return document.querySelector('#bell-count').textContent") != "":
                self.assertLess(time.time(), deadline, "the bell still counts an unread one")
                time.sleep(0.1)
            self.assertIn("Đã đọc lúc", wd.text("#nt-list li"))
            wd.type("#nt-email", "bien.tap@example.vn")
            wd.click("#nt-email-save")
            wd.wait_text("#flash", lambda x: "Đã lưu địa chỉ thư điện tử" in x)
            me = ok(api("GET", "/api/v1/auth/me", token=w.editor["token"]))
            self.assertEqual(me["email"], "bien.tap@example.vn")
            wd.type("#nt-email", "khong hop le")
            wd.click("#nt-email-save")
            self.assertIn("không hợp lệ", wd.wait_text("#nt-email-error", lambda x: x != ""))
        finally:
            wd.quit()


if __name__ == "__main__":
    unittest.main()
