/*  An API request at its end: route -> caller -> input -> rpc -> reply (JSON, the
 *  evidence file of GW_DOWNLOAD, or the rpc's own bytes for GW_RAW). */
#ifndef GW_DISPATCH_H
#define GW_DISPATCH_H

#include "request.h"

enum MHD_Result gw_dispatch(gw_req *r, struct MHD_Connection *c);

#endif
