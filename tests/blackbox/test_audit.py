"""The audit trail of a full cycle: self-assessment -> submit -> round 1 -> explanation ->
round 2, plus an N/A decision and a reopen. Every change of a score, an N/A decision or the
submission state is listed with who, old, new and the reason (GET /api/v1/audit)."""

import json
import unittest

from harness import api, psql_super
from test_submissions import World, ok


def trail(w, entity, entity_id):
    body = ok(api("GET", f"/api/v1/audit?entity={entity}&entity_id={entity_id}&limit=100",
                  token=w.admin))
    items = sorted(body.get("items", []), key=lambda e: e["id"])
    for e in items:
        for k in ("old_value", "new_value"):
            e[k] = json.loads(e[k]) if e.get(k) else None
    return items


def row_id(sql, params):
    rows = psql_super(sql, params)
    if not rows:
        raise AssertionError(f"no row for {sql} {params}")
    return rows[0][0]


class TestAuditTrail(unittest.TestCase):
    def test_full_cycle(self):
        w = World()
        w.scope(w.appraiser)
        A = w.agency["A"]
        w.open("self_assessment")
        ok(w.scores([{"leaf_code": "1.1", "score": 18, "note": "Lần đầu"}], w.editor["token"]))
        ok(w.scores([{"leaf_code": "1.1", "score": 19, "note": "Sửa lại"}], w.head["token"]))
        # Saving the same value again changes nothing and adds no line.
        ok(w.scores([{"leaf_code": "1.1", "score": 19, "note": "Sửa lại"}], w.head["token"]))
        ok(api("POST", w.ag() + "/submit", {}, token=w.head["token"]))
        w.close("self_assessment")
        ok(api("POST", w.ag() + "/reopen", {"reason": "Cho phép bổ sung"}, token=w.admin))
        w.open("self_assessment")
        ok(api("POST", w.ag() + "/submit", {}, token=w.head["token"]))
        w.close("self_assessment")
        w.open("appraisal_1")
        ok(api("PUT", w.ag() + "/appraisal/1",
               {"items": [{"leaf_code": "1.1", "score": 16, "comment": "Thiếu minh chứng"}]},
               token=w.appraiser["token"]))
        ok(api("PUT", w.ag() + "/na-decisions",
               {"leaf_code": "5.1", "not_applicable": True, "reason": "Không được giao"},
               token=w.admin))
        w.close("appraisal_1")
        w.open("explanation")
        ok(api("PUT", w.ag() + "/explanations",
               {"leaf_code": "1.1", "text": "Đã bổ sung báo cáo"}, token=w.editor["token"]))
        w.close("explanation")
        w.open("appraisal_2")
        ok(api("PUT", w.ag() + "/appraisal/2",
               {"items": [{"leaf_code": "1.1", "score": 17.5, "comment": "Chấp nhận"}]},
               token=w.appraiser["token"]))
        w.close("appraisal_2")

        params = {"pe": w.period, "a": A}
        # Self score of 1.1: created by the editor, changed by the head.
        sid = row_id("SELECT id FROM submissions.scores WHERE period_id = :'pe' AND agency_id = :'a'"
                     " AND leaf_code = '1.1'", params)
        t = trail(w, "submissions.score", sid)
        self.assertEqual([(e["action"], e["user_id"]) for e in t],
                         [("create", w.editor["id"]), ("update", w.head["id"])])
        self.assertIsNone(t[0]["old_value"])
        self.assertEqual(t[0]["new_value"]["score"], 18)
        self.assertEqual((t[1]["old_value"]["score"], t[1]["new_value"]["score"]), (18, 19))
        self.assertEqual(t[1]["old_value"]["note"], "Lần đầu")
        self.assertTrue(all(e["at"] > 0 for e in t))

        # Submission state: submit, reopen (with its reason, by the admin), submit.
        subid = row_id("SELECT id FROM submissions.submissions WHERE period_id = :'pe'"
                       " AND agency_id = :'a'", params)
        t = trail(w, "submissions.submission", subid)
        self.assertEqual([(e["action"], e["old_value"]["state"], e["new_value"]["state"], e["user_id"])
                          for e in t],
                         [("submit", "draft", "submitted", w.head["id"]),
                          ("reopen", "submitted", "draft", w.p["admin_id"]),
                          ("submit", "draft", "submitted", w.head["id"])])
        self.assertEqual(t[1]["reason"], "Cho phép bổ sung")

        # Rounds 1 and 2: separate records, both kept.
        for rnd, score, comment in ((1, 16, "Thiếu minh chứng"), (2, 17.5, "Chấp nhận")):
            aid = row_id("SELECT id FROM appraisal.scores WHERE period_id = :'pe' AND agency_id = :'a'"
                         " AND leaf_code = '1.1' AND round = :'r'", dict(params, r=rnd))
            t = trail(w, "appraisal.score", aid)
            self.assertEqual(len(t), 1, t)
            self.assertEqual(t[0]["user_id"], w.appraiser["id"])
            self.assertEqual(t[0]["new_value"]["score"], score)
            self.assertEqual(t[0]["new_value"]["round"], rnd)
            self.assertEqual(t[0]["reason"], comment)

        # N/A decision, with its reason.
        nid = row_id("SELECT id FROM appraisal.na_decisions WHERE period_id = :'pe'"
                     " AND agency_id = :'a' AND leaf_code = '5.1'", params)
        t = trail(w, "appraisal.na_decision", nid)
        self.assertEqual(len(t), 1)
        self.assertTrue(t[0]["new_value"]["not_applicable"])
        self.assertEqual(t[0]["reason"], "Không được giao")
        self.assertEqual(t[0]["user_id"], w.p["admin_id"])

        # The explanation is on record too.
        xid = row_id("SELECT id FROM submissions.explanations WHERE period_id = :'pe'"
                     " AND agency_id = :'a' AND leaf_code = '1.1'", params)
        t = trail(w, "submissions.explanation", xid)
        self.assertEqual([(e["action"], e["user_id"]) for e in t], [("create", w.editor["id"])])

        # The trail cannot be rewritten by the services' role.
        rows = psql_super("SELECT has_table_privilege('chiso_app', 'core.audit', 'UPDATE'),"
                          " has_table_privilege('chiso_app', 'core.audit', 'DELETE')")
        self.assertEqual(rows[0], ["f", "f"])


if __name__ == "__main__":
    unittest.main()
