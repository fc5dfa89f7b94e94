/*  gw_req: one HTTP request on its way through the gateway, and the server state the
 *  request modules share (private to the gateway; http.h is the public face).
 *
 *  libmicrohttpd calls the handler several times per request (headers, each body chunk,
 *  the end): gw_req is what survives between those calls. The modules, in the order a
 *  request meets them:
 *    http.c      the daemon and its callbacks; the request line and header limits
 *    request.c   this type; request id, language, small header helpers
 *    body.c      request assembly: the body, multipart parts, the uploaded file
 *    auth.c      who is asking: throttle, Idempotency-Key, API key, session, Origin
 *    dispatch.c  route -> input message -> rpc -> reply (JSON, GW_DOWNLOAD, GW_RAW)
 *    work.c      the threads that run the blocking part (the connection is suspended)
 *    call.c      the broker call (one cs_client per call thread)
 *    reply.c     answers: the headers every answer carries, the JSON error shape
 *    refusal.c   libmicrohttpd's own refusals, put in the same JSON shape
 *    static.c    the web UI's files and the built-in endpoints */
#ifndef GW_REQUEST_H
#define GW_REQUEST_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cs_client.h"
#include "cs_config.h"
#include "cs_err.h"
#include "http.h"
#include "snapcache.h"
#include "ratelimit.h"
#include "router.h"
#include "session_cache.h"
#include "upload.h"
#include "work.h"

struct gw_http {
    const cs_config *cfg;
    void *zmq;
    struct MHD_Daemon *daemon;
    char *openapi;                  /* rendered once: the route table is static */
    gw_sessions *sessions;          /* resolved sessions, kept briefly (session_cache.h) */
    gw_ratelimit *throttle;         /* GW_THROTTLE routes, per client address */
    gw_snapcache *snaps;            /* immutable public answers (snapcache.h) */
    gw_work *work;                  /* threads for the blocking part of requests (work.h) */
    pthread_mutex_t lock;           /* guards clients */
    cs_client **clients;
    size_t n_clients;
};

typedef enum { GW_REQ_API, GW_REQ_BUILTIN, GW_REQ_STATIC } gw_req_kind;

typedef struct {
    gw_http *h;
    double t0;
    char method[16];
    char *url;
    gw_req_kind kind;
    int match_rc;
    const char *lang;               /* "vi" / "en" */
    const gw_snap *snap;            /* the kept answer (snapcache.h), found before routing */
    /* served on a gw_work thread while the connection is suspended: the answer made there
     * waits in resp until the connection's own thread queues it (http.c) */
    bool deferred;
    struct MHD_Connection *conn;
    struct MHD_Response *resp;
    /* body */
    char *body;
    size_t body_len, body_cap;
    /* an error found before the end (body too large, bad file name...): the rest of the
     * body is read and dropped, the error is the answer (err, below) */
    bool failed;
    /* uploads */
    gw_upload *up;
    struct MHD_PostProcessor *pp;
    int file_parts;
    json_t *form;                   /* multipart fields other than `file` */
    bool feed;                      /* GW_FEED: the body goes to the feed file in up */
    size_t form_bytes;
    /* outcome, for the log line and the metrics */
    bool responded;
    int status;
    int retry_after;                /* > 0: sent as Retry-After */
    bool frame_self;                /* an evidence preview: this origin may frame it */
    /* Below: buffers that are written before they are read (m.name/value up to
     * m.n_params, err when failed) or whose first byte says they are empty. A request's
     * state is kept for the thread's next request instead of zeroed whole (request.c):
     * a field above this line starts zero, one below starts as gw_req_new leaves it. */
    gw_match m;
    char allow[128];
    char request_id[72];
    cs_err err;
    char file_name[260];
    char feed_type[128];            /* GW_FEED multipart: the `file` part's media type */
    char code[64];
} gw_req;

/* A request's state from its first call; NULL when out of memory. */
gw_req *gw_req_new(gw_http *h, const char *method, const char *url);
/* Releases the body, upload, post processor and form; NULLs the pointer. */
void gw_req_destroy(gw_req **self_p);
/* Request id (the client's X-Request-Id when it is a plain token, else random) and the
 * answer's language (Accept-Language). */
void gw_req_identify(gw_req *r, struct MHD_Connection *c);
/* The matched API route, or NULL (not an API request, or no route for it). */
const gw_route *gw_req_route(const gw_req *r);
/* Whether the method only reads (GET, HEAD). */
bool gw_req_reads(const gw_req *r);

const char *gw_req_header(struct MHD_Connection *c, const char *name);
/* 1..max characters of [A-Za-z0-9-_.:] (request ids, idempotency keys). */
bool gw_req_token_ok(const char *s, size_t max);
/* Whether the media type ct is want (parameters after ';' ignored). */
bool gw_req_ctype_is(const char *ct, const char *want);
/* The peer's address as text ("" when unknown). */
void gw_req_client_ip(struct MHD_Connection *c, char *buf, size_t len);
/* Monotonic seconds. */
double gw_req_now(void);

#endif
