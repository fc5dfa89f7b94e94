"""Agency groups, agencies (one by one and CSV import), people and discipline (catalog)."""
import unittest

from harness import api, assert_error, new_province, new_user, psql_super, unique

CSV = {"Content-Type": "text/csv; charset=utf-8"}


def ok(tc, resp):
    st, body, _ = resp
    tc.assertEqual(st, 200, body)
    return body


class TestAgencies(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = new_province()
        for code, name in (("01", "Sở, ban, ngành"), ("02", "Đơn vị sự nghiệp"), ("03", "Xã, phường")):
            api("POST", "/api/v1/agency-groups", {"code": code, "name": name}, token=cls.p["token"])

    def imp(self, text):
        return api("POST", "/api/v1/agencies/import", raw=text.encode("utf-8"), headers=CSV,
                   token=self.p["token"])

    def count(self):
        return int(psql_super("SELECT count(*) FROM catalog.agencies WHERE province_id = :'p'",
                              {"p": self.p["id"]})[0][0])

    def test_groups(self):
        t = self.p["token"]
        lst = ok(self, api("GET", "/api/v1/agency-groups", token=t))
        self.assertEqual([g["code"] for g in lst["items"]][:3], ["01", "02", "03"])
        assert_error(self, api("POST", "/api/v1/agency-groups", {"code": "01", "name": "lặp"}, token=t),
                     409, "duplicate")
        assert_error(self, api("POST", "/api/v1/agency-groups", {"code": "a b", "name": "x"}, token=t),
                     400, "invalid_code")

    def test_csv_import_all_or_nothing(self):
        c1, c2, c3 = unique("S"), unique("S"), unique("X")
        before = self.count()
        text = ("group,code,name\r\n"
                f"01,{c1},Sở Tài nguyên và Môi trường\r\n"
                f"02,{c2},\"Trung tâm Phục vụ hành chính công, tỉnh\"\r\n"
                f"03,{c3},Xã Ea Tu\r\n")
        # One bad line anywhere: nothing is written, and the error names the line.
        for bad, code, line in (
                (text + "09,ZZ1,Không có nhóm\r\n", "unknown_group", "5"),
                (text + f"01,{c1},Lặp mã\r\n", "duplicate_code", "5"),
                (text + "01,ZZ2\r\n", "csv_invalid", "5"),
                (text + "01,có dấu,Tên\r\n", "invalid_code", "5"),
                (text + "01,ZZ3,\r\n", "required", "5"),
                (text.replace("group,code,name", "nhom,ma,ten"), "csv_header", "1"),
                (text + "01,ZZ4,\"chưa đóng\r\n", "csv_invalid", "5")):
            r = self.imp(bad)
            assert_error(self, r, 400, code)
            self.assertIn(f"Dòng {line}", r[1]["error"]["message_vi"], r)
            self.assertIn(f"Line {line}", r[1]["error"]["message_en"], r)
            self.assertEqual(self.count(), before, code)
        body = ok(self, self.imp(text))
        self.assertEqual((body["created"], body["updated"]), (3, 0))
        self.assertEqual(self.count(), before + 3)
        names = {a["code"]: a["name"] for a in body["items"]}
        self.assertEqual(names[c2], "Trung tâm Phục vụ hành chính công, tỉnh")
        self.assertEqual(names[c1], "Sở Tài nguyên và Môi trường")
        # Again with one name changed: updated in place, Vietnamese intact.
        body = ok(self, self.imp(text.replace("Xã Ea Tu", "Phường Tân Lập")))
        self.assertEqual((body["created"], body["updated"]), (0, 3))
        lst = ok(self, api("GET", "/api/v1/agencies?group_code=03", token=self.p["token"]))
        self.assertIn("Phường Tân Lập", [a["name"] for a in lst["items"]])
        self.assertEqual({a["group_code"] for a in lst["items"]}, {"03"})
        # Only the province_admin imports.
        viewer = new_user(self.p, ["viewer"])
        assert_error(self, api("POST", "/api/v1/agencies/import", raw=text.encode(), headers=CSV,
                               token=viewer["token"]), 403, "forbidden")

    def test_agency_one_by_one(self):
        t = self.p["token"]
        code = unique("S")
        a = ok(self, api("POST", "/api/v1/agencies", {"code": code, "name": "Sở Y tế",
                                                      "group_code": "01"}, token=t))
        self.assertTrue(a["active"])
        assert_error(self, api("POST", "/api/v1/agencies", {"code": code, "name": "x", "group_code": "01"},
                               token=t), 409, "duplicate_code")
        assert_error(self, api("POST", "/api/v1/agencies", {"code": unique("S"), "name": "x",
                                                            "group_code": "77"}, token=t),
                     400, "unknown_group")
        assert_error(self, api("POST", "/api/v1/agencies", {"code": unique("S"), "group_code": "01"},
                               token=t), 400, "required")
        got = ok(self, api("PATCH", f"/api/v1/agencies/{a['id']}", {"name": "Sở Y tế tỉnh",
                                                                  "active": False}, token=t))
        self.assertEqual((got["name"], got["active"], got["group_code"]), ("Sở Y tế tỉnh", False, "01"))
        assert_error(self, api("PATCH", f"/api/v1/agencies/{a['id']}", {"code": "KHAC"}, token=t),
                     400, "immutable_field")
        self.assertEqual(ok(self, api("GET", f"/api/v1/agencies/{a['id']}", token=t))["name"],
                         "Sở Y tế tỉnh")
        assert_error(self, api("GET", "/api/v1/agencies/999999999", token=t), 404, "not_found")
        audit = ok(self, api("GET", f"/api/v1/audit?entity=agency&entity_id={a['id']}", token=t))
        self.assertEqual([e["action"] for e in audit["items"]], ["update", "create"])
        self.assertIn("Sở Y tế tỉnh", audit["items"][0]["new_value"])
        self.assertIn('"Sở Y tế"', audit["items"][0]["old_value"])

    def test_people_and_discipline(self):
        t = self.p["token"]
        a = ok(self, api("POST", "/api/v1/agencies", {"code": unique("S"), "name": "Sở Xây dựng",
                                                      "group_code": "01"}, token=t))
        base = f"/api/v1/agencies/{a['id']}/people"
        head = ok(self, api("POST", base, {"full_name": "Lê Văn Hùng", "position": "head"}, token=t))
        ok(self, api("POST", base, {"full_name": "Phạm Thị Hoa", "position": "deputy",
                                    "from_date": "2024-01-01"}, token=t))
        assert_error(self, api("POST", base, {"full_name": "X", "position": "chief"}, token=t),
                     400, "invalid_position")
        assert_error(self, api("POST", base, {"full_name": "X", "position": "deputy",
                                              "from_date": "2024-02-30"}, token=t), 400, "invalid_date")
        lst = ok(self, api("GET", base, token=t))
        self.assertEqual([(p["full_name"], p["position"]) for p in lst["items"]],
                         [("Lê Văn Hùng", "head"), ("Phạm Thị Hoa", "deputy")])
        dbase = f"/api/v1/people/{head['id']}/discipline"
        d = ok(self, api("POST", dbase, {"decided_on": "2025-06-30", "form": "khiển trách",
                                         "decision_no": "45/QĐ-UBND", "note": "Chậm tiến độ"}, token=t))
        self.assertEqual(d["decided_on"], "2025-06-30")
        assert_error(self, api("POST", dbase, {"decided_on": "30/06/2025", "form": "x"}, token=t),
                     400, "invalid_date")
        assert_error(self, api("POST", dbase, {"decided_on": "2025-06-30"}, token=t), 400, "required")
        lst = ok(self, api("GET", dbase, token=t))
        self.assertEqual([x["form"] for x in lst["items"]], ["khiển trách"])
        # The agency's own editor reads its people; another agency's editor does not.
        other = ok(self, api("POST", "/api/v1/agencies", {"code": unique("S"), "name": "Sở khác",
                                                          "group_code": "01"}, token=t))
        own = new_user(self.p, ["agency_editor"], agency_id=a["id"])
        stranger = new_user(self.p, ["agency_editor"], agency_id=other["id"])
        self.assertEqual(api("GET", base, token=own["token"])[0], 200)
        assert_error(self, api("GET", base, token=stranger["token"]), 403, "forbidden")
        assert_error(self, api("GET", dbase, token=stranger["token"]), 403, "forbidden")
        assert_error(self, api("POST", base, {"full_name": "X", "position": "deputy"},
                               token=own["token"]), 403, "forbidden")


if __name__ == "__main__":
    unittest.main()
