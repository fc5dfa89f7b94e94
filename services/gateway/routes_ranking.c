/*  Routes of the ranking service (proto/ranking.proto). */
#include "ranking.pb-c.h"
#include "routes.h"

const gw_route gw_routes_ranking[] = {
    {"POST", "/api/v1/periods/{period_id}/compute", "ranking",
     &chiso__ranking__ranking__descriptor, "Compute", GW_AUTH,
     "Compute and record the period's results: ranks, bands, quota per group (province_admin)"},
    {"GET", "/api/v1/periods/{period_id}/results", "ranking",
     &chiso__ranking__ranking__descriptor, "ListResults", GW_AUTH,
     "Current results per group, optionally one group_code (province_admin, viewer, leader)"},
    {"GET", "/api/v1/periods/{period_id}/agencies/{agency_id}/scorecard", "ranking",
     &chiso__ranking__ranking__descriptor, "GetScorecard", GW_AUTH,
     "An agency's scorecard: every leaf's values, sums, T, M, Q, R, bands, rank, shortcomings"},
    {NULL, NULL, NULL, NULL, NULL, 0, NULL},
};
