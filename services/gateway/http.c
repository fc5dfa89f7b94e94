/*  gw_http: libmicrohttpd handler — request state across the handler's calls, routing,
 *  sessions, JSON <-> protobuf, the broker call, uploads and downloads. See http.h.
 *
 *  libmicrohttpd calls the handler several times per request: once with the headers,
 *  once per body chunk, once at the end. The response is queued at the end (queuing on
 *  the very first call would cost the keep-alive in 0.9.75), except when Content-Length
 *  alone already exceeds the cap: then 413 goes out at once and the body is never read. */
#include "http.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "catalog.pb-c.h"
#include "cs_client.h"
#include "cs_log.h"
#include "envelope.pb-c.h"
#include "etag.h"
#include "metrics.h"
#include "openapi.h"
#include "pbjson.h"
#include "ratelimit.h"
#include "router.h"
#include "session_cache.h"
#include "upload.h"

/* Request line and headers: our own limits answer 414/431 in the JSON error shape; the
 * connection's buffer (MHD_OPTION_CONNECTION_MEMORY_LIMIT) is well above them, so
 * libmicrohttpd's own HTML refusals only come for requests far past them. */
#define GW_URL_MAX (8 * 1024)
#define GW_HEADERS_MAX (16 * 1024)
#define GW_CONN_MEMORY (128 * 1024)

/* Slack over CHISO_MAX_UPLOAD for a multipart body's part headers and boundaries. */
#define MULTIPART_SLACK (64 * 1024)
#define FORM_FIELDS_MAX (64 * 1024)

struct gw_http {
    const cs_config *cfg;
    void *zmq;
    struct MHD_Daemon *daemon;
    char *openapi;                  /* rendered once: the route table is static */
    gw_sessions *sessions;          /* resolved sessions, kept briefly (session_cache.h) */
    gw_ratelimit *throttle;         /* GW_THROTTLE routes, per client address */
    pthread_mutex_t lock;           /* guards clients */
    cs_client **clients;
    size_t n_clients;
};

typedef enum { K_API, K_BUILTIN, K_STATIC } s_kind;

typedef struct {
    gw_http *h;
    double t0;
    char method[16];
    char *url;
    s_kind kind;
    int match_rc;
    gw_match m;
    char allow[128];
    char request_id[72];
    const char *lang;               /* "vi" / "en" */
    /* body */
    char *body;
    size_t body_len, body_cap;
    /* an error found before the end (body too large, bad file name...): the rest of the
     * body is read and dropped, the error is the answer */
    bool failed;
    cs_err err;
    /* uploads */
    gw_upload *up;
    struct MHD_PostProcessor *pp;
    char file_name[260];
    int file_parts;
    json_t *form;                   /* multipart fields other than `file` */
    char feed_type[128];            /* GW_FEED multipart: the `file` part's media type */
    size_t form_bytes;
    /* outcome, for the log line and the metrics */
    bool responded;
    int status;
    int retry_after;                /* > 0: sent as Retry-After */
    char code[64];
} s_req;

static _Thread_local cs_client *tl_client;

/* ---------------------------------------------------------------------------------- */
/* small helpers                                                                       */

static double s_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static cs_client *s_client(gw_http *h)
{
    if (!tl_client) {
        tl_client = cs_client_new(h->zmq, h->cfg->broker);
        if (!tl_client)
            return NULL;
        pthread_mutex_lock(&h->lock);
        cs_client **grown = realloc(h->clients, (h->n_clients + 1) * sizeof *grown);
        if (!grown)
            abort();
        h->clients = grown;
        h->clients[h->n_clients++] = tl_client;
        pthread_mutex_unlock(&h->lock);
    }
    return tl_client;
}

static const char *s_header(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

/* "en" when Accept-Language ranks English above Vietnamese, else "vi". */
static const char *s_lang(const char *al)
{
    const char *best = "vi";
    double best_q = -1;
    while (al && *al) {
        const char *end = strchr(al, ',');
        size_t n = end ? (size_t) (end - al) : strlen(al);
        char item[64];
        snprintf(item, sizeof item, "%.*s", (int) (n < sizeof item ? n : sizeof item - 1), al);
        char *tag = item;
        while (*tag == ' ')
            tag++;
        double q = 1;
        char *semi = strchr(tag, ';');
        if (semi) {
            *semi = '\0';
            char *qp = strstr(semi + 1, "q=");
            if (qp)
                q = strtod(qp + 2, NULL);
        }
        if ((strncasecmp(tag, "en", 2) == 0 || strncasecmp(tag, "vi", 2) == 0) &&
            (tag[2] == '\0' || tag[2] == '-' || tag[2] == ' ') && q > best_q) {
            best_q = q;
            best = strncasecmp(tag, "en", 2) == 0 ? "en" : "vi";
        }
        al = end ? end + 1 : NULL;
    }
    return best;
}

static bool s_token_ok(const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(isalnum((unsigned char) s[i]) || s[i] == '-' || s[i] == '_' || s[i] == '.' ||
              s[i] == ':'))
            return false;
    return true;
}

static void s_client_ip(struct MHD_Connection *c, char *buf, size_t len)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    buf[0] = '\0';
    if (!ci || !ci->client_addr)
        return;
    if (ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *) ci->client_addr)->sin_addr, buf, (socklen_t) len);
    else if (ci->client_addr->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *) ci->client_addr)->sin6_addr, buf, (socklen_t) len);
}

static bool s_ctype_is(const char *ct, const char *want)
{
    size_t n = strlen(want);
    return ct && strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* ---------------------------------------------------------------------------------- */
/* responses                                                                           */

/* Headers on every answer (issue 10, item 4): the UI loads scripts and styles from its own
 * origin only (no inline script or style: web/ must keep to that), is never framed, sends
 * no Referer elsewhere; HSTS when the client reached us over TLS (a terminating proxy says
 * so with X-Forwarded-Proto; browsers ignore HSTS on plain http anyway). */
#define GW_CSP "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " \
               "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; " \
               "form-action 'self'; frame-ancestors 'none'"

static void s_security_headers(struct MHD_Response *resp, struct MHD_Connection *c)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Content-Security-Policy", GW_CSP);
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    const char *proto = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-Proto");
    if (proto && strcasecmp(proto, "https") == 0)
        MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
}

/* Queue a response with body (malloc'd, taken). */
static enum MHD_Result s_send(s_req *r, struct MHD_Connection *c, int status,
                              const char *ctype, char *body, size_t len)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, body ? body : (char *) "",
                                        body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    MHD_add_response_header(resp, "X-Request-Id", r->request_id);
    s_security_headers(resp, c);
    if (status == 405 && r->allow[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
    if (status == 401)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
    if (r->retry_after > 0) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d", r->retry_after);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
    }
    enum MHD_Result ret = MHD_queue_response(c, (unsigned) status, resp);
    MHD_destroy_response(resp);
    r->responded = true;
    r->status = status;
    return ret;
}

static enum MHD_Result s_send_json(s_req *r, struct MHD_Connection *c, int status, json_t *j)
{
    char *text = pbjson_dumps(j);
    json_decref(j);
    return s_send(r, c, status, "application/json; charset=utf-8", text, text ? strlen(text) : 0);
}

/* A JSON string of s even when s is not UTF-8 (a name echoed from the request): bad
 * bytes become '?', so the error body always has its documented shape. */
static json_t *s_jstr(const char *s)
{
    json_t *j = json_string(s);
    if (j)
        return j;
    char *copy = strdup(s);
    if (!copy)
        abort();
    size_t n = strlen(copy), at;
    while (!pbjson_utf8_valid(copy, n, &at))
        copy[at] = '?';
    j = json_string(copy);
    free(copy);
    return j;
}

static enum MHD_Result s_send_error(s_req *r, struct MHD_Connection *c, const cs_err *e)
{
    int status = e->status >= 400 && e->status <= 599 ? e->status : 500;
    const char *vi = e->message_vi[0] ? e->message_vi : e->message_en;
    const char *en = e->message_en[0] ? e->message_en : e->message_vi;
    json_t *err = json_object();
    json_object_set_new(err, "code", s_jstr(e->code[0] ? e->code : "internal"));
    json_object_set_new(err, "message", s_jstr(strcmp(r->lang, "en") == 0 ? en : vi));
    json_object_set_new(err, "message_vi", s_jstr(vi));
    json_object_set_new(err, "message_en", s_jstr(en));
    json_object_set_new(err, "field", e->field[0] ? s_jstr(e->field) : json_null());
    /* a 500's detail is for the log, not for the client */
    json_object_set_new(err, "detail", e->detail[0] && status != 500 ? s_jstr(e->detail) : json_null());
    snprintf(r->code, sizeof r->code, "%s", e->code[0] ? e->code : "internal");
    if (e->retry_after > 0 && (status == 429 || status == 503))
        r->retry_after = e->retry_after;
    /* a refused upload leaves nothing behind by the time the client reads the answer */
    gw_upload_destroy(&r->up);
    if (status == 500 && e->detail[0])
        cs_log_error("request %s: %s", r->request_id, e->detail);
    return s_send_json(r, c, status, json_pack("{s:o}", "error", err));
}

/* ---------------------------------------------------------------------------------- */
/* body and uploads                                                                    */

static void s_fail(s_req *r, const cs_err *e)
{
    if (!r->failed) {
        r->failed = true;
        r->err = *e;
    }
    free(r->body);
    r->body = NULL;
    r->body_len = r->body_cap = 0;
    gw_upload_destroy(&r->up);
}

static int s_body_too_large(cs_err *e, int64_t cap)
{
    return cs_err_set(e, 413, "body_too_large", NULL,
                      "Nội dung yêu cầu vượt quá dung lượng cho phép (%lld byte)",
                      "The request body is larger than allowed (%lld bytes)", (long long) cap);
}

static enum MHD_Result s_post_iter(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *filename, const char *content_type,
                                   const char *transfer_encoding, const char *data,
                                   uint64_t off, size_t size)
{
    s_req *r = cls;
    cs_err e;
    (void) kind, (void) content_type, (void) transfer_encoding;
    if (r->failed)
        return MHD_NO;
    if (strcmp(key, "file") == 0) {
        if (off == 0 && ++r->file_parts == 1) {
            const char *fn = filename ? filename : "";
            if (gw_file_name_check(fn, strlen(fn), &e) != 0) {
                s_fail(r, &e);
                return MHD_NO;
            }
            snprintf(r->file_name, sizeof r->file_name, "%s", fn);
        } else if (off == 0) {
            cs_err_set(&e, 400, "too_many_files", "file", "Chỉ được gửi một tệp mỗi lần%s",
                       "Send one file per request%s", "");
            s_fail(r, &e);
            return MHD_NO;
        }
        if (size > 0 && gw_upload_write(r->up, data, size, &e) != 0) {
            s_fail(r, &e);
            return MHD_NO;
        }
        return MHD_YES;
    }
    /* a small text field: kept to fill the input like a query parameter */
    r->form_bytes += size;
    if (r->form_bytes > FORM_FIELDS_MAX) {
        s_body_too_large(&e, FORM_FIELDS_MAX);
        s_fail(r, &e);
        return MHD_NO;
    }
    const char *old = json_string_value(json_object_get(r->form, key));
    size_t ol = old ? strlen(old) : 0;
    char *v = malloc(ol + size + 1);
    if (!v)
        abort();
    memcpy(v, old ? old : "", ol);
    memcpy(v + ol, data, size);
    v[ol + size] = '\0';
    json_t *js = json_stringn_nocheck(v, ol + size);
    free(v);
    json_object_set_new(r->form, key, js);
    return MHD_YES;
}

/* Largest body of this request: a feed is a file, anything else a JSON document. */
static int64_t s_body_cap(const s_req *r)
{
    bool feed = r->kind == K_API && r->match_rc == GW_MATCH_OK && (r->m.route->flags & GW_FEED);
    return feed ? r->h->cfg->max_upload : r->h->cfg->max_body;
}

/* Append to r->body within the cap; false (and r failed with 413) past it. */
static bool s_body_append(s_req *r, const char *data, size_t n)
{
    cs_err e;
    int64_t cap = s_body_cap(r);
    if ((int64_t) (r->body_len + n) > cap) {
        s_body_too_large(&e, cap);
        s_fail(r, &e);
        return false;
    }
    if (r->body_len + n + 1 > r->body_cap) {
        size_t bc = r->body_cap ? r->body_cap : 4096;
        while (bc < r->body_len + n + 1)
            bc *= 2;
        char *grown = realloc(r->body, bc);
        if (!grown)
            abort();
        r->body = grown;
        r->body_cap = bc;
    }
    memcpy(r->body + r->body_len, data, n);
    r->body_len += n;
    r->body[r->body_len] = '\0';
    return true;
}

/* GW_FEED multipart: the `file` part is the body; other parts are small text fields. */
static enum MHD_Result s_feed_iter(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *filename, const char *content_type,
                                   const char *transfer_encoding, const char *data,
                                   uint64_t off, size_t size)
{
    s_req *r = cls;
    cs_err e;
    if (r->failed)
        return MHD_NO;
    if (strcmp(key, "file") != 0)
        return s_post_iter(cls, kind, key, filename, content_type, transfer_encoding, data,
                           off, size);
    (void) transfer_encoding;
    if (off == 0 && ++r->file_parts == 1) {
        const char *fn = filename ? filename : "";
        if (*fn && gw_file_name_check(fn, strlen(fn), &e) != 0) {
            s_fail(r, &e);
            return MHD_NO;
        }
        snprintf(r->file_name, sizeof r->file_name, "%s", fn);
        snprintf(r->feed_type, sizeof r->feed_type, "%s", content_type ? content_type : "");
    } else if (off == 0) {
        cs_err_set(&e, 400, "too_many_files", "file", "Chỉ được gửi một tệp mỗi lần%s",
                   "Send one file per request%s", "");
        s_fail(r, &e);
        return MHD_NO;
    }
    return size == 0 || s_body_append(r, data, size) ? MHD_YES : MHD_NO;
}

static void s_take_body(s_req *r, const char *data, size_t n)
{
    cs_err e;
    if (r->failed)
        return;                             /* read and dropped */
    if (r->pp && !r->up) {                  /* a feed sent as multipart/form-data */
        if (MHD_post_process(r->pp, data, n) != MHD_YES && !r->failed) {
            cs_err_set(&e, 400, "malformed_multipart", NULL,
                       "Nội dung multipart/form-data không hợp lệ%s",
                       "Malformed multipart/form-data body%s", "");
            s_fail(r, &e);
        }
        return;
    }
    if (r->up) {
        if (r->pp) {
            if (MHD_post_process(r->pp, data, n) != MHD_YES && !r->failed) {
                cs_err_set(&e, 400, "malformed_multipart", NULL,
                           "Nội dung multipart/form-data không hợp lệ%s",
                           "Malformed multipart/form-data body%s", "");
                s_fail(r, &e);
            }
        } else if (gw_upload_write(r->up, data, n, &e) != 0) {
            s_fail(r, &e);
        }
        return;
    }
    s_body_append(r, data, n);
}

/* ---------------------------------------------------------------------------------- */
/* broker calls                                                                        */

/* Send chiso.Request{ctx, rpc, body} to service; the reply's error becomes e. On success
 * *out is the unpacked output (of output descriptor od). 0 / -1. */
static int s_call(gw_http *h, const char *service, const char *rpc, Chiso__Context *ctx,
                  const ProtobufCMessage *in, const ProtobufCMessageDescriptor *od,
                  bool retry, ProtobufCMessage **out, cs_err *e)
{
    cs_client *client = s_client(h);
    *out = NULL;
    if (!client)
        return cs_err_internal(e, "cannot open a broker client");
    size_t in_len = protobuf_c_message_get_packed_size(in);
    uint8_t *in_buf = malloc(in_len ? in_len : 1);
    if (!in_buf)
        abort();
    protobuf_c_message_pack(in, in_buf);

    Chiso__Request req = CHISO__REQUEST__INIT;
    req.ctx = ctx;
    req.rpc = (char *) rpc;
    req.has_body = 1;
    req.body.data = in_buf;
    req.body.len = in_len;
    size_t req_len = chiso__request__get_packed_size(&req);
    uint8_t *req_buf = malloc(req_len ? req_len : 1);
    if (!req_buf)
        abort();
    chiso__request__pack(&req, req_buf);
    free(in_buf);

    uint8_t *rep_buf = NULL;
    size_t rep_len = 0;
    int rc = cs_client_call(client, service, req_buf, req_len, retry, &rep_buf, &rep_len, e);
    free(req_buf);
    if (rc != 0)
        return -1;

    Chiso__Reply *rep = chiso__reply__unpack(NULL, rep_len, rep_buf);
    free(rep_buf);
    if (!rep)
        return cs_err_set(e, 502, "bad_reply", NULL, "Dịch vụ %s trả lời không hợp lệ",
                          "Service %s sent an invalid reply", service);
    if (rep->error) {
        const Chiso__Error *re = rep->error;
        cs_err_clear(e);
        e->status = re->has_status && re->status ? (int) re->status : 500;
        snprintf(e->code, sizeof e->code, "%s", re->code ? re->code : "internal");
        snprintf(e->field, sizeof e->field, "%s", re->field ? re->field : "");
        snprintf(e->message_vi, sizeof e->message_vi, "%s", re->message_vi ? re->message_vi : "");
        snprintf(e->message_en, sizeof e->message_en, "%s", re->message_en ? re->message_en : "");
        snprintf(e->detail, sizeof e->detail, "%s", re->detail ? re->detail : "");
        e->retry_after = re->has_retry_after && re->retry_after < 86400 ? (int) re->retry_after : 0;
        chiso__reply__free_unpacked(rep, NULL);
        return -1;
    }
    *out = protobuf_c_message_unpack(od, NULL, rep->has_body ? rep->body.len : 0,
                                     rep->has_body ? rep->body.data : (const uint8_t *) "");
    chiso__reply__free_unpacked(rep, NULL);
    if (!*out)
        return cs_err_set(e, 502, "bad_reply", NULL, "Dịch vụ %s trả lời không hợp lệ",
                          "Service %s sent an invalid reply", service);
    return 0;
}

/* ---------------------------------------------------------------------------------- */
/* built-in endpoints                                                                  */

static enum MHD_Result s_readyz(s_req *r, struct MHD_Connection *c)
{
    cs_err e;
    char *list = NULL;
    cs_client *client = s_client(r->h);
    json_t *live = json_object(), *missing = json_array();
    if (client && cs_client_status(client, &list, &e) == 0) {
        char *save = NULL;
        for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            char *eq = strchr(tok, '=');
            if (!eq)
                continue;
            *eq = '\0';
            json_object_set_new(live, tok, json_integer(strtoll(eq + 1, NULL, 10)));
        }
        free(list);
    }
    char wanted[512];
    snprintf(wanted, sizeof wanted, "%s",
             cs_env("CHISO_SERVICES", "catalog,submissions,appraisal,surveys,leadership,ranking"));
    json_t *services = json_object();
    char *save = NULL;
    for (char *s = strtok_r(wanted, ", ", &save); s; s = strtok_r(NULL, ", ", &save)) {
        json_int_t n = json_integer_value(json_object_get(live, s));
        json_object_set_new(services, s, json_integer(n));
        if (n <= 0)
            json_array_append_new(missing, json_string(s));
    }
    json_decref(live);
    bool ready = json_array_size(missing) == 0;
    return s_send_json(r, c, ready ? 200 : 503,
                       json_pack("{s:b, s:o, s:o}", "ready", ready, "services", services,
                                 "missing", missing));
}

static enum MHD_Result s_builtin(s_req *r, struct MHD_Connection *c)
{
    if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
        cs_err e;
        snprintf(r->allow, sizeof r->allow, "GET, HEAD");
        cs_err_set(&e, 405, "method_not_allowed", NULL, "Phương thức %s không được hỗ trợ ở đây",
                   "Method %s is not allowed here", r->method);
        return s_send_error(r, c, &e);
    }
    if (strcmp(r->url, "/healthz") == 0)
        return s_send_json(r, c, 200, json_pack("{s:s}", "status", "ok"));
    if (strcmp(r->url, "/readyz") == 0)
        return s_readyz(r, c);
    if (strcmp(r->url, "/metrics") == 0) {
        /* not public (issue 10, item 7): only with CHISO_METRICS_TOKEN as a Bearer token;
         * without that setting the gateway does not serve it at all */
        const char *want = cs_env("CHISO_METRICS_TOKEN", NULL);
        if (!want) {
            cs_err e;
            cs_err_set(&e, 404, "route_not_found", NULL, "Không có %s", "No route %s", r->url);
            return s_send_error(r, c, &e);
        }
        const char *auth = s_header(c, MHD_HTTP_HEADER_AUTHORIZATION);
        const char *got = auth && strncasecmp(auth, "Bearer ", 7) == 0 ? auth + 7 : "";
        unsigned char hw[crypto_hash_sha256_BYTES], hg[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(hw, (const unsigned char *) want, strlen(want));
        crypto_hash_sha256(hg, (const unsigned char *) got, strlen(got));
        if (sodium_memcmp(hw, hg, sizeof hw) != 0) {
            cs_err e;
            cs_err_set(&e, 401, "unauthenticated", NULL,
                       "Cần mã truy cập số liệu (Authorization: Bearer)%s",
                       "The metrics token is required (Authorization: Bearer)%s", "");
            return s_send_error(r, c, &e);
        }
        char *text = gw_metrics_render();
        return s_send(r, c, 200, "text/plain; version=0.0.4; charset=utf-8", text, strlen(text));
    }
    char *doc = strdup(r->h->openapi);
    if (!doc)
        abort();
    return s_send(r, c, 200, "application/json; charset=utf-8", doc, strlen(doc));
}

static const char *s_mime_of(const char *path)
{
    static const char *const map[][2] = {
        {".html", "text/html; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"}, {".json", "application/json"},
        {".svg", "image/svg+xml"}, {".png", "image/png"}, {".jpg", "image/jpeg"},
        {".ico", "image/x-icon"}, {".txt", "text/plain; charset=utf-8"},
        {".woff2", "font/woff2"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof map / sizeof map[0]; i++)
        if (strcasecmp(dot, map[i][0]) == 0)
            return map[i][1];
    return "application/octet-stream";
}

static enum MHD_Result s_static(s_req *r, struct MHD_Connection *c)
{
    cs_err e;
    if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
        snprintf(r->allow, sizeof r->allow, "GET, HEAD");
        cs_err_set(&e, 405, "method_not_allowed", NULL, "Phương thức %s không được hỗ trợ ở đây",
                   "Method %s is not allowed here", r->method);
        return s_send_error(r, c, &e);
    }
    const char *rel = strcmp(r->url, "/") == 0 ? "/index.html" : r->url;
    char root[PATH_MAX], path[PATH_MAX + 8], real[PATH_MAX];
    /* resolved per request: the folder may be created or replaced while we run */
    if (!realpath(r->h->cfg->web_dir, root))
        root[0] = '\0';
    size_t root_len = strlen(root);
    /* no way out of the web folder: no '..' or hidden segments, no backslashes, and the
     * resolved path must still be inside the resolved root */
    bool bad = !root[0] || strstr(rel, "/.") || strchr(rel, '\\') || rel[0] != '/';
    int fd = -1;
    struct stat st;
    if (!bad && snprintf(path, sizeof path, "%s%s", root, rel) < (int) sizeof path &&
        realpath(path, real) && strncmp(real, root, root_len) == 0 &&
        real[root_len] == '/' && (fd = open(real, O_RDONLY | O_CLOEXEC)) >= 0 &&
        fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t) st.st_size, fd);
        if (!resp) {
            close(fd);
            return MHD_NO;
        }
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, s_mime_of(real));
        s_security_headers(resp, c);
        MHD_add_response_header(resp, "X-Request-Id", r->request_id);
        MHD_add_response_header(resp, "Cache-Control", "no-cache");
        enum MHD_Result ret = MHD_queue_response(c, 200, resp);
        MHD_destroy_response(resp);
        r->responded = true;
        r->status = 200;
        return ret;
    }
    if (fd >= 0)
        close(fd);
    cs_err_set(&e, 404, "not_found", NULL, "Không tìm thấy %s", "Not found: %s", r->url);
    return s_send_error(r, c, &e);
}

/* ---------------------------------------------------------------------------------- */
/* downloads                                                                           */

/* Content-Disposition with an ASCII fallback and the RFC 5987 UTF-8 name. */
static void s_disposition(const char *name, char *buf, size_t len)
{
    char ascii[256], enc[1024];
    size_t a = 0, n = 0;
    for (const unsigned char *p = (const unsigned char *) name; *p; p++) {
        /* one '_' per non-ASCII character (continuation bytes add nothing) */
        if (a < sizeof ascii - 1 && (*p & 0xC0) != 0x80)
            ascii[a++] = (*p >= 0x20 && *p < 0x7F && *p != '"' && *p != '\\') ? (char) *p : '_';
        if (n + 4 >= sizeof enc)
            continue;
        if (isalnum(*p) || strchr("!#$&+-.^_`|~", *p))
            enc[n++] = (char) *p;
        else
            n += (size_t) snprintf(enc + n, sizeof enc - n, "%%%02X", *p);
    }
    ascii[a] = '\0';
    enc[n] = '\0';
    snprintf(buf, len, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, enc);
}

/* Only a plain MIME token (with parameters such as "; charset=utf-8") goes into a header. */
static bool s_mime_ok(const char *type)
{
    if (!type || !*type || strlen(type) >= 128)
        return false;
    for (const char *p = type; *p; p++)
        if (!(isalnum((unsigned char) *p) || strchr("/.+-;= ", *p)))
            return false;
    return true;
}

static enum MHD_Result s_download(s_req *r, struct MHD_Connection *c, const ProtobufCMessage *out)
{
    cs_err e;
    const char *sha = pbjson_get_string(out, "file_sha256");
    const char *type = pbjson_get_string(out, "file_type");
    const char *name = pbjson_get_string(out, "file_name");
    char path[1200], disp[1400];
    struct stat st;
    int fd = -1;
    if (gw_store_path(r->h->cfg->var_dir, sha, path, sizeof path) != 0 ||
        (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        cs_err_set(&e, 404, "file_not_found", NULL, "Tệp minh chứng không còn trong kho%s",
                   "The evidence file is missing from the store%s", "");
        return s_send_error(r, c, &e);
    }
    struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t) st.st_size, fd);
    if (!resp) {
        close(fd);
        return MHD_NO;
    }
    /* the type was decided from the content at upload; still, only a plain MIME token */
    bool type_ok = s_mime_ok(type);
    s_disposition(name && *name ? name : sha, disp, sizeof disp);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type_ok ? type : "application/octet-stream");
    MHD_add_response_header(resp, "Content-Disposition", disp);
    s_security_headers(resp, c);
    MHD_add_response_header(resp, "X-Request-Id", r->request_id);
    enum MHD_Result ret = MHD_queue_response(c, 200, resp);
    MHD_destroy_response(resp);
    r->responded = true;
    r->status = 200;
    return ret;
}

/* GW_RAW: the rpc's bytes as they are (see routes.h). */
static enum MHD_Result s_raw(s_req *r, struct MHD_Connection *c, const ProtobufCMessage *out)
{
    size_t len = 0;
    const uint8_t *bytes = pbjson_get_bytes(out, "content", &len);
    const char *type = pbjson_get_string(out, "content_type");
    const char *name = pbjson_get_string(out, "file_name");
    const char *tag = pbjson_get_string(out, "etag");
    const char *cache = pbjson_get_string(out, "cache_control");
    if (tag && !*tag)
        tag = NULL;
    if (!bytes || !s_mime_ok(type) || (tag && !gw_etag_valid(tag)) ||
        (cache && (strlen(cache) >= 128 || strpbrk(cache, "\r\n")))) {
        cs_err e;
        cs_err_internal(&e, "GW_RAW reply without content, with a bad content_type, etag or cache_control");
        cs_err_detail(&e, "%s %s", r->method, r->url);
        return s_send_error(r, c, &e);
    }
    char etag[140];
    if (tag)
        snprintf(etag, sizeof etag, "\"%s\"", tag);
    int status = 200;
    struct MHD_Response *resp;
    if (tag && gw_etag_none_match(s_header(c, MHD_HTTP_HEADER_IF_NONE_MATCH), tag)) {
        status = 304;
        resp = MHD_create_response_from_buffer(0, (void *) "", MHD_RESPMEM_PERSISTENT);
    } else {
        resp = MHD_create_response_from_buffer(len, (void *) bytes, MHD_RESPMEM_MUST_COPY);
    }
    if (!resp)
        return MHD_NO;
    if (status == 200) {
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
        if (name && *name) {
            char disp[1400];
            s_disposition(name, disp, sizeof disp);
            MHD_add_response_header(resp, "Content-Disposition", disp);
        }
    }
    if (tag)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
    if (cache && *cache)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
    s_security_headers(resp, c);
    MHD_add_response_header(resp, "X-Request-Id", r->request_id);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned) status, resp);
    MHD_destroy_response(resp);
    r->responded = true;
    r->status = status;
    return ret;
}

/* ---------------------------------------------------------------------------------- */
/* API requests                                                                        */

typedef struct {
    ProtobufCMessage *in;
    const gw_route *route;
    cs_err *e;
    int rc;
} s_query_fill;

static enum MHD_Result s_query_iter(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    s_query_fill *q = cls;
    (void) kind;
    if ((q->route->flags & GW_UPLOAD) && strcmp(key, "file_name") == 0)
        return MHD_YES;                     /* checked and set with the upload */
    if (gw_openapi_hidden_field(q->route, key)) {
        q->rc = cs_err_set(q->e, 400, "unknown_field", key, "Trường \"%s\" không tồn tại",
                           "Unknown field \"%s\"", key);
        return MHD_NO;
    }
    if (pbjson_set_text(q->in, key, value ? value : "", q->e) != 0) {
        q->rc = -1;
        return MHD_NO;
    }
    return MHD_YES;
}

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
    const char *auth = s_header(c, MHD_HTTP_HEADER_AUTHORIZATION);
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

static int s_unauthenticated(cs_err *e)
{
    return cs_err_set(e, 401, "unauthenticated", NULL,
                      "Cần đăng nhập (phiên không hợp lệ hoặc đã hết hạn)%s",
                      "Authentication required (session missing, invalid or expired)%s", "");
}

/* gw_sessions_fetch_fn: the catalog's ResolveSession. */
static int s_fetch_session(void *arg, const char *token, Chiso__SessionInfo **si, cs_err *e)
{
    s_req *r = arg;
    Chiso__ResolveSessionRequest rs = CHISO__RESOLVE_SESSION_REQUEST__INIT;
    rs.session_token = (char *) token;
    Chiso__Context anon = CHISO__CONTEXT__INIT;
    anon.request_id = r->request_id;
    anon.lang = (char *) r->lang;
    return s_call(r->h, "catalog", "ResolveSession", &anon, &rs.base,
                  &chiso__session_info__descriptor, true, (ProtobufCMessage **) si, e);
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

/* GW_FEED: the body (or the multipart `file` part, gathered into r->body by s_feed_iter)
 * as is into `body`, with its media type. Only JSON and CSV: the portal sends nothing else. */
static int s_feed_body(s_req *r, const char *ctype, ProtobufCMessage *in, cs_err *e)
{
    const char *type = r->form ? r->feed_type : ctype;
    if (r->form && r->file_parts == 0)
        return cs_err_set(e, 400, "missing_file", "file", "Thiếu tệp (trường \"file\")%s",
                          "No file sent (field \"file\")%s", "");
    if (r->body_len == 0)
        return cs_err_set(e, 400, "empty_body", "body", "Nội dung gửi lên trống%s",
                          "The body is empty%s", "");
    const char *kind = s_ctype_is(type, "application/json") ? "application/json"
                       : s_ctype_is(type, "text/csv")       ? "text/csv"
                                                            : NULL;
    /* a multipart part without a useful type: decided by the file name */
    size_t fl = strlen(r->file_name);
    if (!kind && r->form && fl > 5 && strcasecmp(r->file_name + fl - 5, ".json") == 0)
        kind = "application/json";
    if (!kind && r->form && fl > 4 && strcasecmp(r->file_name + fl - 4, ".csv") == 0)
        kind = "text/csv";
    if (!kind)
        return cs_err_set(e, 415, "unsupported_media_type", NULL,
                          "Cần Content-Type application/json hoặc text/csv (nhận được %s)",
                          "Content-Type must be application/json or text/csv (got %s)",
                          type ? type : "-");
    size_t bad;
    if (!pbjson_utf8_valid(r->body, r->body_len, &bad) || memchr(r->body, '\0', r->body_len))
        return cs_err_set(e, 400, "invalid_utf8", "body",
                          "Nội dung không phải UTF-8 hợp lệ (byte %zu)",
                          "The body is not valid UTF-8 (at byte %zu)", bad);
    if (pbjson_set_text(in, "body", r->body, e) != 0 ||
        pbjson_set_text(in, "content_type", kind, e) != 0)
        return -1;
    if (r->form && r->file_name[0] && pbjson_field(in->descriptor, "file_name", -1) &&
        pbjson_set_text(in, "file_name", r->file_name, e) != 0)
        return -1;
    return 0;
}

static enum MHD_Result s_api(s_req *r, struct MHD_Connection *c)
{
    cs_err e;
    cs_err_clear(&e);
    if (r->match_rc == GW_MATCH_NO_PATH) {
        cs_err_set(&e, 404, "route_not_found", NULL, "Không có API %s %s",
                   "No API route %s %s", r->method, r->url);
        return s_send_error(r, c, &e);
    }
    if (r->match_rc == GW_MATCH_BAD_METHOD) {
        cs_err_set(&e, 405, "method_not_allowed", NULL,
                   "Phương thức %s không được hỗ trợ ở %s", "Method %s is not allowed on %s",
                   r->method, r->url);
        return s_send_error(r, c, &e);
    }
    const gw_route *rt = r->m.route;
    const ProtobufCMethodDescriptor *md =
        rt->desc ? protobuf_c_service_descriptor_get_method_by_name(rt->desc, rt->rpc) : NULL;
    if (!md) {
        cs_err_internal(&e, "route names an rpc its service does not have");
        cs_err_detail(&e, "%s %s -> %s.%s", rt->method, rt->path, rt->service, rt->rpc);
        return s_send_error(r, c, &e);
    }

    ProtobufCMessage *in = NULL, *out = NULL;
    Chiso__SessionInfo *si = NULL;
    uint8_t sha[GW_SESSION_HASH];
    enum MHD_Result ret;
    const char *ctype = s_header(c, MHD_HTTP_HEADER_CONTENT_TYPE);
    const char *api_key = NULL;

    /* 1. session and context first: an anonymous caller learns nothing about the input */
    Chiso__Context ctx = CHISO__CONTEXT__INIT;
    char client_ip[64];
    s_client_ip(c, client_ip, sizeof client_ip);
    if ((rt->flags & GW_THROTTLE) &&
        gw_ratelimit_take(r->h->throttle, client_ip, s_now(), &e.retry_after) != 0) {
        int wait = e.retry_after;
        cs_err_set(&e, 429, "rate_limited", NULL,
                   "Quá nhiều yêu cầu từ địa chỉ này; vui lòng thử lại sau %d giây.",
                   "Too many requests from this address; please try again in %d seconds.", wait);
        e.retry_after = wait;
        goto fail;
    }
    ctx.request_id = r->request_id;
    ctx.lang = (char *) r->lang;
    ctx.client_ip = client_ip;
    const char *idem = s_header(c, "Idempotency-Key");
    if (idem) {
        if (!s_token_ok(idem, 128)) {
            cs_err_set(&e, 400, "bad_idempotency_key", "Idempotency-Key",
                       "Idempotency-Key không hợp lệ (1-128 ký tự chữ, số, - _ . :)%s",
                       "Invalid Idempotency-Key (1-128 letters, digits, - _ . :)%s", "");
            goto fail;
        }
        ctx.idempotency_key = (char *) idem;
    }
    bool from_cookie = false;
    const char *token = s_token(c, &from_cookie);
    if (rt->flags & GW_PORTAL) {
        const char *key = s_header(c, "X-API-Key");
        if (!key || !*key) {
            cs_err_set(&e, 401, "unauthenticated", "X-API-Key", "Thiếu khóa API (X-API-Key)%s",
                       "Missing API key (X-API-Key)%s", "");
            goto fail;
        }
        api_key = key;
    } else if (!(rt->flags & GW_PUBLIC)) {
        if (!token) {
            s_unauthenticated(&e);
            goto fail;
        }
        /* a cookie rides along on cross-site requests: a write must show it comes from our
         * own page (Origin, or Referer when a browser sends no Origin); a write showing
         * neither, or another origin, is refused */
        if (from_cookie && strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
            const char *origin = s_header(c, "Origin"), *referer = s_header(c, "Referer");
            const char *from = origin ? origin : referer;
            if (!s_same_origin(from, s_header(c, MHD_HTTP_HEADER_HOST))) {
                cs_err_set(&e, 403, "cross_origin", NULL,
                           "Yêu cầu ghi từ nguồn khác (%s) bị từ chối",
                           "A write from another origin (%s) is refused", from ? from : "-");
                goto fail;
            }
        }
        if (gw_sessions_resolve(r->h->sessions, token, false, s_fetch_session, r, sha, &si, &e) != 0)
            goto fail;
        ctx.has_session_sha256 = 1;
        ctx.session_sha256 = (ProtobufCBinaryData){sizeof sha, sha};
        s_ctx_session(&ctx, si);
    }
    /* 2. body (an error found while it streamed in is the answer now) */
    if (r->failed) {
        e = r->err;
        goto fail;
    }
    if (rt->flags & GW_UPLOAD) {
        in = pbjson_new(md->input);
    } else if (rt->flags & GW_FEED) {
        in = pbjson_new(md->input);
        if (s_feed_body(r, ctype, in, &e) != 0)
            goto fail;
    } else if (r->body_len > 0 && (rt->flags & GW_CSV)) {
        size_t bad;
        if (!s_ctype_is(ctype, "text/csv")) {
            cs_err_set(&e, 415, "unsupported_media_type", NULL,
                       "Cần Content-Type text/csv (nhận được %s)",
                       "Content-Type must be text/csv (got %s)", ctype ? ctype : "-");
            goto fail;
        }
        if (!pbjson_utf8_valid(r->body, r->body_len, &bad) || memchr(r->body, '\0', r->body_len)) {
            cs_err_set(&e, 400, "invalid_utf8", "csv", "Tệp CSV không phải UTF-8 hợp lệ (byte %zu)",
                       "The CSV is not valid UTF-8 (at byte %zu)", bad);
            goto fail;
        }
        in = pbjson_new(md->input);
        if (pbjson_set_text(in, "csv", r->body, &e) != 0)
            goto fail;
    } else if (r->body_len > 0) {
        if (!s_ctype_is(ctype, "application/json")) {
            cs_err_set(&e, 415, "unsupported_media_type", NULL,
                       "Cần Content-Type application/json (nhận được %s)",
                       "Content-Type must be application/json (got %s)", ctype ? ctype : "-");
            goto fail;
        }
        if (pbjson_parse(md->input, r->body, r->body_len, &in, &e) != 0)
            goto fail;
    } else {
        in = pbjson_new(md->input);
    }

    /* 3. multipart text fields, query, then path parameters (the path has the last word:
     *    a body cannot point the request at another agency) */
    if (r->form) {
        const char *k;
        json_t *v;
        json_object_foreach(r->form, k, v) {
            if (gw_openapi_hidden_field(rt, k) || strcmp(k, "file_name") == 0) {
                cs_err_set(&e, 400, "unknown_field", k, "Trường \"%s\" không tồn tại",
                           "Unknown field \"%s\"", k);
                goto fail;
            }
            if (pbjson_set_text(in, k, json_string_value(v), &e) != 0)
                goto fail;
        }
    }
    s_query_fill q = {in, rt, &e, 0};
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, s_query_iter, &q);
    if (q.rc != 0)
        goto fail;
    for (size_t i = 0; i < r->m.n_params; i++) {
        if (!pbjson_field(md->input, r->m.name[i], -1)) {
            cs_err_internal(&e, "path parameter without an input field");
            cs_err_detail(&e, "%s: {%s} not in %s", rt->path, r->m.name[i], md->input->name);
            goto fail;
        }
        if (pbjson_set_text(in, r->m.name[i], r->m.value[i], &e) != 0)
            goto fail;
    }

    if (api_key && pbjson_field(md->input, "api_key", PROTOBUF_C_TYPE_STRING) &&
        pbjson_set_text(in, "api_key", api_key, &e) != 0)
        goto fail;
    if (token && pbjson_field(md->input, "session_token", PROTOBUF_C_TYPE_STRING) &&
        pbjson_set_text(in, "session_token", token, &e) != 0)
        goto fail;

    /* 4. the uploaded file: type from the content, then into the store */
    if (rt->flags & GW_UPLOAD) {
        if (!r->up || (r->pp && r->file_parts == 0)) {
            cs_err_set(&e, 400, "missing_file", "file", "Thiếu tệp (trường \"file\")%s",
                       "No file sent (field \"file\")%s", "");
            goto fail;
        }
        if (gw_upload_finish(r->up, &e) != 0)
            goto fail;
        char size[32];
        snprintf(size, sizeof size, "%lld", (long long) gw_upload_size(r->up));
        const char *vals[][2] = {
            {"file_sha256", gw_upload_sha256(r->up)}, {"file_size", size},
            {"file_type", gw_upload_type(r->up)}, {"file_name", r->file_name},
        };
        for (size_t i = 0; i < 4; i++)
            if (pbjson_field(md->input, vals[i][0], -1) &&
                pbjson_set_text(in, vals[i][0], vals[i][1], &e) != 0)
                goto fail;
    }

    /* 5. the call */
    bool retry = strcmp(r->method, "GET") == 0 || ctx.idempotency_key != NULL;
    int rc = s_call(r->h, rt->service, rt->rpc, &ctx, in, md->output, retry, &out, &e);
    if (rc != 0 && si && strcmp(e.code, CS_ERR_SESSION_STALE) == 0) {
        /* the kept session ended or its user changed: refused before anything ran, so
         * asked again at the catalog and run once more with what it says now */
        chiso__session_info__free_unpacked(si, NULL);
        si = NULL;
        if (gw_sessions_resolve(r->h->sessions, token, true, s_fetch_session, r, sha, &si, &e) != 0)
            goto fail;
        s_ctx_session(&ctx, si);
        rc = s_call(r->h, rt->service, rt->rpc, &ctx, in, md->output, retry, &out, &e);
    }
    if (rc != 0)
        goto fail;
    if (si && strcmp(rt->rpc, "Logout") == 0 && strcmp(rt->service, "catalog") == 0)
        gw_sessions_drop(r->h->sessions, sha);
    if (rt->flags & GW_DOWNLOAD)
        ret = s_download(r, c, out);
    else if (rt->flags & GW_RAW)
        ret = s_raw(r, c, out);
    else
        ret = s_send_json(r, c, 200, pbjson_to_json(out));
    pbjson_free(&out);
    pbjson_free(&in);
    if (si)
        chiso__session_info__free_unpacked(si, NULL);
    return ret;

fail:
    pbjson_free(&out);
    pbjson_free(&in);
    if (si)
        chiso__session_info__free_unpacked(si, NULL);
    return s_send_error(r, c, &e);
}

/* ---------------------------------------------------------------------------------- */
/* libmicrohttpd callbacks                                                             */

static enum MHD_Result s_header_bytes(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void) kind;
    *(size_t *) cls += strlen(key) + (value ? strlen(value) : 0) + 4;
    return MHD_YES;
}

/* First call: classify the request, match the route, prepare the body's destination. */
static enum MHD_Result s_begin(s_req *r, struct MHD_Connection *c)
{
    cs_err e;
    const char *rid = s_header(c, "X-Request-Id");
    if (s_token_ok(rid, 64)) {
        snprintf(r->request_id, sizeof r->request_id, "%s", rid);
    } else {
        unsigned char raw[12];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2hex(r->request_id, sizeof r->request_id, raw, sizeof raw);
    }
    r->lang = s_lang(s_header(c, MHD_HTTP_HEADER_ACCEPT_LANGUAGE));

    /* libmicrohttpd hands over the path without its query: the URI's length is both */
    size_t hbytes = 0, ubytes = strlen(r->url);
    MHD_get_connection_values(c, MHD_HEADER_KIND, s_header_bytes, &hbytes);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, s_header_bytes, &ubytes);
    if (ubytes > GW_URL_MAX || hbytes > GW_HEADERS_MAX) {
        bool url = ubytes > GW_URL_MAX;
        r->kind = K_API;                    /* logged and counted as an unmatched route */
        r->match_rc = GW_MATCH_NO_PATH;
        if (url)
            cs_err_set(&e, 414, "uri_too_long", NULL, "Địa chỉ yêu cầu dài quá %d byte",
                       "The request URI is longer than %d bytes", GW_URL_MAX);
        else
            cs_err_set(&e, 431, "headers_too_large", NULL,
                       "Phần đầu yêu cầu (headers) dài quá %d byte",
                       "The request headers are larger than %d bytes", GW_HEADERS_MAX);
        s_fail(r, &e);
        return s_send_error(r, c, &e);
    }

    if (!strcmp(r->url, "/healthz") || !strcmp(r->url, "/readyz") ||
        !strcmp(r->url, "/metrics") || !strcmp(r->url, "/api/v1/openapi.json"))
        r->kind = K_BUILTIN;
    else if (strncmp(r->url, "/api/", 5) == 0 || strcmp(r->url, "/api") == 0)
        r->kind = K_API;
    else
        r->kind = K_STATIC;
    if (r->kind == K_API)
        r->match_rc = gw_router_match(r->method, r->url, &r->m, r->allow, sizeof r->allow);

    bool upload = r->kind == K_API && r->match_rc == GW_MATCH_OK && (r->m.route->flags & GW_UPLOAD);
    bool feed = r->kind == K_API && r->match_rc == GW_MATCH_OK && (r->m.route->flags & GW_FEED);
    int64_t cap = upload ? r->h->cfg->max_upload : s_body_cap(r);
    const char *cl = s_header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
    const char *ct = s_header(c, MHD_HTTP_HEADER_CONTENT_TYPE);
    bool multipart = (upload || feed) && s_ctype_is(ct, "multipart/form-data");
    if (cl) {
        long long n = strtoll(cl, NULL, 10);
        if (n > cap + (multipart ? MULTIPART_SLACK : 0)) {
            /* answered now, body never read: the connection closes after this answer */
            if (upload)
                cs_err_set(&e, 413, "file_too_large", "file",
                           "Tệp vượt quá dung lượng cho phép (%lld byte)",
                           "The file is larger than allowed (%lld bytes)", (long long) cap);
            else
                s_body_too_large(&e, cap);
            s_fail(r, &e);
            if (r->kind == K_API && r->match_rc != GW_MATCH_OK)
                return MHD_YES;             /* 404/405 take precedence, answered at the end */
            return s_send_error(r, c, &e);
        }
    }
    if (feed && multipart && strcmp(r->method, "GET") != 0) {
        r->form = json_object();
        r->pp = MHD_create_post_processor(c, 64 * 1024, s_feed_iter, r);
        if (!r->pp) {
            cs_err_set(&e, 400, "malformed_multipart", NULL,
                       "Nội dung multipart/form-data không hợp lệ%s",
                       "Malformed multipart/form-data body%s", "");
            s_fail(r, &e);
        }
    }
    if (upload && strcmp(r->method, "GET") != 0) {
        r->up = gw_upload_new(r->h->cfg->var_dir, cap, &e);
        if (!r->up) {
            s_fail(r, &e);
            return MHD_YES;
        }
        if (multipart) {
            r->form = json_object();
            r->pp = MHD_create_post_processor(c, 64 * 1024, s_post_iter, r);
            if (!r->pp) {
                cs_err_set(&e, 400, "malformed_multipart", NULL,
                           "Nội dung multipart/form-data không hợp lệ%s",
                           "Malformed multipart/form-data body%s", "");
                s_fail(r, &e);
            }
        } else {
            const char *fn = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "file_name");
            size_t fl = 0;
            /* the query value may hold an encoded NUL: its real length is asked for */
            if (fn && MHD_lookup_connection_value_n(c, MHD_GET_ARGUMENT_KIND, "file_name",
                                                    strlen("file_name"), &fn, &fl) != MHD_YES)
                fn = NULL;
            if (gw_file_name_check(fn, fn ? fl : 0, &e) != 0)
                s_fail(r, &e);
            else
                snprintf(r->file_name, sizeof r->file_name, "%s", fn);
        }
    }
    return MHD_YES;
}

static enum MHD_Result s_handler(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *version,
                                 const char *upload_data, size_t *upload_data_size,
                                 void **con_cls)
{
    s_req *r = *con_cls;
    (void) version;
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r)
            return MHD_NO;
        r->h = cls;
        r->t0 = s_now();
        snprintf(r->method, sizeof r->method, "%s", method);
        r->url = strdup(url);
        if (!r->url) {
            free(r);
            return MHD_NO;
        }
        r->lang = "vi";
        *con_cls = r;
        return s_begin(r, c);
    }
    if (*upload_data_size) {
        if (!r->responded)
            s_take_body(r, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (r->responded)
        return MHD_YES;
    if (r->pp) {
        MHD_destroy_post_processor(r->pp);      /* flushes the last part */
        r->pp = NULL;
    }
    switch (r->kind) {
    case K_BUILTIN: return s_builtin(r, c);
    case K_STATIC:  return s_static(r, c);
    default:        return s_api(r, c);
    }
}

static void s_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                        enum MHD_RequestTerminationCode toe)
{
    s_req *r = *con_cls;
    (void) cls, (void) c;
    if (!r)
        return;
    double secs = s_now() - r->t0;
    const char *route = "unmatched";
    const char *name = "unmatched";
    if (r->kind == K_BUILTIN) {
        route = !strcmp(r->url, "/healthz") ? "/healthz" : !strcmp(r->url, "/readyz") ? "/readyz"
              : !strcmp(r->url, "/metrics") ? "/metrics" : "/api/v1/openapi.json";
        name = route;
    } else if (r->kind == K_STATIC) {
        route = name = "static";
    } else if (r->match_rc == GW_MATCH_OK) {
        route = r->m.route->path;
        name = r->m.route->rpc;
    }
    int status = r->responded ? r->status : 499;   /* 499: the client went away first */
    if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && status == 200)
        status = 499;
    gw_metrics_observe(r->method, route, status, secs);
    cs_log_request(r->request_id, name, status, r->code[0] ? r->code : NULL, secs * 1000.0);
    if (r->pp)
        MHD_destroy_post_processor(r->pp);
    gw_upload_destroy(&r->up);
    json_decref(r->form);
    free(r->body);
    free(r->url);
    free(r);
    *con_cls = NULL;
}

/* ---------------------------------------------------------------------------------- */

gw_http *gw_http_new(const cs_config *cfg, void *zmq_ctx, cs_err *e)
{
    gw_http *h = calloc(1, sizeof *h);
    if (!h)
        abort();
    h->cfg = cfg;
    h->zmq = zmq_ctx;
    pthread_mutex_init(&h->lock, NULL);
    /* a bad table is a programming error of one service's routes: said loudly, but the
     * other services' routes are still served */
    int problems = gw_router_check();
    if (problems)
        cs_log_error("route table: %d problem(s), see above", problems);
    h->openapi = gw_openapi_render();
    h->sessions = gw_sessions_new((size_t) cs_env_int("CHISO_SESSION_CACHE", 4096),
                                  cs_env_int("CHISO_SESSION_CACHE_MS", 60000));
    if (!h->sessions)
        abort();
    /* one login per 2 s per address on average, 20 at once: enough for people behind one
     * NAT, far below what makes the Argon2id hashes slow everyone down */
    double rate = (double) cs_env_int("CHISO_LOGIN_RATE_MILLI", 500) / 1000.0;
    h->throttle = gw_ratelimit_new(rate > 0 ? rate : 0.5,
                                   (double) cs_env_int("CHISO_LOGIN_BURST", 20));
    if (!h->throttle)
        abort();
    if (sodium_init() < 0) {
        cs_err_internal(e, "libsodium init failed");
        gw_http_destroy(&h);
        return NULL;
    }
    unsigned threads = cfg->threads > 0 ? (unsigned) cfg->threads : 1;
    h->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                                 MHD_USE_ERROR_LOG,
                                 (uint16_t) cfg->port, NULL, NULL, s_handler, h,
                                 MHD_OPTION_THREAD_POOL_SIZE, threads,
                                 MHD_OPTION_NOTIFY_COMPLETED, s_completed, h,
                                 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) 120,
                                 MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) GW_CONN_MEMORY,
                                 MHD_OPTION_END);
    if (!h->daemon) {
        cs_err_set(e, 500, "listen_failed", NULL, "Không mở được cổng HTTP %d",
                   "Cannot listen on HTTP port %d", cfg->port);
        gw_http_destroy(&h);
        return NULL;
    }
    return h;
}

void gw_http_destroy(gw_http **self_p)
{
    gw_http *h = self_p ? *self_p : NULL;
    if (!h)
        return;
    if (h->daemon)
        MHD_stop_daemon(h->daemon);
    /* pool threads are gone: their sockets may be closed from here */
    for (size_t i = 0; i < h->n_clients; i++)
        cs_client_destroy(&h->clients[i]);
    free(h->clients);
    gw_upload_shutdown();
    gw_sessions_destroy(&h->sessions);
    gw_ratelimit_destroy(&h->throttle);
    free(h->openapi);
    pthread_mutex_destroy(&h->lock);
    free(h);
    *self_p = NULL;
}
