/*  Route -> rpc -> reply. See dispatch.h. */
#include "dispatch.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "auth.h"
#include "call.h"
#include "cs_err.h"
#include "etag.h"
#include "input.h"
#include "pbjson.h"
#include "reply.h"
#include "snapcache.h"

/* The types a browser shows itself without running anything of the file (GW_INLINE). */
static bool s_previewable(const char *type)
{
    return type && (strcmp(type, "application/pdf") == 0 || strcmp(type, "image/png") == 0 ||
                    strcmp(type, "image/jpeg") == 0);
}

/* GW_DOWNLOAD: the rpc authorised the read and named the file; it is streamed from the
 * store under its original name (GW_INLINE: shown in place when the type is previewable). */
static enum MHD_Result s_download(gw_req *r, struct MHD_Connection *c, const ProtobufCMessage *out)
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
        return gw_reply_error(r, c, &e);
    }
    struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t) st.st_size, fd);
    if (!resp) {
        close(fd);
        return MHD_NO;
    }
    /* the type was decided from the content at upload; still, only a plain MIME token */
    bool inline_ = (r->m.route->flags & GW_INLINE) && s_previewable(type);
    r->frame_self = inline_;
    gw_reply_disposition(inline_ ? "inline" : "attachment", name && *name ? name : sha, disp,
                         sizeof disp);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            gw_reply_mime_ok(type) ? type : "application/octet-stream");
    MHD_add_response_header(resp, "Content-Disposition", disp);
    return gw_reply_queue(r, c, 200, resp);
}

/* Bytes with their headers; a matching If-None-Match is 304. `kept`: the bytes belong to
 * the snapshot cache and outlive the answer (no copy). */
static enum MHD_Result s_send(gw_req *r, struct MHD_Connection *c, const gw_snap *s, bool kept)
{
    int status = 200;
    struct MHD_Response *resp;
    if (s->etag && gw_etag_none_match(gw_req_header(c, MHD_HTTP_HEADER_IF_NONE_MATCH), s->etag)) {
        status = 304;
        resp = MHD_create_response_from_buffer(0, (void *) "", MHD_RESPMEM_PERSISTENT);
    } else {
        resp = MHD_create_response_from_buffer(s->len, (void *) s->bytes,
                                               kept ? MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_COPY);
    }
    if (!resp)
        return MHD_NO;
    if (status == 200) {
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, s->content_type);
        if (s->file_name && *s->file_name) {
            char disp[1400];
            gw_reply_disposition("attachment", s->file_name, disp, sizeof disp);
            MHD_add_response_header(resp, "Content-Disposition", disp);
        }
    }
    if (s->etag) {
        char etag[140];
        snprintf(etag, sizeof etag, "\"%s\"", s->etag);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
    }
    if (s->cache_control && *s->cache_control)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, s->cache_control);
    return gw_reply_queue(r, c, status, resp);
}

/* May this request take an answer from the snapshot cache, or leave one there? A GET with
 * no query string (the URL is the whole key) and no API key (a portal client's key is
 * checked, and its use recorded, by the service every time). */
static bool s_anonymous_get(gw_req *r, struct MHD_Connection *c)
{
    return r->h->snaps && strcmp(r->method, "GET") == 0 && !gw_req_header(c, "X-API-Key")
           && MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, NULL, NULL) == 0;
}

/* ... and of a route whose answers may be kept: public, the rpc's raw bytes. */
static bool s_cacheable(gw_req *r, struct MHD_Connection *c)
{
    const gw_route *rt = r->m.route;
    return (rt->flags & GW_PUBLIC) && (rt->flags & GW_RAW) && s_anonymous_get(r, c);
}

const gw_snap *gw_dispatch_kept(gw_req *r, struct MHD_Connection *c)
{
    return s_anonymous_get(r, c) ? gw_snapcache_get(r->h->snaps, r->url) : NULL;
}

/* GW_RAW: the rpc's bytes as they are (see routes.h); kept in the snapshot cache when the
 * answer says it never changes. */
static enum MHD_Result s_raw(gw_req *r, struct MHD_Connection *c, const ProtobufCMessage *out)
{
    gw_snap s = {0};
    s.bytes = pbjson_get_bytes(out, "content", &s.len);
    s.content_type = pbjson_get_string(out, "content_type");
    s.file_name = pbjson_get_string(out, "file_name");
    s.etag = pbjson_get_string(out, "etag");
    s.cache_control = pbjson_get_string(out, "cache_control");
    s.route = r->m.route;
    if (s.etag && !*s.etag)
        s.etag = NULL;
    if (!s.bytes || !gw_reply_mime_ok(s.content_type) || (s.etag && !gw_etag_valid(s.etag)) ||
        (s.cache_control && (strlen(s.cache_control) >= 128 || strpbrk(s.cache_control, "\r\n")))) {
        cs_err e;
        cs_err_internal(&e, "GW_RAW reply without content, with a bad content_type, etag or cache_control");
        cs_err_detail(&e, "%s %s", r->method, r->url);
        return gw_reply_error(r, c, &e);
    }
    if (s.etag && s.cache_control && strstr(s.cache_control, "immutable") && s_cacheable(r, c)
        && gw_snapcache_put(r->h->snaps, r->url, &s) == 0) {
        const gw_snap *kept = gw_snapcache_get(r->h->snaps, r->url);
        if (kept)
            return s_send(r, c, kept, true);
    }
    return s_send(r, c, &s, false);
}

/* The route's rpc, or NULL with e: 404, 405, or a table naming an rpc that is not there. */
static const ProtobufCMethodDescriptor *s_rpc(const gw_req *r, cs_err *e)
{
    if (r->match_rc == GW_MATCH_NO_PATH) {
        cs_err_set(e, 404, "route_not_found", NULL, "Không có API %s %s",
                   "No API route %s %s", r->method, r->url);
        return NULL;
    }
    if (r->match_rc == GW_MATCH_BAD_METHOD) {
        cs_err_set(e, 405, "method_not_allowed", NULL,
                   "Phương thức %s không được hỗ trợ ở %s", "Method %s is not allowed on %s",
                   r->method, r->url);
        return NULL;
    }
    const gw_route *rt = r->m.route;
    const ProtobufCMethodDescriptor *md =
        rt->desc ? protobuf_c_service_descriptor_get_method_by_name(rt->desc, rt->rpc) : NULL;
    if (!md) {
        cs_err_internal(e, "route names an rpc its service does not have");
        cs_err_detail(e, "%s %s -> %s.%s", rt->method, rt->path, rt->service, rt->rpc);
    }
    return md;
}

/* The call; a kept session that went stale is refused before anything ran, so it is
 * asked again at the catalog and the call runs once more with what it says now. */
static int s_call(gw_req *r, const ProtobufCMethodDescriptor *md, gw_caller *a,
                  const ProtobufCMessage *in, ProtobufCMessage **out, cs_err *e)
{
    const gw_route *rt = r->m.route;
    bool retry = strcmp(r->method, "GET") == 0 || a->ctx.idempotency_key != NULL;
    int rc = gw_call(r->h, rt->service, rt->rpc, &a->ctx, in, md->output, retry, out, e);
    if (rc != 0 && a->si && strcmp(e->code, CS_ERR_SESSION_STALE) == 0) {
        if (gw_caller_refresh(a, r, e) != 0)
            return -1;
        rc = gw_call(r->h, rt->service, rt->rpc, &a->ctx, in, md->output, retry, out, e);
    }
    if (r->feed)
        gw_upload_destroy(&r->up);          /* read by the service: gone before the answer */
    if (rc == 0 && strcmp(rt->rpc, "Logout") == 0 && strcmp(rt->service, "catalog") == 0)
        gw_caller_forget(a, r);
    return rc;
}

enum MHD_Result gw_dispatch(gw_req *r, struct MHD_Connection *c)
{
    if (r->snap)                            /* found by gw_dispatch_kept, before routing */
        return s_send(r, c, r->snap, true);
    cs_err e;
    cs_err_clear(&e);
    const ProtobufCMethodDescriptor *md = s_rpc(r, &e);
    if (!md)
        return gw_reply_error(r, c, &e);
    const gw_route *rt = r->m.route;
    ProtobufCMessage *in = NULL, *out = NULL;
    gw_caller a;
    enum MHD_Result ret;
    /* the caller first: an anonymous caller learns nothing about the input */
    if (gw_caller_resolve(&a, r, c, rt, &e) != 0 || gw_input_build(r, c, md, &a, &in, &e) != 0 ||
        s_call(r, md, &a, in, &out, &e) != 0)
        ret = gw_reply_error(r, c, &e);
    else if (rt->flags & GW_DOWNLOAD)
        ret = s_download(r, c, out);
    else if (rt->flags & GW_RAW)
        ret = s_raw(r, c, out);
    else
        ret = gw_reply_json(r, c, 200, pbjson_to_json(out));
    pbjson_free(&out);
    pbjson_free(&in);
    gw_caller_release(&a);
    return ret;
}
