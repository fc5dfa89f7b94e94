# Shell functions shared by scripts/pg, scripts/migrate, scripts/run and scripts/test.
# Source it (`. "$(dirname "$0")/lib.sh"`); it defines functions and CS_ROOT, nothing runs.
#
# Processes are tracked by pid files in $CS_RUN_DIR (one file per process, <name>.pid) and
# log to $CS_LOG_DIR/<name>.log, so the same stop code serves `run --stop`, Ctrl-C and the
# test runner's clean-up.

CS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CS_PG_BIN=${CS_PG_BIN:-/usr/lib/postgresql/15/bin}
# The services `scripts/run` and `scripts/test` start, in this order, when their executable
# exists (they are being written in parallel; a missing one is reported, not fatal).
CS_SERVICES=${CHISO_SERVICES:-"catalog submissions appraisal surveys leadership ranking portal"}
# The role that runs PostgreSQL when we are root (PostgreSQL refuses to run as root).
CS_PG_USER=${CHISO_PG_USER:-postgres}

cs_say()  { printf '%s\n' "chiso: $*" >&2; }
cs_die()  { printf '%s\n' "chiso: error: $*" >&2; exit 1; }

cs_is_root() { [ "$(id -u)" = 0 ]; }

# Absolute path of $1 (which need not exist yet).
cs_abspath() {
    case $1 in
        /*) printf '%s\n' "$1" ;;
        *)  printf '%s\n' "$PWD/$1" ;;
    esac
}

# A TCP port on 127.0.0.1 that is free right now.
cs_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# A random password (URL-safe, 24 characters).
cs_random_password() {
    python3 -c 'import secrets; print(secrets.token_urlsafe(18))'
}

# --- PostgreSQL cluster --------------------------------------------------------------------
# Layout of a cluster folder DIR: DIR/data (PGDATA), DIR/.s.PGSQL.<port> (socket), DIR/port,
# DIR/postgres.log. Superuser chiso_super; trust authentication on the local socket and on
# 127.0.0.1 only (see README: a developer's throw-away cluster, not a server).

# Run a command as the cluster's owner: as root that is $CS_PG_USER, otherwise ourselves.
# From "/" because the caller's folder (e.g. under /root) may be unreadable for that user.
cs_as_pg() {
    if cs_is_root; then
        (cd / && runuser -u "$CS_PG_USER" -- "$@")
    else
        "$@"
    fi
}

# Print the folder the cluster for DIR really lives in. As root, DIR must be reachable and
# writable by $CS_PG_USER; when it is not (a clone under /root...) or its path is too long
# for a unix socket, use /var/tmp/chiso-<hash of DIR>/ instead and say so on stderr.
# Deterministic, so `start`/`stop` find what `init` made.
cs_pg_resolve() {
    local dir; dir=$(cs_abspath "$1")
    local ok=1
    if [ ${#dir} -gt 80 ]; then
        ok=0
    elif cs_is_root; then
        id -u "$CS_PG_USER" >/dev/null 2>&1 || cs_die "user $CS_PG_USER does not exist (install postgresql)"
        mkdir -p "$dir" 2>/dev/null && chown "$CS_PG_USER" "$dir" 2>/dev/null || ok=0
        if [ $ok = 1 ] && ! (cd / && runuser -u "$CS_PG_USER" -- test -w "$dir" -a -x "$dir"); then
            ok=0
        fi
    fi
    if [ $ok = 1 ]; then
        printf '%s\n' "$dir"
        return
    fi
    local hash; hash=$(printf '%s' "$dir" | sha256sum | cut -c1-12)
    local alt=/var/tmp/chiso-$hash
    mkdir -p "$alt"
    if cs_is_root; then chown "$CS_PG_USER" "$alt"; fi
    chmod 700 "$alt"
    if [ ! -e "$alt/.announced" ]; then
        cs_say "PostgreSQL cluster for $dir lives in $alt (the first is not reachable by user ${CS_PG_USER} or too long a path)"
        : > "$alt/.announced"
    fi
    # Leave a note where the cluster was expected, for humans.
    if [ -d "$dir" ] || mkdir -p "$dir" 2>/dev/null; then
        printf '%s\n' "$alt" > "$dir/LOCATION" 2>/dev/null || true
    fi
    printf '%s\n' "$alt"
}

# cs_pg_init DIR PORT [fast]: create the cluster (no-op when it exists). "fast" turns off
# fsync for throw-away test clusters.
cs_pg_init() {
    local dir=$1 port=$2 fast=${3:-}
    [ -n "$port" ] || cs_die "pg init: port missing"
    if [ -f "$dir/data/PG_VERSION" ]; then
        return 0
    fi
    mkdir -p "$dir"
    if cs_is_root; then chown "$CS_PG_USER" "$dir"; fi
    cs_as_pg "$CS_PG_BIN/initdb" -D "$dir/data" -U chiso_super --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; cs_die "initdb failed in $dir"; }
    # Settings go into the cluster so start/stop need only the folder.
    cs_as_pg sh -c "cat >> '$dir/data/postgresql.conf'" <<EOF

# chiso: local development/test cluster
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 200
timezone = 'UTC'
log_timezone = 'UTC'
EOF
    if [ "$fast" = fast ]; then
        cs_as_pg sh -c "printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' >> '$dir/data/postgresql.conf'"
    fi
    cs_as_pg sh -c "cat > '$dir/data/pg_hba.conf'" <<'EOF'
# chiso: trust on the local socket and on the loopback address only.
local all all               trust
host  all all 127.0.0.1/32  trust
EOF
    printf '%s\n' "$port" > "$dir/port.tmp" && mv "$dir/port.tmp" "$dir/port"
}

cs_pg_port() { cat "$1/port" 2>/dev/null; }

cs_pg_running() {
    [ -f "$1/data/PG_VERSION" ] && cs_as_pg "$CS_PG_BIN/pg_ctl" -D "$1/data" status >/dev/null 2>&1
}

cs_pg_start() {
    local dir=$1
    [ -f "$dir/data/PG_VERSION" ] || cs_die "no cluster in $dir (scripts/pg init DIR PORT)"
    if cs_pg_running "$dir"; then
        return 0
    fi
    cs_as_pg "$CS_PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start >/dev/null \
        || { tail -n 30 "$dir/postgres.log" >&2; cs_die "PostgreSQL did not start (log: $dir/postgres.log)"; }
    CS_PG_PID=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null)
}

cs_pg_stop() {
    local dir=$1 i
    if cs_pg_running "$dir"; then
        cs_as_pg "$CS_PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
    elif [ -n "${CS_PG_PID:-}" ] && tr '\0' ' ' < "/proc/$CS_PG_PID/cmdline" 2>/dev/null | grep -qF -- "$dir/data"; then
        # The cluster's folder vanished under it (pg_ctl cannot find it): the postmaster
        # we started, by its pid; SIGINT is PostgreSQL's fast shutdown.
        kill -INT "$CS_PG_PID" 2>/dev/null || true
        for i in $(seq 1 100); do kill -0 "$CS_PG_PID" 2>/dev/null || break; sleep 0.1; done
    fi
    CS_PG_PID=""
}

# Conninfo strings (TCP on the loopback, so no socket path is involved on the client side).
cs_conninfo_super() { printf 'host=127.0.0.1 port=%s dbname=chiso user=chiso_super' "$1"; }
cs_conninfo_app()   { printf 'host=127.0.0.1 port=%s dbname=chiso user=chiso_app' "$1"; }
# chiso_system: the role that may be system (chiso-admin create-sysadmin; 016_db_defence.sql).
cs_conninfo_system() { printf 'host=127.0.0.1 port=%s dbname=chiso user=chiso_system' "$1"; }

# --- processes --------------------------------------------------------------------------

# cs_spawn NAME CMD...: start CMD in the background with its own session (so a Ctrl-C in a
# terminal reaches it only through us), output to $CS_LOG_DIR/NAME.log, pid in
# $CS_RUN_DIR/NAME.pid. Environment: whatever the caller exported.
cs_spawn() {
    local name=$1; shift
    mkdir -p "$CS_RUN_DIR" "$CS_LOG_DIR"
    # Role chiso_system's connection string stays with chiso-admin: no service gets it.
    setsid env -u CHISO_DB_SYSTEM "$@" </dev/null >>"$CS_LOG_DIR/$name.log" 2>&1 &
    local pid=$!
    printf '%s\n' "$pid" > "$CS_RUN_DIR/$name.pid"
    # Also in memory: the stop still works if the run folder is gone.
    printf -v "CS_PID_${name//[^a-zA-Z0-9]/_}" '%s' "$pid"
    # Give it a moment to fail on bad configuration, so the message comes now.
    sleep 0.2
    if ! kill -0 "$pid" 2>/dev/null; then
        cs_say "$name exited at start; last lines of $CS_LOG_DIR/$name.log:"
        tail -n 20 "$CS_LOG_DIR/$name.log" >&2
        rm -f "$CS_RUN_DIR/$name.pid"
        return 1
    fi
}

# cs_stop_proc NAME: SIGTERM, wait up to 10 s, then SIGKILL. Only the pid we recorded.
cs_stop_proc() {
    local f=$CS_RUN_DIR/$1.pid pid i var
    var=CS_PID_${1//[^a-zA-Z0-9]/_}
    if [ -f "$f" ]; then
        pid=$(cat "$f")
    else
        pid=${!var:-}
    fi
    [ -n "$pid" ] || return 0
    printf -v "$var" '%s' ""
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for i in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            cs_say "$1 (pid $pid) did not stop in 10 s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$f"
}

# Wait until URL answers 200, at most $2 seconds (default 30). 0 / 1.
cs_wait_http() {
    local url=$1 limit=${2:-30} i
    for i in $(seq 1 $((limit * 10))); do
        if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" 2>/dev/null)" = 200 ]; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# Wait until something listens on 127.0.0.1:PORT, at most 10 s.
cs_wait_port() {
    python3 - "$1" <<'EOF'
import socket, sys, time
port = int(sys.argv[1])
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
EOF
}

# --- the whole system ---------------------------------------------------------------------
# cs_system_start: needs CHISO_BIN, CS_RUN_DIR, CS_LOG_DIR, CHISO_DB_APP, CHISO_BROKER,
# CHISO_PORT, CHISO_VAR_DIR, CHISO_WEB_DIR. Starts the broker, the services whose
# executables exist, then the gateway, and waits for /readyz. Sets CS_STARTED (names).
cs_system_start() {
    CS_STARTED=""
    export CHISO_BROKER CHISO_PORT CHISO_VAR_DIR CHISO_WEB_DIR
    mkdir -p "$CHISO_VAR_DIR"
    if [ -x "$CHISO_BIN/chiso-broker" ]; then
        cs_spawn broker "$CHISO_BIN/chiso-broker" || return 1
        CS_STARTED="broker"
        cs_wait_port "${CHISO_BROKER##*:}" || cs_say "broker is not listening on $CHISO_BROKER yet"
    else
        cs_say "no $CHISO_BIN/chiso-broker: nothing can talk to the services"
    fi
    local s missing=""
    for s in $CS_SERVICES; do
        if [ -x "$CHISO_BIN/chiso-$s" ]; then
            CHISO_DB=$CHISO_DB_APP cs_spawn "$s" "$CHISO_BIN/chiso-$s" || return 1
            CS_STARTED="$CS_STARTED $s"
        else
            missing="$missing $s"
        fi
    done
    [ -z "$missing" ] || cs_say "not built (skipped):$missing"
    if [ -x "$CHISO_BIN/chiso-gateway" ]; then
        CHISO_DB=$CHISO_DB_APP cs_spawn gateway "$CHISO_BIN/chiso-gateway" || return 1
        CS_STARTED="$CS_STARTED gateway"
        if ! cs_wait_http "http://127.0.0.1:$CHISO_PORT/readyz" 60; then
            cs_say "gateway did not answer 200 on /readyz within 60 s; last lines of its log:"
            tail -n 20 "$CS_LOG_DIR/gateway.log" >&2
            return 1
        fi
    else
        cs_say "no $CHISO_BIN/chiso-gateway: no HTTP API"
    fi
}

# Stop gateway, services, broker (reverse order of start), whatever has a pid file.
cs_system_stop() {
    local s
    cs_stop_proc gateway
    for s in $CS_SERVICES; do cs_stop_proc "$s"; done
    # Extra copies started by hand or by tests that recorded a pid file here.
    for s in "$CS_RUN_DIR"/*.pid; do
        [ -e "$s" ] || continue
        s=$(basename "$s" .pid)
        [ "$s" = broker ] || cs_stop_proc "$s"
    done
    cs_stop_proc broker
}

# cs_create_sysadmin LOGIN PASSWORD: through chiso-admin (password on stdin; for an existing
# sysadmin it sets the password, so the given one is always the valid one).
# 0 done, 1 failed, 2 no chiso-admin.
cs_create_sysadmin() {
    local login=$1 password=$2
    if [ ! -x "$CHISO_BIN/chiso-admin" ]; then
        cs_say "no $CHISO_BIN/chiso-admin: sysadmin $login not created"
        return 2
    fi
    printf '%s\n' "$password" | CHISO_DB=$CHISO_DB_APP CHISO_DB_SYSTEM=$CHISO_DB_SYSTEM \
        "$CHISO_BIN/chiso-admin" create-sysadmin "$login" \
        >>"$CS_LOG_DIR/admin.log" 2>&1 \
        || { cs_say "chiso-admin create-sysadmin $login failed:"; tail -n 20 "$CS_LOG_DIR/admin.log" >&2; return 1; }
}
