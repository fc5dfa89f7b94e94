/*  Routes of the surveys service (proto/surveys.proto). */
#include "routes.h"
#include "surveys.pb-c.h"

const gw_route gw_routes_surveys[] = {
    {"PUT", "/api/v1/periods/{period_id}/survey-points", "surveys",
     &chiso__surveys__surveys__descriptor, "ImportPoints", GW_AUTH,
     "Import survey points (content 3) as JSON items; all or nothing"},
    {"POST", "/api/v1/periods/{period_id}/survey-points/csv", "surveys",
     &chiso__surveys__surveys__descriptor, "ImportCsv", GW_CSV,
     "Import survey points from CSV (agency_code,leaf_code,points); all or nothing"},
    {"GET", "/api/v1/periods/{period_id}/survey-points", "surveys",
     &chiso__surveys__surveys__descriptor, "ListPoints", GW_AUTH,
     "Survey points of the period (agency users: their own) and the import batches"},
    {NULL, NULL, NULL, NULL, NULL, 0, NULL},
};
