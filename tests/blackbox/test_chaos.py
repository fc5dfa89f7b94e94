"""The short form of `make chaos` (scripts/chaos --short): its own system, 8 clients saving
with idempotency keys and retrying, while a catalog copy and a submissions copy are
SIGKILLed, PostgreSQL restarts (fast, then immediate shutdown), the broker and the gateway
are SIGKILLed, each started again. Nothing acknowledged may be lost or doubled, no client may
give up, and every leaf holds the last value acknowledged for it."""

import json
import os
import subprocess
import sys
import unittest

from harness import service_built

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


@unittest.skipUnless(all(service_built(s) for s in ("broker", "gateway", "catalog",
                                                     "submissions", "admin")),
                     "broker, gateway, catalog, submissions or admin not built")
class TestChaosShort(unittest.TestCase):
    def test_nothing_acknowledged_is_lost(self):
        r = subprocess.run([os.path.join(ROOT, "scripts", "chaos"), "--short"],
                           capture_output=True, timeout=600)
        out = r.stdout.decode("utf-8", "replace")
        err = r.stderr.decode("utf-8", "replace")
        lines = [l for l in out.splitlines() if l.startswith("{")]
        self.assertTrue(lines, f"no result line; exit {r.returncode}\n{out}\n{err[-3000:]}")
        res = json.loads(lines[-1])
        print("\n    " + "\n    ".join(l for l in out.splitlines() if l.startswith(("|", "  "))),
              file=sys.stderr, flush=True)
        self.assertEqual(res["disruptions"], 6, res)
        self.assertGreater(res["acknowledged"], 0, res)
        self.assertEqual(res["acknowledged"], res["saves"], res)
        for k in ("lost", "doubled", "gave_up", "wrong_final_value"):
            self.assertEqual(res[k], 0, f"{k}: {res}")
        self.assertEqual(res["sanitizer_reports"], [], res)
        self.assertEqual(r.returncode, 0, f"{out}\n{err[-3000:]}")


if __name__ == "__main__":
    unittest.main()
