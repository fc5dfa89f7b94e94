"""Appeals after publication (SPEC §9, §12): within the `appeal` window an agency head lodges
an appeal on named leaves with reasons and evidence; the council answers each leaf (upheld
with a new value, or rejected with a reason); the agency reads the answers; once all are
answered the admin publishes version 2 with the upheld value, and version 1 still verifies."""

import hashlib
import os
import sys
import time
import unittest
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import api, assert_error, new_province, psql_super  # noqa: E402
from test_publication import _play, jcs, raw_get  # noqa: E402

PDF = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
       b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")


class TestAppeals(unittest.TestCase):
    def test_appeal_cycle(self):
        ld, results = _play("01-basic")
        pid, admin, leader = ld.period, ld.admin, ld.leaders[0][1]
        stp = ld.agency_ids["STP"]
        head = ld.heads["STP"]
        appeal_body = {"items": [
            {"leaf_code": "1.1", "reason": "Đã hoàn thành đủ chỉ tiêu, có báo cáo kèm theo"},
            {"leaf_code": "1.2", "reason": "Đề án đã được ban hành đúng hạn"}]}
        lodge = lambda tok=head, ag=stp, body=appeal_body: api(
            "POST", f"/api/v1/periods/{pid}/agencies/{ag}/appeals", body, token=tok)
        now = int(time.time())
        st, _, _ = api("PUT", f"/api/v1/periods/{pid}/phases/appeal",
                       {"opens_at": now - 60, "closes_at": now + 86400}, token=admin)
        self.assertEqual(st, 200)

        # Nothing to appeal before publication.
        assert_error(self, lodge(), 409, "not_published")
        pending = any(a.get("head_rating") == "pending_data"
                      for g in results.values() for a in g["agencies"])
        pub = {"confirm_pending_heads": True, "reason": "Chưa có số liệu hồ sơ"} if pending else {}
        self.assertEqual(api("POST", f"/api/v1/periods/{pid}/approve", {"note": "Đồng ý"},
                             token=leader)[0], 200)
        st, v1, _ = api("POST", f"/api/v1/periods/{pid}/publish", pub, token=admin)
        self.assertEqual(st, 200, v1)
        path = v1["public_url"]
        raw1 = raw_get(path)[1]

        # Only the agency's head, for its own agency; a reason per leaf; known leaves.
        assert_error(self, lodge(tok=ld.heads["SNV"]), 403, "forbidden")
        assert_error(self, lodge(tok=admin), 403, "forbidden")
        assert_error(self, lodge(body={"items": [{"leaf_code": "1.1", "reason": " "}]}),
                     400, "invalid_input")
        assert_error(self, lodge(body={"items": [{"leaf_code": "9.9", "reason": "x"}]}),
                     400, "unknown_leaf")
        assert_error(self, lodge(body={"items": []}), 400, "invalid_input")
        st, appeal, _ = lodge()
        self.assertEqual(st, 200, appeal)
        self.assertEqual(appeal["version"], 1)
        self.assertFalse(appeal["answered"])
        self.assertEqual([i["leaf_code"] for i in appeal["items"]], ["1.1", "1.2"])
        assert_error(self, lodge(body={"items": [{"leaf_code": "1.1", "reason": "lần nữa"}]}),
                     409, "appeal_pending")

        # Evidence for an appealed leaf is accepted in the appeal window; not for another.
        up = lambda leaf: api(
            "POST", f"/api/v1/periods/{pid}/agencies/{stp}/evidence/files?leaf_code={leaf}"
            f"&file_name={quote('Báo cáo khiếu nại.pdf')}", token=head, raw=PDF,
            headers={"Content-Type": "application/octet-stream"})
        st, ev, _ = up("1.1")
        self.assertEqual(st, 200, ev)
        self.assertEqual(up("2.1")[0], 409)

        # The next version waits for the answers.
        st, _, _ = api("POST", f"/api/v1/periods/{pid}/compute", {}, token=admin)
        assert_error(self, api("POST", f"/api/v1/periods/{pid}/publish",
                               dict(pub, reason="Khiếu nại"), token=admin), 409, "appeals_pending")

        answer = lambda leaf, body, tok=admin: api(
            "PUT", f"/api/v1/appeals/{appeal['id']}/items/{leaf}/answer", body, token=tok)
        assert_error(self, answer("1.1", {"decision": "upheld"}), 400, "invalid_input")
        assert_error(self, answer("1.1", {"decision": "maybe"}), 400, "invalid_input")
        assert_error(self, answer("1.2", {"decision": "rejected"}), 400, "invalid_input")
        assert_error(self, answer("1.1", {"decision": "upheld", "new_value": 30}), 400,
                     "score_out_of_range")
        assert_error(self, answer("1.1", {"decision": "upheld", "new_value": 18}, tok=head),
                     403, "forbidden")
        st, a1, _ = answer("1.1", {"decision": "upheld", "new_value": 18,
                                   "answer": "Chấp nhận: báo cáo chứng minh đủ chỉ tiêu"},
                           tok=ld.appraiser)
        self.assertEqual(st, 200, a1)
        assert_error(self, answer("1.1", {"decision": "rejected", "answer": "x"}), 409,
                     "already_answered")
        st, a2, _ = answer("1.2", {"decision": "rejected",
                                   "answer": "Đề án ban hành chậm 2 tháng"})
        self.assertEqual(st, 200, a2)
        self.assertTrue(a2["answered"])

        # The agency reads the answers (and sees only its own appeals).
        st, mine, _ = api("GET", f"/api/v1/periods/{pid}/appeals", token=head)
        self.assertEqual(st, 200, mine)
        items = {i["leaf_code"]: i for a in mine["appeals"] for i in a["items"]}
        self.assertEqual((items["1.1"]["decision"], items["1.1"]["new_value"]), ("upheld", 18))
        self.assertEqual(items["1.2"]["decision"], "rejected")
        self.assertEqual(items["1.2"]["answer"], "Đề án ban hành chậm 2 tháng")
        self.assertEqual([e["file_sha256"] for e in items["1.1"]["evidence"]],
                         [hashlib.sha256(PDF).hexdigest()])
        self.assertEqual(mine.get("open_items", 0), 0)
        st, theirs, _ = api("GET", f"/api/v1/periods/{pid}/appeals", token=ld.heads["SNV"])
        self.assertEqual(st, 200, theirs)
        self.assertEqual(theirs.get("appeals", []), [])
        assert_error(self, api("GET", f"/api/v1/periods/{pid}/appeals?agency_id={stp}",
                               token=ld.heads["SNV"]), 403, "forbidden")

        # Another province reaches neither the appeals nor the answer.
        other = new_province()
        assert_error(self, api("GET", f"/api/v1/periods/{pid}/appeals", token=other["token"]),
                     404, "not_found")
        assert_error(self, api("PUT", f"/api/v1/appeals/{appeal['id']}/items/1.2/answer",
                               {"decision": "rejected", "answer": "x"}, token=other["token"]),
                     404, "not_found")

        # Version 2 carries the upheld value (STP 1.1: 15 -> 18); version 1 still verifies.
        assert_error(self, api("POST", f"/api/v1/periods/{pid}/publish",
                               dict(pub, reason="Khiếu nại"), token=admin), 409, "results_changed")
        self.assertEqual(api("POST", f"/api/v1/periods/{pid}/compute", {}, token=admin)[0], 200)
        st, v2, _ = api("POST", f"/api/v1/periods/{pid}/publish",
                        dict(pub, reason="Trả lời khiếu nại của STP"), token=admin)
        self.assertEqual(st, 200, v2)
        self.assertEqual(v2["version"], 2)
        st, raw2, h2 = raw_get(v2["public_url"])
        self.assertEqual(st, 200)
        self.assertEqual(h2["etag"], '"%s"' % hashlib.sha256(raw2).hexdigest())
        import json
        doc2 = json.loads(raw2)
        self.assertEqual(jcs(doc2).encode(), raw2)
        stp2 = [a for a in doc2["groups"]["01"]["agencies"] if a["code"] == "STP"][0]
        self.assertEqual(stp2["contents"]["1"], "38.00")
        self.assertEqual(stp2["total"], "70.25")
        st, again, h1 = raw_get(v1["public_url"])
        self.assertEqual(again, raw1)
        self.assertEqual(h1["etag"], '"%s"' % hashlib.sha256(raw1).hexdigest())
        self.assertEqual(h1["etag"], '"%s"' % v1["sha256"])

        acts = psql_super("SELECT entity, action FROM core.audit WHERE province_id = :'p'"
                          " AND entity IN ('appraisal.appeal', 'appraisal.appeal_item',"
                          "                'ranking.snapshot') ORDER BY id", {"p": ld.province})
        names = [a[1] for a in acts if a[1] in ("lodge", "answer", "publish")]
        self.assertEqual(names, ["publish", "lodge", "answer", "answer", "publish"])


if __name__ == "__main__":
    unittest.main()
