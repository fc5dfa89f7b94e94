"""Login, sessions, logout, roles and login throttling (catalog service, SPEC §1)."""
import os
import secrets
import subprocess
import time
import unittest

from harness import (api, assert_error, env, login, new_province, new_user, psql_super,
                     service_built, start_service, stop, unique)


def _address():
    """Another loopback source address: another client for the per-address throttles."""
    return "127.%d.%d.%d" % tuple(secrets.randbelow(250) + 2 for _ in range(3))


def _agency(p, group="01"):
    api("POST", "/api/v1/agency-groups", {"code": group, "name": f"Nhóm {group}"}, token=p["token"])
    st, a, _ = api("POST", "/api/v1/agencies",
                   {"code": unique("A"), "name": "Sở Thử nghiệm", "group_code": group},
                   token=p["token"])
    assert st == 200, a
    return a


class TestAuth(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = new_province()

    def test_login_and_me(self):
        u = new_user(self.p, ["viewer"])
        st, body, _ = api("POST", "/api/v1/auth/login", {"login": u["login"], "password": u["password"]})
        self.assertEqual(st, 200, body)
        self.assertEqual(len(body["token"]), 64)
        # Default lifetime: 12 hours (CHISO_SESSION_TTL of the running service).
        ttl = int(os.environ.get("CHISO_SESSION_TTL", "43200"))
        self.assertLess(abs(body["expires_at"] - time.time() - ttl), 120, body)
        self.assertEqual(body["user"]["login"], u["login"])
        self.assertEqual(body["user"]["roles"], ["viewer"])
        self.assertEqual(body["user"]["province_id"], self.p["id"])
        st, me, _ = api("GET", "/api/v1/auth/me", token=body["token"])
        self.assertEqual(st, 200, me)
        self.assertEqual(me["id"], u["id"])
        self.assertEqual(me["full_name"], f"Người dùng {u['login']}")
        # The token is stored only as its SHA-256.
        rows = psql_super("SELECT count(*) FROM catalog.sessions WHERE token_hash = "
                          "sha256(convert_to(:'t', 'UTF8'))", {"t": body["token"]})
        self.assertEqual(rows, [["1"]])
        rows = psql_super("SELECT count(*) FROM catalog.sessions WHERE encode(token_hash, 'hex') = :'t'",
                          {"t": body["token"]})
        self.assertEqual(rows, [["0"]])

    def test_wrong_password_and_unknown_login_look_the_same(self):
        u = new_user(self.p, ["viewer"])
        a = api("POST", "/api/v1/auth/login", {"login": u["login"], "password": "sai-mat-khau"})
        b = api("POST", "/api/v1/auth/login", {"login": unique("nobody"), "password": "sai-mat-khau"})
        assert_error(self, a, 401, "invalid_credentials")
        assert_error(self, b, 401, "invalid_credentials")
        self.assertEqual(a[1]["error"]["message_vi"], b[1]["error"]["message_vi"])
        self.assertEqual(a[1]["error"]["message_en"], b[1]["error"]["message_en"])

    def test_no_token_or_bad_token(self):
        assert_error(self, api("GET", "/api/v1/auth/me"), 401, "unauthenticated")
        assert_error(self, api("GET", "/api/v1/auth/me", token="0" * 64), 401, "unauthenticated")
        assert_error(self, api("GET", "/api/v1/agencies", token="abc"), 401, "unauthenticated")

    def test_logout_revokes(self):
        u = new_user(self.p, ["viewer"])
        t2 = login(u["login"], u["password"])
        st, _, _ = api("POST", "/api/v1/auth/logout", {}, token=u["token"])
        self.assertEqual(st, 200)
        assert_error(self, api("GET", "/api/v1/auth/me", token=u["token"]), 401, "unauthenticated")
        # Only that session ends: the user's other session still works.
        st, _, _ = api("GET", "/api/v1/auth/me", token=t2)
        self.assertEqual(st, 200)
        rows = psql_super("SELECT revoked_at IS NOT NULL FROM catalog.sessions"
                          " WHERE token_hash = sha256(convert_to(:'t', 'UTF8'))", {"t": u["token"]})
        self.assertEqual(rows, [["t"]])

    def test_session_expires(self):
        u = new_user(self.p, ["viewer"])
        self.assertEqual(api("GET", "/api/v1/auth/me", token=u["token"])[0], 200)
        psql_super("UPDATE catalog.sessions SET expires_at = now() - interval '1 second'"
                   " WHERE token_hash = sha256(convert_to(:'t', 'UTF8'))", {"t": u["token"]})
        assert_error(self, api("GET", "/api/v1/auth/me", token=u["token"]), 401, "unauthenticated")

    def test_disabled_user(self):
        u = new_user(self.p, ["viewer"])
        st, body, _ = api("PATCH", f"/api/v1/users/{u['id']}", {"active": False}, token=self.p["token"])
        self.assertEqual(st, 200, body)
        self.assertFalse(body["active"])
        assert_error(self, api("GET", "/api/v1/auth/me", token=u["token"]), 401, "unauthenticated")
        assert_error(self, api("POST", "/api/v1/auth/login",
                               {"login": u["login"], "password": u["password"]}),
                     403, "account_disabled")
        # Disabled users are still wrong-password users for a wrong password.
        assert_error(self, api("POST", "/api/v1/auth/login",
                               {"login": u["login"], "password": "khong-dung-1"}),
                     401, "invalid_credentials")

    def test_throttling(self):
        """Five wrong passwords for one login from one address: that address waits (429 +
        Retry-After), with the right password too; the failures are per (login, address)."""
        u = new_user(self.p, ["viewer"])
        src = _address()
        for _ in range(5):
            assert_error(self, api("POST", "/api/v1/auth/login",
                                   {"login": u["login"], "password": "wrong-password"}, source=src),
                         401, "invalid_credentials")
        # The sixth attempt is refused even with the right password.
        r = api("POST", "/api/v1/auth/login", {"login": u["login"], "password": u["password"]},
                source=src)
        assert_error(self, r, 429, "too_many_attempts")
        self.assertGreaterEqual(int(r[2]["retry-after"]), 1, r[2])
        self.assertIn(r[2]["retry-after"], r[1]["error"]["message_en"])
        # Once the failures are older than 15 minutes, the right password works again.
        psql_super("UPDATE catalog.login_failures SET at = at - interval '16 minutes'"
                   " WHERE login = :'l'", {"l": u["login"]})
        st, body, _ = api("POST", "/api/v1/auth/login",
                          {"login": u["login"], "password": u["password"]}, source=src)
        self.assertEqual(st, 200, body)

    def test_throttling_under_concurrency(self):
        """Ten simultaneous wrong guesses against two catalog workers: at most five are
        checked (recorded), the rest are refused with 429."""
        import threading
        extra = start_service("catalog")
        try:
            u = new_user(self.p, ["viewer"])
            src = _address()
            codes = []

            def guess():
                st, body, _ = api("POST", "/api/v1/auth/login",
                                  {"login": u["login"], "password": "doan-sai-mat-khau"},
                                  source=src)
                codes.append((st, body.get("error", {}).get("code") if isinstance(body, dict) else body))

            threads = [threading.Thread(target=guess) for _ in range(10)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(len(codes), 10)
            checked = sum(1 for c in codes if c == (401, "invalid_credentials"))
            self.assertTrue(1 <= checked <= 5, codes)
            self.assertEqual(sum(1 for c in codes if c == (429, "too_many_attempts")),
                             10 - checked, codes)
            rows = psql_super("SELECT count(*) FROM catalog.login_failures WHERE login = :'l'",
                              {"l": u["login"]})
            self.assertEqual(rows, [[str(checked)]])
        finally:
            stop(extra)

    def test_password_rules(self):
        r = api("POST", "/api/v1/users", {"login": unique("u"), "password": "short",
                                          "full_name": "Ngắn", "roles": ["viewer"]},
                token=self.p["token"])
        assert_error(self, r, 400, "password_too_short")
        rows = psql_super("SELECT password_hash FROM catalog.users WHERE login = :'l'",
                          {"l": self.p["admin_login"]})
        self.assertTrue(rows[0][0].startswith("$argon2id$"), rows)

    def test_roles(self):
        a = _agency(self.p)
        editor = new_user(self.p, ["agency_editor"], agency_id=a["id"])
        viewer = new_user(self.p, ["viewer"])
        # Only a province_admin creates users and agencies.
        for tok in (editor["token"], viewer["token"]):
            assert_error(self, api("POST", "/api/v1/users",
                                   {"login": unique("u"), "password": "mat-khau-dai",
                                    "full_name": "X", "roles": ["viewer"]}, token=tok),
                         403, "forbidden")
            assert_error(self, api("POST", "/api/v1/agencies",
                                   {"code": unique("A"), "name": "X", "group_code": "01"},
                                   token=tok), 403, "forbidden")
        # Reads: the viewer reads users and the audit trail; the editor neither.
        self.assertEqual(api("GET", "/api/v1/users", token=viewer["token"])[0], 200)
        self.assertEqual(api("GET", "/api/v1/audit", token=viewer["token"])[0], 200)
        assert_error(self, api("GET", "/api/v1/users", token=editor["token"]), 403, "forbidden")
        assert_error(self, api("GET", "/api/v1/audit", token=editor["token"]), 403, "forbidden")
        # Both read the agencies of their province.
        for tok in (editor["token"], viewer["token"]):
            st, body, _ = api("GET", "/api/v1/agencies", token=tok)
            self.assertEqual(st, 200)
            self.assertIn(a["id"], [x["id"] for x in body.get("items", [])])
        # An agency role needs an agency; nobody is made sysadmin through the API.
        assert_error(self, api("POST", "/api/v1/users",
                               {"login": unique("u"), "password": "mat-khau-dai",
                                "full_name": "X", "roles": ["agency_head"]}, token=self.p["token"]),
                     400, "agency_required")
        assert_error(self, api("POST", "/api/v1/users",
                               {"login": unique("u"), "password": "mat-khau-dai",
                                "full_name": "X", "roles": ["sysadmin"]}, token=self.p["token"]),
                     400, "invalid_role")
        # The sysadmin manages provinces and their admins, not the data inside.
        sa = self.p["sysadmin_token"]
        assert_error(self, api("GET", "/api/v1/agencies", token=sa), 403, "forbidden")
        assert_error(self, api("POST", "/api/v1/users",
                               {"login": unique("u"), "password": "mat-khau-dai", "full_name": "X",
                                "roles": ["viewer"], "province_id": self.p["id"]}, token=sa),
                     400, "invalid_role")
        st, body, _ = api("GET", "/api/v1/provinces", token=sa)
        self.assertEqual(st, 200)
        self.assertIn(self.p["id"], [x["id"] for x in body["items"]])
        # Provinces: only a sysadmin creates them.
        assert_error(self, api("POST", "/api/v1/provinces", {"code": unique("P"), "name": "X"},
                               token=self.p["token"]), 403, "forbidden")

    def test_duplicate_login(self):
        u = new_user(self.p, ["viewer"])
        assert_error(self, api("POST", "/api/v1/users",
                               {"login": u["login"], "password": "mat-khau-dai",
                                "full_name": "Trùng", "roles": ["viewer"]}, token=self.p["token"]),
                     409, "login_taken")


@unittest.skipUnless(service_built("admin"), "chiso-admin not built")
class TestAdminTool(unittest.TestCase):
    def run_admin(self, login_name, password):
        e = dict(os.environ, CHISO_DB=env("CHISO_DB_APP"))
        return subprocess.run([os.path.join(env("CHISO_BIN"), "chiso-admin"), "create-sysadmin",
                               login_name], input=(password + "\n").encode(), env=e,
                              capture_output=True, timeout=60)

    def test_create_sysadmin(self):
        name = unique("root")
        r = self.run_admin(name, "mat-khau-1")
        self.assertEqual(r.returncode, 0, r.stderr)
        tok = login(name, "mat-khau-1")
        st, me, _ = api("GET", "/api/v1/auth/me", token=tok)
        self.assertEqual((st, me["roles"], me["province_id"]), (200, ["sysadmin"], 0))
        # Again: the password changes, the user stays the same.
        r = self.run_admin(name, "mat-khau-2")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(api("POST", "/api/v1/auth/login",
                             {"login": name, "password": "mat-khau-1"})[0], 401)
        self.assertTrue(login(name, "mat-khau-2"))
        rows = psql_super("SELECT count(*) FROM catalog.users WHERE login = :'l'", {"l": name})
        self.assertEqual(rows, [["1"]])
        # Too short: refused, in both languages.
        r = self.run_admin(unique("root"), "ngan")
        self.assertEqual(r.returncode, 2)
        self.assertIn("8", r.stderr.decode())
        # A province user's login is never turned into a sysadmin.
        p = new_province()
        r = self.run_admin(p["admin_login"], "mat-khau-3")
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertTrue(login(p["admin_login"], p["admin_password"]))


if __name__ == "__main__":
    unittest.main()
