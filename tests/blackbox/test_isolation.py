"""Tenant isolation: a user of province A never reads, lists or writes province B's objects
(404, never 403, never B's data), and chiso_app with no tenant set sees no tenant rows."""
import unittest

from harness import api, new_province, new_user, psql_app, psql_super, unique


def ok(tc, resp):
    st, body, _ = resp
    tc.assertIn(st, (200, 201), body)
    return body


def populate(tc, p):
    """One object of every catalog type in province p; returns their ids."""
    t = p["token"]
    ok(tc, api("POST", "/api/v1/agency-groups", {"code": "01", "name": "Sở, ban, ngành"}, token=t))
    grp = unique("G")
    ok(tc, api("POST", "/api/v1/agency-groups", {"code": grp, "name": "Nhóm riêng"}, token=t))
    ag = ok(tc, api("POST", "/api/v1/agencies", {"code": "SNV", "name": f"Sở Nội vụ {p['code']}",
                                                 "group_code": "01"}, token=t))
    person = ok(tc, api("POST", f"/api/v1/agencies/{ag['id']}/people",
                        {"full_name": "Nguyễn Văn A", "position": "head"}, token=t))
    disc = ok(tc, api("POST", f"/api/v1/people/{person['id']}/discipline",
                      {"decided_on": "2025-03-01", "form": "khiển trách", "decision_no": "12/QĐ",
                       "note": "thử"}, token=t))
    user = new_user(p, ["agency_editor"], agency_id=ag["id"])
    iset = ok(tc, api("POST", "/api/v1/index-sets", {
        "code": unique("IS"), "name": "Bộ thử", "group_code": "01", "year": 2025,
        "nodes": [{"code": "1.1", "content": 1, "title": "a", "max_points": 45},
                  {"code": "2.1", "content": 2, "title": "b", "max_points": 35},
                  {"code": "3.1", "content": 3, "title": "c", "max_points": 12},
                  {"code": "4.1", "content": 4, "title": "d", "max_points": 5}]}, token=t))
    per = ok(tc, api("POST", "/api/v1/periods", {"code": unique("K"), "name": "Kỳ 2025", "year": 2025,
                                                 "config": "{\"quota\": 0.2}"}, token=t))
    ok(tc, api("PUT", f"/api/v1/periods/{per['id']}/index-sets/01", {"index_set_id": iset["id"]}, token=t))
    ok(tc, api("PUT", f"/api/v1/periods/{per['id']}/phases/self_assessment",
               {"opens_at": 1700000000, "closes_at": 1900000000}, token=t))
    ok(tc, api("POST", f"/api/v1/periods/{per['id']}/extensions",
               {"agency_id": ag["id"], "phase": "self_assessment", "closes_at": 1900086400,
                "reason": "Gia hạn do mưa bão"}, token=t))
    return {"province": p["id"], "group": grp, "agency": ag["id"], "person": person["id"],
            "discipline": disc["id"], "user": user["id"], "user_login": user["login"],
            "index_set": iset["id"], "index_set_code": iset["code"], "period": per["id"],
            "period_code": per["code"]}


class TestIsolation(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.A = new_province()
        cls.B = new_province()
        # setUpClass has no TestCase instance methods of its own: use a throwaway one.
        tc = cls("test_no_tenant_sees_nothing")
        cls.a = populate(tc, cls.A)
        cls.b = populate(tc, cls.B)
        cls.viewer_a = new_user(cls.A, ["viewer"])

    def tokens(self):
        return {"admin A": self.A["token"], "viewer A": self.viewer_a["token"]}

    def assert404(self, resp, what):
        st, body, _ = resp
        self.assertEqual(st, 404, f"{what}: {st} {body!r}")
        self.assertEqual(body["error"]["code"], "not_found", what)
        text = repr(body)
        for secret in ("Nguyễn Văn A", f"Sở Nội vụ {self.B['code']}", self.b["index_set_code"],
                       self.b["period_code"], self.b["user_login"]):
            self.assertNotIn(secret, text, what)

    def test_get_by_id_is_404(self):
        b = self.b
        paths = [f"/api/v1/provinces/{b['province']}", f"/api/v1/users/{b['user']}",
                 f"/api/v1/agencies/{b['agency']}", f"/api/v1/agencies/{b['agency']}/people",
                 f"/api/v1/people/{b['person']}/discipline", f"/api/v1/index-sets/{b['index_set']}",
                 f"/api/v1/periods/{b['period']}", f"/api/v1/periods/{b['period']}/phases"]
        for who, tok in self.tokens().items():
            for path in paths:
                self.assert404(api("GET", path, token=tok), f"{who} GET {path}")

    def test_lists_never_show_b(self):
        b = self.b
        lists = {
            "/api/v1/provinces": ("id", b["province"]),
            "/api/v1/users": ("id", b["user"]),
            "/api/v1/agencies": ("id", b["agency"]),
            "/api/v1/agency-groups": ("code", b["group"]),
            "/api/v1/index-sets": ("id", b["index_set"]),
            "/api/v1/periods": ("id", b["period"]),
        }
        for who, tok in self.tokens().items():
            for path, (key, bad) in lists.items():
                st, body, _ = api("GET", path, token=tok)
                self.assertEqual(st, 200, f"{who} {path}: {body!r}")
                items = body.get("items", [])
                self.assertTrue(items, f"{who} {path}: A's own rows are listed")
                self.assertNotIn(bad, [x.get(key) for x in items], f"{who} {path}")
            st, body, _ = api("GET", f"/api/v1/agencies/{self.a['agency']}/people", token=tok)
            self.assertEqual([x["agency_id"] for x in body["items"]], [self.a["agency"]])
            st, audit, _ = api("GET", "/api/v1/audit?limit=1000", token=tok)
            self.assertEqual(st, 200)
            self.assertTrue(audit["items"])
            for e in audit["items"]:
                self.assertNotIn(self.B["code"], repr(e), who)
        # A province_admin's user list has no sysadmin either.
        st, body, _ = api("GET", "/api/v1/users", token=self.A["token"])
        self.assertNotIn("sysadmin", [r for u in body["items"] for r in u["roles"]])

    def test_cannot_write_into_b(self):
        b, t = self.b, self.A["token"]
        writes = [
            ("PATCH", f"/api/v1/agencies/{b['agency']}", {"name": "Bị sửa"}),
            ("POST", f"/api/v1/agencies/{b['agency']}/people", {"full_name": "X", "position": "deputy"}),
            ("POST", f"/api/v1/people/{b['person']}/discipline", {"decided_on": "2025-01-01", "form": "x"}),
            ("PATCH", f"/api/v1/users/{b['user']}", {"active": False}),
            ("POST", f"/api/v1/index-sets/{b['index_set']}/copy", {"code": unique("C")}),
            ("PUT", f"/api/v1/periods/{b['period']}/phases/appraisal_1",
             {"opens_at": 1700000000, "closes_at": 1800000000}),
            ("PUT", f"/api/v1/periods/{b['period']}/index-sets/01", {"index_set_id": self.a["index_set"]}),
            ("POST", f"/api/v1/periods/{b['period']}/extensions",
             {"agency_id": self.a["agency"], "phase": "self_assessment", "closes_at": 1900090000,
              "reason": "x"}),
            # A's own objects pointing at B's.
            ("PUT", f"/api/v1/periods/{self.a['period']}/index-sets/01", {"index_set_id": b["index_set"]}),
            ("POST", f"/api/v1/periods/{self.a['period']}/extensions",
             {"agency_id": b["agency"], "phase": "self_assessment", "closes_at": 1900090000,
              "reason": "x"}),
            ("POST", "/api/v1/users", {"login": unique("u"), "password": "mat-khau-dai",
                                       "full_name": "X", "roles": ["viewer"],
                                       "province_id": b["province"]}),
        ]
        for method, path, body in writes:
            self.assert404(api(method, path, body, token=t), f"{method} {path}")
        st, body, _ = api("POST", "/api/v1/users", {"login": unique("u"), "password": "mat-khau-dai",
                                                    "full_name": "X", "roles": ["agency_editor"],
                                                    "agency_id": b["agency"]}, token=t)
        self.assertEqual(st, 400, body)
        # B is unchanged.
        rows = psql_super("SELECT name FROM catalog.agencies WHERE id = :'id'", {"id": b["agency"]})
        self.assertEqual(rows, [[f"Sở Nội vụ {self.B['code']}"]])
        rows = psql_super("SELECT active FROM catalog.users WHERE id = :'id'", {"id": b["user"]})
        self.assertEqual(rows, [["t"]])
        rows = psql_super("SELECT count(*) FROM catalog.people WHERE agency_id = :'id'", {"id": b["agency"]})
        self.assertEqual(rows, [["1"]])
        rows = psql_super("SELECT count(*) FROM catalog.phases WHERE period_id = :'id'", {"id": b["period"]})
        self.assertEqual(rows, [["1"]])
        # The same codes in both provinces are two different agencies.
        self.assertNotEqual(self.a["agency"], b["agency"])

    def test_no_tenant_sees_nothing(self):
        tables = psql_super(
            "SELECT table_schema || '.' || table_name FROM information_schema.columns"
            " WHERE column_name = 'province_id' AND table_schema NOT IN ('pg_catalog', 'information_schema')"
            "   AND table_name IN (SELECT table_name FROM information_schema.tables"
            "                       WHERE table_type = 'BASE TABLE')"
            " ORDER BY 1")
        tables = [r[0] for r in tables] + ["catalog.provinces"]
        self.assertIn("catalog.agencies", tables)
        checked = 0
        for t in tables:
            schema, name = t.split(".")
            can = psql_super("SELECT has_table_privilege('chiso_app', :'t', 'SELECT')", {"t": t})
            if can != [["t"]]:
                continue
            # core.audit and core.idempotency keep installation-wide (sysadmin) rows under
            # province 0; no province's row may show.
            cond = "province_id <> 0" if schema == "core" else "true"
            rows = psql_app(f'SELECT count(*) FROM "{schema}"."{name}" WHERE {cond}')
            self.assertEqual(rows, [["0"]], t)
            checked += 1
        self.assertGreaterEqual(checked, 12)
        # ... while the rows exist.
        for t in ("catalog.agencies", "catalog.people", "catalog.discipline", "catalog.index_nodes",
                  "catalog.periods", "catalog.phases", "catalog.phase_extensions", "catalog.users"):
            self.assertNotEqual(psql_super(f"SELECT count(*) FROM {t}"), [["0"]], t)
        # Sessions and login failures are not readable at all by the services' role.
        for t in ("catalog.sessions", "catalog.login_failures"):
            with self.assertRaises(RuntimeError):
                psql_app(f"SELECT count(*) FROM {t}")
        # With A as tenant, chiso_app sees A's agencies only.
        rows = psql_app("SELECT set_config('chiso.province_id', :'p', false);"
                        " SELECT count(*) FROM catalog.agencies WHERE province_id <> :'p'",
                        {"p": self.A["id"]})
        self.assertEqual(rows[-1], ["0"])


if __name__ == "__main__":
    unittest.main()
