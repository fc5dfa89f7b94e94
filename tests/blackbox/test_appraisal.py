"""Black-box tests of the appraisal service through the gateway: council scopes, rounds 1
and 2 (both kept), conflict of interest, scope and phase refusals, the agency's round-1 view
from the explanation phase on, explanations only for lowered leaves, N/A decisions,
specialist opinions."""

import secrets
import unittest

from harness import api, assert_error, new_province, new_user, psql_super
from test_submissions import P, World, ok


def appraise(w, rnd, items, token, key="A"):
    return api("PUT", w.ag(key) + f"/appraisal/{rnd}", {"items": items}, token=token)


class TestCouncil(unittest.TestCase):
    def test_scopes(self):
        w = World()
        path = f"{P}/{w.period}/council/{w.appraiser['id']}"
        body = ok(api("PUT", path, {"scopes": [{"prefix": "2.", "group_code": "01"},
                                               {"prefix": "1", "group_code": "01"}]},
                      token=w.admin))
        self.assertEqual(sorted(s["prefix"] for s in body["scopes"]), ["1", "2"])
        for who in (w.appraiser, w.editor, w.viewer, w.leader):
            assert_error(self, api("PUT", path, {"scopes": []}, token=who["token"]), 403,
                         "forbidden")
        assert_error(self, api("PUT", path, {"scopes": [{"prefix": "1", "group_code": "99"}]},
                               token=w.admin), 400, "unknown_group")
        assert_error(self, api("PUT", f"{P}/{w.period}/council/{w.editor['id']}",
                               {"scopes": [{"prefix": "1", "group_code": "01"}]}, token=w.admin),
                     400, "not_an_appraiser")
        for who in (w.admin, w.viewer["token"], w.leader["token"], w.appraiser["token"]):
            c = ok(api("GET", f"{P}/{w.period}/council", token=who))
            self.assertEqual([m["user_id"] for m in c["members"]], [w.appraiser["id"]])
        for who in (w.editor, w.head, w.specialist):
            assert_error(self, api("GET", f"{P}/{w.period}/council", token=who["token"]), 403,
                         "forbidden")
        other = new_province()
        st, _, _ = api("GET", f"{P}/{w.period}/council", token=other["token"])
        self.assertEqual(st, 404)
        # An empty list takes the member off the council.
        ok(api("PUT", path, {"scopes": []}, token=w.admin))
        self.assertEqual(ok(api("GET", f"{P}/{w.period}/council", token=w.admin))["members"], [])


class TestRounds(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        w = cls.w = World()
        w.scope(w.appraiser, ("1", "2", "3", "6"))
        w.scope(w.appraiser_a)
        w.open("self_assessment")
        ok(w.scores([{"leaf_code": "1.1", "score": 18}, {"leaf_code": "1.2", "score": 20},
                     {"leaf_code": "2.1", "score": 10}], w.editor["token"]))
        ok(api("POST", w.ag() + "/submit", {}, token=w.head["token"]))
        w.close("self_assessment")

    def test_1_round_one(self):
        w = self.w
        a = w.appraiser["token"]
        assert_error(self, appraise(w, 1, [{"leaf_code": "1.1", "score": 16}], a), 409,
                     "phase_not_scheduled")
        w.open("appraisal_1")
        body = ok(appraise(w, 1, [{"leaf_code": "1.1", "score": 16, "comment": "Thiếu minh chứng"},
                                  {"leaf_code": "2.1", "score": 10}], a))
        self.assertEqual(body["saved"], 2)
        # Refusals: scope, conflict of interest, role, round, values, contents.
        assert_error(self, appraise(w, 1, [{"leaf_code": "5.1", "score": 1}], a), 403, "not_in_scope")
        assert_error(self, appraise(w, 1, [{"leaf_code": "1.1", "score": 16}],
                                    w.appraiser_a["token"]), 403, "conflict_of_interest")
        ok(appraise(w, 1, [{"leaf_code": "1.1", "score": 15}], w.appraiser_a["token"], "B"))
        for who in (w.editor, w.head, w.viewer, w.leader, w.specialist):
            assert_error(self, appraise(w, 1, [{"leaf_code": "1.1", "score": 1}], who["token"]),
                         403, "forbidden")
        assert_error(self, appraise(w, 1, [{"leaf_code": "1.1", "score": 1}], w.admin), 403,
                     "forbidden")
        assert_error(self, appraise(w, 3, [{"leaf_code": "1.1", "score": 1}], a), 400, "invalid_input")
        assert_error(self, appraise(w, 1, [{"leaf_code": "1.1", "score": 21}], a), 400,
                     "score_out_of_range")
        assert_error(self, appraise(w, 1, [{"leaf_code": "1.1", "score": 15.1}], a), 400,
                     "score_not_multiple_of_step")
        assert_error(self, appraise(w, 1, [{"leaf_code": "3.1", "score": 5}], a), 400,
                     "content_not_appraised")
        assert_error(self, appraise(w, 1, [{"leaf_code": "1.9", "score": 5}], a), 400, "unknown_leaf")
        ok(appraise(w, 1, [{"leaf_code": "6.1", "score": -0.5, "comment": "Vi phạm"}], a))
        # All or nothing: a bad second item leaves the first untouched.
        resp = appraise(w, 1, [{"leaf_code": "1.2", "score": 19}, {"leaf_code": "1.1", "score": 99}], a)
        assert_error(self, resp, 400, "score_out_of_range")
        self.assertEqual(resp[1]["error"]["field"], "items[1].score")
        # A retried request with the same Idempotency-Key: one effect, the same answer.
        key = {"Idempotency-Key": secrets.token_hex(16)}
        body = {"items": [{"leaf_code": "6.1", "score": -1, "comment": "Lặp lại"}]}
        count = ("SELECT count(*) FROM core.audit WHERE entity = 'appraisal.score'"
                 " AND province_id = :'p'")
        before = psql_super(count, {"p": w.p["id"]})[0][0]
        r1 = api("PUT", w.ag() + "/appraisal/1", body, token=a, headers=key)
        r2 = api("PUT", w.ag() + "/appraisal/1", body, token=a, headers=key)
        self.assertEqual((r1[0], r2[0]), (200, 200), (r1[1], r2[1]))
        self.assertEqual(r1[1], r2[1])
        self.assertEqual(int(psql_super(count, {"p": w.p["id"]})[0][0]) - int(before), 1)
        assert_error(self, api("PUT", w.ag() + "/appraisal/1",
                               {"items": [{"leaf_code": "6.1", "score": -1.25}]}, token=a,
                               headers=key), 422, "idempotency_key_reused")
        assert_error(self, appraise(w, 2, [{"leaf_code": "1.1", "score": 17}], a), 409,
                     "phase_not_scheduled")
        view = ok(api("GET", w.ag() + "/appraisal", token=w.admin))
        l11 = w.leaf(view, "1.1")
        self.assertEqual((l11["self_score"], l11["r1_score"]), (18, 16))
        self.assertEqual(l11["r1_comment"], "Thiếu minh chứng")
        self.assertEqual(l11["r1_appraiser_id"], w.appraiser["id"])
        self.assertNotIn("r1_score", w.leaf(view, "1.2"))
        # The agency sees nothing before the explanation phase.
        assert_error(self, api("GET", w.ag() + "/appraisal", token=w.head["token"]), 409,
                     "appraisal_not_visible")
        assert_error(self, api("GET", w.ag() + "/appraisal", token=w.head_b["token"]), 403,
                     "forbidden")
        w.close("appraisal_1")
        assert_error(self, appraise(w, 1, [{"leaf_code": "1.1", "score": 15}], a), 409,
                     "phase_closed")

    def test_2_explanation(self):
        w = self.w
        t = w.editor["token"]
        text = {"leaf_code": "1.1", "text": "Đơn vị đã bổ sung báo cáo kết quả"}
        w.open("explanation")
        view = ok(api("GET", w.ag() + "/appraisal", token=w.head["token"]))
        l11 = w.leaf(view, "1.1")
        self.assertEqual(l11["r1_score"], 16)
        self.assertNotIn("r1_appraiser_id", l11)   # the agency does not see who
        body = ok(api("PUT", w.ag() + "/explanations", text, token=t))
        self.assertEqual(body["text"], text["text"])
        # Only for leaves whose round-1 score is lower than the self score.
        assert_error(self, api("PUT", w.ag() + "/explanations",
                               {"leaf_code": "2.1", "text": "x"}, token=t), 409, "leaf_not_lowered")
        assert_error(self, api("PUT", w.ag() + "/explanations",
                               {"leaf_code": "1.2", "text": "x"}, token=t), 409, "leaf_not_lowered")
        assert_error(self, api("PUT", w.ag() + "/explanations", text, token=w.editor_b["token"]),
                     403, "forbidden")
        assert_error(self, api("PUT", w.ag() + "/explanations", dict(text, text=""), token=t),
                     400, "invalid_input")
        # Supplementary evidence for the lowered leaf, in the same window; the self scores
        # themselves stay locked.
        doc = ok(api("POST", w.ag() + "/evidence/documents",
                     {"leaf_code": "1.1", "number": "12/BC-SNV", "issued_on": "2025-12-18",
                      "issuer": "Sở Nội vụ", "title": "Báo cáo bổ sung"}, token=t))
        self.assertTrue(doc["supplementary"])
        assert_error(self, api("POST", w.ag() + "/evidence/documents",
                               {"leaf_code": "2.1", "number": "1", "issued_on": "2025-12-18",
                                "issuer": "x", "title": "x"}, token=t), 409, "leaf_not_lowered")
        assert_error(self, w.scores([{"leaf_code": "1.1", "score": 18}], t), 409, "phase_closed")
        sa = ok(w.self_assessment(w.viewer["token"]))
        self.assertEqual(w.leaf(sa, "1.1")["explanation"], text["text"])
        w.close("explanation")
        assert_error(self, api("PUT", w.ag() + "/explanations", text, token=t), 409, "phase_closed")

    def test_3_round_two(self):
        w = self.w
        a = w.appraiser["token"]
        w.open("appraisal_2")
        ok(appraise(w, 2, [{"leaf_code": "1.1", "score": 17.5, "comment": "Chấp nhận giải trình"}], a))
        view = ok(api("GET", w.ag() + "/appraisal", token=w.viewer["token"]))
        l11 = w.leaf(view, "1.1")
        self.assertEqual((l11["self_score"], l11["r1_score"], l11["r2_score"]), (18, 16, 17.5))
        self.assertEqual(l11["explanation"], "Đơn vị đã bổ sung báo cáo kết quả")
        # The agency sees round 2 only once the round has closed.
        mine = ok(api("GET", w.ag() + "/appraisal", token=w.head["token"]))
        self.assertNotIn("r2_score", w.leaf(mine, "1.1"))
        w.close("appraisal_2")
        mine = ok(api("GET", w.ag() + "/appraisal", token=w.head["token"]))
        self.assertEqual(w.leaf(mine, "1.1")["r2_score"], 17.5)
        self.assertEqual(w.leaf(mine, "1.1")["r1_score"], 16)


class TestNaAndOpinions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        w = cls.w = World()
        w.scope(w.appraiser, ("1", "2"))

    def test_na_decisions(self):
        w = self.w
        path = w.ag() + "/na-decisions"
        # The agency's proposal is what the council sees before deciding.
        w.open("self_assessment")
        ok(api("POST", w.ag() + "/na-proposals",
               {"leaf_code": "2.1", "reason": "Đơn vị không có thủ tục hành chính"},
               token=w.editor["token"]))
        w.close("self_assessment")
        view = ok(api("GET", w.ag() + "/appraisal", token=w.appraiser["token"]))
        self.assertEqual(w.leaf(view, "2.1")["na_proposal"], "Đơn vị không có thủ tục hành chính")
        self.assertFalse(w.leaf(view, "2.1")["not_applicable"])
        body = ok(api("PUT", path, {"leaf_code": "2.1", "not_applicable": True,
                                    "reason": "Không được giao nhiệm vụ CCHC riêng"}, token=w.admin))
        self.assertTrue(body["not_applicable"])
        self.assertEqual(body["decided_by"], w.p["admin_id"])
        assert_error(self, api("PUT", path, {"leaf_code": "2.1", "not_applicable": True},
                               token=w.admin), 400, "invalid_input")
        assert_error(self, api("PUT", path, {"leaf_code": "2.9", "not_applicable": True,
                                             "reason": "x"}, token=w.admin), 400, "unknown_leaf")
        for who in (w.editor, w.head, w.viewer, w.leader, w.specialist):
            assert_error(self, api("PUT", path, {"leaf_code": "2.1", "not_applicable": False,
                                                 "reason": "x"}, token=who["token"]), 403, "forbidden")
        # An appraiser: in scope and during an appraisal round only.
        st, body, _ = api("PUT", path, {"leaf_code": "1.1", "not_applicable": True, "reason": "x"},
                          token=w.appraiser["token"])
        self.assertEqual(st, 409, body)
        w.open("appraisal_1")
        assert_error(self, api("PUT", path, {"leaf_code": "5.1", "not_applicable": True,
                                             "reason": "x"}, token=w.appraiser["token"]),
                     403, "not_in_scope")
        ok(api("PUT", path, {"leaf_code": "1.2", "not_applicable": True,
                             "reason": "Đơn vị không có chức năng này"}, token=w.appraiser["token"]))
        view = ok(api("GET", w.ag() + "/appraisal", token=w.admin))
        self.assertTrue(w.leaf(view, "1.2")["not_applicable"])
        assert_error(self, appraise(w, 1, [{"leaf_code": "1.2", "score": 1}], w.appraiser["token"]),
                     400, "leaf_not_applicable")
        # The admin reverses it (not phase-bound).
        ok(api("PUT", path, {"leaf_code": "1.2", "not_applicable": False, "reason": "Xem lại"},
               token=w.admin))
        ok(appraise(w, 1, [{"leaf_code": "1.2", "score": 1}], w.appraiser["token"]))
        w.close("appraisal_1")

    def test_opinions(self):
        w = self.w
        S = w.agency["S"]
        path = w.ag() + "/opinions"
        q = {"leaf_code": "1.1", "specialist_agency_id": S,
             "question": "Đề nghị Sở Tư pháp cho ý kiến về kết quả rà soát văn bản"}
        op = ok(api("POST", path, q, token=w.appraiser["token"]))
        self.assertEqual(op["specialist_agency_id"], S)
        self.assertNotIn("answer", op)
        assert_error(self, api("POST", path, q, token=w.editor["token"]), 403, "forbidden")
        assert_error(self, api("POST", path, dict(q, leaf_code="5.1"), token=w.appraiser["token"]),
                     403, "not_in_scope")
        assert_error(self, api("POST", path, dict(q, question=" "), token=w.appraiser["token"]),
                     400, "invalid_input")
        assert_error(self, api("POST", path, dict(q, specialist_agency_id=999999999),
                               token=w.appraiser["token"]), 400, "unknown_agency")
        mine = ok(api("GET", "/api/v1/opinions", token=w.specialist["token"]))["opinions"]
        self.assertIn(op["id"], [o["id"] for o in mine])
        theirs = ok(api("GET", "/api/v1/opinions", token=w.specialist_b["token"])).get("opinions", [])
        self.assertNotIn(op["id"], [o["id"] for o in theirs])
        assert_error(self, api("GET", "/api/v1/opinions", token=w.editor["token"]), 403, "forbidden")
        ans = {"answer": "Đơn vị đã rà soát đầy đủ theo quy định"}
        assert_error(self, api("PUT", f"/api/v1/opinions/{op['id']}/answer", ans,
                               token=w.specialist_b["token"]), 404, "not_found")
        assert_error(self, api("PUT", f"/api/v1/opinions/{op['id']}/answer", ans,
                               token=w.appraiser["token"]), 403, "forbidden")
        body = ok(api("PUT", f"/api/v1/opinions/{op['id']}/answer", ans, token=w.specialist["token"]))
        self.assertEqual(body["answer"], ans["answer"])
        self.assertEqual(body["answered_by"], w.specialist["id"])
        view = ok(api("GET", w.ag() + "/appraisal", token=w.appraiser["token"]))
        ops = w.leaf(view, "1.1")["opinions"]
        self.assertEqual([(o["id"], o["answer"]) for o in ops], [(op["id"], ans["answer"])])


if __name__ == "__main__":
    unittest.main()
