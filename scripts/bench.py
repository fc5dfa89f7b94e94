#!/usr/bin/env python3
"""The measurements of `make bench` (started by scripts/bench, which runs the system).

National scale: 34 provinces x 130 agencies x 150 leaves, loaded straight into the tables
as the superuser (loading is not what is measured). Then:
  1. score saves through the gateway, 64 concurrent keep-alive clients (each an agency
     editor with its own session), against the same number of single-row transactional
     inserts straight through libpq from 64 connections;
  2. full ranking compute for one province and for all 34 through the API, against one SQL
     aggregate over the same score rows.
Figures and ratios only: nothing here passes or fails on time.
"""
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

URL = os.environ["CHISO_URL"]
BIN = os.environ["CHISO_BIN"]
DB_SUPER = os.environ["CHISO_DB_SUPER"]
DB_APP = os.environ["CHISO_DB_APP"]
ADMIN = os.environ["CHISO_ADMIN_USER"]
PASSWORD = os.environ["CHISO_ADMIN_PASSWORD"]
SAVES = int(os.environ.get("CHISO_BENCH_SAVES", "20000"))
CLIENTS = 64
PROVINCES, AGENCIES, EDITORS = 34, 130, 64


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


def main():
    t0 = time.time()
    say("loading 34 provinces x 130 agencies x 150 leaves")
    psql(DATASET_SQL.format(P=PROVINCES, A=AGENCIES, E=EDITORS, ADMIN=ADMIN.replace("'", "''")))
    counts = psql("SELECT (SELECT count(*) FROM submissions.scores) + (SELECT count(*) FROM appraisal.scores)"
                  " + (SELECT count(*) FROM surveys.leaf_points) + (SELECT count(*) FROM leadership.scores);")
    rows = int(counts.strip())
    say(f"{rows} score rows loaded in {time.time() - t0:.1f} s")
    provinces = [int(x) for x in psql("SELECT id FROM catalog.provinces WHERE code LIKE 'BN%' ORDER BY id;").split()]
    first = provinces[0]
    period = {int(p): int(i) for p, i in (l.split("|") for l in psql(
        "SELECT province_id, id FROM catalog.periods WHERE code = 'BENCH2025';").split())}
    editors = [l.split("|") for l in psql(
        f"SELECT login, agency_id FROM catalog.users WHERE login LIKE 'bench-editor-%' ORDER BY login;").split()]

    # 1. score saves through the gateway vs single-row inserts through libpq
    say(f"logging in {len(editors)} agency editors")
    tokens = {name: login(name) for name, _ in editors}
    script = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
    for k in range(25):
        for name, agency in editors:
            body = json.dumps({"items": [{"leaf_code": f"1.{k + 1}", "score": round(((k * 7) % 16) * 0.05, 2)}]})
            script.write(f"PUT\t/api/v1/periods/{period[first]}/agencies/{agency}/scores\t"
                         f"{tokens[name]}\t{body}\n")
    script.close()
    port = URL.rsplit(":", 1)[1]
    say(f"{SAVES} score saves through the gateway, {CLIENTS} clients")
    gw = run_json([os.path.join(BIN, "chiso-loadgen"), "127.0.0.1", port, str(CLIENTS), str(SAVES), script.name])
    say(f"{SAVES} single-row inserts through libpq, {CLIENTS} connections")
    pg = run_json([os.path.join(BIN, "chiso-pgbaseline"), DB_APP, str(CLIENTS), str(SAVES)])
    os.unlink(script.name)
    saved = int(psql(f"SELECT count(*) FROM core.audit WHERE province_id = {first};").strip())

    # 2. ranking compute vs one SQL aggregate
    admin_tokens = {p: login(f"bench-admin-{p}") for p in provinces}
    def compute(p):
        t = time.perf_counter()
        st, body = api("POST", f"/api/v1/periods/{period[p]}/compute", {}, admin_tokens[p])
        if st != 200:
            raise SystemExit(f"compute province {p}: {st} {body}")
        return (time.perf_counter() - t) * 1e3
    compute(first)  # warm the caches once, as the aggregate below is warmed too
    one = statistics.median(compute(first) for _ in range(5))
    t = time.perf_counter()
    for p in provinces:
        compute(p)
    all34 = (time.perf_counter() - t) * 1e3
    agg_one = sql_timing_ms(AGGREGATE_SQL.replace("$P", f"ARRAY[{first}]::bigint[]"))
    agg_all = sql_timing_ms(AGGREGATE_SQL.replace("$P", f"ARRAY[{','.join(map(str, provinces))}]::bigint[]"))

    cpu = ""
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    lines = [
        f"chiso bench — {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, {cpu or platform.machine()}; "
        f"{PROVINCES} provinces x {AGENCIES} agencies x 150 leaves = {rows} score rows; PostgreSQL fsync on",
        "",
        "| measure | chiso | baseline (same run) | ratio |",
        "|---|---|---|---|",
        f"| score saves, {CLIENTS} clients, {SAVES} requests | {gw['per_second']:.0f}/s, p50 {gw['p50_ms']:.1f} ms, "
        f"p99 {gw['p99_ms']:.1f} ms, {gw['errors']} errors | libpq single-row inserts: {pg['per_second']:.0f}/s, "
        f"p50 {pg['p50_ms']:.1f} ms, p99 {pg['p99_ms']:.1f} ms | {gw['per_second'] / pg['per_second']:.2f}x |",
        f"| ranking compute, 1 province ({AGENCIES} agencies) | {one:.1f} ms | one SQL aggregate: {agg_one:.1f} ms "
        f"| {one / agg_one:.1f}x |",
        f"| ranking compute, all {PROVINCES} provinces | {all34:.0f} ms | one SQL aggregate: {agg_all:.1f} ms "
        f"| {all34 / agg_all:.1f}x |",
        "",
        f"(audit rows written by the saves: {saved}; whole bench {time.time() - t0:.0f} s)",
    ]
    print("\n".join(lines))
    if gw["errors"]:
        say("some saves failed (see above)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
