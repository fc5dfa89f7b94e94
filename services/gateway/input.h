/*  The rpc's input message, built from everything the request carries, in this order:
 *  the body (JSON, or CSV into `csv`, or a GW_FEED's file into `body`, or a GW_UPLOAD's
 *  fields), then multipart text fields, the query, and the path parameters last (the path
 *  has the last word: a body cannot point the request at another agency), then the
 *  caller's api_key / session_token where the input has such fields, and for GW_UPLOAD
 *  the stored file's hash, size, type and name. */
#ifndef GW_INPUT_H
#define GW_INPUT_H

#include <protobuf-c/protobuf-c.h>
#include "auth.h"
#include "request.h"

/* *in: the input of md (pbjson_free it, also on failure). 0 / -1 with e (an error kept
 * while the body streamed in comes out here). */
int gw_input_build(gw_req *r, struct MHD_Connection *c, const ProtobufCMethodDescriptor *md,
                   const gw_caller *a, ProtobufCMessage **in, cs_err *e);

#endif
