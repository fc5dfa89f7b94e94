"""The portal service (issue 6): API keys, the 766 JSON and dossier CSV feeds with their batch
rules (raw bytes + SHA-256, idempotent repeat, all or nothing with line / JSON-path errors,
nulls kept, newest batch supersedes), the agency-code mapping, chiso-admin portal-load,
automatic leaves (index-set validation, the agency cannot enter a value, the scorecard
shows what is behind the value) and the heads' rating fields of the results."""

import json
import os
import subprocess
import sys
import tempfile
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import api, assert_error, env, new_province, new_user, psql_super, unique  # noqa: E402

FEED = "/api/v1/portal/batches"


def _agency(p, code, group="01"):
    st, body, _ = api("POST", "/api/v1/agencies",
                      {"code": code, "name": f"Cơ quan {code}", "group_code": group},
                      token=p["token"])
    assert st in (200, 201), body
    return body["id"]


def _key(sa, name, province_id=None):
    body = {"name": name}
    if province_id:
        body["province_id"] = province_id
    st, k, _ = api("POST", "/api/v1/portal/keys", body, token=sa)
    assert st == 200, k
    return k


def _push(key, raw, ctype, query=""):
    return api("POST", FEED + query, raw=raw, headers={"X-API-Key": key, "Content-Type": ctype})


def _doc(province, records):
    return json.dumps({"province": province, "records": records}, ensure_ascii=False)


def _rec(agency, period="2025", groups=None):
    return {"agencyCode": agency, "period": period, "groups": groups if groups is not None else [
        {"code": "TDGQ", "score": 18, "maxScore": 20,
         "metrics": [{"code": "TDGQ.1", "name": "Đúng hạn", "numerator": 95, "denominator": 100,
                      "ratio": 95.0}]},
        {"code": "CKMB", "score": 17.5, "maxScore": 18}]}


def _batches(province_id):
    return int(psql_super("SELECT count(*) FROM portal.batches WHERE province_id = :'p'",
                          {"p": province_id})[0][0])


def _rows(province_id, table):
    return int(psql_super(f"SELECT count(*) FROM portal.{table} WHERE province_id = :'p'",
                          {"p": province_id})[0][0])


class TestPortalFeed(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.a = new_province()
        cls.b = new_province()
        for p in (cls.a, cls.b):
            st, body, _ = api("POST", "/api/v1/agency-groups", {"code": "01", "name": "Sở"},
                              token=p["token"])
            assert st in (200, 201), body
        cls.a1 = _agency(cls.a, "A1")
        cls.a2 = _agency(cls.a, "A2")
        cls.b1 = _agency(cls.b, "B1")
        cls.sa = cls.a["sysadmin_token"]
        cls.key_a = _key(cls.sa, "Cổng A", cls.a["id"])["key"]
        cls.key_b = _key(cls.sa, "Cổng B", cls.b["id"])["key"]
        cls.key_all = _key(cls.sa, "Cổng quốc gia")["key"]

    # --- keys ----------------------------------------------------------------------------

    def test_keys_hashed_listed_revoked(self):
        k = _key(self.sa, "tạm", self.a["id"])
        self.assertTrue(k["key"].startswith("cpk_") and len(k["key"]) == 68)
        self.assertEqual(k["province_code"], self.a["code"])
        self.assertNotIn("last_used_at", k)
        # only a hash is kept: the key itself is nowhere in the table
        rows = psql_super("SELECT length(key_hash), key_prefix FROM portal.api_keys WHERE id = :'i'",
                          {"i": k["id"]})
        self.assertEqual(rows[0][0], "32")
        self.assertEqual(rows[0][1], k["key"][:12])
        hits = psql_super("SELECT count(*) FROM portal.api_keys WHERE key_prefix = :'k' OR name = :'k'"
                          " OR encode(key_hash, 'escape') LIKE '%' || :'k' || '%'", {"k": k["key"]})
        self.assertEqual(hits[0][0], "0")
        st, _, _ = _push(k["key"], _doc(self.a["code"], [_rec("A1", "2024-01")]), "application/json")
        self.assertEqual(st, 200)
        st, lst, _ = api("GET", "/api/v1/portal/keys", token=self.sa)
        mine = [x for x in lst["items"] if x["id"] == k["id"]][0]
        self.assertIn("last_used_at", mine)
        self.assertNotIn("key", mine)
        st, rv, _ = api("DELETE", f"/api/v1/portal/keys/{k['id']}", token=self.sa)
        self.assertEqual(st, 200)
        self.assertIn("revoked_at", rv)
        assert_error(self, _push(k["key"], _doc(self.a["code"], [_rec("A1", "2024-02")]),
                                 "application/json"), 401, "invalid_api_key")
        # only the sysadmin manages keys
        assert_error(self, api("GET", "/api/v1/portal/keys", token=self.a["token"]), 403, "forbidden")
        assert_error(self, api("POST", "/api/v1/portal/keys", {"name": "x"}, token=self.a["token"]),
                     403, "forbidden")
        assert_error(self, api("POST", FEED, raw=b"{}", headers={"Content-Type": "application/json"}),
                     401, "unauthenticated")
        assert_error(self, _push("cpk_" + "0" * 64, "{}", "application/json"), 401, "invalid_api_key")

    def test_key_of_one_province_cannot_write_another(self):
        before = _batches(self.b["id"])
        doc = _doc(self.b["code"], [_rec("B1", "2023")])
        assert_error(self, _push(self.key_a, doc, "application/json"), 403, "key_not_for_province")
        csv = f"province,agency_code,period,on_time,late\n{self.b['code']},B1,2023,1,0\n"
        assert_error(self, _push(self.key_a, csv, "text/csv"), 403, "key_not_for_province")
        assert_error(self, _push(self.key_a, "agency_code,period,on_time,late\nB1,2023,1,0\n",
                                 "text/csv", f"?province={self.b['code']}"),
                     403, "key_not_for_province")
        self.assertEqual(_batches(self.b["id"]), before)
        # an unknown province answers the same (a key learns nothing about others)
        assert_error(self, _push(self.key_a, _doc("NOPE" + unique(), [_rec("A1")]),
                                 "application/json"), 403, "key_not_for_province")
        # the national key may write both; the province key its own
        st, body, _ = _push(self.key_all, doc, "application/json")
        self.assertEqual(st, 200, body)
        self.assertEqual(_batches(self.b["id"]), before + 1)
        # province A's admin does not see B's batch
        st, lst, _ = api("GET", FEED, token=self.a["token"])
        self.assertEqual(st, 200)
        self.assertNotIn(body["id"], [x["id"] for x in lst.get("items", [])])

    # --- 766 JSON ------------------------------------------------------------------------

    def test_json_batch_repeat_and_supersede(self):
        doc = _doc(self.a["code"], [_rec("A1", "2022"), _rec("A2", "2022")])
        st, b1, _ = _push(self.key_a, doc, "application/json")
        self.assertEqual(st, 200, b1)
        self.assertEqual((b1["kind"], b1["records"], b1["lines"]), ("index766", 2, 6))
        self.assertFalse(b1.get("already_received", False))
        raw = psql_super("SELECT encode(sha256, 'hex'), size,"
                         " (SELECT string_agg(data, ''::bytea ORDER BY seq) FROM portal.batch_raw r"
                         "   WHERE r.batch_id = b.id) = convert_to(:'d', 'UTF8')"
                         " FROM portal.batches b WHERE id = :'i'", {"i": b1["id"], "d": doc})
        import hashlib
        self.assertEqual(raw[0], [hashlib.sha256(doc.encode()).hexdigest(), str(len(doc.encode())), "t"])
        n = _rows(self.a["id"], "metrics")
        st, again, _ = _push(self.key_a, doc, "application/json")
        self.assertEqual(st, 200)
        self.assertEqual(again["id"], b1["id"])
        self.assertTrue(again["already_received"])
        self.assertEqual(_rows(self.a["id"], "metrics"), n)
        # a newer batch for A1/2022 supersedes; both stay listed
        doc2 = _doc(self.a["code"], [_rec("A1", "2022", [{"code": "CKMB", "score": 1, "maxScore": 18}])])
        st, b2, _ = _push(self.key_a, doc2, "application/json")
        self.assertEqual(st, 200, b2)
        self.assertGreater(b2["id"], b1["id"])
        st, lst, _ = api("GET", FEED + "?kind=index766", token=self.a["token"])
        by_id = {x["id"]: x for x in lst["items"]}
        self.assertEqual(by_id[b1["id"]].get("superseded", 0), 1)
        self.assertEqual(by_id[b2["id"]].get("superseded", 0), 0)
        cur = psql_super("SELECT batch_id FROM portal.current_records WHERE agency_id = :'a'"
                         " AND period = '2022' AND kind = 'index766'", {"a": self.a1})
        self.assertEqual(cur, [[str(b2["id"])]])

    def test_json_nulls_and_zero_divisors_stored_as_such(self):
        rec = _rec("A2", "2021-Q3", [
            {"code": "TDGQ", "metrics": [{"code": "TDGQ.1", "numerator": 0, "denominator": 0},
                                         {"code": "TDGQ.2", "numerator": None, "denominator": None}]},
            {"code": "CKMB", "score": 0, "maxScore": 0},
            {"code": "MDHL", "score": None, "maxScore": None}])
        st, b, _ = _push(self.key_a, _doc(self.a["code"], [rec]), "application/json")
        self.assertEqual(st, 200, b)
        rows = psql_super("SELECT code, is_null, numerator, denominator, score, max_score"
                          " FROM portal.metrics WHERE batch_id = :'b' ORDER BY code", {"b": b["id"]})
        self.assertEqual(rows, [["CKMB", "f", None, None, "0", "0"],
                                ["MDHL", "t", None, None, None, None],
                                ["TDGQ.1", "f", "0", "0", None, None],
                                ["TDGQ.2", "t", None, None, None, None]])

    def test_json_refusals_store_nothing(self):
        cases = [
            ([{"code": "TDGQ", "metrics": [{"code": "TDGQ.1", "numerator": 11, "denominator": 10}]}],
             "numerator_gt_denominator", "$.records[1].groups[0].metrics[0].numerator"),
            ([{"code": "TDGQ", "metrics": [{"code": "TDGQ.1", "numerator": -1, "denominator": 10}]}],
             "bad_number", "$.records[1].groups[0].metrics[0].numerator"),
            ([{"code": "CKMB", "score": 19, "maxScore": 18}],
             "score_gt_max_score", "$.records[1].groups[0].score"),
            ([{"code": "CKMB", "score": "a", "maxScore": 18}],
             "bad_number", "$.records[1].groups[0].score"),
            ([{"code": "XXXX", "score": 1, "maxScore": 2}], "unknown_group", "$.records[1].groups[0]"),
        ]
        before = (_batches(self.a["id"]), _rows(self.a["id"], "metrics"))
        for groups, code, path in cases:
            with self.subTest(code=code):
                doc = _doc(self.a["code"], [_rec("A1", "2020"), _rec("A2", "2020", groups)])
                resp = _push(self.key_a, doc, "application/json")
                assert_error(self, resp, 400, code)
                self.assertEqual(resp[1]["error"]["field"], path)
        for recs, code, path in [
            ([_rec("ZZ9")], "unknown_agency", "$.records[0].agencyCode"),
            ([_rec("A1", "2020-13")], "invalid_period", "$.records[0].period"),
            ([_rec("A1", "2020"), _rec("A1", "2020")], "duplicate_record", "$.records[1]"),
        ]:
            with self.subTest(code=code):
                resp = _push(self.key_a, _doc(self.a["code"], recs), "application/json")
                assert_error(self, resp, 400, code)
                self.assertEqual(resp[1]["error"]["field"], path)
        # several bad rows: every one is reported
        doc = _doc(self.a["code"], [_rec("Q1"), _rec("A1", "x"), _rec("Q2")])
        st, body, _ = _push(self.key_a, doc, "application/json")
        self.assertEqual(st, 400)
        det = body["error"]["detail"]
        for p in ("$.records[0].agencyCode", "$.records[1].period", "$.records[2].agencyCode"):
            self.assertIn(p, det)
        assert_error(self, _push(self.key_a, '{"province": "' + self.a["code"] + '", "records": [',
                                 "application/json"), 400, "invalid_json")
        assert_error(self, _push(self.key_a, '{"records": []}', "application/json"), 400,
                     "missing_province")
        assert_error(self, _push(self.key_a, "x", "text/plain"), 415, "unsupported_media_type")
        self.assertEqual((_batches(self.a["id"]), _rows(self.a["id"], "metrics")), before)

    # --- dossier CSV ---------------------------------------------------------------------

    def test_csv_batch(self):
        csv = ("\ufeffprovince;agency_code;period;procedure;received;on_time;late;online;on_time_ratio\r\n"
               f"{self.a['code']};A1;2019;TT-1;100;90;5;40;\"94,7\"\r\n"
               f"{self.a['code']};A1;2019;TT-2;10;10;0;;100\r\n"
               f"{self.a['code']};A2;2019-05;;0;0;0;0;\r\n")
        st, b, _ = _push(self.key_a, csv.encode("utf-8"), "text/csv")
        self.assertEqual(st, 200, b)
        self.assertEqual((b["kind"], b["records"], b["lines"]), ("dossiers", 2, 3))
        rows = psql_super("SELECT on_time, late FROM portal.current_dossiers WHERE agency_id = :'a'"
                          " AND period = '2019'", {"a": self.a1})
        self.assertEqual(rows, [["100", "5"]])
        st, again, _ = _push(self.key_a, csv.encode("utf-8"), "text/csv")
        self.assertTrue(again["already_received"])
        self.assertEqual(again["id"], b["id"])

    def test_csv_refusals_with_lines(self):
        before = (_batches(self.a["id"]), _rows(self.a["id"], "dossiers"))
        p = self.a["code"]
        cases = [
            ("agency_code,period,on_time,late\nA1,2018,x,0\n", "csv_bad_number", "line 2"),
            ("agency_code,period,received,on_time,late\nA1,2018,5,4,2\n", "counts_exceed_received", "line 2"),
            ("agency_code,period,on_time,late\nA1,2018,1,0\nNOPE,2018,1,0\n", "unknown_agency", "line 3"),
            (f"province,agency_code,period,on_time,late\n{p},A1,2018,1,0\n{self.b['code']},A1,2018,1,0\n",
             "wrong_province", "line 3"),
            ("agency_code,period,on_time,late\nA1,2018,1,0\nA2,2018,1,0\nA1,2018,2,0\n",
             "duplicate_row", "line 4"),
            ("agency_code,period,on_time\nA1,2018,1\n", "csv_header", "line 1"),
            ("agency_code,period,on_time,late,x_ratio\nA1,2018,1,0,\"9,x\"\n", "csv_bad_number", "line 2"),
            ("agency_code,period,on_time,late\nA1,2018,1,0\n\"A2,2018,1,0\n", "csv_invalid", "line 3"),
        ]
        for csv, code, field in cases:
            with self.subTest(code=code):
                resp = _push(self.key_a, csv, "text/csv", f"?province={p}")
                assert_error(self, resp, 400, code)
                self.assertEqual(resp[1]["error"]["field"], field)
        st, body, _ = _push(self.key_a, "agency_code,period,on_time,late\nA1,2018,x,0\nA1,2018-02,1,y\n",
                            "text/csv", f"?province={p}")
        self.assertIn("line 2", body["error"]["detail"])
        self.assertIn("line 3", body["error"]["detail"])
        assert_error(self, _push(self.key_a, "agency_code,period,on_time,late\nA1,2018,1,0\n", "text/csv"),
                     400, "missing_province")
        self.assertEqual((_batches(self.a["id"]), _rows(self.a["id"], "dossiers")), before)

    def test_csv_doubles_within_a_run_and_across_runs(self):
        """A sorted file's lines of one agency and period are stored as one run; a doubled
        procedure is found inside a run as it is read and across runs (an unsorted file, or
        a record longer than a run) by the database: either way with its line."""
        p = self.a["code"]
        before = (_batches(self.a["id"]), _rows(self.a["id"], "dossiers"))
        head = "agency_code,period,procedure,on_time,late\n"
        resp = _push(self.key_a, head + "A1,2013,P1,1,0\nA1,2013,P2,1,0\nA1,2013,P1,2,0\n",
                     "text/csv", f"?province={p}")
        assert_error(self, resp, 400, "duplicate_row")
        self.assertEqual(resp[1]["error"]["field"], "line 4")
        # 700 procedures of one record: more than one run; the double is 600 lines apart
        lines = [f"A2,2013,P{i},1,0" for i in range(700)] + ["A2,2013,P5,1,1"]
        resp = _push(self.key_a, head + "\n".join(lines) + "\n", "text/csv", f"?province={p}")
        assert_error(self, resp, 400, "duplicate_row")
        self.assertEqual(resp[1]["error"]["field"], "line 702")
        self.assertEqual((_batches(self.a["id"]), _rows(self.a["id"], "dossiers")), before)
        # the same 700 without the double: every line stored, in runs, read back as lines
        st, b, _ = _push(self.key_a, head + "\n".join(lines[:700]) + "\n", "text/csv",
                         f"?province={p}")
        self.assertEqual(st, 200, b)
        rows = psql_super("SELECT count(*), sum(on_time), min(line), max(line),"
                          " count(DISTINCT procedure) FROM portal.dossiers WHERE batch_id = :'b'",
                          {"b": b["id"]})
        self.assertEqual(rows, [["700", "700", "2", "701", "700"]])
        runs = psql_super("SELECT count(*) FROM portal.dossier_runs WHERE batch_id = :'b'",
                          {"b": b["id"]})
        self.assertGreater(int(runs[0][0]), 1)

    def test_feed_streams_through_a_file_left_nowhere(self):
        """The gateway writes the body to a feed file that the service reads in chunks; the
        file is gone once the answer is in, accepted or refused; bytes that are not UTF-8
        are refused by the service with their offset."""
        feeds = os.path.join(env("CHISO_VAR_DIR"), "feeds")
        doc = _doc(self.a["code"], [_rec("A1", "2012-0" + str(k)) for k in range(1, 10)])
        st, b, _ = _push(self.key_a, doc, "application/json")
        self.assertEqual(st, 200, b)
        self.assertEqual(b["records"], 9)
        bad = ("agency_code,period,on_time,late\nA1,2012,1,0\n").encode() + b"A\xc3(,2012,1,0\n"
        resp = _push(self.key_a, bad, "text/csv", f"?province={self.a['code']}")
        assert_error(self, resp, 400, "invalid_utf8")
        self.assertIn(str(len("agency_code,period,on_time,late\nA1,2012,1,0\n") + 1),
                      resp[1]["error"]["message_en"])
        self.assertEqual([f for f in os.listdir(feeds) if f.startswith("feed-")], [])
        # a client cannot name a feed file of its own
        assert_error(self, _push(self.key_a, "agency_code,period,on_time,late\nA1,2011,1,0\n",
                                 "text/csv", f"?province={self.a['code']}&spool=feed-AAAAAA"),
                     400, "unknown_field")
        self.assertEqual([f for f in os.listdir(feeds) if f.startswith("feed-")], [])

    def test_multipart_file(self):
        boundary = uuid.uuid4().hex
        csv = f"agency_code,period,on_time,late\nA2,2017,3,1\n"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"province\"\r\n\r\n"
                f"{self.a['code']}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\";"
                f" filename=\"hoso.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n")
        st, b, _ = _push(self.key_a, body.encode(), f"multipart/form-data; boundary={boundary}")
        self.assertEqual(st, 200, b)
        self.assertEqual((b["kind"], b["file_name"], b["records"]), ("dossiers", "hoso.csv", 1))

    def test_agency_mapping(self):
        p = self.a["token"]
        st, m, _ = api("PUT", "/api/v1/portal/agency-map/000.00.15.H12", {"agency_id": self.a2}, token=p)
        self.assertEqual(st, 200, m)
        self.assertEqual(m["agency_code"], "A2")
        st, lst, _ = api("GET", "/api/v1/portal/agency-map", token=p)
        self.assertIn("000.00.15.H12", [x["portal_code"] for x in lst["items"]])
        st, b, _ = _push(self.key_a, _doc(self.a["code"], [_rec("000.00.15.H12", "2016")]),
                         "application/json")
        self.assertEqual(st, 200, b)
        rows = psql_super("SELECT agency_id, portal_code FROM portal.records WHERE batch_id = :'b'",
                          {"b": b["id"]})
        self.assertEqual(rows, [[str(self.a2), "000.00.15.H12"]])
        # another province's agency cannot be mapped; a viewer cannot change the map
        assert_error(self, api("PUT", "/api/v1/portal/agency-map/X", {"agency_id": self.b1}, token=p),
                     400, "unknown_agency")
        viewer = new_user(self.a, ["viewer"])
        assert_error(self, api("PUT", "/api/v1/portal/agency-map/Y", {"agency_id": self.a1},
                               token=viewer["token"]), 403, "forbidden")
        st, _, _ = api("DELETE", "/api/v1/portal/agency-map/000.00.15.H12", token=p)
        self.assertEqual(st, 200)
        assert_error(self, _push(self.key_a, _doc(self.a["code"], [_rec("000.00.15.H12", "2015")]),
                                 "application/json"), 400, "unknown_agency")

    def test_admin_portal_load(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "766.json")
            with open(path, "w", encoding="utf-8") as f:
                f.write(_doc(self.a["code"], [_rec("A1", "2014"), _rec("A2", "2014")]))
            e = dict(os.environ, CHISO_DB=env("CHISO_DB_APP"))
            exe = os.path.join(env("CHISO_BIN"), "chiso-admin")
            r = subprocess.run([exe, "portal-load", path], env=e, capture_output=True, text=True,
                               timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            out = json.loads(r.stdout)
            self.assertEqual((out["records"], out["already_received"]), (2, False))
            r = subprocess.run([exe, "portal-load", path], env=e, capture_output=True, text=True,
                               timeout=60)
            self.assertEqual(json.loads(r.stdout)["batch_id"], out["batch_id"])
            bad = os.path.join(d, "hoso.csv")
            with open(bad, "w", encoding="utf-8") as f:
                f.write("agency_code,period,on_time,late\nA1,2014,1,0\nA1,2014,x,0\n")
            r = subprocess.run([exe, "portal-load", "--province", self.a["code"], bad], env=e,
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 1)
            self.assertIn("line 3", r.stderr)


class TestAutomaticLeaves(unittest.TestCase):
    """Index-set validation, the agency's refused value, and the scorecard of a played
    scenario with an automatic leaf."""

    @classmethod
    def setUpClass(cls):
        from test_examples import _play
        cls.scenario = {
            "indices": {"01": [
                {"code": "1.1", "content": 1, "max": 45, "title": "Nhiệm vụ", "required_min": 40},
                {"code": "2.1", "content": 2, "max": 35, "title": "Đúng hạn",
                 "auto": {"metric": "TDGQ.1", "formula": "ratio"}},
                {"code": "3.1", "content": 3, "max": 12, "title": "Khảo sát"},
                {"code": "4.1", "content": 4, "max": 5, "title": "Lãnh đạo"},
                {"code": "5.1", "content": 5, "max": 3, "title": "Điểm cộng"},
                {"code": "6.1", "content": 6, "max": 5, "title": "Điểm trừ"}]},
            "agencies": [
                {"code": "X1", "group": "01", "scores": {"1.1": {"self": 45}, "3.1": {"survey": 12},
                                                         "4.1": {"leader": [5]}, "5.1": {"self": 3}},
                 "portal": {"metrics": {"TDGQ.1": {"numerator": 980, "denominator": 1000}},
                            "dossiers": {"on_time": 0, "late": 0}}},
                {"code": "X2", "group": "01", "scores": {"1.1": {"self": 39.75}, "2.1": {"r1": 30},
                                                         "3.1": {"survey": 12}, "4.1": {"leader": [5]},
                                                         "5.1": {"self": 3}}}]}
        cls.ld, cls.results = _play(cls.scenario)

    def test_results_carry_late_and_head_rating(self):
        ags = {a["code"]: a for a in self.results["01"]["agencies"]}
        self.assertEqual(ags["X1"]["late_pct"], "n/a")
        self.assertEqual(ags["X1"]["head_rating"], "excellent")
        self.assertEqual(ags["X1"]["total"], "99.30")       # 45 + 34.30 + 12 + 5 + 3
        self.assertIsNone(ags["X2"]["late_pct"])
        self.assertEqual(ags["X2"]["head_rating"], "not_complete")
        st, res, _ = api("GET", f"/api/v1/periods/{self.ld.period}/results", token=self.ld.admin)
        x2 = [a for g in res["groups"] for a in g["agencies"] if a["code"] == "X2"][0]
        self.assertEqual(x2["late_state"], "unknown")
        self.assertIn("required leaf 1.1 = 39.75 < 40.00", x2["head_reason"])

    def test_scorecard_shows_the_source(self):
        ld = self.ld
        x1, x2 = ld.agency_ids["X1"], ld.agency_ids["X2"]
        st, sc, _ = api("GET", f"/api/v1/periods/{ld.period}/agencies/{x1}/scorecard", token=ld.admin)
        self.assertEqual(st, 200, sc)
        leaf = [l for l in sc["leaves"] if l["leaf_code"] == "2.1"][0]
        self.assertEqual((leaf["auto_metric"], leaf["auto_formula"], leaf["auto_status"]),
                         ("TDGQ.1", "ratio", "computed"))
        self.assertEqual((leaf["auto_numerator"], leaf["auto_denominator"]), (980, 1000))
        self.assertGreater(leaf["auto_batch_id"], 0)
        self.assertRegex(leaf["auto_periods"], r"^\d{4}$")  # the scenario sends its year
        self.assertEqual(leaf["effective"], 34.3)
        self.assertEqual(sc["result"]["head_rating"], "excellent")
        st, sc2, _ = api("GET", f"/api/v1/periods/{ld.period}/agencies/{x2}/scorecard",
                         token=ld.admin)
        self.assertEqual(st, 200, sc2)
        leaf2 = [l for l in sc2["leaves"] if l["leaf_code"] == "2.1"][0]
        self.assertEqual(leaf2["auto_status"], "no_portal_data")
        self.assertEqual(leaf2["effective"], 30)          # the council's round 1 counts
        # the agency's head sees the source, but no derived value before publication
        st, sch, _ = api("GET", f"/api/v1/periods/{ld.period}/agencies/{x2}/scorecard",
                         token=ld.heads["X2"])
        self.assertEqual(st, 200, sch)
        leafh = [l for l in sch["leaves"] if l["leaf_code"] == "2.1"][0]
        self.assertEqual(leafh["auto_status"], "no_portal_data")
        self.assertNotIn("effective", leafh)
        self.assertEqual(leaf2.get("auto_value", 0), 0)
        self.assertNotIn("auto_batch_id", leaf2)
        self.assertNotIn("auto_periods", leaf2)
        one = [l for l in sc2["leaves"] if l["leaf_code"] == "1.1"][0]
        self.assertEqual(one["required_min"], 40)

    def test_agency_cannot_enter_an_automatic_value(self):
        ld = self.ld
        aid = ld.agency_ids["X2"]
        ld._open("self_assessment")
        try:
            st, body, _ = api("POST", f"/api/v1/periods/{ld.period}/agencies/{aid}/withdraw", {},
                              token=ld.heads["X2"])
            self.assertEqual(st, 200, body)
            resp = api("PUT", f"/api/v1/periods/{ld.period}/agencies/{aid}/scores",
                       {"items": [{"leaf_code": "2.1", "score": 30}]}, token=ld.heads["X2"])
            assert_error(self, resp, 409, "automatic_leaf")
            self.assertIn("TDGQ.1", resp[1]["error"]["message_en"])
        finally:
            ld._close("self_assessment")

    def test_index_set_validation_names_the_leaf(self):
        p = new_province()
        api("POST", "/api/v1/agency-groups", {"code": "01", "name": "Sở"}, token=p["token"])
        base = [dict(code=l["code"], content=l["content"], title=l["title"], max_points=l["max"])
                for l in self.scenario["indices"]["01"]]

        def imp(patch):
            nodes = json.loads(json.dumps(base))
            nodes[1].update(patch)
            return api("POST", "/api/v1/index-sets", {"code": unique("B"), "name": "Bộ", "group_code": "01",
                                                     "year": 2025, "nodes": nodes}, token=p["token"])
        for patch, code in [
            ({"auto": {"metric": "TDGQ.1", "formula": "mean"}}, "unknown_formula"),
            ({"auto": {"metric": "TTTT.1", "formula": "bands",
                       "bands": [{"min_pct": 60, "points": 6}, {"min_pct": 80, "points": 8}]}},
             "bands_not_descending"),
            ({"auto": {"metric": "TTTT.1", "formula": "bands",
                       "bands": [{"min_pct": 80, "points": 8}, {"min_pct": 80, "points": 6}]}},
             "bands_not_descending"),
            ({"auto": {"metric": "", "formula": "ratio"}}, "invalid_auto"),
            ({"required_min": 36}, "invalid_required_min"),
        ]:
            with self.subTest(code=code):
                resp = imp(patch)
                assert_error(self, resp, 400, code)
                self.assertIn("2.1", resp[1]["error"]["message_en"])
        st, s, _ = imp({"auto": {"metric": "TTTT.1", "formula": "bands",
                                 "bands": [{"min_pct": 80, "points": 35}, {"min_pct": 0, "points": 0}]},
                        "required_min": 20})
        self.assertEqual(st, 200, s)
        node = [n for n in s["nodes"] if n["code"] == "2.1"][0]
        self.assertEqual(node["auto"], {"metric": "TTTT.1", "formula": "bands",
                                        "bands": [{"min_pct": 80, "points": 35},
                                                  {"min_pct": 0, "points": 0}]})
        self.assertEqual(node["required_min"], 20)


if __name__ == "__main__":
    unittest.main()
