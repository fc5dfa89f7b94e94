/*  router: HTTP method + path -> route, with the path parameters it captured.
 *
 *  The route tables are those listed in routes.c (gw_route_tables). Patterns are matched
 *  segment by segment; `{name}` matches one non-empty segment. A literal segment wins over
 *  a parameter when two patterns could match ("/agencies/import" before "/agencies/{id}"). */
#ifndef GW_ROUTER_H
#define GW_ROUTER_H

#include <stddef.h>
#include "routes.h"

#define GW_MAX_PARAMS 8

/* NULL-terminated list of NULL-method-terminated tables (routes.c). */
extern const gw_route *const gw_route_tables[];

typedef struct {
    const gw_route *route;
    size_t n_params;
    char name[GW_MAX_PARAMS][64];
    char value[GW_MAX_PARAMS][256];
} gw_match;

enum { GW_MATCH_OK = 0, GW_MATCH_NO_PATH = 1, GW_MATCH_BAD_METHOD = 2 };

/* Find the route for method + path. GW_MATCH_OK fills m; GW_MATCH_BAD_METHOD fills allow
 * (comma-separated methods of the path, e.g. "GET, POST") when allow is not NULL. */
int gw_router_match(const char *method, const char *path, gw_match *m,
                    char *allow, size_t allow_len);

/* Check the tables once at start-up: every rpc exists in its service descriptor, every
 * `{name}` of a path is a field of the rpc's input, no (method, path) twice. Logs each
 * problem (cs_log_error, "route table: ...") and returns how many there are. */
int gw_router_check(void);

/* Call fn for every route of every table, in order. */
void gw_router_each(void (*fn)(const gw_route *r, void *arg), void *arg);

#endif
