/*  gw_caller: who is asking, decided before the input is looked at (an anonymous caller
 *  learns nothing about it): the login throttle (GW_THROTTLE), the Idempotency-Key, the
 *  portal's X-API-Key (GW_PORTAL; on a public read, GW_KEY, checked by the portal service
 *  when sent), else the session (Authorization: Bearer or the
 *  chiso_session cookie, resolved through session_cache) and, for a cookie-authenticated
 *  write, its Origin. The result is the chiso.Context every rpc receives. */
#ifndef GW_AUTH_H
#define GW_AUTH_H

#include "catalog.pb-c.h"
#include "envelope.pb-c.h"
#include "request.h"
#include "routes.h"

typedef struct {
    Chiso__Context ctx;             /* what the service is told; points into this struct */
    char client_ip[64];
    const char *token;              /* the session token, or NULL */
    const char *api_key;            /* GW_PORTAL: X-API-Key */
    Chiso__SessionInfo *si;         /* the resolved session (owned), or NULL */
    uint8_t sha[GW_SESSION_HASH];   /* the token's hash: the session cache's key */
    long long support_province;     /* X-Support-Province of a sysadmin, else 0 */
} gw_caller;

/* Fill a (on the caller's stack, not moved after) for route rt. 0 / -1 with e (429, 400,
 * 401, 403). gw_caller_release frees it either way. */
int gw_caller_resolve(gw_caller *a, gw_req *r, struct MHD_Connection *c, const gw_route *rt,
                      cs_err *e);
/* The kept session was stale (the service said session_stale before running anything):
 * resolve it again at the catalog. 0 / -1. */
int gw_caller_refresh(gw_caller *a, gw_req *r, cs_err *e);
/* A logout through this gateway forgets the session at once. */
void gw_caller_forget(gw_caller *a, gw_req *r);
void gw_caller_release(gw_caller *a);

#endif
