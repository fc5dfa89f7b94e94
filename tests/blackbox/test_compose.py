"""docker-compose.yml is valid and wires every part (no Docker engine runs here: only
`docker-compose config` is checked, see README)."""

import os
import shutil
import subprocess
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
COMPOSE = shutil.which("docker-compose")
EXPECTED = {"postgres", "migrate", "broker", "gateway", "catalog", "submissions", "appraisal",
            "surveys", "leadership", "ranking", "portal"}


@unittest.skipUnless(COMPOSE, "docker-compose is not installed (scripts/install-deps adds it)")
class TestCompose(unittest.TestCase):
    def run_compose(self, *args):
        return subprocess.run([COMPOSE, "-f", os.path.join(ROOT, "docker-compose.yml"), *args],
                              cwd=ROOT, capture_output=True, timeout=120)

    def test_config_is_valid(self):
        r = self.run_compose("config", "-q")
        self.assertEqual(r.returncode, 0, r.stderr.decode("utf-8", "replace"))

    def test_every_part_is_a_service(self):
        r = self.run_compose("config", "--services")
        self.assertEqual(r.returncode, 0, r.stderr.decode("utf-8", "replace"))
        services = set(r.stdout.decode().split())
        self.assertEqual(EXPECTED - services, set())

    def test_services_use_the_app_role(self):
        r = self.run_compose("config")
        self.assertEqual(r.returncode, 0, r.stderr.decode("utf-8", "replace"))
        text = r.stdout.decode("utf-8")
        self.assertIn("user=chiso_app", text)
        self.assertIn("CHISO_BROKER", text)


if __name__ == "__main__":
    unittest.main()
