"""Index sets: JSON import/export round trip, validation naming the leaf, freezing, copy;
editing node by node before use (PATCH: validated exactly as an import, refused once a
period using the set has started)."""
import copy
import time
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
        # Used by a period that has not started: still editable (SPEC §3, "edit before the
        # period opens").
        st, out, _ = api("GET", f"/api/v1/index-sets/{first['id']}", token=self.p["token"])
        self.assertFalse(out["frozen"])
        s2["name"] = "Bộ Chỉ số sửa trước khi kỳ mở"
        self.assertEqual(self.imp(s2)[0], 200)
        # Its first phase opens: frozen.
        now = int(time.time())
        st, body, _ = api("PUT", f"/api/v1/periods/{per['id']}/phases/self_assessment",
                          {"opens_at": now - 60, "closes_at": now + 86400}, token=self.p["token"])
        self.assertEqual(st, 200, body)
        st, out, _ = api("GET", f"/api/v1/index-sets/{first['id']}", token=self.p["token"])
        self.assertTrue(out["frozen"])
        r = self.imp(s2)
        assert_error(self, r, 409, "index_set_frozen")
        self.assertIn(s["code"], r[1]["error"]["message_vi"])
        self.assertIn("Kỳ thử", r[1]["error"]["message_vi"])
        self.assertIn("has started", r[1]["error"]["message_en"])
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



class TestNodeEdits(unittest.TestCase):
    """PATCH /api/v1/index-sets/{id}: remove codes, add or replace nodes, content maxima;
    the result validated by the import's own rules (the same error as importing it)."""

    @classmethod
    def setUpClass(cls):
        cls.p = new_province()
        api("POST", "/api/v1/agency-groups", {"code": "01", "name": "Sở, ban, ngành"}, token=cls.p["token"])

    def setUp(self):
        self.s = valid_set()
        st, self.set, _ = api("POST", "/api/v1/index-sets", self.s, token=self.p["token"])
        self.assertEqual(st, 200, self.set)
        self.path = f"/api/v1/index-sets/{self.set['id']}"

    def edit(self, body, token=None):
        return api("PATCH", self.path, body, token=token or self.p["token"])

    def nodes(self, body):
        return {n["code"]: n for n in body["nodes"]}

    def test_edit_add_remove(self):
        # Two leaves at once: 1.1.1 gives two points to 1.1.2 (content 1 still adds up to 45),
        # with a new title, guidance, step and evidence rule.
        st, out, _ = self.edit({"nodes": [
            {"code": "1.1.1", "parent_code": "1.1", "content": 1, "title": "Giải quyết đúng hạn",
             "title_en": "Handled on time", "max_points": 18, "step": 0.5, "guidance": "Tỷ lệ hồ sơ giải quyết đúng hạn ≥ 95%",
             "evidence_required": False},
            {"code": "1.1.2", "parent_code": "1.1", "content": 1, "title": "Chất lượng",
             "max_points": 27, "step": 0.25, "required_min": 10}]})
        self.assertEqual(st, 200, out)
        n = self.nodes(out)
        self.assertEqual((n["1.1.1"]["max_points"], n["1.1.1"]["step"], n["1.1.1"]["title"]),
                         (18, 0.5, "Giải quyết đúng hạn"))
        self.assertFalse(n["1.1.1"].get("evidence_required", False))
        self.assertEqual((n["1.1.2"]["max_points"], n["1.1.2"]["required_min"]), (27, 10))
        self.assertEqual(n["1.1.1"]["title_en"], "Handled on time")
        self.assertNotIn("title_en", n["1.1.2"])
        # the English title travels with a copy
        st, cp, _ = api("POST", f"{self.path}/copy", {"code": unique("IS")}, token=self.p["token"])
        self.assertEqual(st, 200, cp)
        self.assertEqual(self.nodes(cp)["1.1.1"]["title_en"], "Handled on time")
        self.assertEqual([x["code"] for x in out["nodes"]], [x["code"] for x in self.set["nodes"]])
        # Add a leaf under 5 (bonus may exceed its cap), an automatic leaf under 2.1's
        # content; remove 5.2.
        st, out, _ = self.edit({"remove": ["5.2"], "nodes": [
            {"code": "5.3", "content": 5, "title": "Bằng khen của Thủ tướng", "max_points": 1},
            {"code": "2.1", "content": 2, "title": "Cải cách thủ tục hành chính", "max_points": 35,
             "auto": {"metric": "TDGQ.1", "formula": "ratio"}}]})
        self.assertEqual(st, 200, out)
        codes = [x["code"] for x in out["nodes"]]
        self.assertNotIn("5.2", codes)
        self.assertEqual(codes.index("5.3"), codes.index("5.1") + 1)     # after its content's
        auto = self.nodes(out)["2.1"]["auto"]
        self.assertEqual((auto["metric"], auto["formula"]), ("TDGQ.1", "ratio"))
        # A new sub-leaf under 1.1 goes after 1.1's subtree; 1.1.2 gives it its points.
        st, out, _ = self.edit({"nodes": [
            {"code": "1.1.3", "parent_code": "1.1", "content": 1, "title": "Công khai kết quả",
             "max_points": 2},
            {"code": "1.1.2", "parent_code": "1.1", "content": 1, "title": "Chất lượng",
             "max_points": 25}]})
        self.assertEqual(st, 200, out)
        codes = [x["code"] for x in out["nodes"]]
        self.assertEqual(codes[:4], ["1.1", "1.1.1", "1.1.2", "1.1.3"])
        # A content maximum with the leaves that make it up.
        st, out, _ = self.edit({"contents": [{"content": 2, "max_points": 30}], "nodes": [
            {"code": "2.1", "content": 2, "title": "Cải cách thủ tục hành chính", "max_points": 30}]})
        self.assertEqual(st, 200, out)
        c2 = {c["content"]: c for c in out["contents"]}[2]
        self.assertEqual(c2["max_points"], 30)
        self.assertTrue(c2["title"])                      # kept when only the maximum changes
        # The export is what was stored, and the audit keeps the before and after.
        st, got, _ = api("GET", self.path, token=self.p["token"])
        self.assertEqual(got["nodes"], out["nodes"])

    def test_validated_as_import(self):
        """Every refused edit answers what importing the edited set answers."""
        cases = [
            # content 1 no longer adds up to 45
            ({"nodes": [{"code": "1.1.1", "parent_code": "1.1", "content": 1, "title": "Đúng hạn",
                         "max_points": 19}]}, "content_sum_mismatch"),
            # max not a multiple of the step
            ({"nodes": [{"code": "5.1", "content": 5, "title": "Sáng kiến", "max_points": 2,
                         "step": 0.75}]}, "invalid_step"),
            ({"nodes": [{"code": "5.9", "parent_code": "9.9", "content": 5, "title": "Mồ côi",
                         "max_points": 1}]}, "unknown_parent"),
            ({"nodes": [{"code": "5.9", "content": 5, "title": "", "max_points": 1}]}, "required"),
            # removing a criterion with children leaves them without a parent
            ({"remove": ["1.1"]}, "unknown_parent"),
            ({"nodes": [{"code": "1.1", "content": 1, "title": "Tiêu chí 1.1",
                         "required_min": 1}]}, "invalid_auto"),
            ({"nodes": [{"code": "2.1", "content": 2, "title": "x", "max_points": 35,
                         "auto": {"metric": "TDGQ.1", "formula": "magic"}}]}, "unknown_formula"),
        ]
        for body, code in cases:
            st, err, _ = self.edit(body)
            self.assertEqual((st, err.get("error", {}).get("code")), (400, code), (body, err))
            # the same set imported: the same answer
            whole = copy.deepcopy(self.s)
            for c in body.get("remove", []):
                whole["nodes"] = [n for n in whole["nodes"] if n["code"] != c]
            for n in body.get("nodes", []):
                at = [i for i, m in enumerate(whole["nodes"]) if m["code"] == n["code"]]
                if at:
                    whole["nodes"][at[0]] = n
                else:
                    whole["nodes"].append(n)
            st2, err2, _ = api("POST", "/api/v1/index-sets", whole, token=self.p["token"])
            self.assertEqual((st2, err2), (st, err), body)
        # nothing of it stored
        st, got, _ = api("GET", self.path, token=self.p["token"])
        self.assertEqual(got["nodes"], self.set["nodes"])
        assert_error(self, self.edit({"remove": ["7.7"]}), 400, "unknown_node")
        assert_error(self, self.edit({}), 400, "invalid_input")

    def test_refusals(self):
        body = {"nodes": [{"code": "5.1", "content": 5, "title": "Sáng kiến mới", "max_points": 2}]}
        for roles in (["viewer"], ["appraiser"], ["leader"]):
            who = new_user(self.p, roles)
            assert_error(self, self.edit(body, token=who["token"]), 403, "forbidden")
        other = new_province()
        st, _, _ = self.edit(body, token=other["token"])
        self.assertIn(st, (403, 404))
        other_set = api("GET", "/api/v1/index-sets/999999999", token=self.p["token"])
        self.assertEqual(other_set[0], 404)
        assert_error(self, api("PATCH", "/api/v1/index-sets/999999999", body, token=self.p["token"]),
                     404, "not_found")
        # Used by a period: editable until a phase of that period opens, then 409.
        st, per, _ = api("POST", "/api/v1/periods", {"code": unique("K"), "name": "Kỳ đánh giá 2025",
                                                     "year": 2025}, token=self.p["token"])
        self.assertEqual(st, 200, per)
        self.assertEqual(api("PUT", f"/api/v1/periods/{per['id']}/index-sets/01",
                             {"index_set_id": self.set["id"]}, token=self.p["token"])[0], 200)
        self.assertEqual(self.edit(body)[0], 200)
        now = int(time.time())
        api("PUT", f"/api/v1/periods/{per['id']}/phases/survey",
            {"opens_at": now + 3600, "closes_at": now + 86400}, token=self.p["token"])
        self.assertEqual(self.edit(body)[0], 200)              # scheduled, not started
        api("PUT", f"/api/v1/periods/{per['id']}/phases/survey",
            {"opens_at": now - 60, "closes_at": now + 86400}, token=self.p["token"])
        r = self.edit({"nodes": [{"code": "5.1", "content": 5, "title": "Đổi sau khi mở",
                                  "max_points": 2}]})
        assert_error(self, r, 409, "index_set_frozen")
        self.assertIn("Kỳ đánh giá 2025", r[1]["error"]["message_vi"])
        self.assertNotEqual(r[1]["error"]["message_vi"], r[1]["error"]["message_en"])
        st, got, _ = api("GET", self.path, token=self.p["token"])
        self.assertEqual(self.nodes(got)["5.1"]["title"], "Sáng kiến mới")
        self.assertTrue(got["frozen"])


if __name__ == "__main__":
    unittest.main()
