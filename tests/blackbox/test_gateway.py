"""The HTTP gateway against the running system: routing (404/405), sessions (401), the JSON
rules (unknown_field, wrong_type, invalid_points, invalid_utf8, malformed_json), content
types (415), size caps (413), uploads (bad names, types, sizes), /healthz /readyz /metrics,
the OpenAPI document versus the route table, and a stopped service answering 503 fast
while the others keep working. Every rejected write is checked to have changed nothing."""

import glob
import hashlib
import io
import http.client
import json
import os
import re
import signal
import socket
import time
import unittest
import urllib.parse
import zipfile

from harness import api, assert_error, env, new_province, new_user, start_service, unique

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GW_DIR = os.path.join(ROOT, "services", "gateway")


def _hostport():
    u = urllib.parse.urlsplit(env("CHISO_URL"))
    return u.hostname, u.port


def raw_request(head, body=b"", read_timeout=10):
    """Send bytes as they are on a fresh connection; return (status, headers, body)."""
    host, port = _hostport()
    s = socket.create_connection((host, port), timeout=read_timeout)
    try:
        s.sendall(head)
        if body:
            try:
                s.sendall(body)
            except OSError:
                pass        # the server may answer and close before reading it all
        data = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            data += chunk
            if b"\r\n\r\n" in data:
                hdr, _, rest = data.partition(b"\r\n\r\n")
                m = re.search(rb"content-length:\s*(\d+)", hdr, re.I)
                if m and len(rest) >= int(m.group(1)):
                    break
    finally:
        s.close()
    hdr, _, rest = data.partition(b"\r\n\r\n")
    lines = hdr.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and lines[0] else 0
    headers = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        headers[k.strip().lower()] = v.strip()
    return status, headers, rest


def _error_code(body):
    try:
        return json.loads(body.decode("utf-8"))["error"]["code"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


def _routes_from_source():
    """(METHOD, path) of every route in the tables routes.c lists, read from the C source."""
    with open(os.path.join(GW_DIR, "routes.c"), encoding="utf-8") as f:
        listed = re.findall(r"^\s*gw_routes_(\w+)\s*,", f.read(), re.M)
    routes = set()
    for svc in listed:
        with open(os.path.join(GW_DIR, f"routes_{svc}.c"), encoding="utf-8") as f:
            src = f.read()
        src = re.sub(r"/\*.*?\*/", "", src, flags=re.S)
        src = re.sub(r"//[^\n]*", "", src)
        macros = {m.group(1): m.group(2) for m in
                  re.finditer(r'^\s*#define\s+(\w+)\s+((?:"[^"]*"\s*)+)$', src, re.M)}
        tok = r'(?:"[^"]*"|[A-Z_][A-Z0-9_]*)'
        for m in re.finditer(r'\{\s*"(GET|POST|PUT|PATCH|DELETE)"\s*,\s*((?:' + tok + r'\s*)+),', src):
            path = ""
            for t in re.findall(tok, m.group(2)):
                if t.startswith('"'):
                    path += t[1:-1]
                else:
                    path += "".join(re.findall(r'"([^"]*)"', macros[t]))
            routes.add((m.group(1), path))
    return routes


def _evidence_files():
    """Stored files and temporary ones (a refused upload must leave neither)."""
    root = os.path.join(env("CHISO_VAR_DIR"), "evidence")
    return sorted(glob.glob(os.path.join(root, "[0-9a-f][0-9a-f]", "*")) +
                  glob.glob(os.path.join(root, "tmp", "*")))


class TestGateway(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.prov = new_province()
        cls.token = cls.prov["token"]

    def groups(self):
        st, body, _ = api("GET", "/api/v1/agency-groups", token=self.token)
        self.assertEqual(st, 200, body)
        return body["items"]

    # --- built-in endpoints ------------------------------------------------------------------

    def test_healthz_readyz(self):
        st, body, _ = api("GET", "/healthz")
        self.assertEqual(st, 200)
        self.assertEqual(body, {"status": "ok"})
        st, body, _ = api("GET", "/readyz")
        self.assertEqual(st, 200, body)
        self.assertTrue(body["ready"])
        self.assertEqual(body["missing"], [])
        for s in ("catalog", "submissions", "appraisal", "surveys", "leadership", "ranking"):
            self.assertGreaterEqual(body["services"].get(s, 0), 1, body)

    def test_metrics(self):
        api("GET", "/api/v1/agency-groups", token=self.token)
        api("GET", "/api/v1/provinces/x", token=self.token)
        # a request is counted when its connection is done with it: allow a moment
        for _ in range(50):
            st, body, h = api("GET", "/metrics", token=env("CHISO_METRICS_TOKEN"))
            text = body.decode("utf-8")
            if re.search(r'route="/api/v1/provinces/\{id\}",method="GET",status="400"', text):
                break
            time.sleep(0.05)
        self.assertEqual(st, 200)
        self.assertTrue(h["content-type"].startswith("text/plain"))
        self.assertRegex(text, r'chiso_http_requests_total\{route="/api/v1/agency-groups",'
                               r'method="GET",status="200"\} [1-9]')
        self.assertRegex(text, r'chiso_http_requests_total\{route="/api/v1/provinces/\{id\}",'
                               r'method="GET",status="400"\} [1-9]')
        self.assertRegex(text, r'chiso_http_request_duration_seconds_bucket\{route='
                               r'"/api/v1/agency-groups",method="GET",status="200",le="\+Inf"\} [1-9]')
        self.assertIn("chiso_http_request_duration_seconds_count", text)
        # no raw path with an id leaks in as a label
        self.assertNotIn('route="/api/v1/provinces/x"', text)

    def test_route_table_checked_at_start(self):
        log = os.path.join(env("CHISO_VAR_DIR"), "log", "gateway.log")
        if not os.path.exists(log):
            self.skipTest("no gateway log in $CHISO_VAR_DIR/log")
        with open(log, encoding="utf-8", errors="replace") as f:
            problems = [ln for ln in f if "route table:" in ln]
        self.assertEqual(problems, [])

    def test_static_and_escapes(self):
        st, body, h = api("GET", "/")
        self.assertEqual(st, 200)
        self.assertTrue(h["content-type"].startswith("text/html"))
        self.assertIn("chiso".encode(), body)
        for path in ("/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2fetc/passwd",
                     "/.hidden", "/nope.html"):
            st, _, _ = raw_request(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            self.assertEqual(st, 404, path)

    # --- routing and sessions ----------------------------------------------------------------

    def test_unknown_route_404(self):
        assert_error(self, api("GET", "/api/v1/no-such-thing", token=self.token), 404, "route_not_found")
        assert_error(self, api("POST", "/api/v1/agency-groups/x/y", {}, token=self.token), 404,
                     "route_not_found")

    def test_wrong_method_405(self):
        before = self.groups()
        resp = api("DELETE", "/api/v1/agency-groups", token=self.token)
        assert_error(self, resp, 405, "method_not_allowed")
        allow = {m.strip() for m in resp[2]["allow"].split(",")}
        self.assertEqual(allow, {"GET", "POST"})
        self.assertEqual(self.groups(), before)

    def test_sessions_401(self):
        assert_error(self, api("GET", "/api/v1/auth/me"), 401, "unauthenticated")
        assert_error(self, api("GET", "/api/v1/auth/me", token="not-a-token"), 401, "unauthenticated")
        assert_error(self, api("POST", "/api/v1/agency-groups", {"code": "x", "name": "y"},
                               token="0" * 64), 401, "unauthenticated")
        # without a session the input is not even looked at
        assert_error(self, api("POST", "/api/v1/agency-groups", raw=b'{"bad', headers={
            "Content-Type": "application/json"}), 401, "unauthenticated")
        assert_error(self, api("POST", "/api/v1/agency-groups", raw=b"x", headers={
            "Content-Type": "text/plain"}), 401, "unauthenticated")
        st, body, _ = api("GET", "/api/v1/auth/me", token=self.token)
        self.assertEqual(st, 200, body)
        # the web UI's cookie works too
        st, body, _ = api("GET", "/api/v1/auth/me",
                          headers={"Cookie": f"chiso_session={self.token}"})
        self.assertEqual(st, 200, body)

    def test_errors_in_english_on_request(self):
        st, body, _ = api("GET", "/api/v1/auth/me", headers={"Accept-Language": "en-US,en;q=0.9"})
        self.assertEqual(st, 401)
        self.assertEqual(body["error"]["message"], body["error"]["message_en"])
        st, body, _ = api("GET", "/api/v1/auth/me", headers={"Accept-Language": "vi,en;q=0.5"})
        self.assertEqual(body["error"]["message"], body["error"]["message_vi"])

    def test_request_id_echoed(self):
        _, _, h = api("GET", "/api/v1/auth/me", token=self.token, headers={"X-Request-Id": "abc-123"})
        self.assertEqual(h.get("x-request-id"), "abc-123")
        _, _, h = api("GET", "/api/v1/auth/me", token=self.token)
        self.assertRegex(h.get("x-request-id", ""), r"^[0-9a-f]{24}$")

    # --- JSON rules: each bad input is refused and nothing changes ---------------------------

    def _refused(self, status, code, field=None, **kw):
        before = self.groups()
        resp = api("POST", "/api/v1/agency-groups", token=self.token, **kw)
        assert_error(self, resp, status, code)
        if field is not None:
            self.assertEqual(resp[1]["error"]["field"], field)
        self.assertEqual(self.groups(), before)

    def test_unknown_field(self):
        self._refused(400, "unknown_field", "colour", body={"code": unique("G"), "name": "n", "colour": 1})

    def test_wrong_type(self):
        self._refused(400, "wrong_type", "name", body={"code": unique("G"), "name": 5})
        self._refused(400, "wrong_type", "code", body={"code": ["x"], "name": "n"})
        self._refused(400, "wrong_type", None, body=[{"code": "x"}])

    def test_invalid_utf8(self):
        raw = b'{"code": "G1", "name": "S\xc6 N\xe1\xbb\x99i v\xe1\xbb"}'
        self._refused(400, "invalid_utf8", raw=raw, headers={"Content-Type": "application/json"})
        raw = b'{"code": "G\xff", "name": "x"}'
        self._refused(400, "invalid_utf8", raw=raw, headers={"Content-Type": "application/json"})

    def test_malformed_json(self):
        for raw in (b'{"code": "G1", "name": ', b"{'code': 'x'}", b'{"code":"a","code":"b"}', b"nul"):
            self._refused(400, "malformed_json", raw=raw, headers={"Content-Type": "application/json"})

    def test_unsupported_media_type(self):
        self._refused(415, "unsupported_media_type",
                      raw=json.dumps({"code": unique("G"), "name": "n"}).encode(),
                      headers={"Content-Type": "text/plain"})
        self._refused(415, "unsupported_media_type", raw=b"code,name\nG,n\n",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})

    def test_create_and_unknown_null(self):
        code = unique("G")
        st, body, _ = api("POST", "/api/v1/agency-groups", {"code": code, "name": "Nhóm", "x": None},
                          token=self.token)
        # an unknown name is refused even when null: the name itself is wrong
        self.assertEqual(st, 400, body)
        st, body, _ = api("POST", "/api/v1/agency-groups", {"code": code, "name": "Nhóm thử"},
                          token=self.token)
        self.assertEqual(st, 200, body)
        self.assertEqual(body, {"code": code, "name": "Nhóm thử"})

    def test_invalid_points(self):
        st, before, _ = api("GET", "/api/v1/index-sets", token=self.token)
        self.assertEqual(st, 200, before)
        for bad in (17.505, "17.505", "abc", 0.001):
            doc = {"code": unique("IS"), "name": "Bộ chỉ số", "group_code": "01", "year": 2025,
                   "contents": [{"content": 1, "title": "Nội dung 1", "max_points": bad}], "nodes": []}
            resp = api("POST", "/api/v1/index-sets", doc, token=self.token)
            assert_error(self, resp, 400, "invalid_points")
            self.assertEqual(resp[1]["error"]["field"], "contents[0].max_points")
        self.assertEqual(api("GET", "/api/v1/index-sets", token=self.token)[1], before)

    def test_path_and_query_params_typed(self):
        resp = api("GET", "/api/v1/provinces/abc", token=self.token)
        assert_error(self, resp, 400, "wrong_type")
        self.assertEqual(resp[1]["error"]["field"], "id")
        resp = api("GET", "/api/v1/audit?limit=ten", token=self.token)
        assert_error(self, resp, 400, "wrong_type")
        self.assertEqual(resp[1]["error"]["field"], "limit")
        resp = api("GET", "/api/v1/audit?bogus=1", token=self.token)
        assert_error(self, resp, 400, "unknown_field")
        self.assertEqual(resp[1]["error"]["field"], "bogus")
        # names echoed back that are not UTF-8 still give a well-formed error
        assert_error(self, api("GET", "/api/v1/audit?%FF%FE=1", token=self.token), 400, "unknown_field")
        assert_error(self, api("GET", "/api/v1/no-such/%FF"), 404, "route_not_found")
        resp = api("GET", "/api/v1/audit?entity=%FF", token=self.token)
        assert_error(self, resp, 400, "invalid_utf8")
        self.assertEqual(resp[1]["error"]["field"], "entity")
        st, body, _ = api("GET", "/api/v1/audit?limit=5", token=self.token)
        self.assertEqual(st, 200, body)

    def test_body_too_large_413(self):
        before = self.groups()
        big = b'{"code":"G","name":"' + b"a" * (1024 * 1024 + 10) + b'"}'
        head = ("POST /api/v1/agency-groups HTTP/1.1\r\nHost: x\r\n"
                f"Authorization: Bearer {self.token}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(big)}\r\n\r\n").encode()
        st, _, body = raw_request(head)          # body never sent: the answer comes first
        self.assertEqual(st, 413)
        self.assertEqual(_error_code(body), "body_too_large")
        # chunked: no length up front, the cap applies while reading
        conn = http.client.HTTPConnection(*_hostport(), timeout=30)
        conn.putrequest("POST", "/api/v1/agency-groups")
        conn.putheader("Authorization", f"Bearer {self.token}")
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        for i in range(0, len(big), 65536):
            part = big[i:i + 65536]
            conn.send(b"%x\r\n%s\r\n" % (len(part), part))
        conn.send(b"0\r\n\r\n")
        r = conn.getresponse()
        self.assertEqual(r.status, 413)
        self.assertEqual(_error_code(r.read()), "body_too_large")
        conn.close()
        self.assertEqual(self.groups(), before)

    # --- uploads: refused before anything is stored -----------------------------------------

    UPLOAD = "/api/v1/periods/1/agencies/1/evidence/files?leaf_code=1.1"

    def _upload(self, name, data, ctype="application/octet-stream"):
        q = "" if name is None else "&file_name=" + urllib.parse.quote(name, safe="")
        return api("POST", self.UPLOAD + q, token=self.token, raw=data,
                   headers={"Content-Type": ctype})

    def test_upload_bad_names(self):
        before = _evidence_files()
        pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        for name in ("../x.pdf", "a/b.pdf", "a\\b.pdf", "a\x00b.pdf", "bad\nname.pdf", "..",
                     "x" * 256 + ".pdf", "", None):
            assert_error(self, self._upload(name, pdf), 400, "bad_file_name")
        self.assertEqual(_evidence_files(), before)

    def test_upload_unsupported_type(self):
        before = _evidence_files()
        for data in (b"#!/bin/sh\necho hi\n", b"MZ\x90\x00" + b"\x00" * 200, b"plain text"):
            assert_error(self, self._upload("báo cáo.pdf", data), 415, "unsupported_file_type")
        self.assertEqual(_evidence_files(), before)
        tmp = os.path.join(env("CHISO_VAR_DIR"), "evidence", "tmp")
        self.assertEqual(os.listdir(tmp) if os.path.isdir(tmp) else [], [])

    def test_upload_needs_session(self):
        before = _evidence_files()
        st, body, _ = api("POST", self.UPLOAD + "&file_name=a.png", raw=b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
                          headers={"Content-Type": "image/png"})
        self.assertEqual(st, 401, body)
        self.assertEqual(_evidence_files(), before)

    def test_upload_too_large_413(self):
        before = _evidence_files()
        cap = int(os.environ.get("CHISO_MAX_UPLOAD", 20 * 1024 * 1024))
        head = (f"POST {self.UPLOAD}&file_name=big.pdf HTTP/1.1\r\nHost: x\r\n"
                f"Authorization: Bearer {self.token}\r\nContent-Type: application/pdf\r\n"
                f"Content-Length: {cap + 1}\r\n\r\n").encode()
        st, _, body = raw_request(head)
        self.assertEqual(st, 413)
        self.assertEqual(_error_code(body), "file_too_large")
        # streamed without a length: stopped at the cap, the temporary file deleted
        conn = http.client.HTTPConnection(*_hostport(), timeout=60)
        conn.putrequest("POST", self.UPLOAD + "&file_name=big.pdf")
        conn.putheader("Authorization", f"Bearer {self.token}")
        conn.putheader("Content-Type", "application/pdf")
        conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        chunk = b"%PDF-1.4\n" + b"0" * (1024 * 1024 - 9)
        for _ in range(cap // len(chunk) + 2):
            conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        conn.send(b"0\r\n\r\n")
        r = conn.getresponse()
        self.assertEqual(r.status, 413)
        self.assertEqual(_error_code(r.read()), "file_too_large")
        conn.close()
        self.assertEqual(_evidence_files(), before)
        tmp = os.path.join(env("CHISO_VAR_DIR"), "evidence", "tmp")
        self.assertEqual(os.listdir(tmp) if os.path.isdir(tmp) else [], [])

    def test_csv_route_needs_text_csv(self):
        st, body, _ = api("POST", "/api/v1/periods/1/survey-points/csv", token=self.token,
                          raw=b'{"csv": "x"}', headers={"Content-Type": "application/json"})
        assert_error(self, (st, body, {}), 415, "unsupported_media_type")

    # --- the OpenAPI document lists exactly the route table ---------------------------------

    def test_openapi_matches_route_table(self):
        st, doc, _ = api("GET", "/api/v1/openapi.json")
        self.assertEqual(st, 200)
        self.assertTrue(doc["openapi"].startswith("3.0"))
        documented = {(m.upper(), p) for p, item in doc["paths"].items() for m in item}
        table = _routes_from_source()
        self.assertGreater(len(table), 30)
        self.assertEqual(documented, table)
        for (method, path) in sorted(table):
            op = doc["paths"][path][method.lower()]
            names = {p["name"] for p in op["parameters"] if p["in"] == "path"}
            self.assertEqual(names, set(re.findall(r"\{(\w+)\}", path)), path)
            self.assertIn("200", op["responses"])
        # every route of the table is served (not 404/405) and each path answers 405 for
        # the methods it does not have
        def served(method, concrete):
            for m, p in table:
                rx = "^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(p)) + "$"
                if m == method and re.match(rx, concrete):
                    return True
            return False
        for path in sorted({p for _, p in table}):
            concrete = re.sub(r"\{\w+\}", "1", path)
            for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                st, h, body = raw_request(
                    f"{method} {concrete} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                    f"Connection: close\r\n\r\n".encode())
                if served(method, concrete):
                    self.assertNotIn(_error_code(body), ("route_not_found", "method_not_allowed"),
                                     f"{method} {path}")
                else:
                    self.assertEqual(st, 405, f"{method} {path}")
                    self.assertIn("allow", h)


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
       b"\x00\x00\x00IEND\xaeB`\x82")


def _zip_odt(tag):
    """A minimal OpenDocument text (libmagic: application/vnd.oasis.opendocument.text)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", b"<x>" + tag + b"</x>")
    return buf.getvalue()


class TestEvidenceFiles(unittest.TestCase):
    """Upload (raw and multipart) into the content-addressed store and download back."""

    @classmethod
    def setUpClass(cls):
        p = new_province()
        tok = p["token"]

        def ok(resp, what):
            st, body, _ = resp
            if st != 200:
                raise AssertionError(f"{what}: HTTP {st} {body!r}")
            return body
        maxima = {1: 45, 2: 35, 3: 12, 4: 5, 5: 3}
        ok(api("POST", "/api/v1/agency-groups", {"code": "01", "name": "Sở, ban, ngành"}, token=tok), "group")
        period = ok(api("POST", "/api/v1/periods", {"code": "K2025", "name": "Kỳ 2025", "year": 2025,
                                                     "config": "{}"}, token=tok), "period")["id"]
        contents = [dict({"content": c, "title": f"Nội dung {c}"},
                         **({"max_points": maxima[c]} if c in maxima else {})) for c in range(1, 7)]
        nodes = [{"code": f"{c}.1", "content": c, "title": f"Tiêu chí {c}.1", "max_points": maxima[c],
                  "step": 0.01 if c == 3 else 0.25} for c in range(1, 6)]
        iset = ok(api("POST", "/api/v1/index-sets", {"code": "BCS01", "name": "Bộ Chỉ số 01",
                                                     "group_code": "01", "year": 2025,
                                                     "contents": contents, "nodes": nodes},
                      token=tok), "index set")
        ok(api("PUT", f"/api/v1/periods/{period}/index-sets/01", {"index_set_id": iset["id"]},
               token=tok), "period index set")
        ag = ok(api("POST", "/api/v1/agencies", {"code": "SNV", "name": "Sở Nội vụ", "group_code": "01"},
                    token=tok), "agency")
        now = int(time.time())
        ok(api("PUT", f"/api/v1/periods/{period}/phases/self_assessment",
               {"opens_at": now - 60, "closes_at": now + 86400}, token=tok), "phase")
        cls.editor = new_user(p, ["agency_editor"], agency_id=ag["id"])["token"]
        cls.base = f"/api/v1/periods/{period}/agencies/{ag['id']}/evidence/files?leaf_code=1.1"
        # unique content per run: the store is shared by every test of the system
        cls.data = PNG + unique("x").encode()
        cls.sha = hashlib.sha256(cls.data).hexdigest()

    def _stored(self):
        return [f for f in _evidence_files() if os.path.basename(f) == self.sha]

    def test_raw_then_multipart_same_content_stored_once(self):
        name = "Báo cáo năm 2025.png"
        st, ev, _ = api("POST", self.base + "&file_name=" + urllib.parse.quote(name), token=self.editor,
                        raw=self.data, headers={"Content-Type": "image/png"})
        self.assertEqual(st, 200, ev)
        self.assertEqual(ev["file_sha256"], self.sha)
        self.assertEqual(ev["file_size"], len(self.data))
        self.assertEqual(ev["file_type"], "image/png")
        self.assertEqual(ev["file_name"], name)
        stored = self._stored()
        self.assertEqual(len(stored), 1)
        self.assertEqual(os.path.basename(os.path.dirname(stored[0])), self.sha[:2])
        with open(stored[0], "rb") as f:
            self.assertEqual(f.read(), self.data)

        boundary = "----chiso" + unique("b")
        # another leaf (a form field this time), so the service records a second evidence
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"leaf_code\"\r\n\r\n2.1\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"ảnh chụp.png\"\r\nContent-Type: application/pdf\r\n\r\n").encode() + \
            self.data + f"\r\n--{boundary}--\r\n".encode()
        st, ev2, _ = api("POST", self.base.split("?")[0], token=self.editor, raw=body,
                         headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        self.assertEqual(st, 200, ev2)
        self.assertEqual(ev2["file_sha256"], self.sha)
        self.assertEqual(ev2["file_type"], "image/png")       # from the content, not the part header
        self.assertEqual(ev2["file_name"], "ảnh chụp.png")
        self.assertEqual(ev2["leaf_code"], "2.1")
        self.assertNotEqual(ev2["id"], ev["id"])
        self.assertEqual(len(self._stored()), 1)               # same content, one file

        st, data, h = api("GET", f"/api/v1/evidence/{ev['id']}/download", token=self.editor)
        self.assertEqual(st, 200)
        self.assertEqual(data, self.data)
        self.assertEqual(h["content-type"], "image/png")
        self.assertIn("filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20n%C4%83m%202025.png",
                      h["content-disposition"])
        self.assertIn('filename="B_o c_o n_m 2025.png"', h["content-disposition"])
        assert_error(self, api("GET", f"/api/v1/evidence/{ev['id']}/download"), 401, "unauthenticated")

    def test_every_allowed_type(self):
        def zipped(entries, stored_first=None):
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w") as z:
                if stored_first:
                    z.writestr(zipfile.ZipInfo(stored_first[0]), stored_first[1])
                for n, d in entries:
                    z.writestr(n, d)
            return buf.getvalue()
        ct = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
              'package/2006/content-types"></Types>')
        tag = unique("v")
        samples = {
            "a.pdf": (b"%PDF-1.4\n%" + tag.encode() + b"\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                      "application/pdf"),
            "b.docx": (zipped([("[Content_Types].xml", ct), ("_rels/.rels", "<x/>"),
                               ("word/document.xml", f"<w>{tag}</w>")]),
                       "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            "c.xlsx": (zipped([("[Content_Types].xml", ct), ("_rels/.rels", "<x/>"),
                               ("xl/workbook.xml", f"<w>{tag}</w>")]),
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            "d.odt": (zipped([("content.xml", f"<x>{tag}</x>")],
                             ("mimetype", "application/vnd.oasis.opendocument.text")),
                      "application/vnd.oasis.opendocument.text"),
            "e.ods": (zipped([("content.xml", f"<x>{tag}</x>")],
                             ("mimetype", "application/vnd.oasis.opendocument.spreadsheet")),
                      "application/vnd.oasis.opendocument.spreadsheet"),
            "f.jpg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" +
                      tag.encode() + b"\x00" * 64, "image/jpeg"),
        }
        for name, (data, mime) in samples.items():
            st, ev, _ = api("POST", self.base + "&file_name=" + name, token=self.editor, raw=data,
                            headers={"Content-Type": "application/octet-stream"})
            self.assertEqual(st, 200, (name, ev))
            self.assertEqual(ev["file_type"], mime, name)
            self.assertEqual(ev["file_sha256"], hashlib.sha256(data).hexdigest())

    def test_preview_inline_for_pdf_and_images_only(self):
        """The preview route (the workbench's inline view) sends a PNG, JPEG or PDF inline and
        lets only this origin frame it; any other type stays an attachment nobody may frame,
        and the download route is unchanged. nosniff everywhere."""
        tag = unique("p").encode()
        files = {"anh.png": (PNG + tag, "image/png"),
                 "to-trinh.pdf": (b"%PDF-1.4\n%" + tag + b"\ntrailer<<>>\n%%EOF\n", "application/pdf"),
                 "bang.odt": (_zip_odt(tag), "application/vnd.oasis.opendocument.text")}
        for name, (data, mime) in files.items():
            st, ev, _ = api("POST", self.base + "&file_name=" + name, token=self.editor, raw=data,
                            headers={"Content-Type": "application/octet-stream"})
            self.assertEqual((st, ev.get("file_type")), (200, mime), ev)
            st, got, h = api("GET", f"/api/v1/evidence/{ev['id']}/preview", token=self.editor)
            self.assertEqual((st, got, h["content-type"]), (200, data, mime))
            self.assertEqual(h["x-content-type-options"], "nosniff")
            if mime == "application/vnd.oasis.opendocument.text":
                self.assertTrue(h["content-disposition"].startswith("attachment;"), h)
                self.assertEqual(h["x-frame-options"], "DENY")
                self.assertIn("frame-ancestors 'none'", h["content-security-policy"])
            else:
                self.assertTrue(h["content-disposition"].startswith(f'inline; filename="{name}"'), h)
                self.assertEqual(h["x-frame-options"], "SAMEORIGIN")
                self.assertIn("frame-ancestors 'self'", h["content-security-policy"])
                self.assertIn("object-src 'none'", h["content-security-policy"])
            st, _, h = api("GET", f"/api/v1/evidence/{ev['id']}/download", token=self.editor)
            self.assertTrue(h["content-disposition"].startswith("attachment;"), h)
            self.assertEqual(h["x-frame-options"], "DENY")
            assert_error(self, api("GET", f"/api/v1/evidence/{ev['id']}/preview"), 401,
                         "unauthenticated")

    def test_multipart_bad_name_and_missing_file(self):
        before = _evidence_files()
        boundary = "b" + unique("x")
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"../../etc/x.png\"\r\n\r\n").encode() + self.data + \
            f"\r\n--{boundary}--\r\n".encode()
        assert_error(self, api("POST", self.base, token=self.editor, raw=body,
                               headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}),
                     400, "bad_file_name")
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nx"
                f"\r\n--{boundary}--\r\n").encode()
        resp = api("POST", self.base, token=self.editor, raw=body,
                   headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        self.assertEqual(resp[0], 400, resp)
        self.assertEqual(_evidence_files(), before)


class TestServiceDown(unittest.TestCase):
    """A stopped service: its routes answer 503 within ~2 s, the others keep working."""

    def test_submissions_stopped(self):
        prov = new_province()
        # every copy of the service the test system knows of (pid files in run/)
        run = os.path.join(env("CHISO_VAR_DIR"), "run")
        pid_files = glob.glob(os.path.join(run, "submissions.pid")) + \
            glob.glob(os.path.join(run, "submissions-extra-*.pid"))
        if not pid_files:
            self.skipTest("no submissions service started by the test system")
        for pid_file in pid_files:
            with open(pid_file) as f:
                pid = int(f.read().strip())
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            for _ in range(100):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.1)
            os.unlink(pid_file)
        try:
            t0 = time.monotonic()
            resp = api("GET", "/api/v1/periods/1/agencies/1/self-assessment", token=prov["token"])
            elapsed = time.monotonic() - t0
            assert_error(self, resp, 503, "service_unavailable")
            self.assertLess(elapsed, 2.5)
            st, body, _ = api("GET", "/api/v1/auth/me", token=prov["token"])
            self.assertEqual(st, 200, body)
            st, body, _ = api("GET", "/readyz")
            self.assertEqual(st, 503)
            self.assertEqual(body["missing"], ["submissions"])
        finally:
            start_service("submissions")   # recorded in run/ for the test system to stop
            for _ in range(100):
                if api("GET", "/readyz")[0] == 200:
                    break
                time.sleep(0.1)
        self.assertEqual(api("GET", "/readyz")[0], 200)


if __name__ == "__main__":
    unittest.main()
