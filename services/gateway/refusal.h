/*  libmicrohttpd's own refusals in SPEC §11's JSON shape.
 *
 *  libmicrohttpd 0.9.75 answers some requests itself, before (or, for a chunked body,
 *  while) our handler sees them, with fixed HTML bodies and no hook to change them
 *  (connection.c, transmit_error_response_len): a request line or headers past the
 *  connection's memory (414 / 431), a header line without ':' or a bad HTTP version
 *  (400 / 505), a Content-Length that is not a number or past 2^64 (400 / 413), a
 *  malformed or oversized chunk (400 / 413). That function builds its answer with the
 *  library's exported MHD_create_response_from_buffer and MHD_queue_response, called
 *  through the PLT; the gateway defines both (the executable's definitions come first),
 *  passes every call through unchanged, and only when the library itself queues a
 *  response it created a moment before on the same thread (which only that function
 *  does) queues our JSON refusal in its place, with the same status and our headers.
 *
 *  Nothing to call: linking this file is what does it. A library built without
 *  interposable calls (-Bsymbolic, -fno-semantic-interposition) would bring the HTML
 *  back: test_http_refusals.py would see it. */
#ifndef GW_REFUSAL_H
#define GW_REFUSAL_H

#include "cs_err.h"

/* The error libmicrohttpd's refusal of status (with its HTML text, or "") means. */
void gw_refusal_error(unsigned status, const char *html, cs_err *e);

#endif
