"""scripts/migrate and the database's security model (docs/DESIGN.md §4).

Runs against the cluster scripts/test made: the system's database `chiso` (already migrated)
and scratch databases created and dropped here."""

import os
import re
import shutil
import subprocess
import tempfile
import unittest

from harness import env, psql_app, psql_super, unique

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MIGRATE = os.path.join(ROOT, "scripts", "migrate")
MIGRATIONS = os.path.join(ROOT, "deploy", "migrations")


def migrate(dbname=None, migrations=None):
    """Run scripts/migrate; returns (exit code, output). dbname: another database of the
    same cluster (keyword=value conninfo: the last dbname wins)."""
    e = dict(os.environ)
    if dbname:
        e["CHISO_DB_SUPER"] = f"{env('CHISO_DB_SUPER')} dbname={dbname}"
    if migrations:
        e["CHISO_MIGRATIONS"] = migrations
    r = subprocess.run([MIGRATE], env=e, capture_output=True, timeout=300)
    return r.returncode, (r.stdout + r.stderr).decode("utf-8", "replace")


def applied_count(out):
    m = re.search(r"migrate: (\d+) applied", out)
    return int(m.group(1)) if m else None


def migration_files():
    return sorted(f for f in os.listdir(MIGRATIONS) if re.match(r"^\d{3}_.*\.sql$", f))


class TestMigrate(unittest.TestCase):
    def setUp(self):
        self.scratch = []

    def tearDown(self):
        for db in self.scratch:
            psql_super('DROP DATABASE IF EXISTS :"db" WITH (FORCE)', {"db": db})

    def scratch_db(self):
        db = unique("chiso_mig_")
        self.scratch.append(db)
        return db

    def test_system_database_is_up_to_date(self):
        before = psql_super("SELECT version, sha256, applied_at FROM public.schema_migrations "
                            "ORDER BY version")
        rc, out = migrate()
        self.assertEqual(rc, 0, out)
        self.assertEqual(applied_count(out), 0, out)
        after = psql_super("SELECT version, sha256, applied_at FROM public.schema_migrations "
                           "ORDER BY version")
        self.assertEqual(before, after)
        self.assertEqual([r[0] for r in after], [f[:3] for f in migration_files()])

    def test_fresh_database_twice(self):
        db = self.scratch_db()
        n = len(migration_files())
        rc, out = migrate(db)
        self.assertEqual(rc, 0, out)
        self.assertEqual(applied_count(out), n, out)
        self.assertIn(f"created database {db}", out)
        conn = f"{env('CHISO_DB_SUPER')} dbname={db}"
        q = "SELECT string_agg(version || ':' || sha256 || ':' || applied_at, ',' ORDER BY version) " \
            "FROM public.schema_migrations"
        first = subprocess.run(["psql", "-X", "-A", "-t", "-d", conn, "-c", q],
                               capture_output=True, timeout=60).stdout
        self.assertEqual(first.decode().count(","), n - 1)
        rc, out = migrate(db)
        self.assertEqual(rc, 0, out)
        self.assertEqual(applied_count(out), 0, out)
        again = subprocess.run(["psql", "-X", "-A", "-t", "-d", conn, "-c", q],
                               capture_output=True, timeout=60).stdout
        self.assertEqual(first, again)

    def test_changed_file_is_refused_and_failed_file_rolls_back(self):
        db = self.scratch_db()
        with tempfile.TemporaryDirectory() as d:
            for f in migration_files():
                shutil.copy(os.path.join(MIGRATIONS, f), d)
            rc, out = migrate(db, d)
            self.assertEqual(rc, 0, out)
            # A migration that fails half-way leaves nothing behind, not even its first half.
            with open(os.path.join(d, "998_bad.sql"), "w") as f:
                f.write("CREATE TABLE public.half_done (x int);\nSELECT 1/0;\n")
            rc, out = migrate(db, d)
            self.assertNotEqual(rc, 0, out)
            conn = f"{env('CHISO_DB_SUPER')} dbname={db}"
            rows = subprocess.run(
                ["psql", "-X", "-A", "-t", "-d", conn, "-c",
                 "SELECT to_regclass('public.half_done') IS NULL, "
                 "(SELECT count(*) FROM public.schema_migrations WHERE version = '998')"],
                capture_output=True, timeout=60).stdout.decode().strip()
            self.assertEqual(rows, "t|0")
            os.unlink(os.path.join(d, "998_bad.sql"))
            # Editing an applied file is refused before anything runs.
            first = migration_files()[0]
            with open(os.path.join(d, first), "a") as f:
                f.write("\n-- edited after it was applied\n")
            with open(os.path.join(d, "999_new.sql"), "w") as f:
                f.write("CREATE TABLE public.should_not_exist (x int);\n")
            rc, out = migrate(db, d)
            self.assertNotEqual(rc, 0, out)
            self.assertIn("changed after it was applied", out)
            rows = subprocess.run(
                ["psql", "-X", "-A", "-t", "-d", conn, "-c",
                 "SELECT to_regclass('public.should_not_exist') IS NULL"],
                capture_output=True, timeout=60).stdout.decode().strip()
            self.assertEqual(rows, "t")


class TestAppRole(unittest.TestCase):
    """chiso_app, the services' role, must be subject to row-level security."""

    def test_role_attributes(self):
        rows = psql_super("SELECT rolsuper, rolbypassrls, rolcreatedb, rolcreaterole, rolcanlogin "
                          "FROM pg_roles WHERE rolname = 'chiso_app'")
        self.assertEqual(rows, [["f", "f", "f", "f", "t"]])

    def test_role_owns_nothing(self):
        rows = psql_super("""
            SELECT 'class ' || c.oid::regclass::text FROM pg_class c
             WHERE c.relowner = 'chiso_app'::regrole
            UNION ALL
            SELECT 'schema ' || n.nspname FROM pg_namespace n WHERE n.nspowner = 'chiso_app'::regrole
            UNION ALL
            SELECT 'function ' || p.oid::regprocedure::text FROM pg_proc p
             WHERE p.proowner = 'chiso_app'::regrole
            UNION ALL
            SELECT 'database ' || d.datname FROM pg_database d WHERE d.datdba = 'chiso_app'::regrole""")
        self.assertEqual(rows, [], "chiso_app owns objects, so RLS would not apply to them")

    def tenant_tables(self):
        """Every ordinary or partitioned table outside the system schemas that has a
        province_id column."""
        return psql_super("""
            SELECT n.nspname, c.relname, c.relrowsecurity, c.relforcerowsecurity
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p')
               AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname NOT LIKE 'pg_toast%'
               AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid
                              AND a.attname = 'province_id' AND NOT a.attisdropped)
             ORDER BY 1, 2""")

    def test_every_tenant_table_has_forced_rls(self):
        tables = self.tenant_tables()
        self.assertTrue(tables, "no table has a province_id column?")
        bad = [f"{s}.{t}" for s, t, rls, force in tables if rls != "t" or force != "t"]
        self.assertEqual(bad, [], "tables with province_id but without ENABLE + FORCE RLS")
        rls = {(s, t) for s, t in psql_super("""
            SELECT n.nspname, c.relname FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relrowsecurity AND c.relforcerowsecurity""")}
        for s, t, _, _ in tables:
            self.assertIn((s, t), rls)

    def test_no_tenant_reads_nothing(self):
        # Some rows to hide: a province with an agency group and an agency, made as superuser.
        code = unique("RLS").upper()
        pid = psql_super("INSERT INTO catalog.provinces (code, name) VALUES (:'c', :'c') "
                         "RETURNING id", {"c": code})[0][0]
        try:
            psql_super("INSERT INTO catalog.agency_groups (province_id, code, name) "
                       "VALUES (:'p', 'G1', 'Nhóm'); "
                       "INSERT INTO catalog.agencies (province_id, code, name, group_code) "
                       "VALUES (:'p', 'A1', 'Sở thử', 'G1')", {"p": pid})
            tables = psql_super("""
                SELECT * FROM (
                  SELECT n.nspname, c.relname, c.relrowsecurity,
                         EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid
                                   AND a.attname = 'province_id' AND NOT a.attisdropped) AS has_pid
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE c.relkind IN ('r', 'p')
                     AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                     AND has_table_privilege('chiso_app', c.oid, 'SELECT')) t
                 WHERE relrowsecurity OR has_pid
                 ORDER BY 1, 2""")
            self.assertIn(["catalog", "agencies", "t", "t"], tables)
            seen = {}
            for s, t, _, has_pid in tables:
                ident = '"%s"."%s"' % (s.replace('"', '""'), t.replace('"', '""'))
                # province_id 0 is the documented "no tenant" key (core.idempotency of
                # sysadmin calls), not a province: such rows are visible without a tenant.
                where = " WHERE province_id IS DISTINCT FROM 0" if has_pid == "t" else ""
                n = int(psql_app(f"SELECT count(*) FROM {ident}{where}")[0][0])
                seen[f"{s}.{t}"] = n
            self.assertEqual({k: v for k, v in seen.items() if v}, {},
                             "chiso_app with no tenant set reads rows")
            # The same role with the tenant set does see them: the policy is not "deny all".
            rows = psql_app("SELECT set_config('chiso.province_id', :'p', false); "
                            "SELECT count(*) FROM catalog.agencies", {"p": pid})
            self.assertEqual(rows[-1], ["1"])
        finally:
            psql_super("DELETE FROM catalog.agencies WHERE province_id = :'p'; "
                       "DELETE FROM catalog.agency_groups WHERE province_id = :'p'; "
                       "DELETE FROM catalog.provinces WHERE id = :'p'", {"p": pid})


if __name__ == "__main__":
    unittest.main()
