"""The portal-ingest row of `make bench` (imported by scripts/bench.py).

National scale on the bench's 34 provinces x 130 agencies: dossier counts for 12 months x 38
procedures per agency (34 x 130 x 12 x 38 = 2,015,520 CSV rows, one file per province) and
the Decision-766 index for 12 months per agency (34 x 130 x 12 = 53,040 records, 6 groups with
3 metrics each: 1,272,960 metric rows, one JSON file per province). Each file is pushed
through the feed API as the national portal's client would (a national API key, one batch
per province and feed), then the same rows, one per line or metric, go with psql's \\copy
in the same run into tables with the key index the rows need (the ratio's baseline: COPY's
time over chiso's, chiso's throughput as a fraction of COPY's) and into the same tables
without any index (shown too). The portal service's peak RSS (VmHWM) is read from /proc
after the pushes, and one province's dossier file is also loaded with
`chiso-admin portal-load` (its VmHWM sampled until it exits). The load average is printed
with the figures.
Everything is checked: every batch answered 200 with its row count, the database holds
every row.
"""
import json
import os
import subprocess
import tempfile
import time
import urllib.request

MONTHS, PROCEDURES, GROUPS, METRICS = 12, 38, ("CKMB", "TDGQ", "CLGQ", "TTTT", "MDSH", "MDHL"), 3


def _files(tmp, provinces, agencies):
    """(csv paths, json paths, flattened metric CSV paths) per province."""
    out = []
    for pcode in provinces:
        csv_path = os.path.join(tmp, f"hoso-{pcode}.csv")
        with open(csv_path, "w", encoding="utf-8") as f:
            f.write("province,agency_code,period,procedure,received,on_time,late,online\n")
            lines = []
            for a in range(1, agencies + 1):
                for m in range(1, MONTHS + 1):
                    for k in range(1, PROCEDURES + 1):
                        rec = 20 + (a * 7 + m * 3 + k) % 80
                        late = (a + m + k) % 5
                        lines.append(f"{pcode},CQ{a:03d},2025-{m:02d},TT-{k:02d},{rec},"
                                     f"{rec - late - 2},{late},{rec // 2}\n")
            f.write("".join(lines))
        json_path = os.path.join(tmp, f"766-{pcode}.json")
        flat_path = os.path.join(tmp, f"766-{pcode}.flat.csv")
        records, flat = [], []
        for a in range(1, agencies + 1):
            for m in range(1, MONTHS + 1):
                groups = []
                for g in GROUPS:
                    metrics = []
                    for k in range(1, METRICS + 1):
                        den = 100 + (a + m + k) % 400
                        num = den - (a * k + m) % 30
                        metrics.append({"code": f"{g}.{k}", "name": f"Chỉ số {g}.{k}",
                                        "numerator": num, "denominator": den,
                                        "ratio": round(100.0 * num / den, 2)})
                        flat.append(f"{pcode},CQ{a:03d},2025-{m:02d},{g}.{k},{g},{num},{den},,\n")
                    score = 10 + (a + m) % 8
                    groups.append({"code": g, "score": score, "maxScore": 18, "metrics": metrics})
                    flat.append(f"{pcode},CQ{a:03d},2025-{m:02d},{g},{g},,,{score},18\n")
                records.append({"agencyCode": f"CQ{a:03d}", "period": f"2025-{m:02d}",
                                "groups": groups})
        with open(json_path, "w", encoding="utf-8") as f:
            json.dump({"province": pcode, "records": records}, f, ensure_ascii=False)
        with open(flat_path, "w", encoding="utf-8") as f:
            f.write("".join(flat))
        out.append((pcode, csv_path, json_path, flat_path))
    return out


def _push(url, key, path, ctype):
    with open(path, "rb") as f:
        data = f.read()
    req = urllib.request.Request(url + "/api/v1/portal/batches", data=data, method="POST",
                                 headers={"X-API-Key": key, "Content-Type": ctype})
    with urllib.request.urlopen(req, timeout=900) as r:
        return json.loads(r.read())


def _vmhwm_kb(pid_file, pid=None):
    try:
        if pid is None:
            with open(pid_file) as f:
                pid = f.read().strip()
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def run(ctx):
    """ctx: say, psql, api, login, url, bin, db_app, run_dir, admin. Returns table lines and
    whether everything was verified."""
    say, psql = ctx["say"], ctx["psql"]
    provinces = psql("SELECT code FROM catalog.provinces WHERE code LIKE 'BN%' ORDER BY code;").split()
    agencies = int(psql("SELECT count(*) FROM catalog.agencies a JOIN catalog.provinces p"
                        " ON p.id = a.province_id WHERE p.code = 'BN01';").strip())
    tmp = tempfile.mkdtemp(prefix="chiso-bench-portal-")
    say(f"portal: writing the feed files ({len(provinces)} provinces x {agencies} agencies)")
    files = _files(tmp, provinces, agencies)
    csv_rows = len(provinces) * agencies * MONTHS * PROCEDURES
    metric_rows = len(provinces) * agencies * MONTHS * len(GROUPS) * (METRICS + 1)
    csv_bytes = sum(os.path.getsize(c) for _, c, _, _ in files)
    json_bytes = sum(os.path.getsize(j) for _, _, j, _ in files)

    token = ctx["login"](ctx["admin"])
    st, key = ctx["api"]("POST", "/api/v1/portal/keys", {"name": "bench national"}, token)
    if st != 200:
        raise SystemExit(f"portal key: {st} {key}")
    key = key["key"]
    say(f"portal: pushing {csv_rows} dossier rows ({csv_bytes >> 20} MiB) through the feed API")
    ok = True
    load_before = os.getloadavg()
    meter = ctx.get("meter")
    cpu = {}
    before = meter.sample() if meter else None
    t = time.perf_counter()
    for pcode, csv_path, _, _ in files:
        b = _push(ctx["url"], key, csv_path, "text/csv")
        ok &= b.get("lines") == agencies * MONTHS * PROCEDURES
    chiso_csv = time.perf_counter() - t
    if meter:
        cpu["csv"] = meter.since(before, csv_rows / 1000)
        before = meter.sample()
    say(f"portal: pushing {len(provinces) * agencies * MONTHS} 766 records ({json_bytes >> 20} MiB)")
    t = time.perf_counter()
    for pcode, _, json_path, _ in files:
        b = _push(ctx["url"], key, json_path, "application/json")
        ok &= b.get("records") == agencies * MONTHS
    chiso_json = time.perf_counter() - t
    if meter:
        cpu["json"] = meter.since(before, metric_rows / 1000)
    rss_service = _vmhwm_kb(os.path.join(ctx["run_dir"], "portal.pid"))
    stored = psql("SELECT (SELECT count(*) FROM portal.dossiers), (SELECT count(*) FROM portal.metrics);")
    stored_csv, stored_metrics = (int(x) for x in stored.strip().split("|"))
    ok &= stored_csv == csv_rows and stored_metrics == metric_rows

    # The same rows with plain COPY, client side (psql \copy), one row per line or metric,
    # no row-level security and no checks: into tables with the index the rows need (the
    # key a doubled line or metric is found by, as portal.dossiers and portal.metrics had
    # before they were stored compactly: batch, agency, period, procedure or code; here the
    # province is the batch, one file each), the baseline of the ratio; and, for the
    # record, into the same tables without any index.
    def copy_both(table, cols, key, paths, opts, rows):
        times = {}
        for indexed in (True, False):
            name = f"public.{table}_{'key' if indexed else 'bare'}"
            psql(f"CREATE TABLE {name} ({cols});" +
                 (f"CREATE INDEX ON {name} ({key});" if indexed else ""))
            script = "".join(f"\\copy {name} FROM '{p}' ({opts})\n" for p in paths)
            b = meter.sample() if meter and indexed else None
            t = time.perf_counter()
            psql(script)
            times[indexed] = time.perf_counter() - t
            if b:
                cpu[f"copy-{table}"] = meter.since(b, rows / 1000)
        return times[True], times[False]

    copy_csv, bare_csv = copy_both(
        "bench_dossiers", "province text, agency_code text, period text, procedure text,"
        " received bigint, on_time bigint, late bigint, online bigint",
        "province, agency_code, period, procedure", [c for _, c, _, _ in files],
        "FORMAT csv, HEADER", csv_rows)
    copy_json, bare_json = copy_both(
        "bench_metrics", "province text, agency_code text, period text, code text,"
        " group_code text, numerator bigint, denominator bigint, score numeric, max_score numeric",
        "province, agency_code, period, code", [fl for _, _, _, fl in files], "FORMAT csv", metric_rows)

    load_after = os.getloadavg()

    # One province's file again (another year: new bytes) with chiso-admin portal-load.
    again = os.path.join(tmp, "hoso-again.csv")
    with open(files[0][1], encoding="utf-8") as src, open(again, "w", encoding="utf-8") as dst:
        for line in src:
            dst.write(line.replace(",2025-", ",2024-"))
    env = dict(os.environ, CHISO_DB=ctx["db_app"])
    t = time.perf_counter()
    proc = subprocess.Popen([os.path.join(ctx["bin"], "chiso-admin"), "portal-load", again],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    # VmHWM sampled until it exits: wait4's ru_maxrss would count this Python process's own
    # pages, which the child holds between fork and exec
    admin_kb = 0
    while proc.poll() is None:
        admin_kb = max(admin_kb, _vmhwm_kb(None, proc.pid) or 0)
        time.sleep(0.02)
    out = proc.stdout.read()
    admin_s = time.perf_counter() - t
    ok &= proc.returncode == 0 and json.loads(out or b"{}").get("lines") == agencies * MONTHS * PROCEDURES
    for name in os.listdir(tmp):
        os.unlink(os.path.join(tmp, name))
    os.rmdir(tmp)

    def row(label, rows, chiso_s, copy_s, bare_s):
        return (f"| {label} | {rows / chiso_s:,.0f} rows/s ({chiso_s:.1f} s) | psql \\copy of the same rows"
                f" into a table with their key index: {rows / copy_s:,.0f} rows/s ({copy_s:.1f} s);"
                f" with no index: {rows / bare_s:,.0f} rows/s ({bare_s:.1f} s) |"
                f" {copy_s / chiso_s:.2f}x COPY's rate ({bare_s / chiso_s:.2f}x with no index) |")
    rss = f"{rss_service / 1024:.1f} MiB" if rss_service else "?"
    lines = [
        row(f"portal ingest, dossier CSV: {csv_rows:,} rows in {len(provinces)} batches through the feed API",
            csv_rows, chiso_csv, copy_csv, bare_csv),
        row(f"portal ingest, 766 JSON: {metric_rows:,} metric rows ({len(provinces) * agencies * MONTHS:,}"
            f" records) in {len(provinces)} batches", metric_rows, chiso_json, copy_json, bare_json),
        "",
        f"Portal: peak RSS of the portal service (VmHWM, its whole life) {rss} after the pushes"
        f" (the gateway writes each body to a feed file, the service reads it in chunks); `chiso-admin portal-load` of one province's"
        f" {agencies * MONTHS * PROCEDURES:,}-row file: {admin_s:.1f} s, peak RSS"
        f" {admin_kb / 1024:.1f} MiB (streams the file); stored {stored_csv:,} dossier rows and"
        f" {stored_metrics:,} metric rows (expected {csv_rows:,} and {metric_rows:,}); raw bytes and"
        f" SHA-256 kept per batch. Load average (1, 5, 15 min) before the pushes"
        f" {load_before[0]:.2f}, {load_before[1]:.2f}, {load_before[2]:.2f}; after the COPYs"
        f" {load_after[0]:.2f}, {load_after[1]:.2f}, {load_after[2]:.2f}.",
    ]
    if meter:
        # CPU of the server side per 1,000 rows: it hardly moves with the machine's load,
        # where the rates above do (the clients, Python's pushes and psql, are not counted)
        def ms(d, *names):
            return sum(d.get(n, 0) for n in names)
        lines += ["", "| CPU per 1,000 rows (ms, server side) | gateway | portal | PostgreSQL | all |"
                      " COPY with the key index (PostgreSQL) | ratio (COPY / chiso) |",
                  "|---|---|---|---|---|---|---|"]
        for label, k, copy_k in (("dossier CSV", "csv", "copy-bench_dossiers"),
                                 ("766 JSON", "json", "copy-bench_metrics")):
            d, c = cpu[k], cpu[copy_k]
            total = ms(d, "gateway", "portal", "PostgreSQL")
            lines.append(f"| {label} | {ms(d, 'gateway'):.1f} | {ms(d, 'portal'):.1f} |"
                         f" {ms(d, 'PostgreSQL'):.1f} | {total:.1f} | {ms(c, 'PostgreSQL'):.1f} |"
                         f" {ms(c, 'PostgreSQL') / total:.2f}x |" if total else f"| {label} | ? |")
    return lines, ok
