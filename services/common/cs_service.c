#include "cs_service.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>
#include "cs_config.h"
#include "cs_log.h"
#include "cs_worker.h"

/* --- the call's arena ------------------------------------------------------------------
 * Every allocation is its own block on a list: simple, and the sanitizers see each one. */

typedef struct s_block {
    struct s_block *next;
    max_align_t data[];
} s_block;

struct cs_call {
    const char *service;
    const Chiso__Context *ctx;
    const char *rpc;
    cs_db *db;
    cs_db **side;           /* the worker's side connection, see cs_call_side_db() */
    cs_err err;
    s_block *arena;
    PGresult **results;     /* cleared with the arena */
    size_t n_results, cap_results;
    PGresult ***queued;     /* where queued statements' results land, cleared likewise */
    size_t n_queued, cap_queued;
    /* Set by the transaction body. */
    const cs_rpc *handler;
    const ProtobufCMethodDescriptor *method;
    const ProtobufCMessage *in;
    const uint8_t *in_body;
    size_t in_len;
    uint8_t *reply;         /* packed chiso.Reply of a success, from the arena */
    size_t reply_len;
    long long tenant;       /* set by cs_call_set_tenant, for this transaction only */
};

static _Noreturn void s_oom(void)
{
    cs_log_error("out of memory");
    abort();
}

void *cs_call_alloc(cs_call *c, size_t n)
{
    s_block *b = calloc(1, sizeof(s_block) + (n ? n : 1));
    if (!b)
        s_oom();
    b->next = c->arena;
    c->arena = b;
    return b->data;
}

char *cs_call_strdup(cs_call *c, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *d = cs_call_alloc(c, n + 1);
    memcpy(d, s, n);
    return d;
}

char *cs_call_printf(cs_call *c, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *s = cs_call_alloc(c, n > 0 ? (size_t)n + 1 : 1);
    if (n > 0)
        vsnprintf(s, (size_t)n + 1, fmt, ap2);
#pragma GCC diagnostic pop
    va_end(ap2);
    va_end(ap);
    return s;
}

ProtobufCMessage *cs_call_msg(cs_call *c, const ProtobufCMessageDescriptor *d)
{
    ProtobufCMessage *m = cs_call_alloc(c, d->sizeof_message);
    protobuf_c_message_init(d, m);
    return m;
}

void **cs_call_array(cs_call *c, size_t n)
{
    return cs_call_alloc(c, (n ? n : 1) * sizeof(void *));
}

static void s_call_free(cs_call *c)
{
    for (size_t i = 0; i < c->n_results; i++)
        PQclear(c->results[i]);
    free(c->results);
    c->results = NULL;
    c->n_results = c->cap_results = 0;
    for (size_t i = 0; i < c->n_queued; i++)
        PQclear(*c->queued[i]);
    free(c->queued);
    c->queued = NULL;
    c->n_queued = c->cap_queued = 0;
    while (c->arena) {
        s_block *next = c->arena->next;
        free(c->arena);
        c->arena = next;
    }
}

/* --- context accessors ---------------------------------------------------------------- */

static const Chiso__Context s_no_ctx = CHISO__CONTEXT__INIT;

const Chiso__Context *cs_call_ctx(const cs_call *c)
{
    return c->ctx ? c->ctx : &s_no_ctx;
}

long long cs_call_province(const cs_call *c)
{
    if (c->tenant > 0)
        return c->tenant;
    const Chiso__Context *x = cs_call_ctx(c);
    return x->has_province_id && x->province_id > 0 ? x->province_id : 0;
}

long long cs_call_user(const cs_call *c)
{
    const Chiso__Context *x = cs_call_ctx(c);
    return x->has_user_id && x->user_id > 0 ? x->user_id : 0;
}

long long cs_call_agency(const cs_call *c)
{
    const Chiso__Context *x = cs_call_ctx(c);
    return x->has_agency_id && x->agency_id > 0 ? x->agency_id : 0;
}

bool cs_call_has_role(const cs_call *c, const char *role)
{
    const Chiso__Context *x = cs_call_ctx(c);
    for (size_t i = 0; i < x->n_roles; i++)
        if (x->roles[i] && !strcmp(x->roles[i], role))
            return true;
    return false;
}

cs_err *cs_call_err(cs_call *c)
{
    return &c->err;
}

cs_db *cs_call_db(cs_call *c)
{
    return c->db;
}

cs_db *cs_call_side_db(cs_call *c)
{
    if (!*c->side)
        *c->side = cs_db_new(cs_config_get()->db);
    if (!*c->side)
        cs_err_internal(&c->err, "cannot create the side connection");
    return *c->side;
}

PGresult *cs_call_exec(cs_call *c, const char *sql, int nparams, const char *const *params)
{
    PGresult *r = cs_db_exec(c->db, &c->err, sql, nparams, params);
    if (!r)
        return NULL;
    if (c->n_results == c->cap_results) {
        size_t cap = c->cap_results ? c->cap_results * 2 : 8;
        PGresult **p = realloc(c->results, cap * sizeof *p);
        if (!p)
            s_oom();
        c->results = p;
        c->cap_results = cap;
    }
    c->results[c->n_results++] = r;
    return r;
}

PGresult *const *cs_call_queue(cs_call *c, const char *sql, int nparams,
                               const char *const *params)
{
    PGresult **slot = cs_call_alloc(c, sizeof *slot);
    if (c->n_queued == c->cap_queued) {
        size_t cap = c->cap_queued ? c->cap_queued * 2 : 8;
        PGresult ***p = realloc(c->queued, cap * sizeof *p);
        if (!p)
            s_oom();
        c->queued = p;
        c->cap_queued = cap;
    }
    c->queued[c->n_queued++] = slot;
    cs_db_queue(c->db, sql, nparams, params, slot);
    return slot;
}

void cs_call_generic_plans(cs_call *c)
{
    cs_db_queue(c->db, "SELECT set_config('plan_cache_mode', 'force_generic_plan', true)", 0,
                NULL, NULL);
}

const char *cs_call_int(cs_call *c, long long v)
{
    return cs_call_printf(c, "%lld", v);
}

int cs_call_set_tenant(cs_call *c, long long province_id)
{
    /* Only a handler that declared it, on a call that came without a tenant: a caller with
     * a session never moves to another province this way. */
    if (!(c->handler->flags & CS_RPC_TENANT) || cs_call_ctx(c)->province_id > 0 ||
        province_id <= 0)
        return cs_err_internal(&c->err, "cs_call_set_tenant: not allowed for this call");
    const char *p[1] = {cs_call_int(c, province_id)};
    if (!cs_call_exec(c, "SELECT set_config('chiso.province_id', $1, true)", 1, p))
        return -1;
    c->tenant = province_id;
    return 0;
}

bool cs_call_support(const cs_call *c)
{
    const Chiso__Context *x = cs_call_ctx(c);
    return x && x->has_support && x->support;
}

const char *cs_call_audit_login(cs_call *c)
{
    const Chiso__Context *x = cs_call_ctx(c);
    const char *login = x->login;
    if (x->has_support && x->support && login) {
        /* a sysadmin under the province's support grant: marked in the province's trail */
        char *m = cs_call_alloc(c, strlen(login) + sizeof "support:");
        sprintf(m, "support:%s", login);
        login = m;
    }
    return login;
}

void cs_call_audited(cs_call *c)
{
    cs_db_link_after(c->db);
}

static int s_audit(cs_call *c, long long province_id, const char *entity, long long entity_id,
                   const char *action, const char *old_json, const char *new_json,
                   const char *reason)
{
    const Chiso__Context *x = cs_call_ctx(c);
    const char *login = cs_call_audit_login(c);
    const char *p[10] = {
        cs_call_int(c, province_id),
        cs_call_user(c) ? cs_call_int(c, cs_call_user(c)) : NULL,
        login,
        c->service,
        entity,
        entity_id ? cs_call_int(c, entity_id) : NULL,
        action,
        old_json,
        new_json,
        reason,
    };
    const char *params[11];
    memcpy(params, p, sizeof p);
    params[10] = x->request_id;
    cs_db_link_after(c->db);
    cs_db_queue(c->db,
        "INSERT INTO core.audit (province_id, user_id, login, service, entity, entity_id,"
        " action, old_value, new_value, reason, request_id)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11)",
        11, params, NULL);
    return 0;
}

int cs_call_audit(cs_call *c, const char *entity, long long entity_id, const char *action,
                  const char *old_json, const char *new_json, const char *reason)
{
    return s_audit(c, cs_call_province(c), entity, entity_id, action, old_json, new_json, reason);
}

int cs_call_audit_in(cs_call *c, long long province_id, const char *entity, long long entity_id,
                     const char *action, const char *old_json, const char *new_json,
                     const char *reason)
{
    if (province_id == cs_call_province(c))
        return cs_call_audit(c, entity, entity_id, action, old_json, new_json, reason);
    /* the row policy admits the tenant's rows only: that province for this insert, then
     * the caller's own again (its idempotency record is written under it at the end) */
    const char *pp[] = {cs_call_int(c, province_id)};
    if (!cs_call_exec(c, "SELECT set_config('chiso.province_id', $1, true)", 1, pp))
        return -1;
    int rc = s_audit(c, province_id, entity, entity_id, action, old_json, new_json, reason);
    const char *pb[] = {cs_call_province(c) ? cs_call_int(c, cs_call_province(c)) : ""};
    if (!cs_call_exec(c, "SELECT set_config('chiso.province_id', $1, true)", 1, pb))
        return -1;
    return rc;
}

/* --- one request ---------------------------------------------------------------------- */

static int s_pack_reply(cs_call *c, const ProtobufCMessage *out)
{
    Chiso__Reply rep = CHISO__REPLY__INIT;
    if (out) {
        size_t n = protobuf_c_message_get_packed_size(out);
        rep.body.data = cs_call_alloc(c, n);
        rep.body.len = protobuf_c_message_pack(out, rep.body.data);
    }
    rep.has_body = true;
    c->reply_len = chiso__reply__get_packed_size(&rep);
    c->reply = cs_call_alloc(c, c->reply_len);
    chiso__reply__pack(&rep, c->reply);
    return 0;
}

static const char *s_hex(cs_call *c, const uint8_t *d, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char *s = cs_call_alloc(c, 2 * n + 3);
    s[0] = '\\';
    s[1] = 'x';
    for (size_t i = 0; i < n; i++) {
        s[2 + 2 * i] = digits[d[i] >> 4];
        s[3 + 2 * i] = digits[d[i] & 15];
    }
    return s;
}

static int s_hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* bytea in hex text output ("\x0a1b...") back to bytes, into the arena. */
static int s_unhex(cs_call *c, const char *s, uint8_t **out, size_t *len)
{
    if (s[0] != '\\' || s[1] != 'x')
        return -1;
    size_t n = strlen(s + 2) / 2;
    uint8_t *d = cs_call_alloc(c, n);
    for (size_t i = 0; i < n; i++) {
        int hi = s_hexval(s[2 + 2 * i]), lo = s_hexval(s[3 + 2 * i]);
        if (hi < 0 || lo < 0)
            return -1;
        d[i] = (uint8_t)(hi << 4 | lo);
    }
    *out = d;
    *len = n;
    return 0;
}

/* docs/DESIGN.md §4: insert the key first (a concurrent twin waits on the unique index
 * until this transaction ends); if it was there already, answer the stored reply, or
 * 422 when the same key came with another request. Returns 1 when c->reply now holds the
 * stored reply, 0 to go on and run the handler, -1 on error. */
static int s_idem_begin(cs_call *c, const char *key, const char *sha_hex)
{
    const char *p[6] = {cs_call_int(c, cs_call_province(c)), key,
                        cs_call_int(c, cs_call_user(c)), c->service, c->rpc, sha_hex};
    PGresult *r = cs_call_exec(c,
        "INSERT INTO core.idempotency (province_id, key, user_id, service, rpc, request_sha256)"
        " VALUES ($1, $2, $3, $4, $5, $6::bytea) ON CONFLICT DO NOTHING RETURNING 1",
        6, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 1)
        return 0;
    r = cs_call_exec(c,
        "SELECT service, rpc, request_sha256 = $4::bytea, reply FROM core.idempotency"
        " WHERE province_id = $1 AND key = $2 AND user_id = $3",
        4, (const char *const[]){p[0], p[1], p[2], sha_hex});
    if (!r)
        return -1;
    if (PQntuples(r) != 1)
        return cs_err_internal(&c->err, "idempotency row vanished");
    if (strcmp(PQgetvalue(r, 0, 0), c->service) || strcmp(PQgetvalue(r, 0, 1), c->rpc) ||
        strcmp(PQgetvalue(r, 0, 2), "t"))
        return cs_err_set(&c->err, 422, "idempotency_key_reused", NULL, 
                          "Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác.",
                          "This Idempotency-Key was already used for a different request.");
    if (PQgetisnull(r, 0, 3) ||
        s_unhex(c, PQgetvalue(r, 0, 3), &c->reply, &c->reply_len) != 0)
        return cs_err_conflict(&c->err, "idempotency_in_progress",
                               "Yêu cầu với khóa này đang được xử lý.",
                               "A request with this key is still being processed.");
    return 1;
}

static int s_tx_body(cs_db *db, void *arg, cs_err *e)
{
    (void)db;
    cs_call *c = arg;
    (void)e;    /* == &c->err, cleared by cs_db_tx */
    c->reply = NULL;
    c->reply_len = 0;
    c->tenant = 0;      /* a retried transaction starts without the tenant it set */
    const Chiso__Context *x = cs_call_ctx(c);
    const char *key = x->idempotency_key;
    /* A handler that sets its own tenant keeps its own idempotency (the key's row would be
     * written before the tenant is known and read after). */
    bool idem = (c->handler->flags & CS_RPC_WRITE) && !(c->handler->flags & CS_RPC_TENANT) &&
                key && *key;
    const char *sha_hex = NULL;
    if (idem) {
        /* The request is its rpc and input body; the context (request id...) differs on
         * every retry and is left out. */
        crypto_hash_sha256_state st;
        uint8_t sha[crypto_hash_sha256_BYTES];
        crypto_hash_sha256_init(&st);
        crypto_hash_sha256_update(&st, (const uint8_t *)c->rpc, strlen(c->rpc) + 1);
        crypto_hash_sha256_update(&st, c->in_body, c->in_len);
        crypto_hash_sha256_final(&st, sha);
        sha_hex = s_hex(c, sha, sizeof sha);
        int rc = s_idem_begin(c, key, sha_hex);
        if (rc != 0)
            return rc < 0 ? -1 : 0;
    }
    ProtobufCMessage *out = NULL;
    if (c->handler->fn(c, c->in, &out) != 0) {
        if (!cs_err_isset(&c->err))
            cs_err_internal(&c->err, "handler failed without an error");
        return -1;
    }
    if (out && out->descriptor != c->method->output)
        return cs_err_internal(&c->err, "handler answered a message of the wrong type");
    s_pack_reply(c, out);
    if (idem) {
        const char *p[4] = {cs_call_int(c, cs_call_province(c)), key,
                            cs_call_int(c, cs_call_user(c)), s_hex(c, c->reply, c->reply_len)};
        /* goes with the COMMIT */
        cs_db_queue(c->db,
                    "UPDATE core.idempotency SET reply = $4::bytea"
                    " WHERE province_id = $1 AND key = $2 AND user_id = $3",
                    4, p, NULL);
    }
    return 0;
}

typedef struct {
    const char *name;
    const ProtobufCServiceDescriptor *desc;
    const cs_rpc *rpcs;
    size_t n_rpcs;
} s_service;

static const cs_rpc *s_find_rpc(const s_service *svc, const char *name)
{
    for (size_t i = 0; i < svc->n_rpcs; i++)
        if (!strcmp(svc->rpcs[i].name, name))
            return &svc->rpcs[i];
    return NULL;
}

static int64_t s_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static uint8_t *s_pack_error(const cs_err *e, size_t *len)
{
    Chiso__Error err = CHISO__ERROR__INIT;
    err.has_status = true;
    err.status = (uint32_t)e->status;
    err.code = (char *)e->code;
    err.message_vi = (char *)e->message_vi;
    err.message_en = (char *)e->message_en;
    if (e->field[0])
        err.field = (char *)e->field;
    if (e->retry_after > 0) {
        err.has_retry_after = true;
        err.retry_after = (uint32_t)e->retry_after;
    }
    /* Internal details (SQL text, server messages) stay in the log. */
    if (e->detail[0] && e->status < 500)
        err.detail = (char *)e->detail;
    Chiso__Reply rep = CHISO__REPLY__INIT;
    rep.error = &err;
    *len = chiso__reply__get_packed_size(&rep);
    uint8_t *buf = malloc(*len ? *len : 1);
    if (!buf)
        s_oom();
    chiso__reply__pack(&rep, buf);
    return buf;
}

/* The transaction's tenant from the context; with the session's hash, so the transaction
 * first checks that the session is still what the gateway resolved (cs_db_tx_as). */
static void s_who(cs_call *c, cs_db_who *who)
{
    const Chiso__Context *x = cs_call_ctx(c);
    *who = (cs_db_who){.province_id = cs_call_province(c), .user_id = cs_call_user(c),
                       .agency_id = cs_call_agency(c),
                       .system_scope = cs_call_has_role(c, "sysadmin")};
    if (x->has_support && x->support) {
        /* only with a session: without one there is nothing to check the grant against */
        who->system_scope = false;
        who->support = true;
        if (!x->has_session_sha256 || x->session_sha256.len != crypto_hash_sha256_BYTES ||
            !who->user_id)
            who->province_id = 0;
    }
    if (!x->has_session_sha256 || x->session_sha256.len != crypto_hash_sha256_BYTES ||
        !who->user_id)
        return;
    who->session_sha256 = s_hex(c, x->session_sha256.data, x->session_sha256.len);
    /* {"role","role"}: quoted, so any text stays one element */
    size_t n = 3;
    for (size_t i = 0; i < x->n_roles; i++)
        n += 3 + 2 * strlen(x->roles[i] ? x->roles[i] : "");
    char *lit = cs_call_alloc(c, n), *p = lit;
    *p++ = '{';
    for (size_t i = 0; i < x->n_roles; i++) {
        if (i)
            *p++ = ',';
        *p++ = '"';
        for (const char *r = x->roles[i] ? x->roles[i] : ""; *r; r++) {
            if (*r == '"' || *r == '\\')
                *p++ = '\\';
            *p++ = *r;
        }
        *p++ = '"';
    }
    *p++ = '}';
    *p = '\0';
    who->roles = lit;
}

/* Handle one packed chiso.Request; answers the packed chiso.Reply (malloc'd). */
static uint8_t *s_handle(const s_service *svc, cs_db *db, cs_db **side, const uint8_t *body,
                         size_t len, size_t *out_len)
{
    int64_t t0 = s_now_us();
    cs_call c = {.service = svc->name, .db = db, .side = side};
    cs_err_clear(&c.err);
    uint8_t *out = NULL;
    Chiso__Request *req = chiso__request__unpack(NULL, len, body);
    if (!req) {
        cs_err_set(&c.err, 400, "bad_message", NULL, 
                   "Thông điệp yêu cầu không đọc được.", "The request message is malformed.");
        goto done;
    }
    c.ctx = req->ctx;
    c.rpc = req->rpc ? req->rpc : "";
    c.method = protobuf_c_service_descriptor_get_method_by_name(svc->desc, c.rpc);
    c.handler = c.method ? s_find_rpc(svc, c.rpc) : NULL;
    if (!c.method || !c.handler) {
        cs_err_set(&c.err, 404, "unknown_rpc", NULL, "Dịch vụ %s không có thao tác %s.",
                   "Service %s has no operation %s.", svc->name, c.rpc);
        goto done;
    }
    c.in_body = req->has_body ? req->body.data : (const uint8_t *)"";
    c.in_len = req->has_body ? req->body.len : 0;
    c.in = protobuf_c_message_unpack(c.method->input, NULL, c.in_len, c.in_body);
    if (!c.in) {
        cs_err_set(&c.err, 400, "bad_message", NULL, 
                   "Dữ liệu đầu vào của thao tác không đọc được.",
                   "The operation's input message is malformed.");
        goto done;
    }
    bool write = c.handler->flags & CS_RPC_WRITE;
    cs_db_who who;
    s_who(&c, &who);
    /* c.err is the transaction's error: cleared before every attempt, so a retried
     * transaction that then succeeds carries no stale error. */
    if (cs_db_tx_as(db, &who, !write, s_tx_body, &c, &c.err) == 0 && c.reply) {
        out = malloc(c.reply_len ? c.reply_len : 1);
        if (!out)
            s_oom();
        memcpy(out, c.reply, c.reply_len);
        *out_len = c.reply_len;
    }
done:
    if (!out) {
        if (!cs_err_isset(&c.err))
            cs_err_internal(&c.err, "no reply");
        if (c.err.status >= 500 && c.err.detail[0])
            cs_log_error("%s %s: %s", svc->name, c.rpc ? c.rpc : "", c.err.detail);
        out = s_pack_error(&c.err, out_len);
    }
    const char *rid = c.ctx ? c.ctx->request_id : NULL;
    cs_log_request(rid, c.rpc, cs_err_isset(&c.err) ? c.err.status : 200,
                   cs_err_isset(&c.err) ? c.err.code : NULL,
                   (double)(s_now_us() - t0) / 1000.0);
    if (c.in)
        protobuf_c_message_free_unpacked((ProtobufCMessage *)c.in, NULL);
    s_call_free(&c);
    if (req)
        chiso__request__free_unpacked(req, NULL);
    return out;
}

/* --- the service loop ----------------------------------------------------------------- */

static atomic_bool s_stop;

typedef struct {
    const s_service *svc;
    void *zctx;
    int index;
    const char *broker;     /* this thread's broker, one of CHISO_BROKER's list */
} s_thread_arg;

static void *s_worker_thread(void *arg)
{
    s_thread_arg *a = arg;
    const cs_config *cfg = cs_config_get();
    cs_db *db = cs_db_new(cfg->db);
    cs_db *side = NULL;
    cs_worker *w = cs_worker_new(a->zctx, a->broker, a->svc->name);
    if (!db || !w) {
        cs_log_error("worker %d: cannot start", a->index);
        cs_worker_destroy(&w);
        cs_db_destroy(&db);
        atomic_store(&s_stop, true);
        kill(getpid(), SIGTERM);
        return NULL;
    }
    while (!atomic_load(&s_stop)) {
        uint8_t *body = NULL;
        size_t len = 0;
        if (cs_worker_recv(w, &body, &len, 200) != 0)
            continue;
        size_t out_len = 0;
        uint8_t *out = s_handle(a->svc, db, &side, body, len, &out_len);
        free(body);
        cs_worker_send(w, out, out_len);
        free(out);
    }
    cs_worker_destroy(&w);
    cs_db_destroy(&side);
    cs_db_destroy(&db);
    return NULL;
}

int cs_service_run(const char *name, const ProtobufCServiceDescriptor *desc,
                   const cs_rpc *rpcs, size_t n_rpcs)
{
    cs_log_init(name);
    /* Every method has a handler and every handler a method: a mismatch is a build
     * mistake, caught before the service takes any request. */
    int missing = 0;
    for (unsigned i = 0; i < desc->n_methods; i++) {
        s_service tmp = {name, desc, rpcs, n_rpcs};
        if (!s_find_rpc(&tmp, desc->methods[i].name)) {
            cs_log_error("no handler for rpc %s", desc->methods[i].name);
            missing++;
        }
    }
    for (size_t i = 0; i < n_rpcs; i++) {
        if (!rpcs[i].fn || !protobuf_c_service_descriptor_get_method_by_name(desc, rpcs[i].name)) {
            cs_log_error("handler %s matches no rpc of %s", rpcs[i].name, desc->name);
            missing++;
        }
    }
    if (missing)
        return 2;
    if (sodium_init() < 0) {
        cs_log_error("libsodium failed to initialise");
        return 1;
    }

    /* Signals go to this thread only (sigwait below); the workers poll s_stop. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    const cs_config *cfg = cs_config_get();
    int64_t n = cs_env_int("CHISO_WORKERS", CS_WORKERS_DEFAULT);
    if (n < 1 || n > 256)
        n = CS_WORKERS_DEFAULT;
    s_service svc = {name, desc, rpcs, n_rpcs};
    /* CHISO_BROKER may list several brokers (comma-separated): the worker threads are dealt
     * out among them in turn, so every broker has workers of every service and either can
     * carry the load while the other is down. */
    char *brokers = strdup(cfg->broker);
    const char *list[8];
    int n_brokers = 0;
    char *save = NULL;
    for (char *tok = brokers ? strtok_r(brokers, ", ", &save) : NULL; tok && n_brokers < 8;
         tok = strtok_r(NULL, ", ", &save))
        list[n_brokers++] = tok;
    if (n_brokers == 0)
        list[n_brokers++] = cfg->broker;
    void *zctx = zmq_ctx_new();
    s_thread_arg *args = calloc((size_t)n, sizeof *args);
    pthread_t *threads = calloc((size_t)n, sizeof *threads);
    if (!zctx || !args || !threads)
        s_oom();
    atomic_store(&s_stop, false);
    int started = 0;
    for (int i = 0; i < n; i++) {
        args[i] = (s_thread_arg){&svc, zctx, i, list[i % n_brokers]};
        if (pthread_create(&threads[i], NULL, s_worker_thread, &args[i]) != 0)
            break;
        started++;
    }
    cs_log_info("service %s started: %d worker(s), broker %s", name, started, cfg->broker);

    int sig = 0;
    while (started > 0) {
        struct timespec tick = {0, 200 * 1000000};
        sig = sigtimedwait(&sigs, NULL, &tick);
        if (sig > 0 || atomic_load(&s_stop))
            break;
    }
    atomic_store(&s_stop, true);
    for (int i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    zmq_ctx_term(zctx);
    free(threads);
    free(args);
    free(brokers);
    cs_log_info("service %s stopped%s", name, sig > 0 ? " by signal" : "");
    return started > 0 ? 0 : 1;
}
