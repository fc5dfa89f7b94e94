"""deploy/systemd: the units pass `systemd-analyze verify` (syntax, known keys, executables
that exist) and carry the restart policy and hardening the README promises. No systemd runs
the units here (the development machines have no systemd as PID 1): the units are verified
with ExecStart pointing at this build's executables instead of /usr/local/bin."""

import os
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
UNITS = os.path.join(ROOT, "deploy", "systemd")
ANALYZE = shutil.which("systemd-analyze")
PARTS = ("broker", "gateway", "catalog", "submissions", "appraisal", "surveys", "leadership",
         "ranking", "portal")


def unit_keys(path):
    """{(section, key): [values]} of a unit file (comments and blank lines skipped)."""
    keys, section = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.startswith("["):
                section = line.strip("[]")
                continue
            k, _, v = line.partition("=")
            keys.setdefault((section, k.strip()), []).append(v.strip())
    return keys


@unittest.skipUnless(ANALYZE, "systemd-analyze is not installed (package systemd)")
class TestSystemdUnits(unittest.TestCase):
    def test_verify(self):
        bindir = os.environ.get("CHISO_BIN", os.path.join(ROOT, "build", "default", "bin"))
        built = [p for p in PARTS if os.access(os.path.join(bindir, f"chiso-{p}"), os.X_OK)]
        self.assertIn("broker", built, f"no chiso-broker in {bindir}")
        with tempfile.TemporaryDirectory() as d:
            units = [n for n in os.listdir(UNITS) if n.endswith((".service", ".timer", ".target"))]
            for name in units:
                with open(os.path.join(UNITS, name), encoding="utf-8") as f:
                    text = f.read()
                with open(os.path.join(d, name), "w", encoding="utf-8") as f:
                    f.write(text.replace("/usr/local/bin/", bindir.rstrip("/") + "/"))
            names = [f"chiso@{p}.service" for p in built]
            for n in names:
                os.symlink("chiso@.service", os.path.join(d, n))
            names += [n for n in units if "@" not in n]
            r = subprocess.run([ANALYZE, "verify", *[f"./{n}" for n in names]], cwd=d,
                               capture_output=True, timeout=120)
        out = (r.stdout + r.stderr).decode("utf-8", "replace")
        self.assertEqual(r.returncode, 0, out)
        # Warnings (an unknown key, a bad value) do not change the exit status: none at all.
        self.assertEqual(out.strip(), "", out)

    def test_restart_and_hardening(self):
        k = unit_keys(os.path.join(UNITS, "chiso@.service"))
        want = {"Restart": "always", "User": "chiso", "NoNewPrivileges": "yes",
                "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
                "PrivateDevices": "yes", "CapabilityBoundingSet": "",
                "ReadWritePaths": "/var/lib/chiso", "ExecStart": "/usr/local/bin/chiso-%i"}
        for key, value in want.items():
            self.assertEqual(k.get(("Service", key)), [value], key)
        self.assertEqual(k.get(("Install", "WantedBy")), ["chiso.target"])
        b = unit_keys(os.path.join(UNITS, "chiso-backup.service"))
        self.assertIn("chiso-admin backup", b[("Service", "ExecStart")][0])
        self.assertEqual(b.get(("Service", "User")), ["chiso"])
        t = unit_keys(os.path.join(UNITS, "chiso-backup.timer"))
        self.assertTrue(t.get(("Timer", "OnCalendar")))


if __name__ == "__main__":
    unittest.main()
