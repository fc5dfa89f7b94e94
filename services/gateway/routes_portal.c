/*  Routes of the portal service (proto/portal.proto). The feed is pushed by a portal client
 *  with X-API-Key (GW_PORTAL), the body kept as is (GW_FEED); keys are the sysadmin's and
 *  the agency-code mapping the province admin's (sessions). */
#include "portal.pb-c.h"
#include "routes.h"

const gw_route gw_routes_portal[] = {
    {"POST", "/api/v1/portal/batches", "portal", &chiso__portal__portal__descriptor, "Ingest",
     GW_PORTAL | GW_FEED,
     "Push a feed (portal client, X-API-Key): 766 index JSON or dossier-count CSV, as the body "
     "or a multipart part \"file\"; all or nothing, the same bytes twice answer the first batch"},
    {"GET", "/api/v1/portal/batches", "portal", &chiso__portal__portal__descriptor,
     "ListBatches", GW_AUTH, "The province's feed batches, newest first (province_admin, viewer)"},
    {"POST", "/api/v1/portal/keys", "portal", &chiso__portal__portal__descriptor, "CreateKey",
     GW_AUTH, "Create a portal API key for a province or national (sysadmin); the key is shown once"},
    {"GET", "/api/v1/portal/keys", "portal", &chiso__portal__portal__descriptor, "ListKeys",
     GW_AUTH, "Portal API keys with their last use (sysadmin)"},
    {"DELETE", "/api/v1/portal/keys/{id}", "portal", &chiso__portal__portal__descriptor,
     "RevokeKey", GW_AUTH, "Revoke a portal API key (sysadmin)"},
    {"GET", "/api/v1/portal/agency-map", "portal", &chiso__portal__portal__descriptor,
     "ListMapping", GW_AUTH, "Portal agency codes mapped to the province's agencies (province_admin, viewer)"},
    {"PUT", "/api/v1/portal/agency-map/{portal_code}", "portal",
     &chiso__portal__portal__descriptor, "PutMapping", GW_AUTH,
     "Map a portal agency code to an agency of the province (province_admin)"},
    {"DELETE", "/api/v1/portal/agency-map/{portal_code}", "portal",
     &chiso__portal__portal__descriptor, "DeleteMapping", GW_AUTH,
     "Remove a portal agency-code mapping (province_admin)"},
    {NULL, NULL, NULL, NULL, NULL, 0, NULL},
};
