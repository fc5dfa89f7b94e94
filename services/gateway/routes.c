/*  routes: the tables the gateway serves, one per service (routes_<service>.c).
 *  Add exactly one line per service table, before the NULL. */
#include "router.h"

const gw_route *const gw_route_tables[] = {
    gw_routes_catalog,
    gw_routes_ranking,
    gw_routes_surveys,
    gw_routes_leadership,
    gw_routes_submissions,
    gw_routes_appraisal,
    gw_routes_portal,
    NULL,
};
