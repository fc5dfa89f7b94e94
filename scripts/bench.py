#!/usr/bin/env python3
"""The measurements of `make bench` (started by scripts/bench, which runs the system).

National scale: 34 provinces x 130 agencies x 150 leaves, loaded straight into the tables
as the superuser (loading is not what is measured). Then:
  1. score saves through the gateway, 64 concurrent keep-alive clients (each an agency
     editor with its own session), against the same number of single-row transactional
     inserts straight through libpq from 64 connections; then the same number of leaves
     saved again, CHISO_BENCH_BATCH (10) per request, as the self-assessment screen sends a
     screen's changes: the per-request cost per leaf;
  2. full ranking compute for one province and for all 34 through the API, against one SQL
     aggregate over the same score rows;
  3. portal ingest (scripts/bench_portal.py): 2 million dossier-count rows and the 766 index
     of 34 x 130 agencies x 12 months through the feed API, against psql \\copy of the same rows;
     the portal service's peak RSS (CHISO_BENCH_ROWS=portal runs this row alone);
  4. public reads (scripts/bench_public.py): a published snapshot read by 64 clients from the
     gateway (served from its memory) against Debian's nginx serving the same bytes from a
     file, 200 and 304 (CHISO_BENCH_ROWS=public runs this row alone);
  CHISO_BENCH_ROWS=ranking runs row 2 alone (with the results read back after a compute);
  CHISO_BENCH_ROWS=saves runs row 1 alone (with its CPU and RSS tables);
and the server-side CPU each operation cost (chiso processes and PostgreSQL, from /proc), and
the peak resident memory of each chiso process during the save load and over the whole run.
Every save changes a stored score; afterwards the audit trail and the stored values must show
every one of them, and every compute must rank all the province's agencies.
Figures and ratios only: nothing here fails on time; it exits 1 when an operation failed or
a save did not reach the database as sent.
"""
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_portal  # noqa: E402
import bench_public  # noqa: E402

URL = os.environ["CHISO_URL"]
BIN = os.environ["CHISO_BIN"]
DB_SUPER = os.environ["CHISO_DB_SUPER"]
DB_APP = os.environ["CHISO_DB_APP"]
ADMIN = os.environ["CHISO_ADMIN_USER"]
PASSWORD = os.environ["CHISO_ADMIN_PASSWORD"]
CLIENTS = 64
# Every client sends the same number of saves (its own agency's), so round up to a multiple.
SAVES = -(-int(os.environ.get("CHISO_BENCH_SAVES", "20000")) // CLIENTS) * CLIENTS
PROVINCES, AGENCIES, EDITORS = int(os.environ.get("CHISO_BENCH_PROVINCES", "34")), 130, CLIENTS
# Each editor saves the leaves 1.1 ... 1.25 of its agency in turn (content 1 leaves: maximum
# 0.75 points, step 0.05).
SAVE_LEAVES, LEAF_MAX, LEAF_STEP = 25, 75, 5
# The second save load: the same number of leaf writes, BATCH leaves per request (a clerk's
# save of a screen of leaves): what the per-request cost comes to per leaf.
BATCH = int(os.environ.get("CHISO_BENCH_BATCH", "10"))


def say(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def psql(sql, conninfo=DB_SUPER):
    out = subprocess.run(["psql", conninfo, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"],
                         input=sql, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"psql failed: {out.stderr}")
    return out.stdout


def api(method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(URL + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def login(user):
    st, body = api("POST", "/api/v1/auth/login", {"login": user, "password": PASSWORD})
    if st != 200:
        raise SystemExit(f"login {user}: {st} {body}")
    return body["token"]


DATASET_SQL = """
BEGIN;
INSERT INTO catalog.provinces (code, name)
  SELECT format('BN%s', lpad(i::text, 2, '0')), format('Tỉnh đo tải %s', i)
  FROM generate_series(1, {P}) i;
CREATE TEMP TABLE bp AS SELECT id FROM catalog.provinces WHERE code LIKE 'BN%' ORDER BY id;
INSERT INTO catalog.agency_groups (province_id, code, name)
  SELECT id, '01', 'Sở, ban, ngành' FROM bp;
INSERT INTO catalog.agencies (province_id, code, name, group_code)
  SELECT bp.id, format('CQ%s', lpad(j::text, 3, '0')), format('Cơ quan đo tải %s', j), '01'
  FROM bp, generate_series(1, {A}) j;
INSERT INTO catalog.index_sets (province_id, code, name, group_code, year, frozen)
  SELECT id, 'BENCH', 'Bộ chỉ số đo tải (150 tiêu chí)', '01', 2025, true FROM bp;
INSERT INTO catalog.index_contents (province_id, index_set_id, content, title, max_points)
  SELECT s.province_id, s.id, c, format('Nội dung %s', c), (ARRAY[4500,3500,1200,500,300,NULL]::bigint[])[c]
  FROM catalog.index_sets s JOIN bp ON bp.id = s.province_id, generate_series(1, 6) c;
-- 150 leaves: 60 + 50 + 10 + 1 + 9 + 20; maxima add up to 45, 35, 12, 5; bonus 9 > 3.
CREATE TEMP TABLE leaves AS
  SELECT 1 AS content, n, 75::bigint AS maxp FROM generate_series(1, 60) n
  UNION ALL SELECT 2, n, 70 FROM generate_series(1, 50) n
  UNION ALL SELECT 3, n, 120 FROM generate_series(1, 10) n
  UNION ALL SELECT 4, 1, 500
  UNION ALL SELECT 5, n, 100 FROM generate_series(1, 9) n
  UNION ALL SELECT 6, n, 100 FROM generate_series(1, 20) n;
INSERT INTO catalog.index_nodes (province_id, index_set_id, code, content, is_leaf, title,
                                 max_points, step, sort)
  SELECT s.province_id, s.id, l.content || '.' || l.n, l.content, true,
         format('Tiêu chí %s.%s', l.content, l.n), l.maxp, 5, l.content * 1000 + l.n
  FROM catalog.index_sets s JOIN bp ON bp.id = s.province_id, leaves l;
INSERT INTO catalog.periods (province_id, code, name, year)
  SELECT id, 'BENCH2025', 'Kỳ đánh giá đo tải 2025', 2025 FROM bp;
INSERT INTO catalog.period_index_sets (province_id, period_id, group_code, index_set_id)
  SELECT p.province_id, p.id, '01', s.id
  FROM catalog.periods p JOIN catalog.index_sets s ON s.province_id = p.province_id
  WHERE p.code = 'BENCH2025' AND s.code = 'BENCH';
INSERT INTO catalog.phases (province_id, period_id, phase, opens_at, closes_at)
  SELECT p.province_id, p.id, ph, now() - interval '1 day', now() + interval '30 days'
  FROM catalog.periods p,
       unnest(ARRAY['self_assessment','appraisal_1','explanation','appraisal_2',
                    'leadership','survey']) ph
  WHERE p.code = 'BENCH2025';
-- Users share the sysadmin's password hash (so one known password logs them all in).
INSERT INTO catalog.users (province_id, login, full_name, password_hash, roles)
  SELECT bp.id, format('bench-admin-%s', bp.id), 'Quản trị đo tải',
         (SELECT password_hash FROM catalog.users WHERE login = '{ADMIN}'), ARRAY['province_admin']
  FROM bp;
INSERT INTO catalog.users (province_id, login, full_name, password_hash, roles)
  SELECT bp.id, format('bench-leader-%s-%s', bp.id, k), 'Lãnh đạo đo tải',
         (SELECT password_hash FROM catalog.users WHERE login = '{ADMIN}'), ARRAY['leader']
  FROM bp, generate_series(1, 2) k;
INSERT INTO catalog.users (province_id, login, full_name, password_hash, roles, agency_id)
  SELECT a.province_id, format('bench-editor-%s', a.code), 'Cán bộ nhập điểm',
         (SELECT password_hash FROM catalog.users WHERE login = '{ADMIN}'),
         ARRAY['agency_editor'], a.id
  FROM catalog.agencies a
  WHERE a.province_id = (SELECT min(id) FROM bp) AND a.code <= format('CQ%s', lpad('{E}', 3, '0'));
-- Scores: self for contents 1, 2, 5, 6; round 1 on a fifth of contents 1-2; survey points;
-- two leaders each. Deterministic pseudo-random values, multiples of the step.
INSERT INTO submissions.scores (province_id, period_id, agency_id, leaf_code, score)
  SELECT a.province_id, p.id, a.id, n.code,
         CASE WHEN n.content = 6 THEN CASE WHEN abs(hashtext(a.id || n.code)) % 10 = 0 THEN -100 ELSE 0 END
              ELSE (abs(hashtext(a.id || n.code)) % (n.max_points / 5 + 1)) * 5 END
  FROM catalog.agencies a JOIN bp ON bp.id = a.province_id
  JOIN catalog.periods p ON p.province_id = a.province_id AND p.code = 'BENCH2025'
  JOIN catalog.index_nodes n ON n.province_id = a.province_id AND n.content IN (1, 2, 5, 6);
INSERT INTO appraisal.scores (province_id, period_id, agency_id, leaf_code, round, score, comment)
  SELECT s.province_id, s.period_id, s.agency_id, s.leaf_code, 1, greatest(s.score - 10, 0),
         'Hồ sơ minh chứng chưa đầy đủ'
  FROM submissions.scores s JOIN bp ON bp.id = s.province_id
  WHERE s.leaf_code ~ '^[12][.]' AND abs(hashtext(s.agency_id || s.leaf_code)) % 5 = 0;
INSERT INTO surveys.leaf_points (province_id, period_id, agency_id, leaf_code, points)
  SELECT a.province_id, p.id, a.id, n.code, (abs(hashtext(a.id || n.code)) % 25) * 5
  FROM catalog.agencies a JOIN bp ON bp.id = a.province_id
  JOIN catalog.periods p ON p.province_id = a.province_id AND p.code = 'BENCH2025'
  JOIN catalog.index_nodes n ON n.province_id = a.province_id AND n.content = 3;
INSERT INTO leadership.scores (province_id, period_id, agency_id, leaf_code, leader_id, score)
  SELECT a.province_id, p.id, a.id, '4.1', u.id, 300 + (abs(hashtext(a.id || u.login)) % 41) * 5
  FROM catalog.agencies a JOIN bp ON bp.id = a.province_id
  JOIN catalog.periods p ON p.province_id = a.province_id AND p.code = 'BENCH2025'
  JOIN catalog.users u ON u.province_id = a.province_id AND u.login LIKE 'bench-leader-%';
CREATE TABLE public.bench_baseline (
    id bigserial PRIMARY KEY, province_id bigint NOT NULL, agency_id bigint NOT NULL,
    leaf_code text NOT NULL, score bigint NOT NULL, at timestamptz NOT NULL DEFAULT now());
GRANT INSERT ON public.bench_baseline TO chiso_app;
GRANT USAGE ON SEQUENCE public.bench_baseline_id_seq TO chiso_app;
COMMIT;
ANALYZE;
"""

AGGREGATE_SQL = """
SELECT agency_id, sum(v) FROM (
  SELECT agency_id, score AS v FROM submissions.scores WHERE province_id = ANY($P)
  UNION ALL SELECT agency_id, score FROM appraisal.scores WHERE province_id = ANY($P)
  UNION ALL SELECT agency_id, points FROM surveys.leaf_points WHERE province_id = ANY($P)
  UNION ALL SELECT agency_id, score FROM leadership.scores WHERE province_id = ANY($P)
) x GROUP BY agency_id;
"""


def sql_timing_ms(sql, repeat=3):
    """Median server round trip of sql, measured by psql's \\timing."""
    times = []
    for _ in range(repeat):
        out = psql("\\timing on\n" + sql + "\n")
        ms = [float(l.split()[1]) for l in out.splitlines() if l.startswith("Time: ")]
        times.append(ms[-1])
    return statistics.median(times)


def run_json(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed: {out.stderr}")
    if out.stderr:
        say(out.stderr.strip())
    return json.loads(out.stdout)


def save_script(period_id, editors, tokens, saves, per_request=1):
    """The load generator's script: line k*CLIENTS + i is editor i's k-th request, which the
    load generator's client i sends in order; each request saves per_request leaves (saves
    leaf writes in all). Every save changes the stored value (the service skips an unchanged
    one: no write, no audit line, which would flatter the figure), so each is one real UPDATE
    and one audit row. Returns (path, {(agency, leaf): final hundredths})."""
    rows = psql(f"SELECT s.agency_id, s.leaf_code, coalesce(s.score, 0) FROM submissions.scores s"
                f" WHERE s.period_id = {period_id} AND s.agency_id IN"
                f" ({','.join(a for _, a in editors)}) AND s.leaf_code ~ '^1[.]';")
    current = {(int(a), leaf): int(v) for a, leaf, v in (l.split("|") for l in rows.split())}
    f = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
    touched = set()
    for k in range(saves // len(editors) // per_request):
        leaves = [f"1.{(k * per_request + j) % SAVE_LEAVES + 1}" for j in range(per_request)]
        for name, agency in editors:
            items = []
            for leaf in leaves:
                key = (int(agency), leaf)
                # Next multiple of the step, wrapping within [0, max]: never the value stored.
                value = (current.get(key, 0) + LEAF_STEP) % (LEAF_MAX + LEAF_STEP)
                current[key] = value
                touched.add(key)
                items.append({"leaf_code": leaf, "score": value / 100})
            body = json.dumps({"items": items})
            f.write(f"PUT\t/api/v1/periods/{period_id}/agencies/{agency}/scores\t{tokens[name]}\t{body}\n")
    f.close()
    return f.name, {key: current[key] for key in touched}


def check_saves(province_id, period_id, expected):
    """What the saves left in the database: (audit rows of score updates in the province,
    linked into its hash chain, which must verify (-1 when not); number of (agency, leaf)
    whose stored score is not the last one sent)."""
    audited = int(psql(f"SELECT count(*) FROM core.audit WHERE province_id = {province_id}"
                       f" AND entity = 'submissions.score' AND action = 'update'"
                       f" AND chain_seq IS NOT NULL;").strip())
    chain = psql(f"SELECT coalesce(problem, 'intact') FROM core.audit_verify({province_id});").strip()
    if chain != "intact":
        say(f"the province's audit chain is broken after the saves: {chain}")
        audited = -1
    rows = psql(f"SELECT agency_id, leaf_code, score FROM submissions.scores WHERE period_id = {period_id}"
                f" AND agency_id IN ({','.join(str(a) for a, _ in expected)}) AND leaf_code ~ '^1[.]';")
    stored = {(int(a), leaf): int(v) if v else None for a, leaf, v in (l.split("|") for l in rows.split())}
    wrong = sum(1 for key, v in expected.items() if stored.get(key) != v)
    return audited, wrong


class CpuMeter:
    """Server-side CPU seconds, per process, between two samples: the chiso processes (their
    pid files) and the PostgreSQL cluster (the postmaster, its live children, and the children
    it has reaped). Unlike throughput, CPU per operation hardly moves when other work shares
    the machine, so it says where the time goes even on a busy box. Clients (load generator,
    baseline tool) are not counted."""

    def __init__(self):
        run = os.path.join(os.environ["CHISO_VAR_DIR"], "run")
        self.pids = {}
        for name in os.listdir(run):
            with open(os.path.join(run, name)) as f:
                self.pids[int(f.read().strip())] = name[:-len(".pid")]
        # The checkpointer lives as long as the cluster; its parent is the postmaster.
        checkpointer = int(psql("SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer';").strip())
        self.postmaster = self._stat(checkpointer)[0]
        self.tick = os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _stat(pid):
        """(ppid, utime + stime, cutime + cstime) in ticks; None when the process is gone."""
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])

    def sample(self):
        ticks = {}
        for pid, name in self.pids.items():
            st = self._stat(pid)
            if st:
                ticks[name] = st[1]
        pg = 0
        for d in os.listdir("/proc"):
            if d.isdigit():
                st = self._stat(int(d))
                if st and (int(d) == self.postmaster or st[0] == self.postmaster):
                    pg += st[1] + (st[2] if int(d) == self.postmaster else 0)
        ticks["PostgreSQL"] = pg
        return ticks

    def rss_mb(self, field="VmRSS"):
        """Resident memory of each chiso process in MB: now (VmRSS) or its peak since it
        started (VmHWM)."""
        out = {}
        for pid, name in self.pids.items():
            try:
                with open(f"/proc/{pid}/status") as f:
                    kb = next(int(l.split()[1]) for l in f if l.startswith(field + ":"))
            except (OSError, StopIteration):
                continue
            out[name] = kb / 1024
        return out


    def since(self, before, n):
        """Milliseconds of CPU per operation since `before`, for n operations."""
        after = self.sample()
        return {k: (after[k] - before.get(k, 0)) * 1e3 / self.tick / n for k in after}


class RssSampler(threading.Thread):
    """The highest VmRSS of each chiso process while a load runs (sampled every 0.1 s):
    what the load costs, not what start-up or logins (Argon2id hashes) left as the peak."""

    def __init__(self, meter):
        super().__init__(daemon=True)
        self.meter, self.peak, self.done = meter, {}, threading.Event()

    def run(self):
        while not self.done.is_set():
            for name, mb in self.meter.rss_mb().items():
                self.peak[name] = max(self.peak.get(name, 0), mb)
            self.done.wait(0.1)

    def stop(self):
        self.done.set()
        self.join()
        return self.peak


def cpu_table(rows):
    """Markdown table of CPU per operation: rows = [(label, {process: ms})]."""
    procs = [p for p in ("gateway", "broker", "catalog", "submissions", "ranking", "PostgreSQL")
             if any(r[1].get(p, 0) for r in rows)]
    out = ["| CPU per operation (ms) | " + " | ".join(procs) + " | all |",
           "|---" * (len(procs) + 2) + "|"]
    for label, ms in rows:
        out.append(f"| {label} | " + " | ".join(f"{ms.get(p, 0):.2f}" for p in procs)
                   + f" | {sum(ms.values()):.2f} |")
    return out


def rss_table(saves, lifetime):
    """Markdown table of peak RSS per chiso process: during the save load, and over the whole
    bench (logins and ranking computes included)."""
    procs = sorted(lifetime, key=lambda p: (p != "gateway", p))
    out = ["| peak RSS (MB) | " + " | ".join(procs) + " |", "|---" * (len(procs) + 1) + "|"]
    out.append("| during the save load (VmRSS, sampled every 0.1 s) | "
               + " | ".join(f"{saves.get(p, 0):.1f}" for p in procs) + " |")
    out.append("| whole bench (VmHWM: logins and ranking included) | "
               + " | ".join(f"{lifetime.get(p, 0):.1f}" for p in procs) + " |")
    return out


def machine():
    """Cores and CPU model, for the table's heading."""
    cpu = platform.machine()
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores, {cpu}"


def processes():
    """Worker threads per service and gateway threads, as the processes reported them at
    start (their logs), not as we asked: the figures depend on them."""
    logs = os.path.join(os.environ["CHISO_VAR_DIR"], "log")
    workers, gateway = {}, "?"
    for name in sorted(os.listdir(logs)):
        with open(os.path.join(logs, name), errors="replace") as f:
            text = f.read()
        m = re.search(r"service (\w+) started: (\d+) worker", text)
        if m:
            workers[m.group(1)] = int(m.group(2))
        m = re.search(r"HTTP: (\d+) thread\(s\), (\d+) for calls", text)
        if m:
            gateway = f"{m.group(1)} HTTP + {m.group(2)} call"
    counts = sorted(set(workers.values()))
    if len(counts) == 1:
        desc = f"{counts[0]} worker thread{'s' if counts[0] > 1 else ''} per service"
    else:
        desc = "worker threads: " + (", ".join(f"{k} {v}" for k, v in workers.items()) or "?")
    return f"{desc}, gateway {gateway} threads"


def portal_ctx():
    return {"say": say, "psql": psql, "api": lambda m, p, b, t: api(m, p, b, t), "login": login,
            "url": URL, "bin": BIN, "db_app": DB_APP, "admin": ADMIN, "password": PASSWORD,
            "run_json": run_json, "meter": CpuMeter(),
            "run_dir": os.path.join(os.environ["CHISO_VAR_DIR"], "run")}


def finish(lines, ok, failure):
    """Print the table (and write it to CHISO_BENCH_OUT); the exit code: 1 with the failure
    said when a check did not hold."""
    table = "\n".join(lines)
    print(table)
    out = os.environ.get("CHISO_BENCH_OUT")
    if out:
        with open(out, "w") as f:
            f.write(table + "\n")
    if not ok:
        say(failure)
        return 1
    return 0


def portal_only(t0, rows, row="portal"):
    """CHISO_BENCH_ROWS=portal (or public): only the portal-ingest (or public-reads) row, on
    the same data set."""
    portal_lines, ok = (bench_portal if row == "portal" else bench_public).run(portal_ctx())
    lines = [
        f"chiso bench ({row} row only) — {time.strftime('%Y-%m-%d')}, {machine()}; {PROVINCES} provinces"
        f" x {AGENCIES} agencies; PostgreSQL fsync on; {processes()}",
        "",
        "| measure | chiso | baseline (same run) | ratio |",
        "|---|---|---|---|",
        *portal_lines,
        "",
        f"Whole bench {time.time() - t0:.0f} s.",
    ]
    return finish(lines, ok, f"the {row} row's checks failed (see above)")


def ranking_row(meter, provinces, period):
    """Row 2: POST compute for one province (median of 5), then for every province one after
    another, against one SQL aggregate over the same rows; then the results read back (GET,
    served from the per-period cache of the last compute)."""
    first = provinces[0]
    admin_tokens = {p: login(f"bench-admin-{p}") for p in provinces}

    def call(method, what, p):
        t = time.perf_counter()
        st, body = api(method, f"/api/v1/periods/{period[p]}/{what}", {} if method == "POST" else None,
                       admin_tokens[p])
        ms = (time.perf_counter() - t) * 1e3
        ranked = sum(len(g.get("agencies", [])) for g in body.get("groups", [])) if st == 200 else 0
        if ranked != AGENCIES:
            raise SystemExit(f"{what} province {p}: {st}, {ranked} agencies ranked: {str(body)[:300]}")
        return ms

    def compute(p):
        return call("POST", "compute", p)
    say(f"ranking compute: 1 province (5 times), then all {len(provinces)} one after another")
    compute(first)  # warm the caches once, as the aggregate below is warmed too
    stmts = os.environ.get("CHISO_BENCH_PG_STATEMENTS")
    if stmts:
        psql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset();")
    before = meter.sample()
    one = statistics.median(compute(first) for _ in range(5))
    cpu = meter.since(before, 5)
    if stmts:
        # the whole bench's saves profile keeps the file's name; this row's goes beside it
        out = stmts if os.environ.get("CHISO_BENCH_ROWS", "") == "ranking" else stmts + ".ranking"
        with open(out, "w") as f:
            f.write(psql("SELECT round(total_exec_time::numeric / 5 * 1000, 1) AS us_per_compute,"
                         " round(calls::numeric / 5, 2) AS calls_per_compute,"
                         " round((total_exec_time / greatest(calls, 1))::numeric * 1000, 1) AS us_per_call,"
                         " toplevel, left(regexp_replace(query, '\\s+', ' ', 'g'), 160)"
                         " FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 40;"))
    t = time.perf_counter()
    for p in provinces:
        compute(p)
    all34 = (time.perf_counter() - t) * 1e3
    read = statistics.median(call("GET", "results", first) for _ in range(5))
    agg_one = sql_timing_ms(AGGREGATE_SQL.replace("$P", f"ARRAY[{first}]::bigint[]"))
    agg_all = sql_timing_ms(AGGREGATE_SQL.replace("$P", f"ARRAY[{','.join(map(str, provinces))}]::bigint[]"))
    lines = [
        f"| ranking compute, 1 province ({AGENCIES} agencies, median of 5) | {one:.1f} ms"
        f" | one SQL aggregate: {agg_one:.1f} ms | {one / agg_one:.2f}x the time |",
        f"| ranking compute, all {len(provinces)} provinces one after another | {all34:.0f} ms"
        f" | one SQL aggregate: {agg_all:.1f} ms | {all34 / agg_all:.2f}x the time |",
        f"| ranking results read after a compute (GET, 1 province, median of 5) | {read:.1f} ms"
        f" | one SQL aggregate: {agg_one:.1f} ms | {read / agg_one:.2f}x the time |",
    ]
    return {"lines": lines, "cpu": cpu}


def ranking_only(t0, rows, provinces, period):
    """CHISO_BENCH_ROWS=ranking: only the ranking row, on the same data set."""
    meter = CpuMeter()
    rk = ranking_row(meter, provinces, period)
    lines = [
        f"chiso bench (ranking row only) — {time.strftime('%Y-%m-%d')}, {machine()}; {PROVINCES} provinces"
        f" x {AGENCIES} agencies x 150 leaves = {rows} score rows; PostgreSQL fsync on; {processes()}",
        "",
        "| measure | chiso | baseline (same run) | ratio |",
        "|---|---|---|---|",
        *rk["lines"],
        "",
        *cpu_table([("ranking compute, 1 province", rk["cpu"])]),
        "",
        f"Whole bench {time.time() - t0:.0f} s.",
    ]
    return finish(lines, True, "")


def saves_only(t0, rows, gw, pg, audited, wrong, inserted, cpu_save, cpu_insert, rss_save,
               rss_all, batch):
    """CHISO_BENCH_ROWS=saves: only the score-save row (and its CPU and RSS tables), on the
    same data set: a few minutes per look while working on the save path."""
    verified = gw["errors"] == 0 and audited == SAVES and wrong == 0 and inserted == SAVES - pg["errors"]
    verified = verified and batch[2]
    lines = [
        f"chiso bench (saves row only) — {time.strftime('%Y-%m-%d %H:%M')}, {machine()}; {PROVINCES}"
        f" provinces x {AGENCIES} agencies x 150 leaves = {rows} score rows; PostgreSQL fsync on;"
        f" {processes()}; load average before {os.getloadavg()[0]:.2f}",
        "",
        "| measure | chiso | baseline (same run) | ratio |",
        "|---|---|---|---|",
        save_row(gw, pg),
        batch[0],
        "",
        saves_checked(audited, wrong, gw, inserted),
        "",
        *cpu_table([("score save through the gateway", cpu_save),
                    (f"leaf saved through the gateway, {BATCH} per request", batch[1]),
                    ("libpq single-row insert (its connection start-ups included)", cpu_insert)]),
        "",
        *rss_table(rss_save, rss_all),
        "",
        f"Whole bench {time.time() - t0:.0f} s.",
    ]
    return finish(lines, verified, "the saves did not all reach the database as sent (see the line \"Saves checked\")")


def save_row(gw, pg):
    """The score-save row of the table: chiso's figures, the baseline's, the ratio."""
    return (f"| score saves through the gateway, {CLIENTS} clients, {SAVES} requests | {gw['per_second']:.0f}/s,"
            f" p50 {gw['p50_ms']:.1f} ms, p99 {gw['p99_ms']:.1f} ms, {gw['errors']} errors"
            f" | libpq single-row inserts, {CLIENTS} connections: {pg['per_second']:.0f}/s, p50 {pg['p50_ms']:.1f} ms,"
            f" p99 {pg['p99_ms']:.1f} ms, {pg['errors']} errors | {gw['per_second'] / pg['per_second']:.2f}x the rate |")


def saves_checked(audited, wrong, gw, inserted):
    return (f"Saves checked in the database: {audited} score-update audit rows (in the province's hash"
            f" chain, which verifies) for {SAVES} saves, {wrong} leaves whose stored score is not the"
            f" last one sent, {gw['reconnects']} reconnects; {inserted} baseline rows.")


def batch_saves(meter, province_id, period_id, editors, tokens, port, audited_before, pg):
    """The same editors save SAVES leaves again, BATCH per request, against the same
    inserts: (table row, CPU per leaf written, verified)."""
    script, expected = save_script(period_id, editors, tokens, SAVES, BATCH)
    writes = (SAVES // CLIENTS // BATCH) * CLIENTS * BATCH
    say(f"{writes} leaves saved through the gateway again, {BATCH} per request, {CLIENTS} clients")
    before = meter.sample()
    gw = run_json([os.path.join(BIN, "chiso-loadgen"), "127.0.0.1", port, str(CLIENTS), script])
    cpu = meter.since(before, writes)
    os.unlink(script)
    audited, wrong = check_saves(province_id, period_id, expected)
    ok = gw["errors"] == 0 and wrong == 0 and audited - audited_before == writes
    rate = gw["per_second"] * BATCH
    row = (f"| score saves through the gateway, {BATCH} leaves per request, {CLIENTS} clients,"
           f" {writes} leaves | {rate:.0f} leaves/s ({gw['per_second']:.0f} requests/s), p99"
           f" {gw['p99_ms']:.1f} ms, {gw['errors']} errors; {audited - audited_before} audit rows,"
           f" {wrong} leaves not as last sent | the same inserts: {pg['per_second']:.0f}/s"
           f" | {rate / pg['per_second']:.2f}x the rate, per leaf |")
    return row, cpu, ok


def main():
    t0 = time.time()
    say("loading 34 provinces x 130 agencies x 150 leaves")
    psql(DATASET_SQL.format(P=PROVINCES, A=AGENCIES, E=EDITORS, ADMIN=ADMIN.replace("'", "''")))
    counts = psql("SELECT (SELECT count(*) FROM submissions.scores) + (SELECT count(*) FROM appraisal.scores)"
                  " + (SELECT count(*) FROM surveys.leaf_points) + (SELECT count(*) FROM leadership.scores);")
    rows = int(counts.strip())
    say(f"{rows} score rows loaded in {time.time() - t0:.1f} s")
    if os.environ.get("CHISO_BENCH_ROWS", "") in ("portal", "public"):
        return portal_only(t0, rows, os.environ["CHISO_BENCH_ROWS"])
    provinces = [int(x) for x in psql("SELECT id FROM catalog.provinces WHERE code LIKE 'BN%' ORDER BY id;").split()]
    first = provinces[0]
    period = {int(p): int(i) for p, i in (l.split("|") for l in psql(
        "SELECT province_id, id FROM catalog.periods WHERE code = 'BENCH2025';").split())}
    if os.environ.get("CHISO_BENCH_ROWS", "") == "ranking":
        return ranking_only(t0, rows, provinces, period)
    editors = [l.split("|") for l in psql(
        f"SELECT login, agency_id FROM catalog.users WHERE login LIKE 'bench-editor-%' ORDER BY login;").split()]

    # 1. score saves through the gateway vs single-row inserts through libpq
    say(f"logging in {len(editors)} agency editors")
    tokens = {name: login(name) for name, _ in editors}
    script, expected = save_script(period[first], editors, tokens, SAVES)
    port = URL.rsplit(":", 1)[1]
    meter = CpuMeter()
    say(f"{SAVES} score saves through the gateway, {CLIENTS} clients")
    stmts = os.environ.get("CHISO_BENCH_PG_STATEMENTS")
    if stmts:
        psql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset();")
    before = meter.sample()
    sampler = RssSampler(meter)
    sampler.start()
    gw = run_json([os.path.join(BIN, "chiso-loadgen"), "127.0.0.1", port, str(CLIENTS), script])
    cpu_save = meter.since(before, SAVES)
    rss_save = sampler.stop()
    if stmts:
        with open(stmts, "w") as f:
            f.write(psql(f"SELECT round(total_exec_time::numeric / {SAVES} * 1000, 1) AS us_per_save,"
                         f" round(calls::numeric / {SAVES}, 2) AS calls_per_save,"
                         " round((total_exec_time / greatest(calls, 1))::numeric * 1000, 1) AS us_per_call,"
                         " toplevel, left(regexp_replace(query, '\\s+', ' ', 'g'), 160)"
                         " FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 40;"))
    os.unlink(script)
    audited, wrong = check_saves(first, period[first], expected)
    say(f"{SAVES} single-row inserts through libpq, {CLIENTS} connections")
    before = meter.sample()
    pg = run_json([os.path.join(BIN, "chiso-pgbaseline"), DB_APP, str(CLIENTS), str(SAVES)])
    cpu_insert = meter.since(before, SAVES)
    inserted = int(psql("SELECT count(*) FROM public.bench_baseline;").strip())
    batch = batch_saves(meter, first, period[first], editors, tokens, port, audited, pg)
    if os.environ.get("CHISO_BENCH_ROWS", "") == "saves":
        return saves_only(t0, rows, gw, pg, audited, wrong, inserted, cpu_save, cpu_insert,
                          rss_save, meter.rss_mb("VmHWM"), batch)

    # 2. ranking compute vs one SQL aggregate
    rk = ranking_row(meter, provinces, period)
    rss_all = meter.rss_mb("VmHWM")

    say("portal ingest")
    portal_lines, portal_ok = bench_portal.run(portal_ctx())
    say("public reads")
    public_lines, public_ok = bench_public.run(portal_ctx())
    verified = gw["errors"] == 0 and audited == SAVES and wrong == 0 and inserted == SAVES - pg["errors"]
    verified = verified and portal_ok and public_ok and batch[2]
    lines = [
        f"chiso bench — {time.strftime('%Y-%m-%d')}, {machine()}; {PROVINCES} provinces x {AGENCIES} agencies"
        f" x 150 leaves = {rows} score rows; PostgreSQL fsync on; {processes()}",
        "",
        "| measure | chiso | baseline (same run) | ratio |",
        "|---|---|---|---|",
        save_row(gw, pg),
        batch[0],
        *rk["lines"],
        *public_lines,
        *portal_lines[:2],
        "",
        *portal_lines[3:],
        "",
        saves_checked(audited, wrong, gw, inserted),
        "",
        *cpu_table([("score save through the gateway", cpu_save),
                    (f"leaf saved through the gateway, {BATCH} per request", batch[1]),
                    ("libpq single-row insert (its connection start-ups included)", cpu_insert),
                    (f"ranking compute, 1 province", rk["cpu"])]),
        "",
        *rss_table(rss_save, rss_all),
        "",
        f"Whole bench {time.time() - t0:.0f} s.",
    ]
    return finish(lines, verified, "the saves did not all reach the database as sent (see the line \"Saves checked\")")


if __name__ == "__main__":
    sys.exit(main())
