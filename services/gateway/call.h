/*  The broker call: chiso.Request{ctx, rpc, body} out, chiso.Reply back (docs/DESIGN.md §5).
 *  ZeroMQ sockets are not thread-safe, so each thread that calls (work.h) has its own
 *  cs_client, made on first use and closed by gw_http_destroy after the threads are gone. */
#ifndef GW_CALL_H
#define GW_CALL_H

#include <protobuf-c/protobuf-c.h>
#include "envelope.pb-c.h"
#include "request.h"

/* This thread's client (NULL when it cannot be opened). */
cs_client *gw_call_client(gw_http *h);
/* Call service's rpc with in; the reply's error becomes e. On success *out is the
 * unpacked output (of descriptor od). retry: the call may be sent again once when the
 * worker is lost (reads and idempotent writes). 0 / -1. */
int gw_call(gw_http *h, const char *service, const char *rpc, Chiso__Context *ctx,
            const ProtobufCMessage *in, const ProtobufCMessageDescriptor *od, bool retry,
            ProtobufCMessage **out, cs_err *e);

#endif
