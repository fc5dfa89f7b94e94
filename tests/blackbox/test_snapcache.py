"""Published versions served from the gateway's memory (issue 11, P4; snapcache.h).

Once the ranking service has answered a published version (immutable: SPEC §12), the gateway
answers it again by itself: the same bytes, ETag and 304 — even with no ranking worker
left. What is not immutable (the latest version, any URL with a query) still goes to the
service every time."""

import hashlib
import http.client
import os
import signal
import subprocess
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import env, service_built, service_pids, signal_service  # noqa: E402
from test_examples import EXAMPLES, LOADER  # noqa: E402
from test_resilience import restore, wait_workers  # noqa: E402


def raw_get(path, headers=None):
    """GET path (with its query) as bytes: (status, body, lower-case headers)."""
    u = urllib.parse.urlsplit(env("CHISO_URL"))
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.read(), {k.lower(): v for k, v in r.headers.items()}
    finally:
        conn.close()


def publish(name):
    """Play an example with `load-scenario --publish`; the public URL it printed (path)."""
    e = dict(os.environ)
    for var in ("CHISO_URL", "CHISO_ADMIN_USER", "CHISO_ADMIN_PASSWORD"):
        e[var] = env(var)
    p = subprocess.run([sys.executable, LOADER, "--publish",
                        os.path.join(EXAMPLES, f"{name}.scenario.json")],
                       env=e, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise AssertionError(p.stderr)
    return p.stderr.strip().splitlines()[-1][len(env("CHISO_URL").rstrip("/")):]


@unittest.skipUnless(service_built("ranking"), "chiso-ranking not built")
class TestSnapshotFromMemory(unittest.TestCase):
    def test_version_answered_without_the_service(self):
        latest = publish("01-basic").split("/versions/")[0]
        version = latest + "/versions/1"

        st, first, h = raw_get(version)
        self.assertEqual(st, 200, first)
        tag = h["etag"]
        self.assertEqual(tag, '"%s"' % hashlib.sha256(first).hexdigest())
        self.assertIn("immutable", h.get("cache-control", ""))

        self.addCleanup(restore, "ranking")
        self.assertTrue(signal_service("ranking", signal.SIGTERM), "no ranking process")
        self.assertEqual(service_pids("ranking"), {})
        wait_workers(self, "ranking", 0)

        # the version: from memory, byte for byte, with its headers and 304
        st, again, h2 = raw_get(version)
        self.assertEqual((st, again), (200, first))
        self.assertEqual(h2["etag"], tag)
        self.assertEqual(h2.get("cache-control"), h.get("cache-control"))
        self.assertEqual(h2.get("content-type"), h.get("content-type"))
        self.assertIn("default-src 'self'", h2.get("content-security-policy", ""))
        st, empty, _ = raw_get(version, {"If-None-Match": tag})
        self.assertEqual((st, empty), (304, b""))

        # not immutable, or not the whole key: the service is asked, and it is gone
        st, body, _ = raw_get(latest)
        self.assertEqual(st, 503, body)
        # (a query is no field of this route: refused by the gateway before any call, which
        # shows the cached answer was not taken for it)
        st, body, _ = raw_get(version + "?lang=en")
        self.assertEqual(st, 400, body)
        self.assertIn(b'"unknown_field"', body)

        restore("ranking")
        wait_workers(self, "ranking", 1, at_least=True)
        st, body, _ = raw_get(latest)
        self.assertEqual((st, body), (200, first))


if __name__ == "__main__":
    unittest.main()
