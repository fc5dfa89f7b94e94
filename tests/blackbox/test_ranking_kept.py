"""The per-leaf values and per-content sums kept for the writes (migrations 089-090, issue
11 P2): a write notes the leaf as pending; ranking.current_sums (the kept sums plus the
pending leaves' changes, what the ranking service reads) must always equal ranking.full_sums
computed from scratch, and after ranking.fold_pending (what Compute calls) the kept tables
themselves must equal ranking.leaf_inputs and ranking.full_sums with nothing pending; the
results read from them must equal what rank.c computes leaf by leaf for the scorecards.

- A played example (05-portal-heads: automatic and required leaves, which are not summed)
  then writes of every kind, each checked before and after a fold: self scores (update,
  delete, insert), both appraisal rounds, N/A decisions (true, false, deleted), an upheld
  and a rejected appeal, leaders' scores (added, changed, removed), survey points, several
  leaves in one statement, a bulk statement (the rebuild path), the index (a leaf's maximum,
  a leaf leaving the summed ones, an agency's group), through the API and straight in SQL
  (the triggers are the tables').
- Two folds at once with a write in between (the leaf's lock: without it the second fold
  adds a change the first one is adding too).
- The backfill: a database holding data before 089 gets the kept tables filled by it."""

import os
import subprocess
import sys
import tempfile
import shutil
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import api, env, psql_super, unique  # noqa: E402
from test_examples import _play, _scenario  # noqa: E402
from test_ranking_cache import FIELDS, _agencies  # noqa: E402

KEPT_SUMS = """
SELECT agency_id, content, sum(s), sum(nm) FROM ranking.content_sums WHERE period_id = :p
 GROUP BY agency_id, content HAVING sum(s) <> 0 OR sum(nm) <> 0 ORDER BY 1, 2"""
FULL_SUMS = """
SELECT agency_id, content, s, nm FROM ranking.full_sums(:p) WHERE s <> 0 OR nm <> 0
 ORDER BY 1, 2"""
KEPT_LEAVES = """
SELECT province_id, agency_id, leaf_code, self, r1, r2, aq, survey, lsum, ln, na
  FROM ranking.leaf_values WHERE period_id = :p ORDER BY agency_id, leaf_code"""
CURRENT_SUMS = """
SELECT agency_id, content, s, nm FROM ranking.current_sums(:p) WHERE s <> 0 OR nm <> 0
 ORDER BY 1, 2"""
PENDING = "SELECT count(*) FROM ranking.leaf_pending WHERE period_id = :p"
FOLD = "SELECT ranking.fold_pending(:p)"
FULL_LEAVES = """
SELECT province_id, agency_id, leaf_code, self, r1, r2, aq, survey, lsum, ln, na
  FROM ranking.leaf_inputs(:p) ORDER BY agency_id, leaf_code"""


class TestKeptSums(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ld, _ = _play(_scenario("05-portal-heads"))
        cls.pid = cls.ld.period
        cls.prov = cls.ld.province
        ids = cls.ld.agency_ids
        cls.codes = sorted(ids)
        cls.a, cls.b = ids[cls.codes[0]], ids[cls.codes[1]]
        cls.leader = psql_super("SELECT id FROM catalog.users WHERE province_id = :p"
                                " AND 'leader' = ANY (roles) ORDER BY id LIMIT 1",
                                {"p": cls.prov})[0][0]

    def sql(self, text, **params):
        return psql_super(text, {"per": self.pid, "prov": self.prov, "a": self.a, "b": self.b,
                                 **{k: v for k, v in params.items()}})

    def check(self, what):
        p = {"p": self.pid}
        full = psql_super(FULL_SUMS, p)
        self.assertTrue(full, "nothing summed")
        self.assertEqual(psql_super(CURRENT_SUMS, p), full, f"current sums after {what}")
        # the results read from them equal rank.c's leaf by leaf (the scorecards)
        st, res, _ = api("GET", f"/api/v1/periods/{self.pid}/results", token=self.ld.admin)
        self.assertEqual(st, 200, res)
        for aid, a in _agencies(res).items():
            st, sc, _ = api("GET", f"/api/v1/periods/{self.pid}/agencies/{aid}/scorecard",
                            token=self.ld.admin)
            self.assertEqual(st, 200, sc)
            for f in FIELDS:
                self.assertEqual(a.get(f), sc["result"].get(f), f"{what}: {a['code']} {f}")
        # folded: the kept tables themselves, nothing pending, the same sums
        psql_super(FOLD, p)
        self.assertEqual(psql_super(PENDING, p), [["0"]], f"pending after {what}")
        self.assertEqual(psql_super(KEPT_LEAVES, p), psql_super(FULL_LEAVES, p),
                         f"leaf values after {what}")
        self.assertEqual(psql_super(KEPT_SUMS, p), full, f"content sums after {what}")
        self.assertEqual(psql_super(CURRENT_SUMS, p), full, f"current sums folded, {what}")

    def test_writes_of_every_kind(self):
        self.check("the example")
        # self scores: changed, removed, entered again; several leaves in one statement
        self.sql("UPDATE submissions.scores SET score = 1000 WHERE period_id = :per"
                 " AND agency_id = :a AND leaf_code = '1.2'")
        self.sql("DELETE FROM submissions.scores WHERE period_id = :per AND agency_id = :b"
                 " AND leaf_code = '1.3'")
        self.check("self scores changed and removed")
        self.sql("INSERT INTO submissions.scores (province_id, period_id, agency_id, leaf_code,"
                 " score) VALUES (:prov, :per, :b, '1.3', 500)")
        self.sql("UPDATE submissions.scores SET score = CASE WHEN score >= 100 THEN score - 100"
                 " ELSE score END WHERE period_id = :per")
        self.check("self scores entered and all changed at once")
        # the council's rounds: round 1 added, round 2 over it, round 1 removed
        self.sql("INSERT INTO appraisal.scores (province_id, period_id, agency_id, leaf_code,"
                 " round, score) VALUES (:prov, :per, :a, '2.3', 1, 300)"
                 " ON CONFLICT (period_id, agency_id, leaf_code, round) DO UPDATE"
                 " SET score = 300")
        self.check("round 1")
        self.sql("INSERT INTO appraisal.scores (province_id, period_id, agency_id, leaf_code,"
                 " round, score) VALUES (:prov, :per, :a, '2.3', 2, 450)"
                 " ON CONFLICT (period_id, agency_id, leaf_code, round) DO UPDATE"
                 " SET score = 450")
        self.sql("DELETE FROM appraisal.scores WHERE period_id = :per AND agency_id = :a"
                 " AND leaf_code = '2.3' AND round = 1")
        self.check("round 2, round 1 removed")
        # N/A: through the API (the admin's decision), then undone, then removed in SQL
        st, body, _ = api("PUT", f"/api/v1/periods/{self.pid}/agencies/{self.a}/na-decisions",
                          {"leaf_code": "1.2", "not_applicable": True, "reason": "thử"},
                          token=self.ld.admin)
        self.assertEqual(st, 200, body)
        self.check("an N/A decision")
        self.sql("UPDATE appraisal.na_decisions SET not_applicable = false WHERE period_id = :per"
                 " AND agency_id = :a AND leaf_code = '1.2'")
        self.check("the N/A decision undone")
        self.sql("UPDATE appraisal.na_decisions SET not_applicable = true WHERE period_id = :per"
                 " AND agency_id = :a AND leaf_code = '1.2'")
        self.sql("DELETE FROM appraisal.na_decisions WHERE period_id = :per AND agency_id = :a")
        self.check("the N/A decision removed")
        # appeals: an upheld answer, a later upheld one on the same leaf, a rejected one
        appeal = self.sql("INSERT INTO appraisal.appeals (province_id, period_id, agency_id,"
                          " version, lodged_by) VALUES (:prov, :per, :b, 1, :u) RETURNING id",
                          u=self.leader)[0][0]
        self.sql("INSERT INTO appraisal.appeal_items (province_id, appeal_id, period_id,"
                 " agency_id, leaf_code, reason, decision, new_value, answered_by, answered_at)"
                 " VALUES (:prov, :ap, :per, :b, '1.2', 'lý do', 'upheld', 1200, :u, now()),"
                 "        (:prov, :ap, :per, :b, '2.3', 'lý do', NULL, NULL, NULL, NULL)",
                 ap=appeal, u=self.leader)
        self.check("an upheld appeal")
        self.sql("UPDATE appraisal.appeal_items SET decision = 'rejected', answer = 'không',"
                 " answered_by = :u, answered_at = now() WHERE appeal_id = :ap"
                 " AND leaf_code = '2.3'", ap=appeal, u=self.leader)
        self.sql("UPDATE appraisal.appeal_items SET new_value = 700 WHERE appeal_id = :ap"
                 " AND leaf_code = '1.2'", ap=appeal)
        self.check("a rejected appeal, an upheld value changed")
        # leaders: another leader's score, a changed one, one removed (content 4's mean)
        leaf4 = self.sql("SELECT leaf_code FROM leadership.scores WHERE period_id = :per"
                         " ORDER BY leaf_code LIMIT 1")
        if leaf4:
            other = self.sql("SELECT id FROM catalog.users WHERE province_id = :prov"
                             " AND id <> :u ORDER BY id LIMIT 1", u=self.leader)[0][0]
            self.sql("INSERT INTO leadership.scores (province_id, period_id, agency_id, leaf_code,"
                     " leader_id, score) VALUES (:prov, :per, :a, :'l', :o, 333)"
                     " ON CONFLICT (period_id, agency_id, leaf_code, leader_id)"
                     " DO UPDATE SET score = 333", l=leaf4[0][0], o=other)
            self.check("another leader's score")
            self.sql("UPDATE leadership.scores SET score = score + 1 WHERE period_id = :per")
            self.sql("DELETE FROM leadership.scores WHERE period_id = :per AND agency_id = :a"
                     " AND leader_id = :o", o=other)
            self.check("leaders' scores changed and one removed")
        # survey points
        self.sql("UPDATE surveys.leaf_points SET points = points / 2 WHERE period_id = :per")
        self.sql("DELETE FROM surveys.leaf_points WHERE period_id = :per AND agency_id = :b")
        self.check("survey points")
        # a bulk statement (over 2,000 leaves: the period rebuilt instead), and its undoing
        self.sql("INSERT INTO submissions.scores (province_id, period_id, agency_id, leaf_code,"
                 " score) SELECT :prov, :per, :a, 'x.' || i, 100 FROM generate_series(1, 2100) i")
        self.sql("UPDATE submissions.scores SET score = score + 25 WHERE period_id = :per"
                 " AND agency_id = :b AND leaf_code = '1.3'")
        self.check("a bulk insert")
        self.sql("DELETE FROM submissions.scores WHERE period_id = :per AND leaf_code LIKE 'x.%'")
        self.check("a bulk delete")
        # the index: a leaf's maximum, a required leaf that becomes summed (and back)
        nodes = "(SELECT index_set_id FROM catalog.period_index_sets WHERE period_id = :per)"
        self.sql("UPDATE catalog.index_nodes SET max_points = max_points + 100"
                 f" WHERE index_set_id IN {nodes} AND code = '1.2'")
        self.sql("INSERT INTO appraisal.na_decisions (province_id, period_id, agency_id,"
                 " leaf_code, not_applicable) VALUES (:prov, :per, :b, '1.2', true)")
        self.check("a leaf's maximum changed, under N/A")
        self.sql("UPDATE catalog.index_nodes SET required_min = NULL"
                 f" WHERE index_set_id IN {nodes} AND code = '1.1'")
        self.check("a required leaf summed")
        self.sql("UPDATE catalog.index_nodes SET required_min = 1500"
                 f" WHERE index_set_id IN {nodes} AND code = '1.1'")
        self.check("the leaf required again")

    def test_agency_moves_group(self):
        """An agency moved to another group is summed over that group's index set (here a
        copy of its own with every maximum doubled), and back."""
        g = unique("G")
        self.sql("INSERT INTO catalog.agency_groups (province_id, code, name)"
                 " VALUES (:prov, :'g', 'Nhóm thử')", g=g)
        src = self.sql("SELECT ps.index_set_id FROM catalog.period_index_sets ps"
                       " JOIN catalog.agencies a ON a.group_code = ps.group_code"
                       " WHERE ps.period_id = :per AND a.id = :a")[0][0]
        new = self.sql("INSERT INTO catalog.index_sets (province_id, code, name, group_code, year,"
                       " frozen) VALUES (:prov, :'g', 'Bộ thử', :'g', 2025, true) RETURNING id",
                       g=g)[0][0]
        self.sql("INSERT INTO catalog.index_nodes (province_id, index_set_id, code, parent_code,"
                 " content, is_leaf, title, max_points, step, sort, auto, required_min)"
                 " SELECT province_id, :n, code, parent_code, content, is_leaf, title,"
                 " max_points * 2, step, sort, auto, required_min FROM catalog.index_nodes"
                 " WHERE index_set_id = :s", n=new, s=src)
        self.sql("INSERT INTO catalog.period_index_sets (province_id, period_id, group_code,"
                 " index_set_id) VALUES (:prov, :per, :'g', :n)", g=g, n=new)
        old = self.sql("SELECT group_code FROM catalog.agencies WHERE id = :a")[0][0]
        self.sql("INSERT INTO appraisal.na_decisions (province_id, period_id, agency_id,"
                 " leaf_code, not_applicable) VALUES (:prov, :per, :a, '1.3', true)"
                 " ON CONFLICT (period_id, agency_id, leaf_code) DO UPDATE"
                 " SET not_applicable = true")
        p = {"p": self.pid}
        psql_super(FOLD, p)
        before = psql_super(KEPT_SUMS, p)
        self.sql("UPDATE catalog.agencies SET group_code = :'g' WHERE id = :a", g=g)
        moved = psql_super(KEPT_SUMS, p)
        self.assertEqual(moved, psql_super(FULL_SUMS, p))
        self.assertNotEqual(moved, before, "the N/A maximum doubles with the other set")
        self.sql("UPDATE catalog.agencies SET group_code = :'g' WHERE id = :a", g=old)
        self.assertEqual(psql_super(KEPT_SUMS, p), before)
        self.sql("DELETE FROM appraisal.na_decisions WHERE period_id = :per AND agency_id = :a"
                 " AND leaf_code = '1.3'")
        self.sql("DELETE FROM catalog.period_index_sets WHERE period_id = :per"
                 " AND group_code = :'g'", g=g)
        self.assertEqual(psql_super(CURRENT_SUMS, p), psql_super(FULL_SUMS, p))
        psql_super(FOLD, p)
        self.assertEqual(psql_super(KEPT_SUMS, p), psql_super(FULL_SUMS, p))

    def test_two_folds_at_once(self):
        """A fold holds its leaves until it commits; a write of one of them meanwhile, then
        a second fold: it waits, then folds the write once, from what the first left."""
        key = "period_id = :per AND agency_id = :a AND leaf_code = '1.3'"
        p = {"p": self.pid}
        self.sql(f"UPDATE submissions.scores SET score = 200 WHERE {key}")
        first = threading.Thread(target=self.sql, args=(
            f"BEGIN; {FOLD.replace(':p', ':per')}; SELECT pg_sleep(1.5); COMMIT;",))
        first.start()
        time.sleep(0.5)
        self.sql(f"UPDATE submissions.scores SET score = 900 WHERE {key}")
        psql_super(FOLD, p)
        first.join()
        self.assertEqual(psql_super(PENDING, p), [["0"]])
        self.assertEqual(psql_super(KEPT_LEAVES, p), psql_super(FULL_LEAVES, p))
        self.assertEqual(psql_super(KEPT_SUMS, p), psql_super(FULL_SUMS, p))


MIGRATIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "deploy",
                          "migrations")

SEED = """
INSERT INTO catalog.provinces (code, name) VALUES ('BF', 'Tỉnh thử bù');
INSERT INTO catalog.agency_groups (province_id, code, name)
  SELECT id, '01', 'Sở' FROM catalog.provinces WHERE code = 'BF';
INSERT INTO catalog.agencies (province_id, code, name, group_code)
  SELECT p.id, 'A' || i, 'Cơ quan ' || i, '01' FROM catalog.provinces p, generate_series(1, 3) i
   WHERE p.code = 'BF';
INSERT INTO catalog.index_sets (province_id, code, name, group_code, year, frozen)
  SELECT id, 'S', 'Bộ', '01', 2025, true FROM catalog.provinces WHERE code = 'BF';
INSERT INTO catalog.index_nodes (province_id, index_set_id, code, content, is_leaf, title,
                                 max_points, step, sort)
  SELECT s.province_id, s.id, c || '.1', c, true, 'Tiêu chí', 500, 25, c
    FROM catalog.index_sets s, generate_series(1, 6) c WHERE s.code = 'S';
INSERT INTO catalog.periods (province_id, code, name, year)
  SELECT id, 'K', 'Kỳ', 2025 FROM catalog.provinces WHERE code = 'BF';
INSERT INTO catalog.period_index_sets (province_id, period_id, group_code, index_set_id)
  SELECT p.province_id, p.id, '01', s.id FROM catalog.periods p JOIN catalog.index_sets s
      ON s.province_id = p.province_id WHERE p.code = 'K';
INSERT INTO submissions.scores (province_id, period_id, agency_id, leaf_code, score)
  SELECT a.province_id, p.id, a.id, c || '.1', CASE WHEN c = 6 THEN -100 ELSE 250 + a.id % 3 * 25 END
    FROM catalog.agencies a JOIN catalog.periods p ON p.province_id = a.province_id,
         unnest(ARRAY[1, 2, 5, 6]) c;
INSERT INTO appraisal.scores (province_id, period_id, agency_id, leaf_code, round, score)
  SELECT province_id, period_id, agency_id, '1.1', 1, 100 FROM submissions.scores
   WHERE leaf_code = '1.1';
INSERT INTO surveys.leaf_points (province_id, period_id, agency_id, leaf_code, points)
  SELECT a.province_id, p.id, a.id, '3.1', 333
    FROM catalog.agencies a JOIN catalog.periods p ON p.province_id = a.province_id;
INSERT INTO appraisal.na_decisions (province_id, period_id, agency_id, leaf_code, not_applicable)
  SELECT province_id, period_id, agency_id, '5.1', true FROM submissions.scores
   WHERE leaf_code = '5.1' LIMIT 1;
"""


class TestBackfill(unittest.TestCase):
    def test_existing_data_filled(self):
        """Migrations up to 088, data, then 089: the kept tables hold the data's sums."""
        from test_migrate import migrate
        db = unique("bf").lower()
        before = tempfile.mkdtemp()
        try:
            for f in os.listdir(MIGRATIONS):
                if f.endswith(".sql") and f[:3].isdigit() and int(f[:3]) < 89:
                    shutil.copy(os.path.join(MIGRATIONS, f), before)
            psql_super(f'CREATE DATABASE "{db}"')
            code, out = migrate(db, before)
            self.assertEqual(code, 0, out)
            conn = f"{env('CHISO_DB_SUPER')} dbname={db}"

            def q(text):
                r = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                                    "-d", conn, "-c", text], capture_output=True, text=True,
                                   timeout=60)
                self.assertEqual(r.returncode, 0, r.stderr)
                return r.stdout.split()
            q(SEED)
            code, out = migrate(db)
            self.assertEqual(code, 0, out)
            per = q("SELECT id FROM catalog.periods WHERE code = 'K'")[0]
            kept = q(KEPT_SUMS.replace(":p", per))
            self.assertEqual(kept, q(FULL_SUMS.replace(":p", per)))
            # 3 agencies x contents 1, 2, 3, 6 (5.1 N/A for one, 250+ for the others)
            self.assertGreaterEqual(len(kept), 12)
            self.assertEqual(q(KEPT_LEAVES.replace(":p", per)), q(FULL_LEAVES.replace(":p", per)))
        finally:
            shutil.rmtree(before, ignore_errors=True)
            psql_super(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


if __name__ == "__main__":
    unittest.main()
