"""Defence in depth in the database (issue 10, item 9; deploy/migrations/016_db_defence.sql).

Connected as chiso_app, the services' role: it cannot make itself system by setting the
GUC chiso.system (nor by naming a made-up session), cannot become chiso_system, cannot read
password hashes; the hash reaches the catalog's login path only through
catalog.auth_attempt(), which records the attempt first. The services still work: the
sysadmin's own requests, logins, password changes, chiso-admin create-sysadmin (as role
chiso_system)."""
import os
import secrets
import subprocess
import unittest

from harness import (_psql, api, env, login, new_province, new_user, psql_app, psql_super,
                     service_built, sysadmin, unique)


def _count(rows):
    return int(rows[-1][0])


def _denied(tc, sql, params=None, what="permission denied"):
    with tc.assertRaises(RuntimeError) as cm:
        psql_app(sql, params)
    tc.assertIn(what, str(cm.exception))


class TestSystemMode(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.a = new_province()
        cls.b = new_province()
        cls.sysadmin_id = psql_super("SELECT id FROM catalog.users WHERE login = :'l'",
                                     {"l": env("CHISO_ADMIN_USER")})[0][0]

    def test_guc_does_not_make_the_app_role_system(self):
        # The superuser sees both provinces' users and the sysadmin; chiso_app with the
        # GUC set, no tenant, sees nothing of them.
        every = _count(psql_super("SELECT count(*) FROM catalog.users"
                                  " WHERE province_id IN (:a, :b) OR province_id IS NULL",
                                  {"a": self.a["id"], "b": self.b["id"]}))
        self.assertGreaterEqual(every, 3)
        rows = psql_app("SELECT set_config('chiso.system', 'on', false);"
                        " SELECT count(*) FROM catalog.users;"
                        " SELECT count(*) FROM catalog.provinces;"
                        " SELECT count(*) FROM portal.api_keys;")
        self.assertEqual(rows[1:], [["0"], ["0"], ["0"]], rows)
        # With province A as tenant and the GUC on: A's users, never B's.
        rows = psql_app("SELECT set_config('chiso.province_id', :'a', false),"
                        "       set_config('chiso.system', 'on', false);"
                        " SELECT count(*) FILTER (WHERE province_id = :b),"
                        "        count(*) FILTER (WHERE province_id = :a) FROM catalog.users;",
                        {"a": self.a["id"], "b": self.b["id"]})
        self.assertEqual(rows[-1][0], "0", rows)
        self.assertGreaterEqual(int(rows[-1][1]), 1, rows)
        # Nor can it change another province: an insert into B under the GUC is refused.
        _denied(self, "SELECT set_config('chiso.system', 'on', false);"
                      " INSERT INTO catalog.users (province_id, login, full_name, password_hash,"
                      "  roles) VALUES (:b, :'l', 'x', 'x', '{province_admin}')",
                {"b": self.b["id"], "l": unique("gucx")}, "row-level security")

    def test_a_made_up_session_is_not_system(self):
        rows = psql_app("SELECT set_config('chiso.system', 'on', false),"
                        "       set_config('chiso.user_id', :'u', false),"
                        "       set_config('chiso.session', :'h', false);"
                        " SELECT count(*) FROM catalog.provinces;",
                        {"u": self.sysadmin_id, "h": secrets.token_hex(32)})
        self.assertEqual(rows[-1], ["0"], rows)

    def test_app_role_cannot_become_chiso_system(self):
        _denied(self, "SET ROLE chiso_system", None, "permission denied")

    def test_chiso_system_role_is_system(self):
        # The positive control: the role chiso-admin uses, with the claim, sees provinces.
        rows = _psql(env("CHISO_DB_SYSTEM"),
                     "SELECT set_config('chiso.system', 'on', false);"
                     " SELECT count(*) FROM catalog.provinces WHERE id IN (:a, :b);",
                     {"a": self.a["id"], "b": self.b["id"]})
        self.assertEqual(rows[-1], ["2"], rows)
        # ...and without the claim it is a plain tenant-less role.
        rows = _psql(env("CHISO_DB_SYSTEM"), "SELECT count(*) FROM catalog.provinces;", None)
        self.assertEqual(rows[-1], ["0"], rows)

    def test_sysadmin_requests_still_system(self):
        # The sysadmin's own session makes its transactions system ones: provinces listed,
        # a province and its admin created (new_province above), API keys listed.
        st, body, _ = api("GET", "/api/v1/provinces", token=sysadmin())
        self.assertEqual(st, 200, body)
        ids = {p["id"] for p in body.get("provinces", body.get("items", []))}
        self.assertTrue({self.a["id"], self.b["id"]} <= ids, body)
        st, body, _ = api("GET", "/api/v1/portal/keys", token=sysadmin())
        self.assertEqual(st, 200, body)
        # A province admin's session is not a sysadmin's: no provinces but its own.
        st, body, _ = api("GET", "/api/v1/provinces", token=self.a["token"])
        if st == 200:
            ids = {p["id"] for p in body.get("provinces", body.get("items", []))}
            self.assertNotIn(self.b["id"], ids, body)


class TestPasswordHashes(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.p = new_province()

    def test_app_role_cannot_read_hashes(self):
        tenant = "SELECT set_config('chiso.province_id', :'p', false);"
        _denied(self, tenant + " SELECT password_hash FROM catalog.users", {"p": self.p["id"]})
        _denied(self, tenant + " SELECT * FROM catalog.users", {"p": self.p["id"]})
        # every other column still is readable
        rows = psql_app(tenant + " SELECT login, email, roles, active FROM catalog.users"
                        " WHERE login = :'l'", {"p": self.p["id"], "l": self.p["admin_login"]})
        self.assertEqual(rows[-1][0], self.p["admin_login"], rows)
        # the old lookup that handed out any hash is gone
        _denied(self, "SELECT * FROM catalog.auth_lookup(:'l')", {"l": self.p["admin_login"]},
                "does not exist")

    def test_a_hash_fetch_is_a_recorded_attempt(self):
        u = new_user(self.p, ["viewer"])
        ip = "198.51.100.%d" % (secrets.randbelow(200) + 20)
        count = ("SELECT count(*) FROM catalog.login_failures WHERE login = :'l' AND ip = :'i'")
        before = _count(psql_super(count, {"l": u["login"], "i": ip}))
        psql_app("SELECT count(*) FROM catalog.auth_attempt(:'l', :'i')",
                 {"l": u["login"], "i": ip})
        self.assertEqual(_count(psql_super(count, {"l": u["login"], "i": ip})), before + 1)
        # an unknown login: no row, recorded the same way
        ghost = unique("ghost")
        rows = psql_app("SELECT count(*) FROM catalog.auth_attempt(:'l', :'i')",
                        {"l": ghost, "i": ip})
        self.assertEqual(rows[-1], ["0"])
        self.assertEqual(_count(psql_super(count, {"l": ghost, "i": ip})), 1)

    def test_logins_and_password_changes_work(self):
        u = new_user(self.p, ["viewer"])
        # a wrong password is one failure; the right one logs in and clears them
        st, _, _ = api("POST", "/api/v1/auth/login", {"login": u["login"], "password": "sai-mat-khau"})
        self.assertEqual(st, 401)
        self.assertGreaterEqual(_count(psql_super(
            "SELECT count(*) FROM catalog.login_failures WHERE login = :'l'", {"l": u["login"]})), 1)
        login(u["login"], u["password"])
        self.assertEqual(_count(psql_super(
            "SELECT count(*) FROM catalog.login_failures WHERE login = :'l'", {"l": u["login"]})), 0)
        # the province admin sets a new password (written by chiso_app, never read back)
        new = secrets.token_urlsafe(12)
        st, body, _ = api("PATCH", f"/api/v1/users/{u['id']}", {"password": new},
                          token=self.p["token"])
        self.assertEqual(st, 200, body)
        self.assertNotIn("password_hash", body)
        st, _, _ = api("POST", "/api/v1/auth/login", {"login": u["login"], "password": u["password"]})
        self.assertEqual(st, 401)
        login(u["login"], new)


@unittest.skipUnless(service_built("admin"), "chiso-admin not built")
class TestAdminSystemRole(unittest.TestCase):

    def _create(self, login_name, password, system_db):
        e = dict(os.environ, CHISO_DB=env("CHISO_DB_APP"), CHISO_DB_SYSTEM=system_db)
        return subprocess.run([os.path.join(env("CHISO_BIN"), "chiso-admin"), "create-sysadmin",
                               login_name], input=password + "\n", capture_output=True,
                              text=True, env=e, timeout=60)

    def test_create_sysadmin_needs_the_system_role(self):
        name, password = unique("sa"), secrets.token_urlsafe(12)
        # as chiso_app (what every service holds) the insert is refused by the database
        r = self._create(name, password, env("CHISO_DB_APP"))
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("row-level security", r.stderr)
        self.assertEqual(psql_super("SELECT count(*) FROM catalog.users WHERE login = :'l'",
                                    {"l": name}), [["0"]])
        # as chiso_system it works, and the new sysadmin logs in and acts installation-wide
        r = self._create(name, password, env("CHISO_DB_SYSTEM"))
        self.assertEqual(r.returncode, 0, r.stderr)
        tok = login(name, password)
        st, body, _ = api("POST", "/api/v1/provinces",
                          {"code": unique("S").upper(), "name": "Tỉnh của quản trị mới"}, token=tok)
        self.assertIn(st, (200, 201), body)


if __name__ == "__main__":
    unittest.main()
