/*  gw_http: the gateway's HTTP server (libmicrohttpd, internal polling threads + epoll, one
 *  per core or CHISO_HTTP_THREADS; the calls to the services on CHISO_THREADS others, see
 *  work.h). Routes /api/v1 requests to services through the broker (one cs_client per
 *  call thread), serves /healthz, /readyz, /metrics,
 *  /api/v1/openapi.json and the static web UI. See docs/DESIGN.md §5. */
#ifndef GW_HTTP_H
#define GW_HTTP_H

#include "cs_config.h"
#include "cs_err.h"

typedef struct gw_http gw_http;

/* Start serving on cfg->port. zmq_ctx is the process's ZeroMQ context. NULL + e. */
gw_http *gw_http_new(const cs_config *cfg, void *zmq_ctx, cs_err *e);
/* Stop serving (the calls under way end first, then libmicrohttpd's threads), close every
 * client; NULLs the pointer. */
void gw_http_destroy(gw_http **self_p);

#endif
