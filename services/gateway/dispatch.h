/*  An API request at its end: route -> caller -> input -> rpc -> reply (JSON, the
 *  evidence file of GW_DOWNLOAD, or the rpc's own bytes for GW_RAW). */
#ifndef GW_DISPATCH_H
#define GW_DISPATCH_H

#include "request.h"

enum MHD_Result gw_dispatch(gw_req *r, struct MHD_Connection *c);

/* The answer the snapshot cache keeps for this request, looked up before any routing (a
 * public read of a published version then costs no route match), or NULL. Only answers
 * whose route allowed keeping them are there; the request must be one that may take a
 * kept answer: GET, no query, no API key. */
const gw_snap *gw_dispatch_kept(gw_req *r, struct MHD_Connection *c);

#endif
