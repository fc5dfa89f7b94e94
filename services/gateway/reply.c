/*  Answers and the headers they carry. See reply.h. */
#include "reply.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cs_log.h"
#include "pbjson.h"

/* Headers on every answer (issue 10, item 4): the UI loads scripts and styles from its own
 * origin only (no inline script or style: web/ must keep to that), is never framed, sends
 * no Referer elsewhere; HSTS when the client reached us over TLS (a terminating proxy says
 * so with X-Forwarded-Proto; browsers ignore HSTS on plain http anyway). */
#define GW_CSP "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " \
               "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; " \
               "form-action 'self'; frame-ancestors 'none'"
/* An evidence preview (GW_INLINE: a PDF or image the workbench frames): the same, except
 * that pages of this origin may frame it. */
#define GW_CSP_FRAME_SELF "default-src 'self'; script-src 'self'; style-src 'self'; " \
               "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; " \
               "base-uri 'none'; form-action 'self'; frame-ancestors 'self'"

static void s_security_headers(struct MHD_Response *resp, struct MHD_Connection *c,
                               bool frame_self)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Content-Security-Policy", frame_self ? GW_CSP_FRAME_SELF : GW_CSP);
    MHD_add_response_header(resp, "X-Frame-Options", frame_self ? "SAMEORIGIN" : "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    const char *proto = c ? gw_req_header(c, "X-Forwarded-Proto") : NULL;
    if (proto && strcasecmp(proto, "https") == 0)
        MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
}

enum MHD_Result gw_reply_queue(gw_req *r, struct MHD_Connection *c, int status,
                               struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "X-Request-Id", r->request_id);
    s_security_headers(resp, c, r->frame_self);
    if (status == 405 && r->allow[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
    if (status == 401)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
    if (r->retry_after > 0) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d", r->retry_after);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
    }
    if (r->deferred) {
        /* made on a gw_work thread: the connection's own thread queues it (http.c) */
        if (r->resp) {
            MHD_destroy_response(resp);
            return MHD_NO;
        }
        r->resp = resp;
        r->responded = true;
        r->status = status;
        return MHD_YES;
    }
    enum MHD_Result ret = MHD_queue_response(c, (unsigned) status, resp);
    MHD_destroy_response(resp);
    r->responded = true;
    r->status = status;
    return ret;
}

enum MHD_Result gw_reply(gw_req *r, struct MHD_Connection *c, int status, const char *ctype,
                         char *body, size_t len)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, body ? body : (char *) "",
                                        body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    return gw_reply_queue(r, c, status, resp);
}

enum MHD_Result gw_reply_json(gw_req *r, struct MHD_Connection *c, int status, json_t *j)
{
    char *text = pbjson_dumps(j);
    json_decref(j);
    return gw_reply(r, c, status, "application/json; charset=utf-8", text, text ? strlen(text) : 0);
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

static int s_status(const cs_err *e)
{
    return e->status >= 400 && e->status <= 599 ? e->status : 500;
}

static json_t *s_error_body(const cs_err *e, const char *lang)
{
    const char *vi = e->message_vi[0] ? e->message_vi : e->message_en;
    const char *en = e->message_en[0] ? e->message_en : e->message_vi;
    json_t *err = json_object();
    json_object_set_new(err, "code", s_jstr(e->code[0] ? e->code : "internal"));
    json_object_set_new(err, "message", s_jstr(strcmp(lang, "en") == 0 ? en : vi));
    json_object_set_new(err, "message_vi", s_jstr(vi));
    json_object_set_new(err, "message_en", s_jstr(en));
    json_object_set_new(err, "field", e->field[0] ? s_jstr(e->field) : json_null());
    /* a 500's detail is for the log, not for the client */
    json_object_set_new(err, "detail",
                        e->detail[0] && s_status(e) != 500 ? s_jstr(e->detail) : json_null());
    return json_pack("{s:o}", "error", err);
}

enum MHD_Result gw_reply_error(gw_req *r, struct MHD_Connection *c, const cs_err *e)
{
    int status = s_status(e);
    snprintf(r->code, sizeof r->code, "%s", e->code[0] ? e->code : "internal");
    if (e->retry_after > 0 && (status == 429 || status == 503))
        r->retry_after = e->retry_after;
    /* a refused upload leaves nothing behind by the time the client reads the answer */
    gw_upload_destroy(&r->up);
    if (status == 500 && e->detail[0])
        cs_log_error("request %s: %s", r->request_id, e->detail);
    return gw_reply_json(r, c, status, s_error_body(e, r->lang));
}

struct MHD_Response *gw_reply_refusal(const cs_err *e, const char *request_id)
{
    json_t *j = s_error_body(e, "vi");
    char *text = pbjson_dumps(j);
    json_decref(j);
    if (!text)
        return NULL;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(text);
        return NULL;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json; charset=utf-8");
    MHD_add_response_header(resp, "X-Request-Id", request_id);
    s_security_headers(resp, NULL, false);
    return resp;
}

enum MHD_Result gw_reply_read_only(gw_req *r, struct MHD_Connection *c)
{
    cs_err e;
    snprintf(r->allow, sizeof r->allow, "GET, HEAD");
    cs_err_set(&e, 405, "method_not_allowed", NULL, "Phương thức %s không được hỗ trợ ở đây",
               "Method %s is not allowed here", r->method);
    return gw_reply_error(r, c, &e);
}

void gw_reply_disposition(const char *kind, const char *name, char *buf, size_t len)
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
    snprintf(buf, len, "%s; filename=\"%s\"; filename*=UTF-8''%s", kind, ascii, enc);
}

bool gw_reply_mime_ok(const char *type)
{
    if (!type || !*type || strlen(type) >= 128)
        return false;
    for (const char *p = type; *p; p++)
        if (!(isalnum((unsigned char) *p) || strchr("/.+-;= ", *p)))
            return false;
    return true;
}
