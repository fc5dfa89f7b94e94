/*  Who is asking. See auth.h. */
#include "auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "call.h"
#include "portal.pb-c.h"

/* True when url (an Origin or a Referer: scheme://host[:port][/...]) names host (the Host
 * header, host[:port]). */
static bool s_same_origin(const char *url, const char *host)
{
    const char *p = url ? strstr(url, "://") : NULL;
    if (!p || !host || !*host)
        return false;
    p += 3;
    size_t n = strcspn(p, "/?#");
    return n == strlen(host) && strncasecmp(p, host, n) == 0;
}

/* The caller's session token: Authorization: Bearer, else the chiso_session cookie. */
static const char *s_token(struct MHD_Connection *c, bool *from_cookie)
{
    const char *auth = gw_req_header(c, MHD_HTTP_HEADER_AUTHORIZATION);
    *from_cookie = false;
    if (auth && strncasecmp(auth, "Bearer ", 7) == 0) {
        auth += 7;
        while (*auth == ' ')
            auth++;
        return *auth ? auth : NULL;
    }
    const char *cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "chiso_session");
    if (cookie && *cookie) {
        *from_cookie = true;
        return cookie;
    }
    return NULL;
}

/* gw_sessions_fetch_fn: the catalog's ResolveSession. */
static int s_fetch_session(void *arg, const char *token, Chiso__SessionInfo **si, cs_err *e)
{
    gw_req *r = arg;
    Chiso__ResolveSessionRequest rs = CHISO__RESOLVE_SESSION_REQUEST__INIT;
    rs.session_token = (char *) token;
    Chiso__Context anon = CHISO__CONTEXT__INIT;
    anon.request_id = r->request_id;
    anon.lang = (char *) r->lang;
    return gw_call(r->h, "catalog", "ResolveSession", &anon, &rs.base,
                   &chiso__session_info__descriptor, true, (ProtobufCMessage **) si, e);
}

/* GW_KEY: a portal client's X-API-Key on a public read, checked where every key is checked
 * (the portal service's UseKey, which records its use): 401 invalid_api_key when unknown,
 * revoked or empty. */
static int s_key_use(gw_req *r, const char *key, cs_err *e)
{
    Chiso__Portal__UseKeyRequest rq = CHISO__PORTAL__USE_KEY_REQUEST__INIT;
    rq.api_key = (char *) key;
    Chiso__Context anon = CHISO__CONTEXT__INIT;
    anon.request_id = r->request_id;
    anon.lang = (char *) r->lang;
    ProtobufCMessage *out = NULL;
    if (gw_call(r->h, "portal", "UseKey", &anon, &rq.base, &chiso__portal__key_use__descriptor,
                true, &out, e) != 0)
        return -1;
    protobuf_c_message_free_unpacked(out, NULL);
    return 0;
}

static void s_ctx_session(Chiso__Context *ctx, const Chiso__SessionInfo *si)
{
    ctx->has_user_id = 1;
    ctx->user_id = si->user_id;
    ctx->has_province_id = 1;
    ctx->province_id = si->has_province_id ? si->province_id : 0;
    ctx->has_agency_id = 1;
    ctx->agency_id = si->has_agency_id ? si->agency_id : 0;
    ctx->n_roles = si->n_roles;
    ctx->roles = si->roles;
    ctx->login = si->login;
}

/* A sysadmin acting inside a province under its support grant (X-Support-Province): the
 * call goes as that province's admin, marked support; the service checks the grant in the
 * transaction (cs_db_tx_as) and marks its audit rows. */
static char *s_support_roles[] = {"province_admin"};

static void s_ctx_support(gw_caller *a)
{
    if (!a->support_province)
        return;
    a->ctx.province_id = a->support_province;
    a->ctx.agency_id = 0;
    a->ctx.n_roles = 1;
    a->ctx.roles = s_support_roles;
    a->ctx.has_support = 1;
    a->ctx.support = 1;
}

/* X-Support-Province: a province id, from a sysadmin only (400 / 403). */
static int s_support_header(gw_caller *a, struct MHD_Connection *c, cs_err *e)
{
    const char *h = gw_req_header(c, "X-Support-Province");
    if (!h)
        return 0;
    char *end = NULL;
    long long id = strtoll(h, &end, 10);
    if (!*h || *end || id <= 0 || strspn(h, "0123456789") != strlen(h))
        return cs_err_set(e, 400, "invalid_input", "X-Support-Province",
                          "X-Support-Province phải là mã số tỉnh%s",
                          "X-Support-Province must be a province id%s", "");
    bool sys = false;
    for (size_t i = 0; i < a->si->n_roles; i++)
        sys = sys || strcmp(a->si->roles[i], "sysadmin") == 0;
    if (!sys)
        return cs_err_set(e, 403, "forbidden", "X-Support-Province",
                          "Chỉ quản trị hệ thống dùng quyền hỗ trợ (X-Support-Province)%s",
                          "Only a sysadmin acts under a support grant (X-Support-Province)%s",
                          "");
    a->support_province = id;
    s_ctx_support(a);
    return 0;
}

/* GW_THROTTLE: a token from the address's bucket before anything costly. 0 / -1 (429). */
static int s_throttle(gw_req *r, const char *client_ip, cs_err *e)
{
    int wait = 0;
    if (gw_ratelimit_take(r->h->throttle, client_ip, gw_req_now(), &wait) == 0)
        return 0;
    cs_err_set(e, 429, "rate_limited", NULL,
               "Quá nhiều yêu cầu từ địa chỉ này; vui lòng thử lại sau %d giây.",
               "Too many requests from this address; please try again in %d seconds.", wait);
    e->retry_after = wait;
    return -1;
}

/* A session is needed: resolve it. A cookie rides along on cross-site requests: a write
 * must show it comes from our own page (Origin, or Referer when a browser sends no
 * Origin); a write showing neither, or another origin, is refused. */
static int s_session(gw_caller *a, gw_req *r, struct MHD_Connection *c, bool from_cookie,
                     cs_err *e)
{
    if (!a->token)
        return cs_err_set(e, 401, "unauthenticated", NULL,
                          "Cần đăng nhập (phiên không hợp lệ hoặc đã hết hạn)%s",
                          "Authentication required (session missing, invalid or expired)%s", "");
    if (from_cookie && !gw_req_reads(r)) {
        const char *origin = gw_req_header(c, "Origin"), *referer = gw_req_header(c, "Referer");
        const char *from = origin ? origin : referer;
        if (!s_same_origin(from, gw_req_header(c, MHD_HTTP_HEADER_HOST)))
            return cs_err_set(e, 403, "cross_origin", NULL,
                              "Yêu cầu ghi từ nguồn khác (%s) bị từ chối",
                              "A write from another origin (%s) is refused", from ? from : "-");
    }
    if (gw_sessions_resolve(r->h->sessions, a->token, false, s_fetch_session, r, a->sha,
                            &a->si, e) != 0)
        return -1;
    a->ctx.has_session_sha256 = 1;
    a->ctx.session_sha256 = (ProtobufCBinaryData){sizeof a->sha, a->sha};
    s_ctx_session(&a->ctx, a->si);
    return s_support_header(a, c, e);
}

int gw_caller_resolve(gw_caller *a, gw_req *r, struct MHD_Connection *c, const gw_route *rt,
                      cs_err *e)
{
    *a = (gw_caller){.ctx = CHISO__CONTEXT__INIT};
    gw_req_client_ip(c, a->client_ip, sizeof a->client_ip);
    if ((rt->flags & GW_THROTTLE) && s_throttle(r, a->client_ip, e) != 0)
        return -1;
    a->ctx.request_id = r->request_id;
    a->ctx.lang = (char *) r->lang;
    a->ctx.client_ip = a->client_ip;
    const char *idem = gw_req_header(c, "Idempotency-Key");
    if (idem) {
        if (!gw_req_token_ok(idem, 128))
            return cs_err_set(e, 400, "bad_idempotency_key", "Idempotency-Key",
                              "Idempotency-Key không hợp lệ (1-128 ký tự chữ, số, - _ . :)%s",
                              "Invalid Idempotency-Key (1-128 letters, digits, - _ . :)%s", "");
        a->ctx.idempotency_key = (char *) idem;
    }
    bool from_cookie = false;
    a->token = s_token(c, &from_cookie);
    /* GW_SESSION_OR_KEY: a caller without a session may show a portal key instead */
    if ((rt->flags & GW_PORTAL) ||
        ((rt->flags & GW_SESSION_OR_KEY) && !a->token && gw_req_header(c, "X-API-Key"))) {
        const char *key = gw_req_header(c, "X-API-Key");
        if (!key || !*key)
            return cs_err_set(e, 401, "unauthenticated", "X-API-Key",
                              "Thiếu khóa API (X-API-Key)%s", "Missing API key (X-API-Key)%s", "");
        a->api_key = key;
    } else if (!(rt->flags & GW_PUBLIC)) {
        return s_session(a, r, c, from_cookie, e);
    }
    const char *key = gw_req_header(c, "X-API-Key");
    if ((rt->flags & GW_KEY) && key)
        return s_key_use(r, key, e);
    return 0;
}

int gw_caller_refresh(gw_caller *a, gw_req *r, cs_err *e)
{
    chiso__session_info__free_unpacked(a->si, NULL);
    a->si = NULL;
    if (gw_sessions_resolve(r->h->sessions, a->token, true, s_fetch_session, r, a->sha,
                            &a->si, e) != 0)
        return -1;
    s_ctx_session(&a->ctx, a->si);
    s_ctx_support(a);
    return 0;
}

void gw_caller_forget(gw_caller *a, gw_req *r)
{
    if (a->si)
        gw_sessions_drop(r->h->sessions, a->sha);
}

void gw_caller_release(gw_caller *a)
{
    if (a->si)
        chiso__session_info__free_unpacked(a->si, NULL);
    a->si = NULL;
}
