"""Support access (issue 10, item 3; SPEC §1: the sysadmin has nothing inside a province's
data unless granted). Before a grant the sysadmin is refused inside a province and nothing
changes; a province admin grants support for a bounded time with a reason; with it, the
sysadmin acts as the province's admin with the header X-Support-Province, and each action is
in the province's own audit trail as support:<login>; revocation or expiry ends it at once;
a grant of province A gives nothing in B."""
import secrets
import unittest

from harness import (api, assert_error, env, login, new_province, new_user, psql_super,
                     sysadmin)


def _as_support(province_id):
    return {"X-Support-Province": str(province_id)}


class TestSupportGrant(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.a = new_province()
        cls.b = new_province()
        cls.sa = sysadmin()
        cls.sa_login = env("CHISO_ADMIN_USER")
        cls.sa_id = int(psql_super("SELECT id FROM catalog.users WHERE login = :'l'",
                                   {"l": cls.sa_login})[0][0])

    def _support_rows(self, province):
        return psql_super("SELECT user_id, login, entity, entity_id, action FROM core.audit"
                          " WHERE province_id = :p AND login LIKE 'support:%' ORDER BY id",
                          {"p": province["id"]})

    def _no_live_grants(self, province):
        psql_super("UPDATE catalog.support_grants SET revoked_at = now()"
                   " WHERE province_id = :p AND revoked_at IS NULL", {"p": province["id"]})

    def _grant(self, province, hours=2, reason="Hỗ trợ khôi phục tài khoản"):
        st, body, _ = api("POST", "/api/v1/support-grants", {"reason": reason, "hours": hours},
                          token=province["token"])
        self.assertIn(st, (200, 201), body)
        return body

    def _reset(self, user, password, headers=None, token=None):
        return api("PATCH", f"/api/v1/users/{user['id']}", {"password": password},
                   token=token or self.sa, headers=headers)

    def test_refused_without_a_grant_and_nothing_changes(self):
        c = new_province()    # never granted anything
        viewer = new_user(c, ["viewer"])
        audit_before = psql_super("SELECT count(*) FROM core.audit WHERE province_id = :p",
                                  {"p": c["id"]})
        # installation-wide, as before: the sysadmin reaches province admins only
        assert_error(self, self._reset(viewer, "mat-khau-moi-1"), 403, "forbidden")
        assert_error(self, api("PATCH", f"/api/v1/users/{viewer['id']}",
                               {"roles": ["province_admin"]}, token=self.sa), 403, "forbidden")
        # nor does it create a province's ordinary users, nor read its agencies or trail
        st, body, _ = api("POST", "/api/v1/users", {
            "login": "sa_viewer_" + secrets.token_hex(3), "password": "mat-khau-dai-1",
            "full_name": "Không được tạo", "roles": ["viewer"], "province_id": c["id"]},
            token=self.sa)
        self.assertIn(st, (400, 403), body)
        for path in ("/api/v1/agencies", "/api/v1/audit", "/api/v1/periods"):
            st, body, _ = api("GET", path, token=self.sa)
            self.assertIn(st, (403, 404), (path, body))
        st, body, _ = api("GET", f"/api/v1/users/{viewer['id']}", token=self.sa)
        self.assertIn(st, (403, 404), body)
        # inside the province without a grant: refused with its own code, vi and en messages
        resp = self._reset(viewer, "mat-khau-moi-2", _as_support(c["id"]))
        assert_error(self, resp, 403, "support_not_granted")
        assert_error(self, api("PATCH", f"/api/v1/users/{viewer['id']}",
                               {"roles": ["province_admin"]}, token=self.sa,
                               headers=_as_support(c["id"])), 403, "support_not_granted")
        assert_error(self, api("GET", "/api/v1/agencies", token=self.sa,
                               headers=_as_support(c["id"])), 403, "support_not_granted")
        # nothing changed: the old password still works, the roles are the same, no audit row
        login(viewer["login"], viewer["password"])
        st, me, _ = api("GET", f"/api/v1/users/{viewer['id']}", token=c["token"])
        self.assertEqual(me["roles"], ["viewer"])
        self.assertEqual(psql_super("SELECT count(*) FROM core.audit WHERE province_id = :p",
                                    {"p": c["id"]}), audit_before)

    def test_grant_act_audit_revoke(self):
        viewer = new_user(self.a, ["viewer"])
        self._no_live_grants(self.a)
        g = self._grant(self.a)
        self.assertTrue(g["live"])
        self.assertEqual(g["expires_at"] - g["created_at"], 7200)
        self.assertEqual(g["granted_by_login"], self.a["admin_login"])
        sup = _as_support(self.a["id"])
        # with the grant: the sysadmin resets the viewer's password and makes a new agency
        new_pw = secrets.token_urlsafe(12)
        st, body, _ = self._reset(viewer, new_pw, sup)
        self.assertEqual(st, 200, body)
        login(viewer["login"], new_pw)
        # each action in the province's own trail: the sysadmin, marked support
        rows = self._support_rows(self.a)
        self.assertIn([str(self.sa_id), f"support:{self.sa_login}", "user", str(viewer["id"]),
                       "update"], rows)
        # the province admin reads it through the API too
        st, trail, _ = api("GET", "/api/v1/audit?entity=user&entity_id=%d" % viewer["id"],
                           token=self.a["token"])
        self.assertEqual(st, 200, trail)
        self.assertTrue(any(e.get("login") == f"support:{self.sa_login}" and
                            e.get("user_id") == self.sa_id for e in trail["items"]), trail)
        # the grant is in the trail, with its reason
        st, trail, _ = api("GET", "/api/v1/audit?entity=support_grant&entity_id=%d" % g["id"],
                           token=self.a["token"])
        self.assertEqual([e["action"] for e in trail["items"]], ["grant"], trail)
        # the sysadmin under the grant cannot extend it
        assert_error(self, api("POST", "/api/v1/support-grants",
                               {"reason": "tự gia hạn", "hours": 168}, token=self.sa,
                               headers=sup), 403, "support_cannot_grant")
        # revoked: refused again at once, and nothing more changes
        st, r, _ = api("POST", f"/api/v1/support-grants/{g['id']}/revoke", {},
                       token=self.a["token"])
        self.assertEqual(st, 200, r)
        self.assertFalse(r["live"])
        self.assertIn("revoked_at", r)
        assert_error(self, self._reset(viewer, "mat-khau-sau-thu-hoi", sup), 403,
                     "support_not_granted")
        login(viewer["login"], new_pw)
        st, trail, _ = api("GET", "/api/v1/audit?entity=support_grant&entity_id=%d" % g["id"],
                           token=self.a["token"])
        self.assertEqual(sorted(e["action"] for e in trail["items"]), ["grant", "revoke"])

    def test_expiry_ends_access(self):
        viewer = new_user(self.a, ["viewer"])
        self._no_live_grants(self.a)   # no other grant may keep access open
        g = self._grant(self.a, hours=1)
        sup = _as_support(self.a["id"])
        st, body, _ = api("GET", f"/api/v1/users/{viewer['id']}", token=self.sa, headers=sup)
        self.assertEqual(st, 200, body)
        # the hour has passed (moved back by hand: the database's clock decides)
        psql_super("UPDATE catalog.support_grants SET created_at = now() - interval '2 hours',"
                   " expires_at = now() - interval '1 second' WHERE id = :g", {"g": g["id"]})
        assert_error(self, api("GET", f"/api/v1/users/{viewer['id']}", token=self.sa,
                               headers=sup), 403, "support_not_granted")
        st, lst, _ = api("GET", "/api/v1/support-grants", token=self.a["token"])
        self.assertEqual(st, 200, lst)
        mine = [x for x in lst["items"] if x["id"] == g["id"]]
        self.assertEqual(len(mine), 1)
        self.assertFalse(mine[0]["live"])

    def test_grant_of_a_gives_nothing_in_b(self):
        self._grant(self.a)
        b_viewer = new_user(self.b, ["viewer"])
        assert_error(self, self._reset(b_viewer, "mat-khau-cua-b", _as_support(self.b["id"])),
                     403, "support_not_granted")
        assert_error(self, api("GET", "/api/v1/agencies", token=self.sa,
                               headers=_as_support(self.b["id"])), 403, "support_not_granted")
        login(b_viewer["login"], b_viewer["password"])
        self.assertEqual(self._support_rows(self.b), [])
        # B's list does not show A's grants; B's admin cannot revoke A's grant
        st, lst, _ = api("GET", "/api/v1/support-grants", token=self.b["token"])
        self.assertEqual(st, 200, lst)
        self.assertTrue(all(x["province_id"] == self.b["id"] for x in lst["items"]), lst)
        g = self._grant(self.a)
        assert_error(self, api("POST", f"/api/v1/support-grants/{g['id']}/revoke", {},
                               token=self.b["token"]), 404, "not_found")
        # with A's grant, the sysadmin under A's header still sees nothing of B
        st, body, _ = api("GET", f"/api/v1/users/{b_viewer['id']}", token=self.sa,
                          headers=_as_support(self.a["id"]))
        self.assertEqual(st, 404, body)

    def test_bounds_and_who_may_grant(self):
        for body in ({"reason": "quá dài", "hours": 169}, {"reason": "không giờ", "hours": 0},
                     {"hours": 2}, {"reason": "  ", "hours": 2}):
            st, resp, _ = api("POST", "/api/v1/support-grants", body, token=self.a["token"])
            self.assertEqual(st, 400, (body, resp))
        viewer = new_user(self.a, ["viewer"])
        assert_error(self, api("POST", "/api/v1/support-grants", {"reason": "xem", "hours": 1},
                               token=viewer["token"]), 403, "forbidden")
        # the header is the sysadmin's only, and must be a province id
        assert_error(self, api("GET", "/api/v1/agencies", token=viewer["token"],
                               headers=_as_support(self.a["id"])), 403, "forbidden")
        assert_error(self, api("GET", "/api/v1/agencies", token=self.sa,
                               headers={"X-Support-Province": "A1"}), 400, "invalid_input")
        # the sysadmin itself grants nothing (it has no province)
        st, _, _ = api("POST", "/api/v1/support-grants", {"reason": "tự cấp", "hours": 1},
                       token=self.sa)
        self.assertEqual(st, 403)


if __name__ == "__main__":
    unittest.main()
