"""Backup and restore drill (chiso-admin backup / restore, README "Backups"): a backup of the
running system restored into a fresh PostgreSQL cluster and a fresh folder holds the same
rows in every table, every evidence file with its SHA-256 (and under its own hash as name),
roles that still work under row-level security; a backup that was altered, or a target that
is not fresh, is refused and nothing changes."""

import hashlib
import os
import shutil
import subprocess
import tempfile
import unittest

from harness import env, psql_super, service_built
from test_submissions import PDF, World, ok, upload

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# Every row of every table of the application's schemas, as one digest per table.
DIGEST_SQL = r"""
SELECT format('SELECT %L, count(*), coalesce(md5(string_agg(t::text, E''\n'' ORDER BY t::text)), '''') FROM %I.%I t;',
              n.nspname || '.' || c.relname, n.nspname, c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
ORDER BY 1 \gexec
"""


def psql_rows(conninfo, sql):
    r = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-F", "|", "-v", "ON_ERROR_STOP=1",
                        "-d", conninfo, "-f", "-"], input=sql.encode(), capture_output=True,
                       timeout=120)
    if r.returncode != 0:
        raise AssertionError(f"psql: {r.stderr.decode('utf-8', 'replace')}")
    return [l.split("|") for l in r.stdout.decode().splitlines() if l]


def digests(conninfo):
    return {row[0]: (row[1], row[2]) for row in psql_rows(conninfo, DIGEST_SQL)}


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def evidence_files(var):
    """{relative path: sha256} of the evidence store under var (uploads in progress left out)."""
    root = os.path.join(var, "evidence")
    out = {}
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if x != "tmp"]
        for f in files:
            p = os.path.join(d, f)
            out[os.path.relpath(p, var)] = sha256(p)
    return out


def lib_sh(script, **kw):
    """Run a bash snippet with scripts/lib.sh loaded; returns its stdout, stripped."""
    r = subprocess.run(["bash", "-c", f'. "{ROOT}/scripts/lib.sh"; {script}'],
                       capture_output=True, timeout=180, env={**os.environ, **kw})
    if r.returncode != 0:
        raise AssertionError(f"{script}: {r.stderr.decode('utf-8', 'replace')}")
    return r.stdout.decode().strip()


@unittest.skipUnless(service_built("admin") and service_built("submissions"),
                     "chiso-admin or chiso-submissions not built")
class TestBackupRestore(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Data worth restoring: a province with scores and two evidence files.
        w = cls.w = World()
        w.open("self_assessment")
        t = w.editor["token"]
        ok(w.scores([{"leaf_code": "1.1", "score": 17.5, "note": "Đạt yêu cầu"},
                     {"leaf_code": "1.2", "score": 20}], t), "scores")
        cls.uploaded = []
        for i, data in enumerate((PDF, PDF.replace(b"/Count 0", b"/Count 0 % second copy"))):
            st, body, _ = upload(w, t, data, file_name=f"minh-chung-{i}.pdf")
            if st not in (200, 201):
                raise AssertionError(f"upload: {st} {body}")
            cls.uploaded.append(hashlib.sha256(data).hexdigest())

        # A published snapshot (ranking.snapshots: a frozen document and its SHA-256), when
        # the publication feature is built: a worked scenario played and published.
        cls.published = False
        if service_built("ranking") and os.path.exists(os.path.join(ROOT, "deploy", "migrations",
                                                                    "061_publication.sql")):
            r = subprocess.run([os.path.join(ROOT, "scripts", "load-scenario"), "--publish",
                                os.path.join(ROOT, "tests", "examples", "01-basic.scenario.json")],
                               capture_output=True, timeout=300)
            if r.returncode != 0:
                raise AssertionError(f"load-scenario --publish: {r.stderr.decode()[-2000:]}")
            cls.published = True

        cls.tmp = tempfile.mkdtemp(prefix="chiso-backup-test.")
        os.chmod(cls.tmp, 0o755)      # the PostgreSQL user (as root: postgres) enters it
        cls.pg_dir = None
        cls.backup = os.path.join(cls.tmp, "backup")
        cls.var = os.path.join(cls.tmp, "var")
        cls.source = digests(env("CHISO_DB_SUPER"))
        cls.source_files = evidence_files(env("CHISO_VAR_DIR"))
        cls.out = cls.admin("backup", cls.backup)

        # A fresh cluster to restore into (fsync off: a throw-away test cluster).
        port = lib_sh("cs_free_port")
        cls.pg_dir = lib_sh(f'd=$(cs_pg_resolve "{cls.tmp}/pg"); cs_pg_init "$d" {port} fast'
                            f' && cs_pg_start "$d" >/dev/null && echo "$d"')
        cls.fresh = f"host=127.0.0.1 port={port} dbname=chiso user=chiso_super"
        cls.fresh_app = f"host=127.0.0.1 port={port} dbname=chiso user=chiso_app"

    @classmethod
    def tearDownClass(cls):
        if cls.pg_dir:
            lib_sh(f'cs_pg_stop "{cls.pg_dir}"')
            if not cls.pg_dir.startswith(cls.tmp):
                shutil.rmtree(cls.pg_dir, ignore_errors=True)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def admin(cls, *args, db=None, var=None, expect=0):
        e = dict(os.environ)
        e["CHISO_DB_SUPER"] = db or env("CHISO_DB_SUPER")
        e["CHISO_VAR_DIR"] = var or env("CHISO_VAR_DIR")
        r = subprocess.run([os.path.join(env("CHISO_BIN"), "chiso-admin"), *args], env=e,
                           capture_output=True, timeout=300)
        out = (r.stdout + r.stderr).decode("utf-8", "replace")
        if r.returncode != expect:
            raise AssertionError(f"chiso-admin {' '.join(args)}: exit {r.returncode}, "
                                 f"expected {expect}:\n{out}")
        return out

    def restore(self):
        """Restore once (the tests share the restored cluster)."""
        if not getattr(type(self), "restored", None):
            type(self).restored = self.admin("restore", self.backup, db=self.fresh, var=self.var)
        return type(self).restored

    def test_manifest_covers_the_backup(self):
        # The manifest is sha256sum's format: coreutils checks it too.
        r = subprocess.run(["sha256sum", "--quiet", "-c", "MANIFEST.sha256"], cwd=self.backup,
                           capture_output=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with open(os.path.join(self.backup, "MANIFEST.sha256")) as f:
            listed = {line.split("  ", 1)[1].rstrip("\n") for line in f}
        self.assertTrue({"database.dump", "roles.sql"} <= listed, listed)
        for rel in self.source_files:
            self.assertIn(f"files/{rel}", listed)
        for h in self.uploaded:
            self.assertIn(f"files/evidence/{h[:2]}/{h}", listed)
        self.assertFalse([p for p in listed if p.startswith(("files/pg/", "files/log/",
                                                             "files/run/"))], listed)

    def test_restore_has_every_row_and_file(self):
        out = self.restore()
        self.assertIn("restore complete", out)
        restored = digests(self.fresh)
        self.assertEqual(set(restored), set(self.source), "tables")
        for table, (count, digest) in self.source.items():
            self.assertEqual(restored[table], (count, digest), table)
        self.assertGreater(int(self.source["submissions.scores"][0]), 0)
        files = evidence_files(self.var)
        self.assertEqual(files, self.source_files)
        for rel, h in files.items():
            if len(os.path.basename(rel)) == 64:
                self.assertEqual(os.path.basename(rel), h, rel)
        print(f"\n    backup: {len(restored)} tables, "
              f"{sum(int(c) for c, _ in restored.values())} rows and {len(files)} evidence "
              f"files restored, every digest equal", flush=True)

    def test_published_snapshots_still_verify(self):
        if not self.published:
            self.skipTest("no publication feature in this build")
        self.restore()
        sql = ("SELECT count(*), count(*) FILTER (WHERE sha256 = encode(sha256(document), 'hex')),"
               " coalesce(string_agg(sha256, ',' ORDER BY id), '') FROM ranking.snapshots;")
        src = psql_rows(env("CHISO_DB_SUPER"), sql)[0]
        got = psql_rows(self.fresh, sql)[0]
        self.assertGreater(int(got[0]), 0, "no snapshot restored")
        self.assertEqual(got[0], got[1], "a restored snapshot's document no longer matches its SHA-256")
        self.assertEqual(got, src)
        print(f"\n    backup: {got[0]} published snapshots restored, each SHA-256 verified",
              flush=True)

    def test_restored_roles_work_under_rls(self):
        self.restore()
        p = self.w.p["id"]
        rows = psql_rows(self.fresh_app,
                         f"SELECT set_config('chiso.province_id', '{int(p)}', false);"
                         "SELECT leaf_code, score FROM submissions.scores"
                         " WHERE score IS NOT NULL ORDER BY leaf_code;")
        self.assertIn(["1.1", "1750"], rows)
        self.assertIn(["1.2", "2000"], rows)
        none = psql_rows(self.fresh_app, "SELECT count(*) FROM submissions.scores;")
        self.assertEqual(none, [["0"]], "no tenant set: row-level security shows nothing")

    def test_altered_backup_or_used_target_is_refused(self):
        self.restore()
        # Into a database that already holds chiso: refused, exit 2.
        out = self.admin("restore", self.backup, db=self.fresh,
                         var=os.path.join(self.tmp, "var2"), expect=2)
        self.assertIn("already holds", out)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "var2", "evidence")))
        # A copy with one evidence byte changed: refused before anything is touched.
        bad = os.path.join(self.tmp, "altered")
        shutil.copytree(self.backup, bad)
        h = self.uploaded[0]
        victim = os.path.join(bad, "files", "evidence", h[:2], h)
        with open(victim, "r+b") as f:
            f.seek(10)
            c = f.read(1)
            f.seek(10)
            f.write(bytes([c[0] ^ 1]))
        var3 = os.path.join(self.tmp, "var3")
        out = self.admin("restore", bad, db=self.fresh, var=var3, expect=2)
        self.assertIn("does not match the manifest", out)
        self.assertFalse(os.path.exists(var3))

    def test_backup_refuses_a_used_folder(self):
        out = self.admin("backup", self.backup, expect=2)
        self.assertIn("not empty", out)


if __name__ == "__main__":
    unittest.main()
