/*  Login, sessions, logout. Before a tenant is known, users and sessions are read only
 *  through the SECURITY DEFINER functions of deploy/migrations/011_catalog_auth.sql (the
 *  password hash through catalog.auth_attempt of 016_db_defence.sql, which records the
 *  attempt first; chiso_app cannot read the hash column). */
#include "catalog.h"

#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "cat_util.h"
#include "cs_config.h"
#include "cs_db.h"
#include "cs_log.h"

#define CAT_PAIR_FAILURES 5    /* of one login from one address before backoff starts */
#define CAT_IP_FAILURES 30     /* of one address, any logins, within 15 minutes */
#define CAT_PASSWORD_MIN 8

/* At most this many Argon2id hashes at once in this process (CHISO_HASH_CONCURRENCY,
 * default half the workers, at least 1): a flood of logins keeps the other workers free
 * for every other request instead of queueing them behind 64 MiB hashes. */
static sem_t s_hash_sem;
static pthread_once_t s_hash_once = PTHREAD_ONCE_INIT;
static char s_dummy_hash[crypto_pwhash_STRBYTES];

static void s_hash_init(void)
{
    int64_t workers = cs_env_int("CHISO_WORKERS", CS_WORKERS_DEFAULT);
    int64_t n = cs_env_int("CHISO_HASH_CONCURRENCY", workers / 2);
    sem_init(&s_hash_sem, 0, (unsigned)(n < 1 ? 1 : n > 64 ? 64 : n));
    /* the hash an unknown login is checked against: made once, with the same limits as
     * real ones, so an unknown login costs what a known one does */
    if (crypto_pwhash_str(s_dummy_hash, "chiso-dummy-password", 20,
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        s_dummy_hash[0] = '\0';
}

int cat_hash_gate_enter(cs_err *e)
{
    pthread_once(&s_hash_once, s_hash_init);
    if (sem_trywait(&s_hash_sem) == 0)
        return 0;
    cs_err_set(e, 503, "busy", NULL, "Hệ thống đang bận xử lý đăng nhập; vui lòng thử lại sau %d giây.",
               "The system is busy with logins; please try again in %d seconds.", 1);
    e->retry_after = 1;
    return -1;
}

void cat_hash_gate_leave(void)
{
    sem_post(&s_hash_sem);
}

static int s_too_many(cs_call *c, int wait)
{
    cs_err *e = cs_call_err(c);
    cs_err_set(e, 429, "too_many_attempts", NULL,
               "Đăng nhập sai quá nhiều lần; vui lòng thử lại sau %d giây.",
               "Too many failed logins; please try again in %d seconds.", wait);
    e->retry_after = wait;
    return -1;
}

/* Seconds (login, address) must still wait (0: go ahead), -1 on a database error. Read
 * and written through the worker's side connection (autocommit), so failures survive the
 * rollback of the failing call. */
static int s_throttle(cs_call *c, const char *login, const char *ip)
{
    cs_err e;
    cs_err_clear(&e);
    cs_db *side = cs_call_side_db(c);
    if (!side)
        return -1;
    const char *p[] = {login, ip, cs_call_int(c, CAT_PAIR_FAILURES),
                       cs_call_int(c, cs_env_int("CHISO_LOGIN_IP_FAILURES", CAT_IP_FAILURES))};
    PGresult *r = cs_db_exec(side, &e, "SELECT catalog.auth_throttle($1, $2, $3, $4)", 4, p);
    if (!r) {
        *cs_call_err(c) = e;
        return -1;
    }
    int n = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    return n;
}

static void s_clear_failures(cs_call *c, const char *login, const char *ip)
{
    cs_err e;
    cs_err_clear(&e);
    cs_db *side = cs_call_side_db(c);
    if (!side)
        return;
    const char *p[] = {login, ip};
    PGresult *r = cs_db_exec(side, &e, "SELECT catalog.auth_clear_failures($1, $2)", 2, p);
    if (r)
        PQclear(r);
}

/* The user of a login, as the login path needs it. */
typedef struct {
    bool found, active;
    long long id, province_id, agency_id;
    const char *hash, *roles, *full_name;
} s_cred;

/* The user of this login with its hash, through catalog.auth_attempt(), which records the
 * attempt (a failure until the login succeeds and clears it) before the hash leaves the
 * database, so every hash handed out counts in the throttling (016_db_defence.sql). On
 * the side connection: the record stays when this transaction is rolled back. An unknown
 * login is recorded the same way and comes back not found. */
static int s_attempt(cs_call *c, const char *login, const char *ip, s_cred *u)
{
    *u = (s_cred){.found = false};
    cs_db *side = cs_call_side_db(c);
    if (!side)
        return -1;
    const char *p[] = {login, ip};
    PGresult *r = cs_db_exec(side, cs_call_err(c),
        "SELECT id, province_id, password_hash, active, roles, agency_id, full_name"
        "  FROM catalog.auth_attempt($1, $2)", 2, p);
    if (!r)
        return -1;
    if (PQntuples(r) > 0) {
        u->found = true;
        u->id = cs_pg_ll(r, 0, 0);
        u->province_id = cs_pg_ll(r, 0, 1);
        u->hash = cs_call_strdup(c, PQgetvalue(r, 0, 2));
        u->active = cs_pg_bool(r, 0, 3);
        u->roles = cs_call_strdup(c, PQgetvalue(r, 0, 4));
        u->agency_id = cs_pg_ll(r, 0, 5);
        u->full_name = cat_val(c, r, 0, 6);
        sodium_memzero(PQgetvalue(r, 0, 2), strlen(PQgetvalue(r, 0, 2)));
    }
    PQclear(r);
    return 0;
}

static int s_invalid_credentials(cs_call *c)
{
    return cs_err_set(cs_call_err(c), 401, "invalid_credentials", NULL,
                      "Tên đăng nhập hoặc mật khẩu không đúng.%s",
                      "Wrong login or password.%s", "");
}

/* SHA-256 of the token as a bytea parameter in hex form. */
static const char *s_token_hash_param(cs_call *c, const char *token)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    char *out = cs_call_alloc(c, 2 + 2 * sizeof h + 1);
    out[0] = '\\';
    out[1] = 'x';
    sodium_bin2hex(out + 2, 2 * sizeof h + 1, h, sizeof h);
    return out;
}

int cat_password_hash(cs_call *c, const char *password, const char **out)
{
    if (!password || strlen(password) < CAT_PASSWORD_MIN)
        return cs_err_set(cs_call_err(c), 400, "password_too_short", "password",
                          "Mật khẩu phải có ít nhất %d ký tự.",
                          "The password must have at least %d characters.", CAT_PASSWORD_MIN);
    if (strlen(password) > 1024)
        return cs_err_set(cs_call_err(c), 400, "invalid_input", "password",
                          "Mật khẩu dài quá %d ký tự.", "The password is longer than %d characters.",
                          1024);
    char *h = cs_call_alloc(c, crypto_pwhash_STRBYTES);
    if (cat_hash_gate_enter(cs_call_err(c)) != 0)
        return -1;
    int rc = crypto_pwhash_str(h, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                               crypto_pwhash_MEMLIMIT_INTERACTIVE);
    cat_hash_gate_leave();
    if (rc != 0)
        return cs_err_internal(cs_call_err(c), "crypto_pwhash_str: out of memory");
    *out = h;
    return 0;
}

static void s_roles_out(cs_call *c, const char *pg_array, size_t *n_out, char ***out)
{
    /* roles come as a text[] literal like {province_admin,viewer}: role names never need
     * quoting (they are checked against the list of SPEC §1 on the way in). */
    size_t n = 0;
    char **v = (char **)cs_call_array(c, 16);
    char *s = cs_call_strdup(c, pg_array ? pg_array : "{}");
    if (s[0] == '{')
        s++;
    char *end = strrchr(s, '}');
    if (end)
        *end = '\0';
    char *save = NULL;
    for (char *tok = strtok_r(s, ",", &save); tok && n < 16; tok = strtok_r(NULL, ",", &save))
        v[n++] = tok;
    *n_out = n;
    *out = v;
}

int cat_Login(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__LoginRequest *rq = (const Chiso__LoginRequest *)in;
    cs_err *e = cs_call_err(c);
    if (!rq->login || !rq->login[0] || !rq->password || !rq->password[0])
        return s_invalid_credentials(c);

    const Chiso__Context *ctx = cs_call_ctx(c);
    const char *ip = ctx && ctx->client_ip ? ctx->client_ip : "";
    pthread_once(&s_hash_once, s_hash_init);

    /* Attempts on one login are serialised across workers (until this transaction ends), so
     * concurrent guesses cannot all pass the count before any failure is recorded. A guess
     * that finds the login busy is refused at once rather than holding a worker while it
     * waits. */
    const char *pl[] = {rq->login};
    PGresult *lk = cs_call_exec(c,
        "SELECT pg_try_advisory_xact_lock(hashtext('catalog.login:' || $1))", 1, pl);
    if (!lk)
        return -1;
    if (!cs_pg_bool(lk, 0, 0))
        return s_too_many(c, 1);
    int wait = s_throttle(c, rq->login, ip);
    if (wait < 0)
        return -1;
    if (wait > 0)
        return s_too_many(c, wait);

    s_cred cred;
    if (s_attempt(c, rq->login, ip, &cred) < 0)
        return -1;
    /* Same answer and the same work for an unknown login and a wrong password: an unknown
     * login is verified against a dummy hash made with the same limits. */
    const char *hash = cred.found ? cred.hash : s_dummy_hash;
    if (cat_hash_gate_enter(e) != 0)
        return -1;
    bool ok = hash[0] && crypto_pwhash_str_verify(hash, rq->password, strlen(rq->password)) == 0;
    cat_hash_gate_leave();
    if (!cred.found || !ok)
        return s_invalid_credentials(c);    /* the attempt is recorded already */
    if (!cred.active)
        return cs_err_set(e, 403, "account_disabled", NULL,
                          "Tài khoản đã bị khoá.%s", "The account is disabled.%s", "");
    s_clear_failures(c, rq->login, ip);

    long long user_id = cred.id;
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    char *token = cs_call_alloc(c, 2 * sizeof raw + 1);
    sodium_bin2hex(token, 2 * sizeof raw + 1, raw, sizeof raw);
    long long ttl = cs_env_int("CHISO_SESSION_TTL", 43200);
    if (ttl <= 0)
        ttl = 43200;
    const char *p2[] = {s_token_hash_param(c, token), cs_call_int(c, user_id), cs_call_int(c, ttl)};
    PGresult *r2 = cs_call_exec(c, "SELECT catalog.session_create($1, $2, $3)", 3, p2);
    if (!r2)
        return -1;
    if (PQgetisnull(r2, 0, 0))
        return s_invalid_credentials(c);

    Chiso__LoginReply *o = CAT_NEW(c, Chiso__LoginReply, chiso__login_reply__descriptor);
    o->token = token;
    CAT_SET(o, expires_at, cs_pg_ll(r2, 0, 0));
    Chiso__User *u = CAT_NEW(c, Chiso__User, chiso__user__descriptor);
    CAT_SET(u, id, user_id);
    u->login = cs_call_strdup(c, rq->login);
    u->full_name = (char *)cred.full_name;
    s_roles_out(c, cred.roles, &u->n_roles, &u->roles);
    CAT_SET(u, province_id, cred.province_id);
    CAT_SET(u, agency_id, cred.agency_id);
    CAT_SET(u, active, true);
    o->user = u;
    *out = &o->base;
    return 0;
}

int cat_ResolveSession(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__ResolveSessionRequest *rq = (const Chiso__ResolveSessionRequest *)in;
    if (!rq->session_token || strlen(rq->session_token) != 64)
        return cs_err_unauthenticated(cs_call_err(c));
    const char *p[] = {s_token_hash_param(c, rq->session_token)};
    PGresult *r = cs_call_exec(c,
        "SELECT user_id, province_id, roles, agency_id, login, full_name, expires_at"
        "  FROM catalog.session_resolve($1)", 1, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_unauthenticated(cs_call_err(c));
    Chiso__SessionInfo *o = CAT_NEW(c, Chiso__SessionInfo, chiso__session_info__descriptor);
    CAT_SET(o, user_id, cs_pg_ll(r, 0, 0));
    CAT_SET(o, province_id, cs_pg_ll(r, 0, 1));
    s_roles_out(c, PQgetvalue(r, 0, 2), &o->n_roles, &o->roles);
    CAT_SET(o, agency_id, cs_pg_ll(r, 0, 3));
    o->login = (char *)cat_val(c, r, 0, 4);
    o->full_name = (char *)cat_val(c, r, 0, 5);
    CAT_SET(o, expires_at, cs_pg_ll(r, 0, 6));
    *out = &o->base;
    return 0;
}

int cat_Logout(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__LogoutRequest *rq = (const Chiso__LogoutRequest *)in;
    if (cs_call_user(c) == 0)
        return cs_err_unauthenticated(cs_call_err(c));
    PGresult *r;
    if (rq->session_token && rq->session_token[0]) {
        const char *p[] = {s_token_hash_param(c, rq->session_token)};
        r = cs_call_exec(c, "SELECT catalog.session_revoke($1)", 1, p);
    } else {
        /* The gateway did not pass the token: end every session of the user. */
        const char *p[] = {cs_call_int(c, cs_call_user(c))};
        r = cs_call_exec(c, "SELECT catalog.session_revoke_user($1), true", 1, p);
    }
    if (!r)
        return -1;
    Chiso__LogoutReply *o = CAT_NEW(c, Chiso__LogoutReply, chiso__logout_reply__descriptor);
    CAT_SET(o, revoked, true);
    *out = &o->base;
    return 0;
}

int cat_Me(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    (void)in;
    if (cs_call_user(c) == 0)
        return cs_err_unauthenticated(cs_call_err(c));
    const char *p[] = {cs_call_int(c, cs_call_user(c))};
    PGresult *r = cs_call_exec(c,
        "SELECT id, login, full_name, roles, province_id, agency_id, active,"
        "       extract(epoch FROM created_at)::bigint, email FROM catalog.users WHERE id = $1", 1, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_unauthenticated(cs_call_err(c));
    Chiso__User *u = CAT_NEW(c, Chiso__User, chiso__user__descriptor);
    CAT_SET(u, id, cs_pg_ll(r, 0, 0));
    u->login = (char *)cat_val(c, r, 0, 1);
    u->full_name = (char *)cat_val(c, r, 0, 2);
    s_roles_out(c, PQgetvalue(r, 0, 3), &u->n_roles, &u->roles);
    CAT_SET(u, province_id, cs_pg_ll(r, 0, 4));
    CAT_SET(u, agency_id, cs_pg_ll(r, 0, 5));
    CAT_SET(u, active, cs_pg_bool(r, 0, 6));
    CAT_SET(u, created_at, cs_pg_ll(r, 0, 7));
    u->email = (char *)cat_val(c, r, 0, 8);
    *out = &u->base;
    return 0;
}
