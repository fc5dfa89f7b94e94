"""cs_db's prepared statements against the test system's PostgreSQL.

The checks live in the cmocka executable tests/unit/test_db.c (it drives cs_db directly and
reads pg_prepared_statements on its own connection); the unit-test pass runs it without a
database, where it skips. Here it runs against the real cluster, and every test must pass:
a statement is prepared once per connection, is prepared again after the connection was
ended by the server, and after the server discarded it (also inside a transaction); queued
statements (cs_db_queue) go with the next one, each with its result, and a queued failure
fails the statement or the COMMIT it went with.
"""
import os
import re
import subprocess
import unittest

from harness import env


class TestDbPrepared(unittest.TestCase):
    def test_cs_db_prepared_statements(self):
        exe = os.path.join(os.path.dirname(env("CHISO_BIN")), "tests", "test_db")
        if not os.path.exists(exe):
            self.skipTest("tests/test_db not built")
        out = subprocess.run([exe], env=dict(os.environ, CHISO_DB_APP=env("CHISO_DB_APP")),
                             capture_output=True, text=True, timeout=120)
        text = out.stdout + out.stderr
        self.assertEqual(out.returncode, 0, text)
        passed = re.search(r"^\[  PASSED  \] (\d+) test", text, re.M)
        self.assertIsNotNone(passed, text)
        self.assertEqual(int(passed.group(1)), 8, text)
        self.assertNotIn("SKIPPED", text)
        self.assertNotIn("FAILED", text)


if __name__ == "__main__":
    unittest.main()
