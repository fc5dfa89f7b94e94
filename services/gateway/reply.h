/*  Answers: every response the gateway sends goes out through gw_reply_queue, so each
 *  carries the same security headers (issue 10, item 4) and the request id; errors
 *  always have SPEC §11's JSON shape. */
#ifndef GW_REPLY_H
#define GW_REPLY_H

#include "request.h"

/* Adds the security headers and X-Request-Id (and Allow, WWW-Authenticate, Retry-After
 * as the status asks), queues resp, releases it and records the status in r. On a gw_work
 * thread (r->deferred) resp is kept in r instead, for the connection's thread to queue. */
enum MHD_Result gw_reply_queue(gw_req *r, struct MHD_Connection *c, int status,
                               struct MHD_Response *resp);
/* A response with body (malloc'd, taken; NULL = empty) of media type ctype. */
enum MHD_Result gw_reply(gw_req *r, struct MHD_Connection *c, int status, const char *ctype,
                         char *body, size_t len);
/* j (taken) as application/json. */
enum MHD_Result gw_reply_json(gw_req *r, struct MHD_Connection *c, int status, json_t *j);
/* e as {"error": {"code", "message", "message_vi", "message_en", "field", "detail"}};
 * a refused upload's temporary file is gone by the time the client reads it. */
enum MHD_Result gw_reply_error(gw_req *r, struct MHD_Connection *c, const cs_err *e);
/* A response (not queued) carrying e in the JSON shape and the security headers, for
 * refusals made outside a request's handler (refusal.h). NULL when out of memory. */
struct MHD_Response *gw_reply_refusal(const cs_err *e, const char *request_id);
/* 405 for a resource that is only read (GET, HEAD). */
enum MHD_Result gw_reply_read_only(gw_req *r, struct MHD_Connection *c);

/* Content-Disposition: kind ("attachment" or "inline") with an ASCII fallback and the
 * RFC 5987 UTF-8 name. */
void gw_reply_disposition(const char *kind, const char *name, char *buf, size_t len);
/* Whether type is a plain MIME token (parameters allowed) fit for a header. */
bool gw_reply_mime_ok(const char *type);

#endif
