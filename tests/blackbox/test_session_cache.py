"""The gateway keeps resolved sessions (services/gateway/session_cache.h): a request does not
ask the catalog again, yet a logout, a disabled user or a changed role or agency takes effect
on the very next request, through this gateway and through a second one that had kept the
session too (every service transaction checks the session in the statement that sets its
tenant: catalog.session_current)."""

import os
import secrets
import socket
import time
import unittest

from harness import api, assert_error, login, new_user, start_service, stop, wait_log
from test_submissions import World, ok


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def resolves():
    """ResolveSession calls the catalog has answered so far (its request log lines)."""
    path = os.path.join(os.environ["CHISO_VAR_DIR"], "log", "catalog.log")
    with open(path, encoding="utf-8", errors="replace") as f:
        return sum(1 for line in f if '"ResolveSession"' in line)


class TestSessionCache(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.w = World()
        cls.w.open("self_assessment")
        port = free_port()
        cls.gw2 = start_service("gateway", {"CHISO_PORT": port})
        cls.url1 = os.environ["CHISO_URL"]
        cls.url2 = f"http://127.0.0.1:{port}"
        wait_log(cls.gw2, "listening on port", timeout=15)

    @classmethod
    def tearDownClass(cls):
        stop(cls.gw2)

    def via(self, url, *args, **kw):
        """api() through the gateway at url."""
        old = os.environ["CHISO_URL"]
        os.environ["CHISO_URL"] = url
        try:
            return api(*args, **kw)
        finally:
            os.environ["CHISO_URL"] = old

    def editor(self, key="A"):
        return new_user(self.w.p, ["agency_editor"], self.w.agency[key])

    def save(self, url, token, value, key="A"):
        return self.via(url, "PUT", self.w.ag(key) + "/scores",
                        {"items": [{"leaf_code": "1.1", "score": value}]}, token=token)

    def both_ok(self, token, value):
        """A save through each gateway succeeds (each has kept the session)."""
        for url in (self.url1, self.url2):
            st, body, _ = self.save(url, token, value)
            self.assertEqual(st, 200, body)
            value += 0.25
        return value

    def test_kept_session_does_not_ask_the_catalog(self):
        u = self.editor()
        self.both_ok(u["token"], 1)
        # the log line is written after the answer: give it a moment
        time.sleep(0.3)
        before = resolves()
        for i in range(5):
            self.both_ok(u["token"], 2 + i)
        time.sleep(0.3)
        self.assertEqual(resolves(), before, "a kept session was resolved at the catalog again")
        # and each of those saves is there with its audit line
        st, sa, _ = self.w.self_assessment(u["token"])
        self.assertEqual(st, 200, sa)
        self.assertEqual(self.w.leaf(sa, "1.1")["score"], 6.25)

    def test_logout_ends_it_on_both_gateways(self):
        u = self.editor()
        t2 = login(u["login"], u["password"])
        self.both_ok(u["token"], 1)
        self.both_ok(t2, 3)
        st, body, _ = self.via(self.url1, "POST", "/api/v1/auth/logout", {}, token=u["token"])
        self.assertEqual(st, 200, body)
        for url in (self.url1, self.url2):
            assert_error(self, self.save(url, u["token"], 5), 401, "unauthenticated")
            assert_error(self, self.via(url, "GET", "/api/v1/auth/me", token=u["token"]),
                         401, "unauthenticated")
        # the user's other session is untouched, on both
        self.both_ok(t2, 6)
        # a logout through the second gateway ends t2 for the first one too
        st, body, _ = self.via(self.url2, "POST", "/api/v1/auth/logout", {}, token=t2)
        self.assertEqual(st, 200, body)
        assert_error(self, self.save(self.url1, t2, 7), 401, "unauthenticated")

    def test_disable_ends_it_on_both_gateways(self):
        u = self.editor()
        self.both_ok(u["token"], 1)
        st, body, _ = self.via(self.url2, "PATCH", f"/api/v1/users/{u['id']}", {"active": False},
                               token=self.w.admin)
        self.assertEqual(st, 200, body)
        for url in (self.url1, self.url2):
            assert_error(self, self.save(url, u["token"], 3), 401, "unauthenticated")
        # enabled again: the old session stays ended (disabling revoked it)
        ok(self.via(self.url1, "PATCH", f"/api/v1/users/{u['id']}", {"active": True},
                    token=self.w.admin))
        for url in (self.url1, self.url2):
            assert_error(self, self.save(url, u["token"], 3), 401, "unauthenticated")

    def test_role_change_takes_effect_at_once(self):
        u = self.editor()
        self.both_ok(u["token"], 1)
        st, body, _ = self.via(self.url1, "PATCH", f"/api/v1/users/{u['id']}", {"roles": ["viewer"]},
                               token=self.w.admin)
        self.assertEqual(st, 200, body)
        # still logged in, but no longer an editor: the save is refused on both gateways
        for url in (self.url1, self.url2):
            assert_error(self, self.save(url, u["token"], 3), 403, "forbidden")
            st, me, _ = self.via(url, "GET", "/api/v1/auth/me", token=u["token"])
            self.assertEqual((st, me.get("roles")), (200, ["viewer"]), me)
        # and back: an editor again on the next request
        ok(self.via(self.url2, "PATCH", f"/api/v1/users/{u['id']}", {"roles": ["agency_editor"]},
                    token=self.w.admin))
        self.both_ok(u["token"], 4)

    def test_agency_change_takes_effect_at_once(self):
        u = self.editor()
        self.both_ok(u["token"], 1)
        ok(self.via(self.url1, "PATCH", f"/api/v1/users/{u['id']}",
                    {"agency_id": self.w.agency["B"]}, token=self.w.admin))
        for url in (self.url1, self.url2):
            assert_error(self, self.save(url, u["token"], 3, key="A"), 403, "forbidden")
            st, body, _ = self.save(url, u["token"], 3, key="B")
            self.assertEqual(st, 200, body)

    def test_unknown_token_is_not_kept(self):
        bad = secrets.token_hex(32)
        for _ in range(2):
            assert_error(self, self.via(self.url2, "GET", "/api/v1/auth/me", token=bad),
                         401, "unauthenticated")


if __name__ == "__main__":
    unittest.main()
