"""Index sets: JSON import/export round trip, validation naming the leaf, freezing, copy."""
import copy
import unittest

from harness import api, assert_error, new_province, new_user, unique


def valid_set(code=None, group="01"):
    return {
        "code": code or unique("IS"), "name": "Bộ Chỉ số thử nghiệm", "group_code": group,
        "year": 2025,
        "contents": [{"content": 1, "title": "Kết quả thực hiện nhiệm vụ theo chức năng",
                      "max_points": 45}],
        "nodes": [
            {"code": "1.1", "content": 1, "title": "Tiêu chí 1.1"},
            {"code": "1.1.1", "parent_code": "1.1", "content": 1, "title": "Đúng hạn",
             "max_points": 20, "guidance": "Tỷ lệ hồ sơ đúng hạn", "evidence_required": True},
            {"code": "1.1.2", "parent_code": "1.1", "content": 1, "title": "Chất lượng",
             "max_points": 25, "step": 0.5},
            {"code": "2.1", "content": 2, "title": "Cải cách thủ tục hành chính", "max_points": 35},
            {"code": "3.1", "content": 3, "title": "Khảo sát sự hài lòng", "max_points": 12,
             "auto_source": "survey"},
            {"code": "4.1", "content": 4, "title": "Lãnh đạo tỉnh đánh giá", "max_points": 5},
            {"code": "5.1", "content": 5, "title": "Sáng kiến", "max_points": 2},
            {"code": "5.2", "content": 5, "title": "Giải thưởng", "max_points": 2},
            {"code": "6.1", "content": 6, "title": "Bị xử lý kỷ luật", "max_points": 3},
        ],
    }


class TestIndexSets(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = new_province()
        api("POST", "/api/v1/agency-groups", {"code": "01", "name": "Sở, ban, ngành"}, token=cls.p["token"])
        api("POST", "/api/v1/agency-groups", {"code": "03", "name": "Xã, phường"}, token=cls.p["token"])

    def imp(self, s, token=None):
        return api("POST", "/api/v1/index-sets", s, token=token or self.p["token"])

    def test_round_trip(self):
        s = valid_set()
        st, body, _ = self.imp(s)
        self.assertEqual(st, 200, body)
        st, out, _ = api("GET", f"/api/v1/index-sets/{body['id']}", token=self.p["token"])
        self.assertEqual(st, 200, out)
        for k in ("code", "name", "group_code", "year"):
            self.assertEqual(out[k], s[k])
        self.assertFalse(out["frozen"])
        # Contents: the given one, the rest from the defaults of SPEC §3.
        got = {c["content"]: c for c in out["contents"]}
        self.assertEqual(sorted(got), [1, 2, 3, 4, 5, 6])
        self.assertEqual([got[k].get("max_points") for k in range(1, 6)], [45, 35, 12, 5, 3])
        self.assertNotIn("max_points", got[6])
        self.assertEqual(got[5]["title"], "Điểm cộng")
        self.assertEqual(got[6]["title"], "Điểm trừ")
        # Nodes in the same order, with every field kept (step default 0.25).
        self.assertEqual([n["code"] for n in out["nodes"]], [n["code"] for n in s["nodes"]])
        for a, b in zip(s["nodes"], out["nodes"]):
            for k, v in a.items():
                self.assertEqual(b.get(k), v, f"{a['code']}.{k}")
        by = {n["code"]: n for n in out["nodes"]}
        self.assertEqual(by["1.1.1"]["step"], 0.25)
        self.assertEqual(by["1.1.2"]["step"], 0.5)
        self.assertFalse(by["1.1"]["is_leaf"])
        self.assertTrue(by["1.1.1"]["is_leaf"])
        # Importing the export again (new code) gives the same set.
        again = {k: out[k] for k in ("name", "group_code", "year", "contents")}
        again["code"] = unique("IS")
        again["nodes"] = [{k: v for k, v in n.items() if k != "is_leaf"} for n in out["nodes"]]
        st, body2, _ = self.imp(again)
        self.assertEqual(st, 200, body2)
        self.assertEqual(body2["nodes"], out["nodes"])
        # Lists show it (without the tree).
        st, lst, _ = api("GET", "/api/v1/index-sets?group_code=01", token=self.p["token"])
        self.assertIn(body["id"], [x["id"] for x in lst["items"]])

    def bad(self, mutate, code, must_name):
        s = valid_set()
        mutate(s)
        r = self.imp(s)
        assert_error(self, r, 400, code)
        err = r[1]["error"]
        self.assertIn(must_name, err["message_vi"], err)
        self.assertIn(must_name, err["message_en"], err)
        return err

    def test_invalid(self):
        def dup(s):
            s["nodes"].append({"code": "2.1", "content": 2, "title": "Lặp", "max_points": 1})
        self.bad(dup, "duplicate_code", "2.1")

        def parent(s):
            s["nodes"][1]["parent_code"] = "9.9"
        self.bad(parent, "unknown_parent", "1.1.1")

        def content(s):
            s["nodes"][3]["content"] = 7
        self.bad(content, "invalid_content", "2.1")

        def leaf_zero(s):
            s["nodes"][5]["max_points"] = 0
        self.bad(leaf_zero, "invalid_max", "4.1")

        def step_zero(s):
            s["nodes"][4]["step"] = 0
        self.bad(step_zero, "invalid_step", "3.1")

        def not_multiple(s):
            s["nodes"][2]["max_points"] = 24.75   # step 0.5
            s["nodes"][1]["max_points"] = 20.25
        self.bad(not_multiple, "invalid_step", "1.1.2")

        def sum_off(s):
            s["nodes"][3]["max_points"] = 34
        err = self.bad(sum_off, "content_sum_mismatch", "2.1")
        self.assertIn("34.00", err["message_en"])
        self.assertIn("35.00", err["message_en"])

        def content_max(s):
            s["contents"].append({"content": 1, "title": "x", "max_points": 45})
        assert_error(self, self.imp((lambda s: (content_max(s), s)[1])(valid_set())), 400,
                     "duplicate_content")

        def deduction_max(s):
            s["contents"].append({"content": 6, "title": "Điểm trừ", "max_points": 5})
        assert_error(self, self.imp((lambda s: (deduction_max(s), s)[1])(valid_set())), 400,
                     "invalid_content")

        def cycle(s):
            s["nodes"].append({"code": "2.9", "parent_code": "2.8", "content": 2, "title": "a"})
            s["nodes"].append({"code": "2.8", "parent_code": "2.9", "content": 2, "title": "b"})
        self.bad(cycle, "invalid_parent", "2.")

        s = valid_set()
        s["group_code"] = "99"
        assert_error(self, self.imp(s), 400, "unknown_group")
        # Nothing of the rejected imports was stored.
        st, lst, _ = api("GET", "/api/v1/index-sets", token=self.p["token"])
        self.assertEqual(st, 200)

    def test_bonus_may_exceed_cap_and_deductions_have_no_max(self):
        s = valid_set()
        s["nodes"].append({"code": "5.3", "content": 5, "title": "Thêm điểm cộng", "max_points": 4})
        s["nodes"].append({"code": "6.2", "content": 6, "title": "Vi phạm khác", "max_points": 10})
        st, body, _ = self.imp(s)
        self.assertEqual(st, 200, body)

    def test_content_max_override(self):
        s = valid_set()
        s["contents"] = [{"content": 2, "title": "Nội dung 2 riêng", "max_points": 30}]
        s["nodes"][3]["max_points"] = 30
        st, body, _ = self.imp(s)
        self.assertEqual(st, 200, body)
        self.assertEqual({c["content"]: c.get("max_points") for c in body["contents"]}[2], 30)

    def test_replace_then_frozen_then_copy(self):
        s = valid_set()
        st, first, _ = self.imp(s)
        self.assertEqual(st, 200, first)
        # Same code while not frozen: replaced in place.
        s2 = copy.deepcopy(s)
        s2["name"] = "Bộ Chỉ số đã sửa"
        st, second, _ = self.imp(s2)
        self.assertEqual(st, 200, second)
        self.assertEqual(second["id"], first["id"])
        self.assertEqual(second["name"], "Bộ Chỉ số đã sửa")
        # A period uses it: frozen.
        st, per, _ = api("POST", "/api/v1/periods", {"code": unique("K"), "name": "Kỳ thử", "year": 2025},
                         token=self.p["token"])
        self.assertEqual(st, 200, per)
        # The set must match the group.
        assert_error(self, api("PUT", f"/api/v1/periods/{per['id']}/index-sets/03",
                               {"index_set_id": first["id"]}, token=self.p["token"]),
                     400, "group_mismatch")
        st, body, _ = api("PUT", f"/api/v1/periods/{per['id']}/index-sets/01",
                          {"index_set_id": first["id"]}, token=self.p["token"])
        self.assertEqual(st, 200, body)
        st, out, _ = api("GET", f"/api/v1/index-sets/{first['id']}", token=self.p["token"])
        self.assertTrue(out["frozen"])
        r = self.imp(s2)
        assert_error(self, r, 409, "index_set_frozen")
        self.assertIn(s["code"], r[1]["error"]["message_vi"])
        # A copy is a new, editable draft with the same tree.
        new_code = unique("IS")
        st, cp, _ = api("POST", f"/api/v1/index-sets/{first['id']}/copy",
                        {"code": new_code, "year": 2026}, token=self.p["token"])
        self.assertEqual(st, 200, cp)
        self.assertFalse(cp["frozen"])
        self.assertEqual(cp["year"], 2026)
        self.assertEqual(cp["nodes"], out["nodes"])
        s3 = copy.deepcopy(s2)
        s3["code"] = new_code
        st, body, _ = self.imp(s3)
        self.assertEqual(st, 200, body)
        self.assertEqual(body["id"], cp["id"])

    def test_only_province_admin_imports(self):
        viewer = new_user(self.p, ["viewer"])
        assert_error(self, self.imp(valid_set(), token=viewer["token"]), 403, "forbidden")
        # ... but the viewer reads them.
        st, body, _ = self.imp(valid_set())
        self.assertEqual(api("GET", f"/api/v1/index-sets/{body['id']}", token=viewer["token"])[0], 200)


if __name__ == "__main__":
    unittest.main()
