/*  gw_openapi: the OpenAPI 3.0 document of the HTTP API, generated from the route table
 *  and the protobuf descriptors (paths, methods, parameters, request/response schemas).
 *  It lists exactly the routes the router serves. */
#ifndef GW_OPENAPI_H
#define GW_OPENAPI_H

#include <stdbool.h>
#include "routes.h"

/* The document as JSON text (caller frees). */
char *gw_openapi_render(void);

/* Fields of an rpc input that the gateway fills itself (never from the client's JSON
 * body shown in the document): the session token, upload metadata, the CSV body. */
bool gw_openapi_hidden_field(const gw_route *r, const char *name);

#endif
