"""Files on a specialist's answer (issue 9: "answer with text and files"): uploaded through
the evidence upload path (size cap, type from the content, SHA-256, one blob per content),
recorded against the opinion request, readable by who may read the opinion beside the
appraisal record, refused to everyone else — another province included — and nothing kept
of a refused upload."""

import hashlib
import os
import unittest
from urllib.parse import quote

from harness import api, assert_error, env, new_province, new_user, psql_super, unique
from test_gateway import PNG
from test_submissions import ELF, PDF, World, ok


def attach(op_id, token, data, file_name="Ý kiến Sở Tư pháp.pdf"):
    return api("POST", f"/api/v1/opinions/{op_id}/files?file_name={quote(file_name)}",
               token=token, raw=data, headers={"Content-Type": "application/octet-stream"})


def stored(data):
    h = hashlib.sha256(data).hexdigest()
    return os.path.exists(os.path.join(env("CHISO_VAR_DIR"), "evidence", h[:2], h))


class TestOpinionFiles(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        w = cls.w = World()
        w.scope(w.appraiser, ("1", "2"))
        w.scope(w.appraiser_a)      # a council member from the agency appraised
        cls.appraiser_none = new_user(w.p, ["appraiser"])
        cls.op = ok(api("POST", w.ag() + "/opinions", {
            "leaf_code": "1.1", "specialist_agency_id": w.agency["S"],
            "question": "Đề nghị cho ý kiến về văn bản quy phạm"}, token=w.appraiser["token"]))
        cls.pdf = PDF + unique("ykien").encode()
        cls.png = PNG + unique("anh").encode()

    def files(self, token=None):
        view = ok(api("GET", self.w.ag() + "/appraisal", token=token or self.w.admin))
        return self.w.leaf(view, "1.1")["opinions"][0].get("files", [])

    def audit(self, action):
        rows = psql_super("SELECT count(*) FROM core.audit WHERE entity = 'appraisal.opinion_file'"
                          " AND province_id = :'p' AND action = :'a'",
                          {"p": self.w.p["id"], "a": action})
        return int(rows[0][0])

    def test_1_attach_and_read(self):
        w, s = self.w, self.w.specialist["token"]
        f = ok(attach(self.op["id"], s, self.pdf))
        self.assertEqual((f["opinion_id"], f["file_name"], f["file_type"], f["file_size"]),
                         (self.op["id"], "Ý kiến Sở Tư pháp.pdf", "application/pdf", len(self.pdf)))
        self.assertEqual(f["file_sha256"], hashlib.sha256(self.pdf).hexdigest())
        self.assertEqual(f["created_by"], w.specialist["id"])
        self.assertTrue(stored(self.pdf))
        # the same file twice is one record
        self.assertEqual(ok(attach(self.op["id"], s, self.pdf))["id"], f["id"])
        img = ok(attach(self.op["id"], s, self.png, "sơ đồ.png"))
        self.assertEqual(img["file_type"], "image/png")
        ok(api("PUT", f"/api/v1/opinions/{self.op['id']}/answer",
               {"answer": "Đã rà soát, đề nghị giữ nguyên điểm"}, token=s))
        # with the opinion: in the appraisal record, in the specialist's inbox
        self.assertEqual([x["id"] for x in self.files(w.appraiser["token"])], [f["id"], img["id"]])
        mine = ok(api("GET", "/api/v1/opinions", token=s))["opinions"]
        self.assertEqual([x["file_name"] for x in mine[0]["files"]],
                         ["Ý kiến Sở Tư pháp.pdf", "sơ đồ.png"])
        self.assertEqual(self.audit("create"), 2)
        readers = {"specialist": s, "admin": w.admin, "viewer": w.viewer["token"],
                   "appraiser": w.appraiser["token"], "leader": w.leader["token"]}
        for who, tok in readers.items():
            st, data, _ = api("GET", f"/api/v1/opinion-files/{f['id']}/download", token=tok)
            self.assertEqual((st, data), (200, self.pdf), who)
        st, data, h = api("GET", f"/api/v1/opinion-files/{img['id']}/preview",
                          token=w.appraiser["token"])
        self.assertEqual((st, data), (200, self.png))
        self.assertEqual(h["content-type"], "image/png")
        self.assertTrue(h["content-disposition"].startswith("inline"), h)
        self.assertEqual(h["x-frame-options"], "SAMEORIGIN")
        self.assertEqual(h["x-content-type-options"], "nosniff")
        st, _, h = api("GET", f"/api/v1/opinion-files/{f['id']}/download", token=s)
        self.assertTrue(h["content-disposition"].startswith("attachment"), h)
        self.assertEqual(h["x-frame-options"], "DENY")
        # the agency appraised, another agency's specialist, an appraiser without a scope
        # for the group, the sysadmin, another province: as if there were no file
        other = new_province()
        for tok in (w.editor["token"], w.head["token"], w.specialist_b["token"],
                    self.appraiser_none["token"], w.appraiser_a["token"],
                    w.leader_none["token"], w.surveyor["token"], w.p["sysadmin_token"],
                    other["token"]):
            for route in ("download", "preview"):
                assert_error(self, api("GET", f"/api/v1/opinion-files/{f['id']}/{route}",
                                       token=tok), 404, "not_found")
        assert_error(self, api("GET", f"/api/v1/opinion-files/{f['id']}/preview"), 401,
                     "unauthenticated")

    def test_2_refusals_store_nothing(self):
        w, s = self.w, self.w.specialist["token"]
        before = [x["id"] for x in self.files()]
        created = self.audit("create")
        mark = unique("refused").encode()
        # not a specialist; a specialist of another agency; another province's specialist
        for tok, st, code in ((w.appraiser["token"], 403, "forbidden"),
                              (w.editor["token"], 403, "forbidden"),
                              (w.admin, 403, "forbidden"),
                              (w.specialist_b["token"], 404, "not_found")):
            assert_error(self, attach(self.op["id"], tok, PDF + mark), st, code)
        other = new_province()
        ok(api("POST", "/api/v1/agency-groups", {"code": "01", "name": "Sở"},
               token=other["token"]))
        oa = ok(api("POST", "/api/v1/agencies", {"code": unique("S"), "name": "Sở Tư pháp khác",
                                                 "group_code": "01"}, token=other["token"]))
        other_spec = new_user(other, ["specialist"], oa["id"])
        assert_error(self, attach(self.op["id"], other_spec["token"], PDF + mark), 404,
                     "not_found")
        assert_error(self, attach(999999999, s, PDF + mark), 404, "not_found")
        # the upload's own limits, with their code and both languages
        limit = int(os.environ.get("CHISO_MAX_UPLOAD", 20 * 1024 * 1024))
        big = PDF + mark + b"0" * (limit + 1 - len(PDF) - len(mark))
        resp = attach(self.op["id"], s, big)
        assert_error(self, resp, 413, "file_too_large")
        self.assertNotEqual(resp[1]["error"]["message_vi"], resp[1]["error"]["message_en"])
        self.assertFalse(stored(big))
        bad = ELF + mark
        resp = attach(self.op["id"], s, bad, "ý-kiến.pdf")
        assert_error(self, resp, 415, "unsupported_file_type")
        self.assertNotEqual(resp[1]["error"]["message_vi"], resp[1]["error"]["message_en"])
        self.assertFalse(stored(bad))
        html = b"<!DOCTYPE html><html><script>alert(1)</script></html>" + mark
        assert_error(self, attach(self.op["id"], s, html, "trang.html"), 415,
                     "unsupported_file_type")
        self.assertFalse(stored(html))
        assert_error(self, attach(self.op["id"], s, PDF + mark, "../x.pdf"), 400, "bad_file_name")
        # nothing recorded of any of it
        self.assertEqual([x["id"] for x in self.files()], before)
        self.assertEqual(self.audit("create"), created)

    def test_3_remove(self):
        w, s = self.w, self.w.specialist["token"]
        f = ok(attach(self.op["id"], s, PDF + unique("xoa").encode(), "xoá.pdf"))
        path = f"/api/v1/opinion-files/{f['id']}"
        assert_error(self, api("DELETE", path, token=w.appraiser["token"]), 403, "forbidden")
        assert_error(self, api("DELETE", path, token=w.specialist_b["token"]), 404, "not_found")
        assert_error(self, api("DELETE", path, token=new_province()["token"]), 403, "forbidden")
        self.assertIn(f["id"], [x["id"] for x in self.files()])
        gone = ok(api("DELETE", path, token=s))
        self.assertEqual((gone["id"], gone["file_name"]), (f["id"], "xoá.pdf"))
        self.assertNotIn(f["id"], [x["id"] for x in self.files()])
        assert_error(self, api("DELETE", path, token=s), 404, "not_found")
        assert_error(self, api("GET", path + "/download", token=w.admin), 404, "not_found")
        self.assertEqual(self.audit("delete"), 1)

    def test_4_preview_routes_take_no_api_key(self):
        """The preview routes are for a signed-in browser: a portal key alone is refused at
        the gateway (GW_INLINE once shared its bit with GW_SESSION_OR_KEY)."""
        st, doc, _ = api("GET", "/api/v1/openapi.json")
        self.assertEqual(st, 200)
        for p in ("/api/v1/evidence/{id}/preview", "/api/v1/opinion-files/{id}/preview"):
            self.assertNotIn("security", doc["paths"][p]["get"], p)
        assert_error(self, api("GET", "/api/v1/opinion-files/1/preview",
                               headers={"X-API-Key": "x" * 40}), 401, "unauthenticated")
        assert_error(self, api("GET", "/api/v1/evidence/1/preview",
                               headers={"X-API-Key": "x" * 40}), 401, "unauthenticated")


if __name__ == "__main__":
    unittest.main()
