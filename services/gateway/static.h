/*  What the gateway answers by itself: the web UI's files from CHISO_WEB_DIR, and the
 *  built-in endpoints /healthz, /readyz, /metrics and /api/v1/openapi.json. */
#ifndef GW_STATIC_H
#define GW_STATIC_H

#include "request.h"

/* The built-in endpoint url names, as a static string (the metrics keep the pointer),
 * or NULL. */
const char *gw_builtin_name(const char *url);
enum MHD_Result gw_builtin_serve(gw_req *r, struct MHD_Connection *c);
enum MHD_Result gw_static_serve(gw_req *r, struct MHD_Connection *c);

#endif
