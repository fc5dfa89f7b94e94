"""The worked examples (tests/examples/*.scenario.json) played through the public HTTP API by
scripts/load-scenario must give their *.expected.json exactly (after normalising JSON
whitespace: same keys, same order, same values)."""

import glob
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import env  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
EXAMPLES = os.path.join(ROOT, "tests", "examples")
LOADER = os.path.join(ROOT, "scripts", "load-scenario")


def _canonical(text):
    """Whitespace-normalised JSON, key order kept."""
    return json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))


class TestExamples(unittest.TestCase):
    def test_every_example(self):
        scenarios = sorted(glob.glob(os.path.join(EXAMPLES, "*.scenario.json")))
        self.assertGreaterEqual(len(scenarios), 4, "the worked examples are missing")
        for scen in scenarios:
            name = os.path.basename(scen)[: -len(".scenario.json")]
            with self.subTest(example=name):
                e = dict(os.environ)
                for var in ("CHISO_URL", "CHISO_ADMIN_USER", "CHISO_ADMIN_PASSWORD"):
                    e[var] = env(var)
                p = subprocess.run([sys.executable, LOADER, scen], env=e, capture_output=True,
                                   text=True, timeout=600)
                self.assertEqual(p.returncode, 0, f"load-scenario {name} failed: {p.stderr}")
                with open(os.path.join(EXAMPLES, f"{name}.expected.json"), encoding="utf-8") as f:
                    want = _canonical(f.read())
                got = _canonical(p.stdout)
                if got != want:
                    # Show the first group or agency that differs, not two walls of JSON.
                    g, w = json.loads(got), json.loads(want)
                    for group in sorted(set(g) | set(w)):
                        self.assertEqual(g.get(group), w.get(group), f"{name}: group {group}")
                self.assertEqual(got, want, f"{name}: results differ")


if __name__ == "__main__":
    unittest.main()
