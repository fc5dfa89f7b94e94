"""Issue 10, item 6: the HTTP server's own refusals in SPEC §11's JSON shape.

libmicrohttpd 0.9.75 refuses some requests itself, before (or, for a chunked body, while)
the gateway's handler sees them, with fixed HTML bodies; the gateway puts its JSON refusal
in their place (services/gateway/refusal.h). Each case is sent as raw bytes, because an
HTTP client library would not send most of them."""
import json
import socket
import unittest
from urllib.parse import urlsplit

from harness import api, env

ERROR_KEYS = {"code", "message", "message_vi", "message_en", "field", "detail"}


def _send(raw, timeout=10):
    """Send raw bytes on a new connection; everything the server answers until it closes."""
    u = urlsplit(env("CHISO_URL"))
    with socket.create_connection((u.hostname, u.port), timeout=timeout) as s:
        try:
            s.sendall(raw)
        except (BrokenPipeError, ConnectionResetError):
            pass                # refused before the whole request was read: the answer counts
        s.settimeout(timeout)
        out = b""
        while True:
            try:
                d = s.recv(65536)
            except ConnectionResetError:
                break
            if not d:
                break
            out += d
    return out


def _parse(answer):
    """(status, headers of the first header block, JSON body). The body is what follows
    the last blank line: 0.9.75 sends the header block twice on its Content-Length refusals
    (its own bug, see the README)."""
    head, _, _ = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    body = answer.rsplit(b"\r\n\r\n", 1)[1]
    return status, headers, json.loads(body.decode("utf-8"))


class TestServerRefusals(unittest.TestCase):

    def _refused(self, raw, status, code, field=None):
        answer = _send(raw)
        self.assertNotIn(b"<html", answer.lower(), answer[:400])
        st, headers, body = _parse(answer)
        self.assertEqual(st, status, answer[:400])
        self.assertTrue(headers.get("content-type", "").startswith("application/json"), headers)
        self.assertIn("frame-ancestors 'none'", headers.get("content-security-policy", ""))
        self.assertEqual(headers.get("connection", "").lower(), "close", headers)
        err = body["error"]
        self.assertEqual(set(err), ERROR_KEYS, body)
        self.assertEqual(err["code"], code, body)
        self.assertEqual(err["field"], field, body)
        for k in ("message", "message_vi", "message_en"):
            self.assertTrue(err[k], body)
        self.assertNotEqual(err["message_vi"], err["message_en"], body)
        # the server is unharmed
        self.assertEqual(api("GET", "/healthz")[0], 200)
        return err

    def test_content_length_not_a_number(self):
        self._refused(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Type: application/json\r\nContent-Length: abc\r\n\r\n{}",
                      400, "bad_content_length", "Content-Length")
        self._refused(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Length: 12x\r\n\r\n", 400, "bad_content_length", "Content-Length")

    def test_content_length_past_64_bits(self):
        self._refused(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Length: 99999999999999999999999\r\n\r\n",
                      413, "body_too_large", "Content-Length")

    def test_content_length_over_our_cap_is_ours(self):
        # a number within 64 bits but over CHISO_MAX_BODY: the gateway's own 413
        err = self._refused(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n"
                            b"Content-Type: application/json\r\n"
                            b"Content-Length: 999999999999\r\n\r\n", 413, "body_too_large")
        self.assertIn("byte", err["message_vi"])

    def test_uri_past_the_connection_buffer(self):
        # ours answer up to the 32 KiB connection buffer (test_security.py); past it,
        # libmicrohttpd's refusal, in the same shape
        self._refused(b"GET /api/v1/agencies?x=" + b"a" * 200_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
                      414, "uri_too_long")

    def test_headers_past_the_connection_buffer(self):
        self._refused(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Filler: " + b"c" * 200_000 +
                      b"\r\n\r\n", 431, "headers_too_large")
        many = b"".join(b"X-H%d: %s\r\n" % (i, b"d" * 100) for i in range(2000))
        self._refused(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n",
                      431, "headers_too_large")

    def test_our_limits_fit_in_the_connection_buffer(self):
        # the connection buffer must hold a request at both our limits together (8 KiB URI,
        # 16 KiB headers) and still have room for the answer's header block: served, not
        # refused or closed; just past either limit, our own refusal, naming the limit
        ok = api("GET", "/healthz?x=" + "a" * 7500, headers={"X-Filler": "c" * 15000})
        self.assertEqual(ok[0], 200, ok)
        st, body, _ = api("GET", "/healthz?x=" + "a" * 7500, headers={"X-Filler": "c" * 16500})
        self.assertEqual((st, body["error"]["code"]), (431, "headers_too_large"), body)
        self.assertIn("16384", body["error"]["message_en"])
        st, body, _ = api("GET", "/healthz?x=" + "a" * 8300, headers={"X-Filler": "c" * 15000})
        self.assertEqual((st, body["error"]["code"]), (414, "uri_too_long"), body)
        self.assertIn("8192", body["error"]["message_en"])

    def test_header_line_without_colon(self):
        self._refused(b"GET /healthz HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n",
                      400, "malformed_request")

    def test_http_version(self):
        for version in (b"HTTP/2.0", b"HTTP/0.9", b"HTTP/1.x"):
            st = 400 if version == b"HTTP/1.x" else 505
            code = "malformed_request" if st == 400 else "http_version_not_supported"
            self._refused(b"GET /healthz " + version + b"\r\nHost: x\r\n\r\n", st, code)

    def test_chunked_body_malformed(self):
        # the handler has seen the headers already; the refusal comes mid-body
        self._refused(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                      b"zz\r\n{}\r\n0\r\n\r\n", 400, "malformed_chunked")
        self._refused(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                      b"2\r\n{}XX0\r\n\r\n", 400, "malformed_chunked")

    def test_chunk_size_past_64_bits(self):
        self._refused(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                      b"FFFFFFFFFFFFFFFFFFFFF\r\n", 413, "body_too_large")

    def test_request_line_without_target_gets_no_html(self):
        # a request line with no space at all: libmicrohttpd closes the connection without
        # any answer (nothing to put JSON in: see the README)
        answer = _send(b"GARBAGE\r\n\r\n")
        self.assertEqual(answer, b"")
        self.assertEqual(api("GET", "/healthz")[0], 200)

    def test_normal_requests_unchanged(self):
        # what passes through the interposed functions untouched: keep-alive, bodies
        answer = _send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                       b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertEqual(answer.count(b"HTTP/1.1 200 OK"), 2, answer)
        self.assertEqual(answer.count(b'{"status":"ok"}'), 2, answer)


if __name__ == "__main__":
    unittest.main()


class TestMultipartFindings(unittest.TestCase):
    """Issue 10, item 11: what fuzz_multipart found, against the running gateway."""

    def test_unquoted_part_name_is_refused_not_a_crash(self):
        # libmicrohttpd gives a part whose name is not quoted no name at all (NULL); the
        # gateway compared it with "file" and the whole process died, before any session
        # check: one anonymous request took every user's gateway down
        body = (b"--XyZ\r\nContent-Disposition: form-data; name=file; filename=a.pdf\r\n\r\n"
                b"%PDF-1.4\r\n--XyZ--\r\n")
        for path in (b"/api/v1/periods/1/agencies/1/evidence/files", b"/api/v1/portal/batches"):
            answer = _send(b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                           b"Content-Type: multipart/form-data; boundary=XyZ\r\n"
                           b"Content-Length: %d\r\n\r\n" % len(body) + body)
            st, _, payload = _parse(answer)
            self.assertEqual(st, 401, answer[:300])         # no session / no API key
            self.assertEqual(payload["error"]["code"], "unauthenticated")
            self.assertEqual(api("GET", "/healthz")[0], 200)
