/*  Request assembly: the body as libmicrohttpd hands it over, chunk by chunk, into the
 *  place gw_body_begin chose from the headers:
 *    - r->body, capped while it streams (a JSON document, a CSV, a GW_FEED's file);
 *    - r->up, a gw_upload (GW_UPLOAD: the evidence file goes to disk, never to memory);
 *    - a multipart post processor feeding one of those, its text fields kept in r->form.
 *  An error found on the way (too large, a bad file name, malformed multipart) is kept in
 *  r->err and the rest of the body is read and dropped: the answer goes out at the end,
 *  where 0.9.75 keeps the connection alive. */
#ifndef GW_BODY_H
#define GW_BODY_H

#include "request.h"

/* Slack over CHISO_MAX_UPLOAD for a multipart body's part headers and boundaries. */
#define GW_MULTIPART_SLACK (64 * 1024)
/* All multipart text fields together. */
#define GW_FORM_FIELDS_MAX (64 * 1024)

/* After routing: a Content-Length over the cap is answered 413 at once (the body is
 * never read; the connection closes after it), else the body's destination is made
 * ready (upload file, post processor, file name from the query). */
enum MHD_Result gw_body_begin(gw_req *r, struct MHD_Connection *c);
/* One chunk of the body. */
void gw_body_take(gw_req *r, const char *data, size_t n);
/* The body is complete: the post processor flushes its last part. */
void gw_body_end(gw_req *r);

/* Keep the first error as the answer, drop what was gathered. */
void gw_body_fail(gw_req *r, const cs_err *e);
/* 413 body_too_large naming cap. -1. */
int gw_body_too_large(cs_err *e, int64_t cap);

#endif
