/*  Request assembly. See body.h. */
#include "body.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "reply.h"

void gw_body_fail(gw_req *r, const cs_err *e)
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

int gw_body_too_large(cs_err *e, int64_t cap)
{
    return cs_err_set(e, 413, "body_too_large", NULL,
                      "Nội dung yêu cầu vượt quá dung lượng cho phép (%lld byte)",
                      "The request body is larger than allowed (%lld bytes)", (long long) cap);
}

static void s_malformed(gw_req *r)
{
    cs_err e;
    cs_err_set(&e, 400, "malformed_multipart", NULL,
               "Nội dung multipart/form-data không hợp lệ%s",
               "Malformed multipart/form-data body%s", "");
    gw_body_fail(r, &e);
}

/* Largest body of this request: a feed is a file, anything else a JSON document. */
static int64_t s_body_cap(const gw_req *r)
{
    const gw_route *rt = gw_req_route(r);
    return rt && (rt->flags & GW_FEED) ? r->h->cfg->max_upload : r->h->cfg->max_body;
}

/* Append to r->body within the cap; false (and r failed with 413) past it. */
static bool s_body_append(gw_req *r, const char *data, size_t n)
{
    cs_err e;
    int64_t cap = s_body_cap(r);
    if ((int64_t) (r->body_len + n) > cap) {
        gw_body_too_large(&e, cap);
        gw_body_fail(r, &e);
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

/* GW_FEED: the body (or the multipart `file` part) into the feed file, within the cap;
 * false (and r failed with 413 body_too_large) past it. */
static bool s_feed_write(gw_req *r, const char *data, size_t n)
{
    cs_err e;
    int64_t cap = s_body_cap(r);
    if (gw_upload_size(r->up) + (int64_t) n > cap) {
        gw_body_too_large(&e, cap);
        gw_body_fail(r, &e);
        return false;
    }
    if (gw_upload_write(r->up, data, n, &e) != 0) {
        gw_body_fail(r, &e);
        return false;
    }
    return true;
}

/* The first chunk of a `file` part: one file per request; its name is data, checked (a
 * feed's file may come without one, an evidence file may not). 0 / -1 with r failed. */
static int s_file_part(gw_req *r, const char *filename, const char *content_type, bool feed)
{
    cs_err e;
    const char *fn = filename ? filename : "";
    if (++r->file_parts > 1) {
        cs_err_set(&e, 400, "too_many_files", "file", "Chỉ được gửi một tệp mỗi lần%s",
                   "Send one file per request%s", "");
        gw_body_fail(r, &e);
        return -1;
    }
    if ((!feed || *fn) && gw_file_name_check(fn, strlen(fn), &e) != 0) {
        gw_body_fail(r, &e);
        return -1;
    }
    snprintf(r->file_name, sizeof r->file_name, "%s", fn);
    if (feed)
        snprintf(r->feed_type, sizeof r->feed_type, "%s", content_type ? content_type : "");
    return 0;
}

/* A multipart text field: kept to fill the input like a query parameter (the chunks of
 * one field are joined). */
static enum MHD_Result s_form_field(gw_req *r, const char *key, const char *data, size_t size)
{
    cs_err e;
    r->form_bytes += size;
    if (r->form_bytes > GW_FORM_FIELDS_MAX) {
        gw_body_too_large(&e, GW_FORM_FIELDS_MAX);
        gw_body_fail(r, &e);
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

/* Whether the part is to be refused (true) because the request failed already, or because
 * it has no name: libmicrohttpd hands a NULL key for a part whose Content-Disposition name
 * is not quoted (`name=file`); fuzz_multipart found the gateway dereferencing it. */
static bool s_nameless(gw_req *r, const char *key)
{
    if (r->failed)
        return true;
    if (key)
        return false;
    s_malformed(r);
    return true;
}

/* GW_UPLOAD multipart: the `file` part goes to the upload, other parts are text fields. */
static enum MHD_Result s_upload_iter(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *filename, const char *content_type,
                                     const char *transfer_encoding, const char *data,
                                     uint64_t off, size_t size)
{
    gw_req *r = cls;
    cs_err e;
    (void) kind, (void) transfer_encoding;
    if (s_nameless(r, key))
        return MHD_NO;
    if (strcmp(key, "file") != 0)
        return s_form_field(r, key, data, size);
    if (off == 0 && s_file_part(r, filename, content_type, false) != 0)
        return MHD_NO;
    if (size > 0 && gw_upload_write(r->up, data, size, &e) != 0) {
        gw_body_fail(r, &e);
        return MHD_NO;
    }
    return MHD_YES;
}

/* GW_FEED multipart: the `file` part is the body; other parts are small text fields. */
static enum MHD_Result s_feed_iter(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *filename, const char *content_type,
                                   const char *transfer_encoding, const char *data,
                                   uint64_t off, size_t size)
{
    gw_req *r = cls;
    (void) kind, (void) transfer_encoding;
    if (s_nameless(r, key))
        return MHD_NO;
    if (strcmp(key, "file") != 0)
        return s_form_field(r, key, data, size);
    if (off == 0 && s_file_part(r, filename, content_type, true) != 0)
        return MHD_NO;
    return size == 0 || s_feed_write(r, data, size) ? MHD_YES : MHD_NO;
}

static void s_multipart_start(gw_req *r, struct MHD_Connection *c, MHD_PostDataIterator iter)
{
    r->form = json_object();
    r->pp = MHD_create_post_processor(c, 64 * 1024, iter, r);
    if (!r->pp)
        s_malformed(r);
}

/* A raw (not multipart) upload names its file in the query: `?file_name=`. */
static void s_file_name_from_query(gw_req *r, struct MHD_Connection *c)
{
    cs_err e;
    const char *fn = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "file_name");
    size_t fl = 0;
    /* the query value may hold an encoded NUL: its real length is asked for */
    if (fn && MHD_lookup_connection_value_n(c, MHD_GET_ARGUMENT_KIND, "file_name",
                                            strlen("file_name"), &fn, &fl) != MHD_YES)
        fn = NULL;
    if (gw_file_name_check(fn, fn ? fl : 0, &e) != 0)
        gw_body_fail(r, &e);
    else
        snprintf(r->file_name, sizeof r->file_name, "%s", fn);
}

enum MHD_Result gw_body_begin(gw_req *r, struct MHD_Connection *c)
{
    cs_err e;
    const gw_route *rt = gw_req_route(r);
    bool upload = rt && (rt->flags & GW_UPLOAD);
    bool feed = rt && (rt->flags & GW_FEED);
    int64_t cap = upload ? r->h->cfg->max_upload : s_body_cap(r);
    const char *cl = gw_req_header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
    const char *ct = gw_req_header(c, MHD_HTTP_HEADER_CONTENT_TYPE);
    bool multipart = (upload || feed) && gw_req_ctype_is(ct, "multipart/form-data");
    if (cl && strtoll(cl, NULL, 10) > cap + (multipart ? GW_MULTIPART_SLACK : 0)) {
        /* answered now, body never read: the connection closes after this answer */
        if (upload)
            cs_err_set(&e, 413, "file_too_large", "file",
                       "Tệp vượt quá dung lượng cho phép (%lld byte)",
                       "The file is larger than allowed (%lld bytes)", (long long) cap);
        else
            gw_body_too_large(&e, cap);
        gw_body_fail(r, &e);
        if (r->kind == GW_REQ_API && r->match_rc != GW_MATCH_OK)
            return MHD_YES;             /* 404/405 take precedence, answered at the end */
        return gw_reply_error(r, c, &e);
    }
    bool write = strcmp(r->method, "GET") != 0;
    if (feed && write) {
        /* a feed streams to a feed file the portal reads: never held whole in memory */
        r->up = gw_upload_new_feed(r->h->cfg->var_dir, cap, &e);
        if (!r->up) {
            gw_body_fail(r, &e);
            return MHD_YES;
        }
        r->feed = true;
        if (multipart)
            s_multipart_start(r, c, s_feed_iter);
    }
    if (upload && write) {
        r->up = gw_upload_new(r->h->cfg->var_dir, cap, &e);
        if (!r->up) {
            gw_body_fail(r, &e);
            return MHD_YES;
        }
        if (multipart)
            s_multipart_start(r, c, s_upload_iter);
        else
            s_file_name_from_query(r, c);
    }
    return MHD_YES;
}

void gw_body_take(gw_req *r, const char *data, size_t n)
{
    cs_err e;
    if (r->failed)
        return;                             /* read and dropped */
    if (r->pp) {                            /* multipart: the iterators place each part */
        if (MHD_post_process(r->pp, data, n) != MHD_YES && !r->failed)
            s_malformed(r);
        return;
    }
    if (r->feed) {
        s_feed_write(r, data, n);
        return;
    }
    if (r->up) {
        if (gw_upload_write(r->up, data, n, &e) != 0)
            gw_body_fail(r, &e);
        return;
    }
    s_body_append(r, data, n);
}

void gw_body_end(gw_req *r)
{
    if (r->pp) {
        MHD_destroy_post_processor(r->pp);      /* flushes the last part */
        r->pp = NULL;
    }
}
