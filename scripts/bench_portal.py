"""The portal-ingest row of `make bench` (imported by scripts/bench.py).

National scale on the bench's 34 provinces x 130 agencies: dossier counts for 12 months x 38
procedures per agency (34 x 130 x 12 x 38 = 2,015,520 CSV rows, one file per province) and
the Decision-766 index for 12 months per agency (34 x 130 x 12 = 53,040 records, 6 groups with
3 metrics each: 1,272,960 metric rows, one JSON file per province). Each file is pushed
through the feed API as the national portal's client would (a national API key, one batch
per province and feed), then the same rows go into plain tables with psql's \\copy in the
same run: the ratio is COPY's time over chiso's (chiso's throughput as a fraction of COPY's).
The portal service's peak RSS (VmHWM) is read from /proc after the pushes, and one province's
dossier file is also loaded with `chiso-admin portal-load` (its peak RSS from wait4).
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


def _vmhwm_kb(pid_file):
    try:
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
    t = time.perf_counter()
    for pcode, csv_path, _, _ in files:
        b = _push(ctx["url"], key, csv_path, "text/csv")
        ok &= b.get("lines") == agencies * MONTHS * PROCEDURES
    chiso_csv = time.perf_counter() - t
    say(f"portal: pushing {len(provinces) * agencies * MONTHS} 766 records ({json_bytes >> 20} MiB)")
    t = time.perf_counter()
    for pcode, _, json_path, _ in files:
        b = _push(ctx["url"], key, json_path, "application/json")
        ok &= b.get("records") == agencies * MONTHS
    chiso_json = time.perf_counter() - t
    rss_service = _vmhwm_kb(os.path.join(ctx["run_dir"], "portal.pid"))
    stored = psql("SELECT (SELECT count(*) FROM portal.dossiers), (SELECT count(*) FROM portal.metrics);")
    stored_csv, stored_metrics = (int(x) for x in stored.strip().split("|"))
    ok &= stored_csv == csv_rows and stored_metrics == metric_rows

    # The same rows with plain COPY, client side (psql \copy), into tables with no index,
    # no row-level security and no checks.
    psql("CREATE TABLE public.bench_dossiers_raw (province text, agency_code text, period text,"
         " procedure text, received bigint, on_time bigint, late bigint, online bigint);"
         "CREATE TABLE public.bench_metrics_raw (province text, agency_code text, period text,"
         " code text, group_code text, numerator bigint, denominator bigint, score numeric,"
         " max_score numeric);")
    script = "".join(f"\\copy public.bench_dossiers_raw FROM '{c}' (FORMAT csv, HEADER)\n"
                     for _, c, _, _ in files)
    t = time.perf_counter()
    psql(script)
    copy_csv = time.perf_counter() - t
    script = "".join(f"\\copy public.bench_metrics_raw FROM '{fl}' (FORMAT csv)\n"
                     for _, _, _, fl in files)
    t = time.perf_counter()
    psql(script)
    copy_json = time.perf_counter() - t

    # One province's file again (another year: new bytes) with chiso-admin portal-load.
    again = os.path.join(tmp, "hoso-again.csv")
    with open(files[0][1], encoding="utf-8") as src, open(again, "w", encoding="utf-8") as dst:
        for line in src:
            dst.write(line.replace(",2025-", ",2024-"))
    env = dict(os.environ, CHISO_DB=ctx["db_app"])
    t = time.perf_counter()
    proc = subprocess.Popen([os.path.join(ctx["bin"], "chiso-admin"), "portal-load", again],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    admin_s = time.perf_counter() - t
    ok &= status == 0 and json.loads(out or b"{}").get("lines") == agencies * MONTHS * PROCEDURES
    for name in os.listdir(tmp):
        os.unlink(os.path.join(tmp, name))
    os.rmdir(tmp)

    def row(label, rows, chiso_s, copy_s):
        return (f"| {label} | {rows / chiso_s:,.0f} rows/s ({chiso_s:.1f} s) | psql \\copy of the same rows:"
                f" {rows / copy_s:,.0f} rows/s ({copy_s:.1f} s) | {copy_s / chiso_s:.2f}x COPY's rate |")
    rss = f"{rss_service / 1024:.1f} MiB" if rss_service else "?"
    lines = [
        row(f"portal ingest, dossier CSV: {csv_rows:,} rows in {len(provinces)} batches through the feed API",
            csv_rows, chiso_csv, copy_csv),
        row(f"portal ingest, 766 JSON: {metric_rows:,} metric rows ({len(provinces) * agencies * MONTHS:,}"
            f" records) in {len(provinces)} batches", metric_rows, chiso_json, copy_json),
        "",
        f"Portal: peak RSS of the portal service (VmHWM) {rss} after the pushes (each batch is one"
        f" request body, at most one province's file); `chiso-admin portal-load` of one province's"
        f" {agencies * MONTHS * PROCEDURES:,}-row file: {admin_s:.1f} s, peak RSS"
        f" {usage.ru_maxrss / 1024:.1f} MiB (streams the file); stored {stored_csv:,} dossier rows and"
        f" {stored_metrics:,} metric rows (expected {csv_rows:,} and {metric_rows:,}); raw bytes and"
        f" SHA-256 kept per batch.",
    ]
    return lines, ok
