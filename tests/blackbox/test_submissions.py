"""Black-box tests of the self-assessment (submissions service) through the gateway:
roles, validation codes, all-or-nothing bulk entry (JSON and spreadsheet CSV), phases and
extensions, submit / withdraw / reopen, evidence (files and documents), N/A proposals,
idempotent retries, tenant isolation.

The helpers at the top build a small province ("world") and are reused by
test_appraisal.py and test_audit.py."""

import os
import secrets
import threading
import time
import unittest

from harness import api, assert_error, new_province, new_user, ok, psql_super, unique

P = "/api/v1/periods"


# Index set for group 01: content maxima 45/35/12/5/3 (the defaults), deductions 6.1.
NODES = [
    {"code": "1.1", "content": 1, "title": "Kế hoạch công tác năm", "max_points": 20, "step": 0.25},
    {"code": "1.2", "content": 1, "title": "Kết quả nhiệm vụ được giao", "max_points": 25, "step": 0.5},
    {"code": "2.1", "content": 2, "title": "Cải cách thủ tục hành chính", "max_points": 15, "step": 0.25},
    {"code": "2.2", "content": 2, "title": "Chuyển đổi số", "max_points": 20, "step": 0.25,
     "evidence_required": True},
    {"code": "3.1", "content": 3, "title": "Khảo sát sự hài lòng", "max_points": 12, "step": 0.01},
    {"code": "4.1", "content": 4, "title": "Đánh giá của lãnh đạo tỉnh", "max_points": 5, "step": 0.25},
    {"code": "5.1", "content": 5, "title": "Sáng kiến được công nhận", "max_points": 3, "step": 0.25},
    {"code": "6.1", "content": 6, "title": "Vi phạm kỷ luật, kỷ cương", "max_points": 2, "step": 0.25},
]


class World:
    """A fresh province with group 01, agencies A, B and S (a specialist agency), an index
    set frozen into a period, and one user per role."""

    def __init__(self):
        self.p = new_province()
        self.admin = self.p["token"]
        ok(api("POST", "/api/v1/agency-groups", {"code": "01", "name": "Sở, ban, ngành"},
               token=self.admin), "group")
        self.agency = {}
        for key, name in (("A", "Sở Nội vụ thử"), ("B", "Sở Tài chính thử"),
                          ("S", "Sở Tư pháp thử")):
            a = ok(api("POST", "/api/v1/agencies",
                       {"code": unique(key), "name": name, "group_code": "01"},
                       token=self.admin), "agency")
            self.agency[key] = a["id"]
        iset = ok(api("POST", "/api/v1/index-sets", {
            "code": unique("IS"), "name": "Bộ chỉ số thử", "group_code": "01", "year": 2025,
            "contents": [], "nodes": NODES}, token=self.admin), "index set")
        self.period = ok(api("POST", P, {"code": unique("K"), "name": "Kỳ thử", "year": 2025},
                             token=self.admin), "period")["id"]
        ok(api("PUT", f"{P}/{self.period}/index-sets/01", {"index_set_id": iset["id"]},
               token=self.admin), "period index set")
        A, B, S = self.agency["A"], self.agency["B"], self.agency["S"]
        self.editor = new_user(self.p, ["agency_editor"], A)
        self.head = new_user(self.p, ["agency_head"], A)
        self.head_b = new_user(self.p, ["agency_head"], B)
        self.editor_b = new_user(self.p, ["agency_editor"], B)
        self.appraiser = new_user(self.p, ["appraiser"])
        self.appraiser_a = new_user(self.p, ["appraiser"], A)   # member of agency A
        self.specialist = new_user(self.p, ["specialist"], S)
        self.specialist_b = new_user(self.p, ["specialist"], B)
        self.viewer = new_user(self.p, ["viewer"])
        self.leader = new_user(self.p, ["leader"])          # oversees agency A
        self.leader_none = new_user(self.p, ["leader"])     # oversees no agency
        ok(api("PUT", f"{P}/{self.period}/leaders/{self.leader['id']}/agencies",
               {"agency_ids": [A]}, token=self.admin), "leader assignment")
        self.surveyor = new_user(self.p, ["surveyor"])
        self.opened = {}

    # phases ---------------------------------------------------------------------------
    def open(self, phase):
        now = int(time.time())
        self.opened[phase] = now - 60
        ok(api("PUT", f"{P}/{self.period}/phases/{phase}",
               {"opens_at": now - 60, "closes_at": now + 86400}, token=self.admin), "open")

    def close(self, phase):
        opens = self.opened.get(phase, int(time.time()) - 7200)
        closes = max(opens + 1, int(time.time()) - 1)
        ok(api("PUT", f"{P}/{self.period}/phases/{phase}",
               {"opens_at": opens, "closes_at": closes}, token=self.admin), "close")

    # paths ----------------------------------------------------------------------------
    def ag(self, key="A"):
        return f"{P}/{self.period}/agencies/{self.agency[key]}"

    def scores(self, items, token, key="A", headers=None):
        return api("PUT", self.ag(key) + "/scores", {"items": items}, token=token,
                   headers=headers)

    def self_assessment(self, token, key="A"):
        return api("GET", self.ag(key) + "/self-assessment", token=token)

    def leaf(self, sa, code):
        for l in sa["leaves"]:
            if l["leaf_code"] == code:
                return l
        raise AssertionError(f"leaf {code} not in {sa!r}")

    def scope(self, user, prefixes=("1", "2", "5", "6")):
        return ok(api("PUT", f"{P}/{self.period}/council/{user['id']}",
                      {"scopes": [{"prefix": p, "group_code": "01"} for p in prefixes]},
                      token=self.admin), "council")


PDF = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
       b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200


def upload(world, token, data, leaf_code="2.2", file_name="bao-cao.pdf", key="A"):
    from urllib.parse import quote
    path = (world.ag(key) + f"/evidence/files?leaf_code={quote(leaf_code)}"
            f"&file_name={quote(file_name)}")
    return api("POST", path, token=token, raw=data,
               headers={"Content-Type": "application/octet-stream"})


class TestSelfScores(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.w = World()
        cls.w.open("self_assessment")

    def test_roles_write(self):
        w = self.w
        st, body, _ = w.scores([{"leaf_code": "1.1", "score": 17.5, "note": "Đạt"}], w.editor["token"])
        self.assertEqual(st, 200, body)
        self.assertEqual(body.get("saved"), 1)
        ok(w.scores([{"leaf_code": "1.1", "score": 17.75}], w.head["token"]), "head writes")
        for who in (w.head_b, w.editor_b, w.viewer, w.appraiser, w.leader, w.specialist,
                    w.surveyor):
            assert_error(self, w.scores([{"leaf_code": "1.1", "score": 1}], who["token"]),
                         403, "forbidden")
        # The province admin configures, it does not self-assess for an agency.
        assert_error(self, w.scores([{"leaf_code": "1.1", "score": 1}], w.admin), 403, "forbidden")
        sa = ok(w.self_assessment(w.editor["token"]))
        self.assertEqual(w.leaf(sa, "1.1")["score"], 17.75)

    def test_roles_read(self):
        w = self.w
        for who in (w.editor["token"], w.head["token"], w.viewer["token"], w.leader["token"],
                    w.admin):
            st, body, _ = w.self_assessment(who)
            self.assertEqual(st, 200, body)
            self.assertEqual(len(body["leaves"]), len(NODES))
        for who in (w.head_b, w.specialist, w.surveyor, w.appraiser_a, w.leader_none):
            assert_error(self, w.self_assessment(who["token"], "B"
                                                 if who is w.appraiser_a else "A"), 403, "forbidden")
        # A leader reads the agencies they oversee only (SPEC §1).
        assert_error(self, w.self_assessment(w.leader["token"], "B"), 403, "forbidden")
        # An appraiser sees the agencies of the groups in their scope only.
        fresh = new_user(w.p, ["appraiser"])
        assert_error(self, w.self_assessment(fresh["token"]), 403, "forbidden")
        w.scope(fresh)
        self.assertEqual(w.self_assessment(fresh["token"])[0], 200)

    def test_validation_codes(self):
        w, t = self.w, self.w.editor["token"]
        cases = [
            ({"leaf_code": "1.1", "score": 20.25}, 400, "score_out_of_range"),
            ({"leaf_code": "1.1", "score": -0.25}, 400, "score_out_of_range"),
            ({"leaf_code": "1.1", "score": 17.6}, 400, "score_not_multiple_of_step"),
            ({"leaf_code": "1.2", "score": 10.25}, 400, "score_not_multiple_of_step"),
            ({"leaf_code": "9.9", "score": 1}, 400, "unknown_leaf"),
            ({"leaf_code": "1", "score": 1}, 400, "unknown_leaf"),
            ({"leaf_code": "3.1", "score": 5}, 400, "content_not_self_scored"),
            ({"leaf_code": "4.1", "score": 5}, 400, "content_not_self_scored"),
            ({"leaf_code": "6.1", "score": 0.5}, 400, "score_out_of_range"),
            ({"leaf_code": "6.1", "score": -2.25}, 400, "score_out_of_range"),
        ]
        for item, status, code in cases:
            with self.subTest(item=item):
                resp = w.scores([item], t)
                assert_error(self, resp, status, code)
                self.assertIn(item["leaf_code"], resp[1]["error"]["message_en"])
        ok(w.scores([{"leaf_code": "6.1", "score": -1.5}, {"leaf_code": "5.1", "score": 3},
                     {"leaf_code": "1.2", "score": 25}], t))
        # Boundaries the other way: max and -max are accepted.
        ok(w.scores([{"leaf_code": "6.1", "score": -2}], t))
        # More than two decimals never reaches the service.
        st, _, _ = w.scores([{"leaf_code": "1.1", "score": 17.125}], t)
        self.assertEqual(st, 400)

    def test_all_or_nothing(self):
        w, t = self.w, self.w.editor["token"]
        ok(w.scores([{"leaf_code": "2.1", "score": 10, "note": "trước"}], t))
        resp = w.scores([{"leaf_code": "2.1", "score": 12, "note": "sau"},
                         {"leaf_code": "1.1", "score": 99}], t)
        assert_error(self, resp, 400, "score_out_of_range")
        err = resp[1]["error"]
        self.assertEqual(err.get("field"), "items[1].score")
        self.assertIn("1.1", err["message_vi"])
        sa = ok(w.self_assessment(t))
        self.assertEqual(w.leaf(sa, "2.1")["score"], 10)
        self.assertEqual(w.leaf(sa, "2.1")["note"], "trước")
        assert_error(self, w.scores([{"leaf_code": "2.1", "score": 1},
                                     {"leaf_code": "2.1", "score": 2}], t), 400, "duplicate_leaf")
        assert_error(self, w.scores([], t), 400, "invalid_input")

    def test_not_applicable_leaf(self):
        w, t = self.w, self.w.editor["token"]
        ok(api("PUT", w.ag() + "/na-decisions", {"leaf_code": "5.1", "not_applicable": True,
                                                "reason": "Không được giao"}, token=w.admin))
        try:
            assert_error(self, w.scores([{"leaf_code": "5.1", "score": 1}], t), 400,
                         "leaf_not_applicable")
            sa = ok(w.self_assessment(t))
            self.assertTrue(w.leaf(sa, "5.1")["not_applicable"])
        finally:
            ok(api("PUT", w.ag() + "/na-decisions", {"leaf_code": "5.1", "not_applicable": False,
                                                    "reason": "Được giao lại"}, token=w.admin))
        ok(w.scores([{"leaf_code": "5.1", "score": 1}], t))

    def test_csv_spreadsheet_export(self):
        w, t = self.w, self.w.editor["token"]
        csv = ("\ufeffleaf_code,score,note\r\n"
               "1.1,\"17,5\",\"Hoàn thành, đúng hạn\"\r\n"
               "2.1,12.25,\r\n")
        st, body, _ = api("POST", w.ag() + "/scores/csv", token=t, raw=csv.encode("utf-8"),
                          headers={"Content-Type": "text/csv"})
        self.assertEqual(st, 200, body)
        self.assertEqual(body["saved"], 2)
        sa = ok(w.self_assessment(t))
        self.assertEqual(w.leaf(sa, "1.1")["score"], 17.5)
        self.assertEqual(w.leaf(sa, "1.1")["note"], "Hoàn thành, đúng hạn")
        self.assertEqual(w.leaf(sa, "2.1")["score"], 12.25)
        # A Vietnamese-locale export: ';' separators and decimal commas.
        ok(api("POST", w.ag() + "/scores/csv", token=t, raw="1.1;18,25;ghi chú\n".encode(),
               headers={"Content-Type": "text/csv"}))
        self.assertEqual(w.leaf(ok(w.self_assessment(t)), "1.1")["score"], 18.25)
        # A bad line anywhere: nothing changes, the error names the line.
        bad = "leaf_code,score,note\n1.1,19,ok\n2.1,abc,x\n"
        resp = api("POST", w.ag() + "/scores/csv", token=t, raw=bad.encode(),
                   headers={"Content-Type": "text/csv"})
        assert_error(self, resp, 400, "score_invalid")
        self.assertIn("3", resp[1]["error"]["message_en"])
        resp = api("POST", w.ag() + "/scores/csv", token=t,
                   raw=b"1.1,19,ok\n1.2,30,too much\n", headers={"Content-Type": "text/csv"})
        assert_error(self, resp, 400, "score_out_of_range")
        self.assertIn("Line 2", resp[1]["error"]["message_en"])
        self.assertEqual(resp[1]["error"]["field"], "line 2")
        self.assertIn("Dòng 2", resp[1]["error"]["message_vi"])
        self.assertEqual(w.leaf(ok(w.self_assessment(t)), "1.1")["score"], 18.25)
        assert_error(self, api("POST", w.ag("B") + "/scores/csv", token=t, raw=b"1.1,1,\n",
                               headers={"Content-Type": "text/csv"}), 403, "forbidden")

    def test_na_proposal(self):
        w, t = self.w, self.w.editor["token"]
        assert_error(self, api("POST", w.ag() + "/na-proposals", {"leaf_code": "5.1", "reason": " "},
                               token=t), 400, "invalid_input")
        assert_error(self, api("POST", w.ag() + "/na-proposals", {"leaf_code": "7.7", "reason": "x"},
                               token=t), 400, "unknown_leaf")
        assert_error(self, api("POST", w.ag() + "/na-proposals", {"leaf_code": "5.1", "reason": "x"},
                               token=w.viewer["token"]), 403, "forbidden")
        body = ok(api("POST", w.ag() + "/na-proposals",
                      {"leaf_code": "5.1", "reason": "Đơn vị không có nhiệm vụ này"}, token=t))
        self.assertEqual(body["leaf_code"], "5.1")
        sa = ok(w.self_assessment(t))
        self.assertEqual(w.leaf(sa, "5.1")["na_proposal"], "Đơn vị không có nhiệm vụ này")
        self.assertFalse(w.leaf(sa, "5.1")["not_applicable"])   # only a decision makes it N/A

    def test_idempotent_retry(self):
        w, t = self.w, self.w.editor["token"]
        key = secrets.token_hex(16)
        h = {"Idempotency-Key": key}
        before = int(psql_super("SELECT count(*) FROM core.audit WHERE entity = 'submissions.score'"
                                " AND province_id = :'p'", {"p": w.p["id"]})[0][0])
        items = [{"leaf_code": "1.2", "score": 11.5, "note": "idempotent"}]
        first = w.scores(items, t, headers=h)
        second = w.scores(items, t, headers=h)
        self.assertEqual(first[0], 200, first[1])
        self.assertEqual(second[0], 200, second[1])
        self.assertEqual(first[1], second[1])
        after = int(psql_super("SELECT count(*) FROM core.audit WHERE entity = 'submissions.score'"
                               " AND province_id = :'p'", {"p": w.p["id"]})[0][0])
        self.assertEqual(after - before, 1, "the retry must not write or audit again")
        assert_error(self, w.scores([{"leaf_code": "1.2", "score": 12}], t, headers=h), 422,
                     "idempotency_key_reused")
        self.assertEqual(w.leaf(ok(w.self_assessment(t)), "1.2")["score"], 11.5)

    def test_other_province_sees_nothing(self):
        w = self.w
        other = new_province()
        st, _, _ = w.self_assessment(other["token"])
        self.assertIn(st, (403, 404))
        st, _, _ = w.scores([{"leaf_code": "1.1", "score": 1}], other["token"])
        self.assertIn(st, (403, 404))


class TestLifecycle(unittest.TestCase):
    """Phases, extensions, submit / withdraw / reopen."""

    def test_phase_refusals_and_extension(self):
        w = World()
        t = w.editor["token"]
        st, body, _ = w.scores([{"leaf_code": "1.1", "score": 1}], t)
        self.assertEqual(st, 409, body)           # the phase is not even scheduled
        self.assertIn(body["error"]["code"], ("phase_closed", "phase_not_scheduled"))
        w.open("self_assessment")
        ok(w.scores([{"leaf_code": "1.1", "score": 1}], t))
        w.close("self_assessment")
        resp = w.scores([{"leaf_code": "1.1", "score": 2}], t)
        assert_error(self, resp, 409, "phase_closed")
        self.assertIn("self-assessment", resp[1]["error"]["message_en"].lower())
        assert_error(self, api("POST", w.ag() + "/submit", {}, token=w.head["token"]), 409,
                     "phase_closed")
        assert_error(self, api("POST", w.ag() + "/na-proposals", {"leaf_code": "5.1", "reason": "x"},
                               token=t), 409, "phase_closed")
        # An extension for agency A reopens the window for A only.
        ok(api("POST", f"{P}/{w.period}/extensions",
               {"agency_id": w.agency["A"], "phase": "self_assessment",
                "closes_at": int(time.time()) + 3600, "reason": "Sự cố mạng"}, token=w.admin))
        ok(w.scores([{"leaf_code": "1.1", "score": 2}], t))
        assert_error(self, w.scores([{"leaf_code": "1.1", "score": 2}], w.editor_b["token"], "B"),
                     409, "phase_closed")
        # Explanations belong to their own window (not scheduled here).
        st, body, _ = api("PUT", w.ag() + "/explanations", {"leaf_code": "1.1", "text": "x"},
                          token=t)
        self.assertEqual(st, 409, body)
        self.assertIn(body["error"]["code"], ("phase_closed", "phase_not_scheduled"))

    def test_submit_withdraw_reopen(self):
        w = World()
        w.open("self_assessment")
        t, head = w.editor["token"], w.head["token"]
        ok(w.scores([{"leaf_code": "1.1", "score": 15}], t))
        assert_error(self, api("POST", w.ag() + "/submit", {}, token=t), 403, "forbidden")
        assert_error(self, api("POST", w.ag() + "/submit", {}, token=w.head_b["token"]), 403,
                     "forbidden")
        # 2.2 requires evidence once it carries points.
        ok(w.scores([{"leaf_code": "2.2", "score": 10}], t))
        resp = api("POST", w.ag() + "/submit", {}, token=head)
        assert_error(self, resp, 409, "evidence_missing")
        self.assertIn("2.2", resp[1]["error"]["message_en"])
        ok(api("POST", w.ag() + "/evidence/documents",
               {"leaf_code": "2.2", "number": "123/QĐ-UBND", "issued_on": "2025-11-14",
                "issuer": "UBND tỉnh", "title": "Quyết định phê duyệt kế hoạch chuyển đổi số"},
               token=t))
        body = ok(api("POST", w.ag() + "/submit", {}, token=head))
        self.assertEqual(body["state"], "submitted")
        self.assertGreater(body["submitted_at"], 0)
        assert_error(self, w.scores([{"leaf_code": "1.1", "score": 16}], t), 409, "already_submitted")
        assert_error(self, api("POST", w.ag() + "/submit", {}, token=head), 409, "already_submitted")
        assert_error(self, upload(w, t, PDF), 409, "already_submitted")
        assert_error(self, api("POST", w.ag() + "/withdraw", {}, token=t), 403, "forbidden")
        self.assertEqual(ok(api("POST", w.ag() + "/withdraw", {}, token=head))["state"], "draft")
        assert_error(self, api("POST", w.ag() + "/withdraw", {}, token=head), 409, "not_submitted")
        ok(w.scores([{"leaf_code": "1.1", "score": 16}], t))
        ok(api("POST", w.ag() + "/submit", {}, token=head))
        self.assertEqual(ok(w.self_assessment(w.viewer["token"]))["state"], "submitted")
        w.close("self_assessment")
        # After the deadline only the admin may reopen, with a reason.
        assert_error(self, api("POST", w.ag() + "/withdraw", {}, token=head), 409, "phase_closed")
        assert_error(self, api("POST", w.ag() + "/reopen", {"reason": "x"}, token=head), 403,
                     "forbidden")
        assert_error(self, api("POST", w.ag() + "/reopen", {}, token=w.admin), 400, "invalid_input")
        body = ok(api("POST", w.ag() + "/reopen", {"reason": "Bổ sung tài liệu theo yêu cầu"},
                      token=w.admin))
        self.assertEqual(body["state"], "draft")
        assert_error(self, api("POST", w.ag() + "/reopen", {"reason": "again"}, token=w.admin),
                     409, "not_submitted")


    def test_concurrent_submit(self):
        """Heads pressing "submit" at once: exactly one submits, one audit line."""
        w = World()
        w.open("self_assessment")
        ok(w.scores([{"leaf_code": "1.1", "score": 10}], w.editor["token"]))
        heads = [w.head] + [new_user(w.p, ["agency_head"], w.agency["A"]) for _ in range(3)]
        results = []
        lock = threading.Lock()

        def go(h):
            r = api("POST", w.ag() + "/submit", {}, token=h["token"])
            with lock:
                results.append(r)

        threads = [threading.Thread(target=go, args=(h,)) for h in heads for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        codes = sorted(r[0] for r in results)
        self.assertEqual(codes, [200] + [409] * (len(threads) - 1), [r[1] for r in results])
        for st, body, _ in results:
            if st == 409:
                self.assertEqual(body["error"]["code"], "already_submitted")
        n = psql_super("SELECT count(*) FROM core.audit WHERE entity = 'submissions.submission'"
                       " AND province_id = :'p' AND action = 'submit'", {"p": w.p["id"]})
        self.assertEqual(n[0][0], "1")


class TestEvidence(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.w = World()
        cls.w.open("self_assessment")

    def test_upload_and_download(self):
        w, t = self.w, self.w.editor["token"]
        st, ev, _ = upload(w, t, PDF, file_name="Báo cáo chuyển đổi số.pdf")
        self.assertEqual(st, 200, ev)
        self.assertEqual(ev["kind"], "file")
        self.assertEqual(ev["file_type"], "application/pdf")
        self.assertEqual(ev["file_size"], len(PDF))
        self.assertEqual(ev["file_name"], "Báo cáo chuyển đổi số.pdf")
        # The same file twice for the same leaf is one record.
        again = ok(upload(w, t, PDF, file_name="Báo cáo chuyển đổi số.pdf"))
        self.assertEqual(again["id"], ev["id"])
        sa = ok(w.self_assessment(t))
        self.assertEqual(len([e for e in w.leaf(sa, "2.2").get("evidence", [])
                              if e["kind"] == "file"]), 1)
        for who in (t, w.head["token"], w.viewer["token"], w.admin, w.leader["token"]):
            st, data, h = api("GET", f"/api/v1/evidence/{ev['id']}/download", token=who)
            self.assertEqual(st, 200)
            self.assertEqual(data, PDF)
        # Another agency's users, an appraiser without scope: as if it did not exist.
        for who in (w.editor_b, w.head_b, w.specialist, w.appraiser, w.leader_none):
            assert_error(self, api("GET", f"/api/v1/evidence/{ev['id']}/download",
                                   token=who["token"]), 404, "not_found")
        # Appraisers: a scope covering the leaf for the agency's group, not just any scope.
        narrow, wide = new_user(w.p, ["appraiser"]), new_user(w.p, ["appraiser"])
        w.scope(narrow, ("1",))
        w.scope(wide, ("2.2",))
        assert_error(self, api("GET", f"/api/v1/evidence/{ev['id']}/download",
                               token=narrow["token"]), 404, "not_found")
        st, data, _ = api("GET", f"/api/v1/evidence/{ev['id']}/download", token=wide["token"])
        self.assertEqual((st, data), (200, PDF))
        assert_error(self, api("GET", f"/api/v1/evidence/{ev['id']}/download",
                               token=w.p["sysadmin_token"]), 404, "not_found")
        assert_error(self, api("GET", "/api/v1/evidence/999999999/download", token=t), 404,
                     "not_found")
        other = new_province()
        assert_error(self, api("GET", f"/api/v1/evidence/{ev['id']}/download",
                               token=other["token"]), 404, "not_found")

    def test_remove(self):
        """RemoveEvidence: the agency's editors while the draft is open; anyone else sees 404;
        a submitted or closed self-assessment keeps its evidence."""
        w = World()
        w.open("self_assessment")
        t = w.editor["token"]
        ev = ok(upload(w, t, PDF, file_name="xoa-thu.pdf"))
        doc = ok(api("POST", w.ag() + "/evidence/documents", {
            "leaf_code": "2.1", "number": "7/KH-SNV", "issued_on": "2025-03-01",
            "issuer": "Sở Nội vụ", "title": "Kế hoạch"}, token=t))
        path = f"/api/v1/evidence/{ev['id']}"
        for who in (w.editor_b["token"], w.viewer["token"], w.admin, w.appraiser["token"]):
            assert_error(self, api("DELETE", path, token=who), 404, "not_found")
        gone = ok(api("DELETE", path, token=w.head["token"]))
        self.assertEqual((gone["id"], gone["file_name"]), (ev["id"], "xoa-thu.pdf"))
        sa = ok(w.self_assessment(t))
        self.assertEqual([e["id"] for e in w.leaf(sa, "2.2").get("evidence", [])], [])
        assert_error(self, api("DELETE", path, token=t), 404, "not_found")
        rows = psql_super("SELECT action FROM core.audit WHERE entity = 'submissions.evidence'"
                          " AND entity_id = :'id' ORDER BY id", {"id": ev["id"]})
        self.assertEqual([r[0] for r in rows], ["create", "delete"])
        # submitted: kept
        ok(api("POST", w.ag() + "/submit", {}, token=w.head["token"]))
        assert_error(self, api("DELETE", f"/api/v1/evidence/{doc['id']}", token=t), 409,
                     "already_submitted")
        ok(api("POST", w.ag() + "/withdraw", {}, token=w.head["token"]))
        w.close("self_assessment")
        assert_error(self, api("DELETE", f"/api/v1/evidence/{doc['id']}", token=t), 409,
                     "phase_closed")
        sa = ok(w.self_assessment(t))
        self.assertEqual([e["id"] for e in w.leaf(sa, "2.1").get("evidence", [])], [doc["id"]])

    def test_refusals(self):
        w, t = self.w, self.w.editor["token"]
        st, body, _ = upload(w, t, ELF, file_name="tai-lieu.pdf")
        self.assertEqual(st, 415, body)
        st, body, _ = upload(w, t, PDF, file_name="../../etc/passwd.pdf")
        self.assertEqual(st, 400, body)
        st, body, _ = upload(w, t, PDF, file_name="a\\b.pdf")
        self.assertEqual(st, 400, body)
        limit = int(os.environ.get("CHISO_MAX_UPLOAD", 20 * 1024 * 1024))
        big = PDF + b"0" * (limit + 1 - len(PDF))
        st, body, _ = upload(w, t, big, file_name="lon.pdf")
        self.assertEqual(st, 413, body)
        assert_error(self, upload(w, w.editor_b["token"], PDF), 403, "forbidden")
        assert_error(self, upload(w, t, PDF, leaf_code="8.8"), 400, "unknown_leaf")

    def test_documents(self):
        w, t = self.w, self.w.editor["token"]
        doc = {"leaf_code": "2.1", "number": "45/KH-SNV", "issued_on": "2025-02-10",
               "issuer": "Sở Nội vụ", "title": "Kế hoạch cải cách hành chính năm 2025"}
        body = ok(api("POST", w.ag() + "/evidence/documents", doc, token=t))
        self.assertEqual(body["kind"], "document")
        self.assertEqual(body["issued_on"], "2025-02-10")
        for field, value, code in (("issued_on", "10/02/2025", "invalid_date"),
                                   ("issued_on", "2025-02-30", "invalid_date"),
                                   ("number", " ", "invalid_input"),
                                   ("leaf_code", "0.0", "unknown_leaf")):
            bad = dict(doc, **{field: value})
            assert_error(self, api("POST", w.ag() + "/evidence/documents", bad, token=t), 400, code)
        assert_error(self, api("POST", w.ag("B") + "/evidence/documents", doc, token=t), 403,
                     "forbidden")
        # A document reference has no file to download.
        assert_error(self, api("GET", f"/api/v1/evidence/{body['id']}/download", token=t), 404,
                     "not_found")


if __name__ == "__main__":
    unittest.main()
