"""The public-reads row of `make bench` (imported by scripts/bench.py; issue 11, P4).

A published snapshot (the worked example 02-quota, played and published through the API by
scripts/load-scenario --publish) is read by 64 keep-alive clients from the gateway, and the
same bytes are read from a file served by Debian's nginx, started on a free local port, by
the same load generator (chiso-loadgen) in the same run: full answers (200) and revalidations
(If-None-Match -> 304). The two servers take turns, ROUNDS rounds each (gateway, nginx,
gateway, ...), so that a drift of the machine's speed during the row falls on both; the
figure is the median rate of chiso's rounds over the median of nginx's, and next to it the
CPU each server spent per read (server side, from /proc: the gateway's process, nginx's
master and workers), which the rest of the machine's load hardly moves. Every answer is
checked: the bytes hash to the ETag, and the load generator counts any other status as an
error.
"""
import hashlib
import os
import statistics
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

CLIENTS = 64
REQUESTS = int(os.environ.get("CHISO_BENCH_READS", "40000"))
ROUNDS = int(os.environ.get("CHISO_BENCH_READ_ROUNDS", "3"))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NGINX_CONF = """worker_processes auto;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    keepalive_requests 1000000;
    default_type application/json;
    server {{
        listen 127.0.0.1:{port};
        root {tmp}/www;
    }}
}}
"""


def _get(url, headers=None):
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def _publish(ctx):
    """Play and publish 02-quota; the path of its version 1."""
    env = dict(os.environ, CHISO_URL=ctx["url"], CHISO_ADMIN_USER=ctx["admin"],
               CHISO_ADMIN_PASSWORD=ctx["password"])
    p = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "load-scenario"), "--publish",
                        os.path.join(ROOT, "tests", "examples", "02-quota.scenario.json")],
                       env=env, capture_output=True, text=True, timeout=900)
    if p.returncode != 0:
        raise SystemExit(f"load-scenario --publish failed: {p.stderr[-2000:]}")
    url = p.stderr.strip().splitlines()[-1]
    return url[len(ctx["url"].rstrip("/")):].split("/versions/")[0] + "/versions/1"


def _nginx(tmp, body):
    """Start nginx serving body as /snapshot.json on a free port: (process, port)."""
    exe = shutil.which("nginx") or "/usr/sbin/nginx"
    os.makedirs(os.path.join(tmp, "www"))
    with open(os.path.join(tmp, "www", "snapshot.json"), "wb") as f:
        f.write(body)
    os.chmod(tmp, 0o755)
    for d in ("www",):
        os.chmod(os.path.join(tmp, d), 0o755)
    os.chmod(os.path.join(tmp, "www", "snapshot.json"), 0o644)
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(tmp=tmp, port=port))
    proc = subprocess.Popen([exe, "-p", tmp, "-c", conf, "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(100):
        try:
            st, _, _ = _get(f"http://127.0.0.1:{port}/snapshot.json")
            if st == 200:
                return proc, port
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"nginx did not start: {proc.stderr.read().decode(errors='replace')[-1000:]}")


def _load(ctx, tmp, name, port, path, header=""):
    script = os.path.join(tmp, f"{name}.tsv")
    with open(script, "w") as f:
        f.write(f"GET\t{path}\t-\t\t{header}\n" * REQUESTS)
    return ctx["run_json"]([os.path.join(ctx["bin"], "chiso-loadgen"), "127.0.0.1", str(port),
                            str(CLIENTS), script])


def _cpu_ticks(pids):
    """utime + stime of the processes, in clock ticks (a process gone counts 0)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total


def _nginx_pids(master):
    pids = [master]
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == master:
                        pids.append(int(d))
            except OSError:
                pass
    return pids


def _gateway_pids(ctx):
    with open(os.path.join(ctx["run_dir"], "gateway.pid")) as f:
        return [int(f.read().strip())]


def _rounds(ctx, tmp, label, servers):
    """ROUNDS alternating rounds of each server: {name: (median rate, CPU us per read,
    worst p99, errors)}."""
    tick = os.sysconf("SC_CLK_TCK")
    got = {name: ([], 0, 0.0, 0) for name, *_ in servers}
    for _ in range(ROUNDS):
        for name, port, path, header, pids in servers:
            before = _cpu_ticks(pids)
            r = _load(ctx, tmp, f"{name}-{label}", port, path, header)
            rates, ticks, p99, errors = got[name]
            rates.append(r["per_second"])
            got[name] = (rates, ticks + _cpu_ticks(pids) - before, max(p99, r["p99_ms"]),
                         errors + r["errors"])
    return {name: (statistics.median(rates), ticks * 1e6 / tick / (REQUESTS * ROUNDS), p99, errors)
            for name, (rates, ticks, p99, errors) in got.items()}


def run(ctx):
    """(table lines, ok)."""
    say = ctx["say"]
    if not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")):
        say("nginx is not installed (scripts/install-deps --bench): public-reads row skipped")
        return ["| public reads (P4) | not measured: nginx missing | | |"], True
    path = _publish(ctx)
    gw_port = ctx["url"].rstrip("/").rsplit(":", 1)[1]
    st, body, h = _get(ctx["url"].rstrip("/") + path)
    tag = h.get("ETag") or h.get("Etag")
    ok = st == 200 and tag == '"%s"' % hashlib.sha256(body).hexdigest()
    tmp = tempfile.mkdtemp(prefix="chiso-bench-nginx.")
    proc, port = _nginx(tmp, body)
    try:
        st2, same, h2 = _get(f"http://127.0.0.1:{port}/snapshot.json")
        ok = ok and st2 == 200 and same == body
        ntag = h2.get("ETag") or h2.get("Etag")
        say(f"public reads: {len(body)} bytes, {ROUNDS} rounds of {REQUESTS} requests x 64 clients"
            f" each way, the two servers taking turns")
        gw_pids, ng_pids = _gateway_pids(ctx), _nginx_pids(proc.pid)
        rows = []
        for label, gw_hdr, ng_hdr in (("200", "", ""),
                                      ("304", f"If-None-Match: {tag}", f"If-None-Match: {ntag}")):
            got = _rounds(ctx, tmp, label, [("gw", gw_port, path, gw_hdr, gw_pids),
                                            ("ng", port, "/snapshot.json", ng_hdr, ng_pids)])
            (gw, gw_cpu, gw_p99, gw_err), (ng, ng_cpu, ng_p99, ng_err) = got["gw"], got["ng"]
            ok = ok and gw_err == 0 and ng_err == 0
            rows.append(
                f"| public reads of a published snapshot ({len(body):,} bytes, {label}), 64 clients,"
                f" median of {ROUNDS} rounds | {gw:,.0f}/s, p99 {gw_p99:.1f} ms, {gw_err} errors;"
                f" CPU {gw_cpu:.1f} µs per read | nginx {ng:,.0f}/s, p99 {ng_p99:.1f} ms;"
                f" CPU {ng_cpu:.1f} µs per read | {gw / ng:.2f}× (CPU: {ng_cpu / gw_cpu:.2f}×) |")
        return rows, ok
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
