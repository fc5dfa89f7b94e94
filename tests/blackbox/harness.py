"""Black-box test harness: talk to a running chiso system the way a client does.

scripts/test starts the whole system (PostgreSQL, broker, services, gateway) and exports:
  CHISO_URL              gateway base URL, e.g. http://127.0.0.1:41234
  CHISO_ADMIN_USER / CHISO_ADMIN_PASSWORD   a sysadmin
  CHISO_BROKER           broker endpoint (for extra service copies)
  CHISO_BIN              folder of the built executables
  CHISO_DB_APP           libpq conninfo of role chiso_app (what the services use)
  CHISO_DB_SYSTEM        libpq conninfo of role chiso_system (chiso-admin create-sysadmin)
  CHISO_DB_SUPER         libpq conninfo of the cluster's superuser
  CHISO_VAR_DIR          the system's data folder (log/, run/, evidence store)
  CHISO_WEB_DIR          static web UI folder
  CHISO_PG_DIR           the PostgreSQL cluster's folder (pg_restart; with CHISO_PG_BIN and
                         CHISO_PG_USER, the user pg_ctl runs as when we are root)

Standard library only. Typical use:

    import unittest
    from harness import api, sysadmin, new_province, assert_error

    class TestX(unittest.TestCase):
        def test_y(self):
            p = new_province()
            st, body, _ = api("GET", "/api/v1/agencies", token=p["token"])
            self.assertEqual(st, 200)
            assert_error(self, api("GET", "/api/v1/agencies"), 401, "unauthenticated")
"""

import http.client
import itertools
import json
import os
import secrets
import signal
import subprocess
import time
import urllib.parse

__all__ = [
    "env", "api", "login", "sysadmin", "new_province", "new_user", "new_agencies", "ok",
    "assert_error",
    "start_service", "stop", "kill9", "wait_log", "psql_app", "psql_super", "unique",
    "service_built", "service_pids", "signal_service", "pg_restart", "ready_services",
]


def env(name):
    """The value of a variable scripts/test exports; a clear failure when run without it."""
    v = os.environ.get(name)
    if not v:
        raise RuntimeError(
            f"{name} is not set: run the black-box tests through `make test` (scripts/test)")
    return v


def unique(prefix="t"):
    """A short name unlikely to clash with any other test's (codes, logins)."""
    return f"{prefix}{secrets.token_hex(4)}"


# --- HTTP -------------------------------------------------------------------------------------

def api(method, path, body=None, token=None, headers=None, raw=None, timeout=30, source=None,
        url=None):
    """One HTTP request to the gateway.

    body: a JSON-serialisable value (sent as application/json); raw: bytes sent as they are
    (set Content-Type in headers). Returns (status, payload, headers) where payload is the
    decoded JSON when the response is JSON, else the raw bytes; headers is a dict with
    lower-case names. Never raises on an HTTP error status.
    source: the local address to connect from (another 127.x.y.z is another client for
    the gateway's per-address limits); url: another gateway's base URL.
    """
    url = (url or env("CHISO_URL")).rstrip("/") + path
    hdrs = {"Accept": "application/json"}
    data = None
    if raw is not None:
        data = raw if isinstance(raw, bytes) else raw.encode("utf-8")
    elif body is not None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        hdrs["Content-Type"] = "application/json"
    if token:
        hdrs["Authorization"] = f"Bearer {token}"
    if headers:
        hdrs.update(headers)
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=timeout,
                                      source_address=(source, 0) if source else None)
    try:
        try:
            conn.request(method, u.path + (f"?{u.query}" if u.query else ""), body=data,
                         headers=hdrs)
        except (BrokenPipeError, ConnectionResetError) as e:
            # The server answered (413, 415...) and closed before reading the whole body:
            # its answer is what the test wants, if it is still readable.
            sent_error = e
        else:
            sent_error = None
        try:
            r = conn.getresponse()
            status, rh, content = r.status, r.headers, r.read()
        except (ConnectionResetError, http.client.RemoteDisconnected):
            if sent_error is not None:
                raise sent_error
            raise
    finally:
        conn.close()
    h = {k.lower(): v for k, v in rh.items()}
    payload = content
    if "json" in h.get("content-type", "") and content:
        try:
            payload = json.loads(content.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            payload = content
    return status, payload, h


def login(user, password):
    """A session token for user, or AssertionError with the server's answer. A 429
    rate_limited (the gateway's per-address bucket) is waited out as a client would."""
    for _ in range(30):
        st, body, h = api("POST", "/api/v1/auth/login", {"login": user, "password": password})
        if st != 429 or not isinstance(body, dict) or \
                body.get("error", {}).get("code") != "rate_limited":
            break
        time.sleep(min(int(h.get("retry-after", "1")), 5))
    if st != 200 or not isinstance(body, dict) or "token" not in body:
        raise AssertionError(f"login {user}: HTTP {st} {body!r}")
    return body["token"]


_sysadmin_token = None


def sysadmin():
    """A token of the sysadmin scripts/test created (one login per test process)."""
    global _sysadmin_token
    if _sysadmin_token is None:
        _sysadmin_token = login(env("CHISO_ADMIN_USER"), env("CHISO_ADMIN_PASSWORD"))
    return _sysadmin_token


def ok(resp, what="request"):
    """The body of a call that must succeed (200 or 201); otherwise the test fails, naming
    what was being done and what came back."""
    st, body, _ = resp
    if st not in (200, 201):
        raise AssertionError(f"{what}: HTTP {st} {body!r}")
    return body


def _ok(resp, what):
    body = ok(resp, what)
    if not isinstance(body, dict):
        raise AssertionError(f"{what}: not a JSON object: {body!r}")
    return body


def new_province(code=None, name=None):
    """A fresh province with its province_admin, through the catalog API.

    Returns a dict: id, code, name, admin_login, admin_password, admin_id, token (the
    province_admin's session), sysadmin_token.
    """
    code = code or unique("P").upper()
    name = name or f"Tỉnh thử {code}"
    sa = sysadmin()
    prov = _ok(api("POST", "/api/v1/provinces", {"code": code, "name": name}, token=sa),
               "create province")
    pid = prov.get("id") or prov.get("province", {}).get("id")
    admin_login = f"admin_{code.lower()}"
    admin_password = secrets.token_urlsafe(12)
    user = _ok(api("POST", "/api/v1/users", {
        "login": admin_login, "password": admin_password, "full_name": f"Quản trị {code}",
        "roles": ["province_admin"], "province_id": pid}, token=sa), "create province_admin")
    uid = user.get("id") or user.get("user", {}).get("id")
    return {
        "id": pid, "code": code, "name": name,
        "admin_login": admin_login, "admin_password": admin_password, "admin_id": uid,
        "token": login(admin_login, admin_password), "sysadmin_token": sa,
    }


def new_user(province, roles, agency_id=None, login_name=None):
    """A user of the province (created by its province_admin); returns id, login, password,
    token."""
    login_name = login_name or unique("u")
    password = secrets.token_urlsafe(12)
    body = {"login": login_name, "password": password, "full_name": f"Người dùng {login_name}",
            "roles": list(roles)}
    if agency_id:
        body["agency_id"] = agency_id
    user = _ok(api("POST", "/api/v1/users", body, token=province["token"]), "create user")
    uid = user.get("id") or user.get("user", {}).get("id")
    return {"id": uid, "login": login_name, "password": password,
            "token": login(login_name, password)}


def new_agencies(province, names, group=("01", "Sở, ban, ngành")):
    """The agency group and one agency per (key, name) in it, with fresh codes: (codes, ids),
    each keyed by key."""
    ok(api("POST", "/api/v1/agency-groups", {"code": group[0], "name": group[1]},
           token=province["token"]), "group")
    codes, ids = {}, {}
    for key, name in names:
        codes[key] = unique("S" + key).upper().replace("-", "")
        ids[key] = ok(api("POST", "/api/v1/agencies", {"code": codes[key], "name": name,
                                                        "group_code": group[0]},
                          token=province["token"]), "agency")["id"]
    return codes, ids


def assert_error(tc, resp, status, code):
    """Assert resp (from api()) is the error `code` with HTTP `status`, in the documented
    shape: {"error": {"code", "message", "message_vi", "message_en", ...}}."""
    st, body, _ = resp
    tc.assertEqual(st, status, f"expected HTTP {status} {code}, got {st}: {body!r}")
    tc.assertIsInstance(body, dict, f"error body is not JSON: {body!r}")
    err = body.get("error")
    tc.assertIsInstance(err, dict, f"no error object: {body!r}")
    tc.assertEqual(err.get("code"), code, f"error code: {body!r}")
    for k in ("message", "message_vi", "message_en"):
        tc.assertTrue(err.get(k), f"error without {k}: {body!r}")


# --- processes --------------------------------------------------------------------------------

_extra = itertools.count(1)


def service_built(name):
    """True when $CHISO_BIN/chiso-<name> exists (for skipUnless)."""
    return os.access(os.path.join(os.environ.get("CHISO_BIN", ""), f"chiso-{name}"), os.X_OK)


def start_service(name, env_extra=None, settle=0.5, as_system=False):
    """Start one more copy of service `name` (catalog, submissions, ...) against the same
    broker and database. Output goes to $CHISO_VAR_DIR/log/<name>-extra-N.log (proc.log_path);
    a pid file in $CHISO_VAR_DIR/run lets scripts/test stop it if the test does not.
    as_system: the copy replaces the one scripts/test started (after signal_service stopped
    it): run/<name>.pid and log/<name>.log, as if the system had started it, and it stays up
    for the tests that follow.
    Returns the subprocess.Popen; fails if the process exits within `settle` seconds."""
    exe = os.path.join(env("CHISO_BIN"), f"chiso-{name}")
    e = dict(os.environ)
    e.pop("CHISO_DB_SYSTEM", None)  # chiso-admin's alone (016_db_defence.sql)
    e["CHISO_DB"] = env("CHISO_DB_APP")
    e["CHISO_BROKER"] = env("CHISO_BROKER")
    e.setdefault("CHISO_WORKERS", "1")  # one worker per copy: tests count copies as workers
    if env_extra:
        e.update({k: str(v) for k, v in env_extra.items()})
    var = env("CHISO_VAR_DIR")
    tag = name if as_system else f"{name}-extra-{next(_extra)}-{os.getpid()}"
    os.makedirs(os.path.join(var, "log"), exist_ok=True)
    os.makedirs(os.path.join(var, "run"), exist_ok=True)
    log_path = os.path.join(var, "log", f"{tag}.log")
    with open(log_path, "ab") as log:
        proc = subprocess.Popen([exe], env=e, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    proc.log_path = log_path
    proc.pid_path = os.path.join(var, "run", f"{tag}.pid")
    with open(proc.pid_path, "w") as f:
        f.write(f"{proc.pid}\n")
    time.sleep(settle)
    if proc.poll() is not None:
        _forget(proc)
        with open(log_path, "rb") as f:
            tail = f.read()[-2000:].decode("utf-8", "replace")
        raise AssertionError(f"chiso-{name} exited at start ({proc.returncode}):\n{tail}")
    return proc


def _forget(proc):
    try:
        os.unlink(proc.pid_path)
    except (AttributeError, FileNotFoundError):
        pass


def stop(proc, timeout=10):
    """SIGTERM, wait (then SIGKILL after timeout). Returns the exit status."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    _forget(proc)
    return proc.returncode


def kill9(proc):
    """SIGKILL (a crash: no clean-up in the process). Returns the exit status."""
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    _forget(proc)
    return proc.returncode


def wait_log(proc_or_path, text, timeout=10):
    """Wait until `text` appears in a process's log (or a log file); True / False."""
    path = getattr(proc_or_path, "log_path", proc_or_path)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with open(path, "rb") as f:
                if text.encode("utf-8") in f.read():
                    return True
        except FileNotFoundError:
            pass
        time.sleep(0.05)
    return False


def _is_service(pid, name):
    """pid is a live (not zombie) chiso-<name> process."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            if f.read().rsplit(b")", 1)[1].split()[0] == b"Z":
                return False
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv0 = f.read().split(b"\0")[0]
    except (OSError, IndexError):
        return False
    return os.path.basename(argv0).decode("utf-8", "replace") == f"chiso-{name}"


def service_pids(name):
    """{pid: pid file} of the live processes of service `name` the test system knows: the
    one scripts/test started (run/<name>.pid) and the copies start_service() recorded
    (run/<name>-extra-*.pid). A pid file whose process is gone (or is something else now)
    is not listed."""
    run = os.path.join(env("CHISO_VAR_DIR"), "run")
    found = {}
    for fn in sorted(os.listdir(run)):
        if fn != f"{name}.pid" and not (fn.startswith(f"{name}-extra-") and fn.endswith(".pid")):
            continue
        path = os.path.join(run, fn)
        try:
            with open(path) as f:
                pid = int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            continue
        if _is_service(pid, name):
            found[pid] = path
    return found


def signal_service(name, sig=signal.SIGTERM, timeout=15):
    """Send `sig` to every live process of service `name` (service_pids) and wait until they
    are gone (SIGKILL after `timeout` seconds); their pid files are removed, so nothing
    stops a recycled pid later. Returns the pids signalled."""
    procs = service_pids(name)
    for pid in procs:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass
    end = time.monotonic() + timeout
    for pid, path in procs.items():
        while _is_service(pid, name) and time.monotonic() < end:
            time.sleep(0.05)
        if _is_service(pid, name):
            os.kill(pid, signal.SIGKILL)
            while _is_service(pid, name):
                time.sleep(0.05)
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
    return sorted(procs)


def ready_services():
    """The gateway's /readyz view of the broker: {service: live worker count}."""
    _, body, _ = api("GET", "/readyz")
    if not isinstance(body, dict) or not isinstance(body.get("services"), dict):
        raise AssertionError(f"/readyz: {body!r}")
    return body["services"]


def pg_restart(timeout=60):
    """Restart the test system's PostgreSQL cluster (pg_ctl restart -m fast): every open
    connection of every service breaks. Needs CHISO_PG_DIR (the cluster's folder, from
    scripts/test); as root pg_ctl runs as CHISO_PG_USER (postgres)."""
    d = env("CHISO_PG_DIR")
    pg_ctl = os.path.join(os.environ.get("CHISO_PG_BIN", "/usr/lib/postgresql/15/bin"), "pg_ctl")
    cmd = [pg_ctl, "-D", os.path.join(d, "data"), "-l", os.path.join(d, "postgres.log"),
           "-m", "fast", "-w", "-t", str(timeout), "restart"]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", os.environ.get("CHISO_PG_USER", "postgres"), "--"] + cmd
    r = subprocess.run(cmd, cwd="/", stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=timeout + 30)
    if r.returncode != 0:
        raise AssertionError(f"pg_ctl restart failed ({r.returncode}): "
                             f"{(r.stdout + r.stderr).decode('utf-8', 'replace')}")


# --- database ---------------------------------------------------------------------------------

def _psql(conninfo, sql, params):
    """Run sql through psql; params become psql variables (use :'name' for a quoted literal,
    :"name" for an identifier), so values are never spliced into the text. Returns the rows
    as lists of strings (NULL -> None)."""
    cmd = ["psql", "-X", "-q", "-A", "-t", "-F", "\x1f", "-P", "null=\x1e",
           "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-f", "-"]
    for k, v in (params or {}).items():
        cmd[1:1] = ["-v", f"{k}={v}"]
    r = subprocess.run(cmd, input=sql.encode("utf-8"), capture_output=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError(f"psql failed ({r.returncode}): {r.stderr.decode('utf-8', 'replace')}")
    rows = []
    for line in r.stdout.decode("utf-8").split("\n"):
        if line == "":
            continue
        rows.append([None if c == "\x1e" else c for c in line.split("\x1f")])
    return rows


def psql_app(sql, params=None):
    """Rows of sql run as chiso_app (row-level security applies; set a tenant with
    SELECT set_config('chiso.province_id', :'p', false) in the same sql)."""
    return _psql(env("CHISO_DB_APP"), sql, params)


def psql_super(sql, params=None):
    """Rows of sql run as the cluster's superuser (sees everything)."""
    return _psql(env("CHISO_DB_SUPER"), sql, params)
