/*  gw_http: the libmicrohttpd daemon and its callbacks. See http.h; the request's way
 *  through the gateway is described in request.h.
 *
 *  libmicrohttpd calls the handler several times per request: once with the headers,
 *  once per body chunk, once at the end. The response is queued at the end (queuing on
 *  the very first call would cost the keep-alive in 0.9.75), except when the request line,
 *  the headers or the Content-Length alone already exceed a limit: then the refusal goes
 *  out at once and the body is never read. */
#include "http.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "body.h"
#include "cs_log.h"
#include "dispatch.h"
#include "metrics.h"
#include "openapi.h"
#include "reply.h"
#include "request.h"
#include "static.h"

/* Request line and headers: our own limits answer 414/431 with the limit in the message;
 * the connection's buffer (MHD_OPTION_CONNECTION_MEMORY_LIMIT) is above them (URI + headers
 * = 24 KiB, with room for libmicrohttpd's own bookkeeping and the answer's header block),
 * and past it libmicrohttpd refuses by itself (put in the same JSON shape by refusal.c).
 * Keep the buffer small: libmicrohttpd zeroes the whole of it for every request on a
 * kept-alive connection, and half of it again when it shrinks the read buffer once the
 * request is in (1.5 x the buffer per request). At 128 KiB that was 11 % of the gateway's
 * CPU on public reads (make bench, P4), at 48 KiB still 7 %; 32 KiB keeps our own limits
 * answering first and costs two thirds of that. */
#define GW_URL_MAX (8 * 1024)
#define GW_HEADERS_MAX (16 * 1024)
#define GW_CONN_MEMORY (32 * 1024)

static enum MHD_Result s_header_bytes(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void) kind;
    *(size_t *) cls += strlen(key) + (value ? strlen(value) : 0) + 4;
    return MHD_YES;
}

/* 414 / 431 past our own limits. libmicrohttpd hands over the path without its query:
 * the URI's length is both. 0 / -1 with e. */
static int s_limits(struct MHD_Connection *c, const char *url, cs_err *e)
{
    size_t hbytes = 0, ubytes = strlen(url);
    MHD_get_connection_values(c, MHD_HEADER_KIND, s_header_bytes, &hbytes);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, s_header_bytes, &ubytes);
    if (ubytes > GW_URL_MAX)
        return cs_err_set(e, 414, "uri_too_long", NULL, "Địa chỉ yêu cầu dài quá %d byte",
                          "The request URI is longer than %d bytes", GW_URL_MAX);
    if (hbytes > GW_HEADERS_MAX)
        return cs_err_set(e, 431, "headers_too_large", NULL,
                          "Phần đầu yêu cầu (headers) dài quá %d byte",
                          "The request headers are larger than %d bytes", GW_HEADERS_MAX);
    return 0;
}

/* First call: check the limits, classify the request, match the route, prepare the
 * body's destination. */
static enum MHD_Result s_begin(gw_req *r, struct MHD_Connection *c)
{
    cs_err e;
    gw_req_identify(r, c);
    if (s_limits(c, r->url, &e) != 0) {
        r->kind = GW_REQ_API;               /* logged and counted as an unmatched route */
        r->match_rc = GW_MATCH_NO_PATH;
        gw_body_fail(r, &e);
        return gw_reply_error(r, c, &e);
    }
    if (gw_builtin_name(r->url))
        r->kind = GW_REQ_BUILTIN;
    else if (strncmp(r->url, "/api/", 5) == 0 || strcmp(r->url, "/api") == 0)
        r->kind = GW_REQ_API;
    else
        r->kind = GW_REQ_STATIC;
    if (r->kind == GW_REQ_API && (r->snap = gw_dispatch_kept(r, c)) != NULL) {
        r->match_rc = GW_MATCH_OK;          /* the route that answered it; no parameters */
        r->m.route = r->snap->route;
    } else if (r->kind == GW_REQ_API)
        r->match_rc = gw_router_match(r->method, r->url, &r->m, r->allow, sizeof r->allow);
    return gw_body_begin(r, c);
}

/* The answer to a request whose body is in. */
static enum MHD_Result s_serve(gw_req *r, struct MHD_Connection *c)
{
    switch (r->kind) {
    case GW_REQ_BUILTIN: return gw_builtin_serve(r, c);
    case GW_REQ_STATIC:  return gw_static_serve(r, c);
    default:             return gw_dispatch(r, c);
    }
}

/* On a gw_work thread: the answer is made (gw_reply_queue keeps it in r), then the
 * connection goes back to its libmicrohttpd thread, which calls the handler again. */
static void s_job(void *arg)
{
    gw_req *r = arg;
    (void) s_serve(r, r->conn);
    MHD_resume_connection(r->conn);
}

/* What may wait on a service (an API call, /readyz) goes to a gw_work thread; a file of
 * the web UI and a kept snapshot are answered here, at once. */
static enum MHD_Result s_answer(gw_req *r, struct MHD_Connection *c)
{
    if (r->kind == GW_REQ_STATIC || r->snap || !r->h->work)
        return s_serve(r, c);
    r->deferred = true;
    r->conn = c;
    MHD_suspend_connection(c);
    if (gw_work_submit(r->h->work, s_job, r) != 0)
        s_job(r);                           /* stopping: made here, queued the same way */
    return MHD_YES;
}

/* Back from a gw_work thread: queue the answer made there. */
static enum MHD_Result s_resumed(gw_req *r, struct MHD_Connection *c)
{
    struct MHD_Response *resp = r->resp;
    r->resp = NULL;
    if (!resp)
        return MHD_NO;                      /* none could be made: the connection closes */
    enum MHD_Result ret = MHD_queue_response(c, (unsigned) r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result s_handler(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *version,
                                 const char *upload_data, size_t *upload_data_size,
                                 void **con_cls)
{
    gw_req *r = *con_cls;
    (void) version;
    if (!r) {
        r = gw_req_new(cls, method, url);
        if (!r)
            return MHD_NO;
        *con_cls = r;
        return s_begin(r, c);
    }
    if (*upload_data_size) {
        if (!r->responded)
            gw_body_take(r, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (r->deferred)
        return s_resumed(r, c);
    if (r->responded)
        return MHD_YES;
    gw_body_end(r);
    return s_answer(r, c);
}

/* The request is over (answered, or the client went away): one log line, the metrics. */
static void s_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                        enum MHD_RequestTerminationCode toe)
{
    gw_req *r = *con_cls;
    (void) cls, (void) c;
    if (!r)
        return;
    double secs = gw_req_now() - r->t0;
    const char *route = "unmatched";
    const char *name = "unmatched";
    if (r->kind == GW_REQ_BUILTIN) {
        route = name = gw_builtin_name(r->url);
    } else if (r->kind == GW_REQ_STATIC) {
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
    gw_req_destroy(&r);
    *con_cls = NULL;
}

/* ---------------------------------------------------------------------------------- */

/* libmicrohttpd's threads only read requests and write answers (work.h): one per core
 * unless CHISO_HTTP_THREADS says otherwise. */
static unsigned s_http_threads(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int64_t n = cs_env_int("CHISO_HTTP_THREADS", cores > 0 ? cores : 1);
    return n < 1 ? 1 : n > 256 ? 256 : (unsigned) n;
}

static struct MHD_Daemon *s_listen(gw_http *h)
{
    unsigned threads = s_http_threads();
    cs_log_info("HTTP: %u thread(s), %d for calls to the services", threads, h->cfg->threads);
    return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG
                            | MHD_ALLOW_SUSPEND_RESUME,
                            (uint16_t) h->cfg->port, NULL, NULL, s_handler, h,
                            MHD_OPTION_THREAD_POOL_SIZE, threads,
                            MHD_OPTION_NOTIFY_COMPLETED, s_completed, h,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) 120,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) GW_CONN_MEMORY,
                            MHD_OPTION_END);
}

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
    /* published versions served from memory: a province's snapshot is tens of kilobytes,
     * so the default keeps hundreds of them well inside the gateway's memory budget */
    h->snaps = gw_snapcache_new((size_t) cs_env_int("CHISO_SNAPSHOT_CACHE_KB", 16384) * 1024);
    h->work = gw_work_new(h->cfg->threads > 0 ? (size_t) h->cfg->threads : 1);
    if (!h->work || sodium_init() < 0) {
        cs_err_internal(e, h->work ? "libsodium init failed" : "cannot start the call threads");
        gw_http_destroy(&h);
        return NULL;
    }
    h->daemon = s_listen(h);
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
    /* the call threads first: each queued or running call resumes its connection with its
     * answer; a request arriving meanwhile is answered on its own thread */
    gw_work_destroy(&h->work);
    if (h->daemon)
        MHD_stop_daemon(h->daemon);
    /* pool threads are gone: their sockets may be closed from here */
    for (size_t i = 0; i < h->n_clients; i++)
        cs_client_destroy(&h->clients[i]);
    free(h->clients);
    gw_upload_shutdown();
    gw_sessions_destroy(&h->sessions);
    gw_ratelimit_destroy(&h->throttle);
    gw_snapcache_destroy(&h->snaps);
    free(h->openapi);
    pthread_mutex_destroy(&h->lock);
    free(h);
    *self_p = NULL;
}
