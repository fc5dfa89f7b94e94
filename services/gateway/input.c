/*  The rpc's input message. See input.h. */
#include "input.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "openapi.h"
#include "pbjson.h"

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

static int s_unsupported(cs_err *e, bool feed, const char *want, const char *ctype)
{
    if (feed)
        return cs_err_set(e, 415, "unsupported_media_type", NULL,
                          "Cần Content-Type application/json hoặc text/csv (nhận được %s)",
                          "Content-Type must be application/json or text/csv (got %s)",
                          ctype ? ctype : "-");
    return cs_err_set(e, 415, "unsupported_media_type", NULL,
                      "Cần Content-Type %s (nhận được %s)", "Content-Type must be %s (got %s)",
                      want, ctype ? ctype : "-");
}

static int s_not_utf8(const gw_req *r, const char *field, cs_err *e)
{
    size_t bad;
    if (pbjson_utf8_valid(r->body, r->body_len, &bad) && !memchr(r->body, '\0', r->body_len))
        return 0;
    if (strcmp(field, "csv") == 0)
        return cs_err_set(e, 400, "invalid_utf8", "csv", "Tệp CSV không phải UTF-8 hợp lệ (byte %zu)",
                          "The CSV is not valid UTF-8 (at byte %zu)", bad);
    return cs_err_set(e, 400, "invalid_utf8", field, "Nội dung không phải UTF-8 hợp lệ (byte %zu)",
                      "The body is not valid UTF-8 (at byte %zu)", bad);
}

/* A feed's media type: the body's Content-Type, or the multipart part's; a part without
 * a useful type is decided by its file name. NULL: neither JSON nor CSV. */
static const char *s_feed_kind(const gw_req *r, const char *type)
{
    if (gw_req_ctype_is(type, "application/json"))
        return "application/json";
    if (gw_req_ctype_is(type, "text/csv"))
        return "text/csv";
    size_t fl = strlen(r->file_name);
    if (r->form && fl > 5 && strcasecmp(r->file_name + fl - 5, ".json") == 0)
        return "application/json";
    if (r->form && fl > 4 && strcasecmp(r->file_name + fl - 4, ".csv") == 0)
        return "text/csv";
    return NULL;
}

/* GW_FEED: the body (or the multipart `file` part), written to the feed file as it came
 * (body.c), goes to the service by the file's name (`spool`), with its media type. Only
 * JSON and CSV: the portal sends nothing else. Its bytes (UTF-8, no NUL) are checked by
 * the service as it reads them. */
static int s_feed_body(gw_req *r, const char *ctype, ProtobufCMessage *in, cs_err *e)
{
    const char *type = r->form ? r->feed_type : ctype;
    if (r->form && r->file_parts == 0)
        return cs_err_set(e, 400, "missing_file", "file", "Thiếu tệp (trường \"file\")%s",
                          "No file sent (field \"file\")%s", "");
    if (!r->up || gw_upload_size(r->up) == 0)
        return cs_err_set(e, 400, "empty_body", "body", "Nội dung gửi lên trống%s",
                          "The body is empty%s", "");
    const char *kind = s_feed_kind(r, type);
    if (!kind)
        return s_unsupported(e, true, NULL, type);
    if (gw_upload_feed_done(r->up, e) != 0 ||
        pbjson_set_text(in, "spool", gw_upload_feed_name(r->up), e) != 0 ||
        pbjson_set_text(in, "content_type", kind, e) != 0)
        return -1;
    if (r->form && r->file_name[0] && pbjson_field(in->descriptor, "file_name", -1) &&
        pbjson_set_text(in, "file_name", r->file_name, e) != 0)
        return -1;
    return 0;
}

/* The body into a new input of md. */
static int s_from_body(gw_req *r, struct MHD_Connection *c, const gw_route *rt,
                       const ProtobufCMethodDescriptor *md, ProtobufCMessage **in, cs_err *e)
{
    const char *ctype = gw_req_header(c, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (rt->flags & GW_FEED) {
        *in = pbjson_new(md->input);
        return s_feed_body(r, ctype, *in, e);
    }
    if (r->body_len > 0 && !(rt->flags & GW_UPLOAD) && (rt->flags & GW_CSV)) {
        if (!gw_req_ctype_is(ctype, "text/csv"))
            return s_unsupported(e, false, "text/csv", ctype);
        if (s_not_utf8(r, "csv", e) != 0)
            return -1;
        *in = pbjson_new(md->input);
        return pbjson_set_text(*in, "csv", r->body, e);
    }
    if (r->body_len > 0 && !(rt->flags & GW_UPLOAD)) {
        if (!gw_req_ctype_is(ctype, "application/json"))
            return s_unsupported(e, false, "application/json", ctype);
        return pbjson_parse(md->input, r->body, r->body_len, in, e);
    }
    *in = pbjson_new(md->input);
    return 0;
}

/* Multipart text fields, the query, then the path; the caller's key or token. */
static int s_from_request(gw_req *r, struct MHD_Connection *c, const gw_route *rt,
                          const ProtobufCMethodDescriptor *md, const gw_caller *a,
                          ProtobufCMessage *in, cs_err *e)
{
    const char *k;
    json_t *v;
    json_object_foreach(r->form, k, v) {
        if (gw_openapi_hidden_field(rt, k) || strcmp(k, "file_name") == 0)
            return cs_err_set(e, 400, "unknown_field", k, "Trường \"%s\" không tồn tại",
                              "Unknown field \"%s\"", k);
        if (pbjson_set_text(in, k, json_string_value(v), e) != 0)
            return -1;
    }
    s_query_fill q = {in, rt, e, 0};
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, s_query_iter, &q);
    if (q.rc != 0)
        return -1;
    for (size_t i = 0; i < r->m.n_params; i++) {
        if (!pbjson_field(md->input, r->m.name[i], -1)) {
            cs_err_internal(e, "path parameter without an input field");
            cs_err_detail(e, "%s: {%s} not in %s", rt->path, r->m.name[i], md->input->name);
            return -1;
        }
        if (pbjson_set_text(in, r->m.name[i], r->m.value[i], e) != 0)
            return -1;
    }
    if (a->api_key && pbjson_field(md->input, "api_key", PROTOBUF_C_TYPE_STRING) &&
        pbjson_set_text(in, "api_key", a->api_key, e) != 0)
        return -1;
    if (a->token && pbjson_field(md->input, "session_token", PROTOBUF_C_TYPE_STRING) &&
        pbjson_set_text(in, "session_token", a->token, e) != 0)
        return -1;
    return 0;
}

/* GW_UPLOAD: the file's type from its content, then into the store; its facts into in. */
static int s_from_upload(gw_req *r, const ProtobufCMethodDescriptor *md, ProtobufCMessage *in,
                         cs_err *e)
{
    if (!r->up || (r->pp && r->file_parts == 0))
        return cs_err_set(e, 400, "missing_file", "file", "Thiếu tệp (trường \"file\")%s",
                          "No file sent (field \"file\")%s", "");
    if (gw_upload_finish(r->up, e) != 0)
        return -1;
    char size[32];
    snprintf(size, sizeof size, "%lld", (long long) gw_upload_size(r->up));
    const char *vals[][2] = {
        {"file_sha256", gw_upload_sha256(r->up)}, {"file_size", size},
        {"file_type", gw_upload_type(r->up)}, {"file_name", r->file_name},
    };
    for (size_t i = 0; i < 4; i++)
        if (pbjson_field(md->input, vals[i][0], -1) &&
            pbjson_set_text(in, vals[i][0], vals[i][1], e) != 0)
            return -1;
    return 0;
}

int gw_input_build(gw_req *r, struct MHD_Connection *c, const ProtobufCMethodDescriptor *md,
                   const gw_caller *a, ProtobufCMessage **in, cs_err *e)
{
    const gw_route *rt = r->m.route;
    *in = NULL;
    if (r->failed) {                        /* found while the body streamed in */
        *e = r->err;
        return -1;
    }
    if (s_from_body(r, c, rt, md, in, e) != 0 || s_from_request(r, c, rt, md, a, *in, e) != 0)
        return -1;
    return (rt->flags & GW_UPLOAD) ? s_from_upload(r, md, *in, e) : 0;
}
