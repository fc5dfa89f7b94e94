#include "cs_db.h"

#include <ctype.h>
#include <poll.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "cs_config.h"
#include "cs_log.h"

/* Statements are prepared, transparently: cs_db_exec prepares each distinct SQL text once
 * per connection and then only binds and executes it. Measured (make bench), parsing and
 * planning every one of the ~18 statements of a score save was most of the server's CPU per
 * save. The table of prepared statements belongs to the server session: it is forgotten
 * whenever the connection is replaced or reset, and a statement the server no longer knows
 * (SQLSTATE 26000, e.g. after DISCARD ALL) is forgotten and run again (outside a
 * transaction at once, inside one by retrying the whole transaction). Transaction control
 * and other utility statements stay on PQexecParams: there is nothing to plan in them. */

#define CS_DB_TX_ATTEMPTS 5

/* One statement prepared on the current server session. The text is kept (not only its
 * hash) so two texts with the same hash can never run each other's statement. */
typedef struct {
    uint64_t hash;      /* 0: free slot */
    char *sql;
    char name[40];
} cs_db_stmt;

/* A statement waiting to go with the next one (cs_db_queue). */
typedef struct {
    char *sql;
    int nparams;
    char **params;
    PGresult **out;     /* where its result goes; NULL: only its success matters */
    bool tenant;        /* cs_db_tx_as's tenant statement: its 4th column says stale */
} s_queued;

struct cs_db {
    char *conninfo;
    PGconn *conn;
    bool retryable;     /* last failure may be retried as a whole transaction */
    bool in_tx;         /* between BEGIN and COMMIT/ROLLBACK, BEGIN sent or queued */
    bool tx_sent;       /* BEGIN has gone to the server */
    s_queued *queue;
    size_t n_queue, cap_queue;
    char sqlstate[6];
    cs_db_stmt *stmts;  /* open addressing, n_slots a power of two, at most half full */
    size_t n_slots;
    size_t n_stmts;
    unsigned generation; /* in every name, so a forgotten statement's name is never reused */
    size_t n_ok;        /* statements of the last round trip that succeeded, in order */
    bool link;          /* this transaction left audit rows to link after its COMMIT */
};

static void s_queue_clear(cs_db *self);

/* FNV-1a, 64 bits: the statement's name only has to be stable and short; the kept text
 * rules out collisions. Never 0, which marks a free slot. */
static uint64_t s_hash(const char *sql)
{
    uint64_t h = 14695981039346656037ULL;
    for (const unsigned char *p = (const unsigned char *)sql; *p; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    return h ? h : 1;
}

/* Forget every prepared statement: the server session they lived in is gone (or they
 * were discarded). The table's memory is kept for the next session. */
static void s_forget_all(cs_db *self)
{
    for (size_t i = 0; i < self->n_slots; i++) {
        free(self->stmts[i].sql);
        self->stmts[i] = (cs_db_stmt){0};
    }
    self->n_stmts = 0;
    self->generation++;
}

/* Close the connection and everything that belonged to its server session. */
static void s_drop_conn(cs_db *self)
{
    if (self->conn)
        PQfinish(self->conn);
    self->conn = NULL;
    s_forget_all(self);
}

/* The slot of sql: its entry when prepared, else the free slot where it would go. NULL only
 * when the table has no slots yet. */
static cs_db_stmt *s_slot(cs_db *self, const char *sql, uint64_t h)
{
    if (!self->n_slots)
        return NULL;
    for (size_t i = (size_t)h & (self->n_slots - 1);; i = (i + 1) & (self->n_slots - 1)) {
        cs_db_stmt *st = &self->stmts[i];
        if (!st->hash || (st->hash == h && !strcmp(st->sql, sql)))
            return st;
    }
}

static int s_grow(cs_db *self)
{
    size_t n = self->n_slots ? self->n_slots * 2 : 64;
    cs_db_stmt *old = self->stmts;
    size_t old_n = self->n_slots;
    cs_db_stmt *fresh = calloc(n, sizeof *fresh);
    if (!fresh)
        return -1;
    self->stmts = fresh;
    self->n_slots = n;
    for (size_t i = 0; i < old_n; i++)
        if (old[i].hash)
            *s_slot(self, old[i].sql, old[i].hash) = old[i];
    free(old);
    return 0;
}

/* Only statements that are planned are worth a prepared statement; the rest (BEGIN, COMMIT,
 * SET, DEALLOCATE, DDL ...) are sent as they are. */
static bool s_preparable(const char *sql)
{
    static const char *const verbs[] = {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH",
                                        "VALUES"};
    sql += strspn(sql, " \t\r\n(");
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        size_t n = strlen(verbs[i]);
        if (!strncasecmp(sql, verbs[i], n) && !isalnum((unsigned char)sql[n]) && sql[n] != '_')
            return true;
    }
    return false;
}

/* The name of sql's prepared statement on this session, preparing it first when new; NULL
 * when it is not worth preparing (run it unnamed). When the server refuses to prepare it,
 * NULL with *failed set to the server's answer, which is then the statement's result: the
 * same error the unnamed statement would have given. */
static const char *s_prepared(cs_db *self, PGconn *conn, const char *sql, int nparams,
                              PGresult **failed)
{
    *failed = NULL;
    if (!s_preparable(sql))
        return NULL;
    uint64_t h = s_hash(sql);
    cs_db_stmt *st = s_slot(self, sql, h);
    if (st && st->hash)
        return st->name;
    if ((self->n_stmts + 1) * 2 > self->n_slots) {
        if (s_grow(self) < 0)
            return NULL;
        st = s_slot(self, sql, h);
    }
    char name[sizeof st->name];
    snprintf(name, sizeof name, "cs_%016llx_%u", (unsigned long long)h, self->generation);
    char *copy = strdup(sql);
    if (!copy)
        return NULL;
    PGresult *r = PQprepare(conn, name, sql, nparams, NULL);
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
        free(copy);
        *failed = r;
        return NULL;
    }
    PQclear(r);
    st->hash = h;
    st->sql = copy;
    memcpy(st->name, name, sizeof name);
    self->n_stmts++;
    return st->name;
}

/* Prepared (or refused) then executed; unnamed when not worth preparing. */
static PGresult *s_run(cs_db *self, PGconn *conn, const char *sql, int nparams,
                       const char *const *params, const char **name)
{
    PGresult *failed;
    *name = s_prepared(self, conn, sql, nparams, &failed);
    if (*name)
        return PQexecPrepared(conn, *name, nparams, params, NULL, NULL, 0);
    if (failed || PQstatus(conn) != CONNECTION_OK)
        return failed;
    return PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
}

/* The server no longer knows the statement (26000), or its cached plan no longer fits a
 * changed table (0A000 "cached plan must not change result type"). */
static bool s_statement_gone(const PGresult *r)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    return state && (!strcmp(state, "26000") ||
                     (!strcmp(state, "0A000") && msg && strstr(msg, "cached plan")));
}

cs_db *cs_db_new(const char *conninfo)
{
    cs_db *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->conninfo = strdup(conninfo ? conninfo : "");
    if (!self->conninfo) {
        free(self);
        return NULL;
    }
    /* Connect now so a bad conninfo shows in the log at start-up; a failure is not fatal,
     * cs_db_conn retries on first use. */
    cs_err e;
    cs_err_clear(&e);
    if (!cs_db_conn(self, &e))
        cs_log_warn("database not reachable yet: %s", e.detail);
    return self;
}

void cs_db_destroy(cs_db **self_p)
{
    if (!self_p || !*self_p)
        return;
    cs_db *self = *self_p;
    s_drop_conn(self);
    s_queue_clear(self);
    free(self->queue);
    free(self->stmts);
    free(self->conninfo);
    free(self);
    *self_p = NULL;
}

static int s_unavailable(cs_err *e, const char *why)
{
    cs_err_set(e, 503, "db_unavailable", NULL, 
               "Cơ sở dữ liệu tạm thời không truy cập được.",
               "The database is temporarily unavailable.");
    if (why)
        cs_err_detail(e, "%s", why);
    return -1;
}

/* The session's own limits, set once per connection. A transaction left open by a process
 * that can no longer talk to the server (its host cut off from the network, frozen) keeps
 * its locks until the server notices: with no traffic that is never, and whoever retries
 * the same request elsewhere waits on those locks (the idempotency record, the rows). So
 * the server ends a session idle inside a transaction for CHISO_DB_IDLE_TX_MS (a handler is
 * never idle that long between two statements of its transaction). Failure here is not
 * fatal: the connection works without it. */
static void s_session_setup(PGconn *conn)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SET idle_in_transaction_session_timeout = %lld",
             (long long)cs_env_int("CHISO_DB_IDLE_TX_MS", 10000));
    PGresult *r = PQexec(conn, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        cs_log_warn("database: %s failed: %s", sql, PQerrorMessage(conn));
    PQclear(r);
}

PGconn *cs_db_conn(cs_db *self, cs_err *e)
{
    if (self->conn && PQstatus(self->conn) == CONNECTION_OK)
        return self->conn;
    /* Whatever comes next is a new server session: no statement prepared on it yet. */
    s_forget_all(self);
    if (self->conn) {
        PQreset(self->conn);
        if (PQstatus(self->conn) == CONNECTION_OK) {
            cs_log_warn("database connection re-established");
            s_session_setup(self->conn);
            return self->conn;
        }
        s_drop_conn(self);
    }
    self->conn = PQconnectdb(self->conninfo);
    if (!self->conn || PQstatus(self->conn) != CONNECTION_OK) {
        s_unavailable(e, self->conn ? PQerrorMessage(self->conn) : "out of memory");
        s_drop_conn(self);
        return NULL;
    }
    s_session_setup(self->conn);
    return self->conn;
}

/* SQLSTATE -> stable error code. The server's message goes to the log (and into the detail
 * of a 500, which is logged and never sent), never to the client. */
static void s_map_error(cs_db *self, const PGresult *r, cs_err *e)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(self->conn);
    const char *constraint = r ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : NULL;
    const char *column = r ? PQresultErrorField(r, PG_DIAG_COLUMN_NAME) : NULL;
    snprintf(self->sqlstate, sizeof self->sqlstate, "%s", state ? state : "");
    self->retryable = false;

    if (!state) {
        /* No SQLSTATE: the connection broke. Before COMMIT the transaction is lost as a
         * whole and may be run again on a fresh connection. */
        self->retryable = true;
        s_unavailable(e, msg);
        s_drop_conn(self);
        return;
    }
    if (!strcmp(state, "40001") || !strcmp(state, "40P01")) {
        self->retryable = true;
        cs_err_set(e, 503, "db_conflict", NULL, 
                   "Xung đột ghi đồng thời, xin thử lại.",
                   "Concurrent update conflict, please retry.");
    } else if (!strcmp(state, "23505")) {
        cs_err_set(e, 409, "duplicate", constraint, 
                   "Dữ liệu đã tồn tại (trùng khóa).", "Already exists (duplicate key).");
    } else if (!strcmp(state, "23503")) {
        cs_err_set(e, 409, "referenced", constraint, 
                   "Dữ liệu đang được tham chiếu hoặc tham chiếu tới đối tượng không tồn tại.",
                   "Referenced by other data, or refers to an object that does not exist.");
    } else if (!strcmp(state, "23502")) {
        cs_err_set(e, 400, "invalid_input", column, 
                   "Thiếu giá trị bắt buộc.", "A required value is missing.");
    } else if (!strcmp(state, "23514") || !strncmp(state, "22", 2)) {
        cs_err_set(e, 400, "invalid_input", constraint, 
                   "Giá trị không hợp lệ.", "Invalid value.");
    } else if (!strcmp(state, "42501")) {
        /* Row-level security refusing a row, or a missing grant. */
        cs_err_set(e, 403, "forbidden", NULL, 
                   "Bạn không có quyền thực hiện thao tác này.",
                   "You are not allowed to do this.");
    } else if (!strcmp(state, "CHSUP")) {
        cs_err_set(e, 403, CS_ERR_SUPPORT, NULL,
                   "Tỉnh này chưa cấp (hoặc đã thu hồi, hết hạn) quyền hỗ trợ cho quản trị hệ thống.",
                   "This province has no live support grant for the sysadmin (none, revoked "
                   "or expired).");
    } else if (!strcmp(state, "25006")) {
        cs_err_set(e, 500, "internal", NULL,  "Lỗi nội bộ của hệ thống.",
                   "Internal error.");
    } else if (!strncmp(state, "08", 2) || !strcmp(state, "57P01") ||
               !strcmp(state, "57P02") || !strcmp(state, "57P03") || !strcmp(state, "25P03")) {
        /* 25P03: the server ended this session, idle inside a transaction too long (see
         * s_session_setup); the transaction is gone and may be run again. */
        self->retryable = true;
        s_unavailable(e, msg);
        return;
    } else {
        cs_err_set(e, 500, "internal", NULL,  "Lỗi nội bộ của hệ thống.",
                   "Internal error.");
    }
    /* The server's text (column types, values, constraint names) is for the log only: a
     * client gets the code and our own messages, nothing of the database's wording. */
    if (e->status >= 500)
        cs_err_detail(e, "SQLSTATE %s: %s", state, msg ? msg : "");
    else
        cs_log_warn("sql refused as %s: SQLSTATE %s: %.*s", e->code, state,
                    (int)strcspn(msg ? msg : "", "\n"), msg ? msg : "");
}

/* What the server says while we are idle (its goodbye before a restart) goes to the log as
 * a JSON line, not as libpq's bare line on stderr. */
static void s_idle_notice(void *arg, const char *message)
{
    (void)arg;
    cs_log_warn("database: %.*s", (int)strcspn(message, "\n"), message);
}

/* An idle connection the server has closed (restart, administrator shutdown) still reads
 * CONNECTION_OK until something is sent on it, and a statement sent then fails with no way
 * to tell whether it ran. The server's goodbye makes the socket readable, and an idle
 * connection has nothing else to read (no LISTEN here): read it now, so a lost connection
 * is known before anything is sent and a fresh one can run the statement. */
static bool s_lost_while_idle(PGconn *conn)
{
    bool lost = false;
    PQnoticeProcessor old = PQsetNoticeProcessor(conn, s_idle_notice, NULL);
    for (int i = 0; i < 4 && !lost; i++) {
        struct pollfd p = {.fd = PQsocket(conn), .events = POLLIN};
        if (p.fd < 0) {
            lost = true;
            break;
        }
        if (poll(&p, 1, 0) <= 0)
            break;      /* nothing pending: alive as far as can be known */
        lost = !PQconsumeInput(conn) || PQstatus(conn) != CONNECTION_OK;
    }
    PQsetNoticeProcessor(conn, old, NULL);
    return lost;
}

static void s_queue_clear(cs_db *self)
{
    for (size_t i = 0; i < self->n_queue; i++) {
        s_queued *q = &self->queue[i];
        for (int k = 0; k < q->nparams; k++)
            free(q->params[k]);
        free(q->params);
        free(q->sql);
    }
    self->n_queue = 0;
}

static char *s_strdup(const char *s)
{
    char *d = s ? strdup(s) : NULL;
    if (s && !d)
        abort();
    return d;
}

static void s_enqueue(cs_db *self, const char *sql, int nparams, const char *const *params,
                      PGresult **out, bool tenant)
{
    if (self->n_queue == self->cap_queue) {
        size_t cap = self->cap_queue ? self->cap_queue * 2 : 8;
        s_queued *q = realloc(self->queue, cap * sizeof *q);
        if (!q)
            abort();
        self->queue = q;
        self->cap_queue = cap;
    }
    s_queued *q = &self->queue[self->n_queue++];
    *q = (s_queued){.sql = s_strdup(sql), .nparams = nparams, .out = out, .tenant = tenant};
    q->params = calloc(nparams > 0 ? (size_t)nparams : 1, sizeof *q->params);
    if (!q->params)
        abort();
    for (int k = 0; k < nparams; k++)
        q->params[k] = s_strdup(params[k]);
    if (out)
        *out = NULL;
}

void cs_db_queue(cs_db *self, const char *sql, int nparams, const char *const *params,
                 PGresult **out)
{
    s_enqueue(self, sql, nparams, params, out, false);
}

static bool s_ok(const PGresult *r)
{
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    return st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK;
}

/* The queued statements, then sql, in one round trip (libpq pipeline mode). Each is
 * prepared first if new (synchronously: once per connection). Returns sql's result, the
 * queued ones' going to their out; NULL + e when any failed (the first failure is the
 * error; the server skipped the rest), or when the tenant statement found the session
 * stale. The queue is empty afterwards either way. */
static PGresult *s_pipeline(cs_db *self, PGconn *conn, cs_err *e, const char *sql,
                            int nparams, const char *const *params)
{
    size_t n = self->n_queue + 1;
    /* names copied: preparing a later statement may grow (move) the table */
    char (*names)[sizeof self->stmts[0].name] = calloc(n, sizeof *names);
    PGresult **res = calloc(n, sizeof *res);
    if (!names || !res)
        abort();
    PGresult *failed = NULL, *out = NULL;
    const char *failed_name = NULL;
    bool complete = false;
    /* prepare what is new, before the pipeline (PQprepare waits for its answer) */
    for (size_t i = 0; i < n && !failed; i++) {
        const char *q = i < n - 1 ? self->queue[i].sql : sql;
        int np = i < n - 1 ? self->queue[i].nparams : nparams;
        const char *name = s_prepared(self, conn, q, np, &failed);
        if (name)
            snprintf(names[i], sizeof names[i], "%s", name);
    }
    if (failed || PQstatus(conn) != CONNECTION_OK || !PQenterPipelineMode(conn))
        goto done;
    for (size_t i = 0; i < n; i++) {
        const char *q = i < n - 1 ? self->queue[i].sql : sql;
        int np = i < n - 1 ? self->queue[i].nparams : nparams;
        const char *const *pv = i < n - 1 ? (const char *const *)self->queue[i].params : params;
        int ok = names[i][0] ? PQsendQueryPrepared(conn, names[i], np, pv, NULL, NULL, 0)
                          : PQsendQueryParams(conn, q, np, NULL, pv, NULL, NULL, 0);
        if (!ok)
            goto done;
    }
    if (!PQpipelineSync(conn))
        goto done;
    if (self->in_tx)
        self->tx_sent = true;   /* BEGIN is at the head of what went */
    /* one result per statement (then NULL), then the sync point */
    for (size_t i = 0; i < n; i++) {
        res[i] = PQgetResult(conn);
        if (!res[i])
            goto done;
        PGresult *extra;
        while ((extra = PQgetResult(conn)) != NULL)
            PQclear(extra);
    }
    PGresult *sync = PQgetResult(conn);
    complete = sync && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
    PQclear(sync);
    if (complete)
        complete = PQexitPipelineMode(conn) == 1;
done:
    for (self->n_ok = 0; self->n_ok < n && s_ok(res[self->n_ok]); self->n_ok++)
        ;
    /* the first failure is the error: the server skipped what came after it */
    for (size_t i = 0; i < n && !failed; i++)
        if (res[i] && !s_ok(res[i])) {
            failed = res[i];
            failed_name = names[i][0] ? names[i] : NULL;
            res[i] = NULL;
        }
    bool err = true;
    /* a stale session is the answer even when what followed failed (under a tenant or
     * roles that are no longer the user's) */
    bool stale = false;
    for (size_t i = 0; i < n - 1 && !stale; i++)
        stale = self->queue[i].tenant && s_ok(res[i]) && PQnfields(res[i]) > 3 &&
                strcmp(PQgetvalue(res[i], 0, 3), "t") != 0;
    if (stale) {
        self->retryable = false;
        cs_err_session_stale(e);
    } else if (failed && failed_name && s_statement_gone(failed)) {
        /* forget them all (whatever discarded one discarded the rest); the transaction
         * is aborted, so cs_db_tx runs the whole of it again */
        cs_log_warn("prepared statement %s no longer valid; preparing again", failed_name);
        s_forget_all(self);
        self->retryable = true;
        snprintf(self->sqlstate, sizeof self->sqlstate, "26000");
        s_unavailable(e, "prepared statement lost inside a transaction");
    } else if (failed || !complete) {
        /* no result at all for a statement: the connection broke (retryable, dropped) */
        s_map_error(self, failed, e);
        if (e->status >= 500 && !self->retryable)
            cs_log_error("sql failed: %s", e->detail);
    } else {
        err = false;
    }
    if (!err) {
        for (size_t i = 0; i < n - 1; i++)
            if (self->queue[i].out) {
                *self->queue[i].out = res[i];
                res[i] = NULL;
            }
        out = res[n - 1];
        res[n - 1] = NULL;
        self->retryable = false;
    }
    PQclear(failed);
    for (size_t i = 0; i < n; i++)
        PQclear(res[i]);
    free(res);
    free(names);
    s_queue_clear(self);
    if (self->conn && PQpipelineStatus(self->conn) != PQ_PIPELINE_OFF)
        s_drop_conn(self);  /* left mid-pipeline: not reusable */
    return out;
}

PGresult *cs_db_exec(cs_db *self, cs_err *e, const char *sql, int nparams,
                     const char *const *params)
{
    PGconn *conn = self->conn;
    self->n_ok = 0;
    /* Before a transaction is sent only: inside one, the statements before are gone with
     * the connection anyway, and the failure below makes cs_db_tx run the whole again. */
    if (conn && !self->tx_sent && PQstatus(conn) == CONNECTION_OK && s_lost_while_idle(conn)) {
        cs_log_warn("database connection lost while idle; reconnecting");
        s_drop_conn(self);
        conn = NULL;
    }
    if (!conn || PQstatus(conn) != CONNECTION_OK) {
        /* Inside a transaction a new connection would silently run outside it. */
        if (self->tx_sent) {
            self->retryable = true;
            return s_unavailable(e, "connection lost inside a transaction"), NULL;
        }
        conn = cs_db_conn(self, e);
        if (!conn) {
            self->retryable = true;
            return NULL;
        }
    }
    if (self->n_queue > 0)
        return s_pipeline(self, conn, e, sql, nparams, params);
    const char *name;
    PGresult *r = s_run(self, conn, sql, nparams, params, &name);
    if (name && s_statement_gone(r)) {
        /* Forget it (all of them: whatever discarded one discarded the rest) so it is
         * prepared afresh, under a new name. */
        cs_log_warn("prepared statement %s no longer valid (SQLSTATE %s); preparing again",
                    name, PQresultErrorField(r, PG_DIAG_SQLSTATE));
        s_forget_all(self);
        PQclear(r);
        if (self->tx_sent) {
            /* The error aborted the transaction: cs_db_tx runs the whole of it again. */
            self->retryable = true;
            snprintf(self->sqlstate, sizeof self->sqlstate, "26000");
            return s_unavailable(e, "prepared statement lost inside a transaction"), NULL;
        }
        r = s_run(self, conn, sql, nparams, params, &name);
    }
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
        self->retryable = false;
        return r;
    }
    s_map_error(self, r, e);
    if (e->status >= 500 && !self->retryable)
        cs_log_error("sql failed: %s", e->detail);
    PQclear(r);
    return NULL;
}

bool cs_db_retryable(const cs_db *self)
{
    return self->retryable;
}

const char *cs_db_sqlstate(const cs_db *self)
{
    return self->sqlstate;
}

static void s_rollback(cs_db *self)
{
    s_queue_clear(self);
    if (self->tx_sent && self->conn && PQstatus(self->conn) == CONNECTION_OK) {
        PGresult *r = PQexec(self->conn, "ROLLBACK");
        PQclear(r);
    }
    self->in_tx = self->tx_sent = false;
}

int cs_db_tx(cs_db *self, long long province_id, long long user_id, bool system_scope,
             bool read_only, cs_db_tx_fn fn, void *arg, cs_err *e)
{
    cs_db_who who = {.province_id = province_id, .user_id = user_id,
                     .system_scope = system_scope};
    return cs_db_tx_as(self, &who, read_only, fn, arg, e);
}

/* The tenant of the transaction, and with a session the check that it is still current
 * (4th column). Audit rows are linked into their chain after the COMMIT (chiso.audit_defer,
 * cs_db_link_after), so concurrent writers of one province do not queue on its chain head. */
static const char SQL_TENANT[] =
    "SELECT set_config('chiso.province_id', $1, true),"
    " set_config('chiso.user_id', $2, true),"
    " set_config('chiso.system', $3, true),"
    " set_config('chiso.audit_defer', 'on', true)";
/* chiso.system is only the caller's claim: core.is_system() honours it for a live sysadmin
 * session named by chiso.session (016_db_defence.sql), or for role chiso_system. */
static const char SQL_TENANT_SESSION[] =
    "SELECT set_config('chiso.province_id', $1, true),"
    " set_config('chiso.user_id', $2, true),"
    " set_config('chiso.system', $3, true),"
    " catalog.session_current($4::bytea, nullif($2, '')::bigint, nullif($1, '')::bigint,"
    "                         nullif($5, '')::bigint, $6::text[]),"
    " set_config('chiso.session', encode($4::bytea, 'hex'), true),"
    " set_config('chiso.audit_defer', 'on', true)";

/* A sysadmin under a support grant (017_support_grants.sql): the grant is checked here, in
 * the transaction, so a revoked or expired grant ends access at the next request. */
static const char SQL_TENANT_SUPPORT[] =
    "SELECT set_config('chiso.province_id', $1, true),"
    " set_config('chiso.user_id', $2, true),"
    " set_config('chiso.system', $3, true),"
    " catalog.support_current($4::bytea, nullif($2, '')::bigint, nullif($1, '')::bigint),"
    " set_config('chiso.audit_defer', 'on', true)";

void cs_db_link_after(cs_db *self)
{
    self->link = true;
}

/* COMMIT, then the link of the transaction's audit rows into their chains, in one round
 * trip. The rows are committed when COMMIT succeeded, whatever the link says: a failed link
 * (a deadlock, the connection lost after COMMIT) is logged, and the rows wait for the
 * session's next link (the trigger's list outlives it), or audit-verify's. */
static PGresult *s_commit_link(cs_db *self, cs_err *e)
{
    s_enqueue(self, "COMMIT", 0, NULL, NULL, false);
    size_t commit_at = self->n_queue;
    PGresult *r = cs_db_exec(self, e, "SELECT core.audit_link_mine()", 0, NULL);
    if (!r && self->n_ok >= commit_at && strcmp(e->code, CS_ERR_SESSION_STALE) != 0) {
        cs_log_warn("audit rows committed, their chain link failed (%s %s): the session's"
                    " next link takes them", e->code, self->sqlstate);
        cs_err_clear(e);
        self->retryable = false;
        r = PQmakeEmptyPGresult(NULL, PGRES_COMMAND_OK);
    }
    return r;
}

int cs_db_tx_as(cs_db *self, const cs_db_who *who, bool read_only, cs_db_tx_fn fn, void *arg,
                cs_err *e)
{
    char prov[24] = "", user[24] = "", agency[24] = "";
    if (who->province_id > 0)
        snprintf(prov, sizeof prov, "%lld", who->province_id);
    if (who->user_id > 0)
        snprintf(user, sizeof user, "%lld", who->user_id);
    if (who->agency_id > 0)
        snprintf(agency, sizeof agency, "%lld", who->agency_id);
    bool check = who->session_sha256 != NULL;
    const char *params[6] = {prov, user, who->system_scope ? "on" : "off", who->session_sha256,
                             agency, who->roles ? who->roles : "{}"};

    for (int attempt = 1;; attempt++) {
        cs_err_clear(e);
        self->retryable = false;
        /* BEGIN and the tenant go with the body's first statement (or the COMMIT) in one
         * round trip. The tenant lives for this transaction only (is_local = true), so a
         * reused connection never carries one caller's tenant into the next call. */
        s_queue_clear(self);
        self->link = false;
        s_enqueue(self, read_only ? "BEGIN READ ONLY" : "BEGIN", 0, NULL, NULL, false);
        if (check && who->support)
            s_enqueue(self, SQL_TENANT_SUPPORT, 4, params, NULL, true);
        else
            s_enqueue(self, check ? SQL_TENANT_SESSION : SQL_TENANT, check ? 6 : 3, params,
                      NULL, check);
        self->in_tx = true;
        self->tx_sent = false;
        PGresult *r;
        if (fn(self, arg, e) != 0) {
            if (!cs_err_isset(e))
                cs_err_internal(e, "transaction body failed without an error");
            if (check && !self->tx_sent) {
                /* refused before any statement (a role check, say): if the session had
                 * changed, that is the answer, so the gateway asks again */
                cs_err fe;
                cs_err_clear(&fe);
                r = cs_db_exec(self, &fe, "ROLLBACK", 0, NULL);
                PQclear(r);
                self->tx_sent = false;
                if (!r && (strcmp(fe.code, CS_ERR_SESSION_STALE) == 0 ||
                           strcmp(fe.code, CS_ERR_SUPPORT) == 0))
                    *e = fe;
            }
            goto failed;
        }
        r = self->link ? s_commit_link(self, e) : cs_db_exec(self, e, "COMMIT", 0, NULL);
        self->in_tx = false;
        if (!r && strcmp(e->code, CS_ERR_SESSION_STALE) == 0)
            self->tx_sent = false;  /* the COMMIT ran (of a body that ran no statement) */
        if (!r) {
            /* A connection lost during COMMIT leaves the outcome unknown: not retried. */
            if (!self->conn)
                self->retryable = false;
            goto failed;
        }
        PQclear(r);
        return 0;
    failed:
        s_rollback(self);
        if (!self->retryable || attempt >= CS_DB_TX_ATTEMPTS)
            return -1;
        cs_log_warn("transaction retried (attempt %d): %s", attempt + 1, e->code);
        /* A random pause, growing with each attempt, so two transactions that deadlocked
         * do not meet again in lockstep. */
        usleep((useconds_t)(randombytes_uniform(20000) + 1000) * (useconds_t)attempt);
        if (!self->conn) {
            cs_err ce;
            cs_err_clear(&ce);
            if (!cs_db_conn(self, &ce))
                return -1;
        }
    }
}
