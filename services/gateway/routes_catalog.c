/*  Routes of the catalog service (proto/catalog.proto). The catalog authorises every call
 *  itself (role, province, agency); the summaries name the roles for the OpenAPI reader. */
#include "catalog.pb-c.h"
#include "routes.h"

#define CAT "catalog", &chiso__catalog__descriptor

const gw_route gw_routes_catalog[] = {
    {"POST", "/api/v1/auth/login", CAT, "Login", GW_PUBLIC | GW_THROTTLE,
     "Log in with login and password; answers a session token and the user"},
    {"POST", "/api/v1/auth/logout", CAT, "Logout", GW_AUTH, "End the current session"},
    {"GET", "/api/v1/auth/me", CAT, "Me", GW_AUTH, "The user of the current session"},

    {"POST", "/api/v1/provinces", CAT, "CreateProvince", GW_AUTH, "Create a province (sysadmin)"},
    {"GET", "/api/v1/provinces", CAT, "ListProvinces", GW_AUTH,
     "Provinces: all for a sysadmin, one's own otherwise"},
    {"GET", "/api/v1/provinces/{id}", CAT, "GetProvince", GW_AUTH, "One province"},

    {"POST", "/api/v1/users", CAT, "CreateUser", GW_AUTH,
     "Create a user (sysadmin: a province_admin with province_id; province_admin: its province)"},
    {"GET", "/api/v1/users", CAT, "ListUsers", GW_AUTH, "Users (sysadmin, province_admin, viewer)"},
    {"GET", "/api/v1/users/{id}", CAT, "GetUser", GW_AUTH, "One user"},
    {"PATCH", "/api/v1/users/{id}", CAT, "UpdateUser", GW_AUTH,
     "Change a user's name, roles, agency, password, e-mail or active flag (province_admin); "
     "one's own e-mail (anyone)"},
    {"GET", "/api/v1/notifications", CAT, "ListNotifications", GW_AUTH,
     "The caller's reminders before a phase closes, newest first, with the unread count"},
    {"POST", "/api/v1/notifications/{id}/read", CAT, "MarkNotificationRead", GW_AUTH,
     "Mark one of the caller's notifications read"},

    /* Support access (SPEC §1). A sysadmin acts inside a province that granted it by adding
     * the header X-Support-Province: <province id> to any request (auth.c). */
    {"POST", "/api/v1/support-grants", CAT, "CreateSupportGrant", GW_AUTH,
     "Grant the sysadmins support access to the province for 1 to 168 hours, with a reason "
     "(province_admin); they then act as its admin with header X-Support-Province: <id>, "
     "audited in the province's trail as support:<login>"},
    {"GET", "/api/v1/support-grants", CAT, "ListSupportGrants", GW_AUTH,
     "The province's support grants, live or not (province_admin, viewer)"},
    {"POST", "/api/v1/support-grants/{id}/revoke", CAT, "RevokeSupportGrant", GW_AUTH,
     "Revoke a support grant: the sysadmins' access ends at once (province_admin)"},

    {"POST", "/api/v1/agency-groups", CAT, "CreateAgencyGroup", GW_AUTH,
     "Create an agency group (province_admin)"},
    {"GET", "/api/v1/agency-groups", CAT, "ListAgencyGroups", GW_AUTH, "Agency groups"},
    {"POST", "/api/v1/agencies", CAT, "CreateAgency", GW_AUTH, "Create an agency (province_admin)"},
    {"GET", "/api/v1/agencies", CAT, "ListAgencies", GW_AUTH, "Agencies, optionally of one group"},
    {"POST", "/api/v1/agencies/import", CAT, "ImportAgencies", GW_CSV,
     "Import agencies from CSV `group,code,name`, all or nothing (province_admin)"},
    {"GET", "/api/v1/agencies/{id}", CAT, "GetAgency", GW_AUTH, "One agency"},
    {"PATCH", "/api/v1/agencies/{id}", CAT, "UpdateAgency", GW_AUTH,
     "Change an agency's name, group or active flag (province_admin)"},
    {"POST", "/api/v1/agencies/{agency_id}/people", CAT, "CreatePerson", GW_AUTH,
     "Add a head or deputy of an agency (province_admin)"},
    {"GET", "/api/v1/agencies/{agency_id}/people", CAT, "ListPeople", GW_AUTH,
     "Heads and deputies of an agency"},
    {"POST", "/api/v1/people/{person_id}/discipline", CAT, "CreateDiscipline", GW_AUTH,
     "Record a discipline decision of a person (province_admin)"},
    {"GET", "/api/v1/people/{person_id}/discipline", CAT, "ListDiscipline", GW_AUTH,
     "Discipline decisions of a person"},

    {"POST", "/api/v1/index-sets", CAT, "ImportIndexSet", GW_AUTH,
     "Import an index set as JSON (replaces a set of the same code while not frozen)"},
    {"GET", "/api/v1/index-sets", CAT, "ListIndexSets", GW_AUTH, "Index sets (without their nodes)"},
    {"GET", "/api/v1/index-sets/{id}", CAT, "GetIndexSet", GW_AUTH,
     "Export an index set (same shape as the import)"},
    {"PATCH", "/api/v1/index-sets/{id}", CAT, "EditIndexSet", GW_AUTH,
     "Edit an index set node by node before use: remove codes, add or replace nodes, content "
     "maxima; validated as an import (province_admin; 409 once a period using it has started)"},
    {"POST", "/api/v1/index-sets/{id}/copy", CAT, "CopyIndexSet", GW_AUTH,
     "Copy an index set under a new code (province_admin)"},

    {"POST", "/api/v1/periods", CAT, "CreatePeriod", GW_AUTH,
     "Create a period with its configuration, checked as ranking reads it; default_phases: "
     "the seed-002 schedule (province_admin)"},
    {"PUT", "/api/v1/periods/{period_id}/config", CAT, "SetPeriodConfig", GW_AUTH,
     "Replace the period's configuration; 400 invalid_config, 409 period_published (province_admin)"},
    {"GET", "/api/v1/periods", CAT, "ListPeriods", GW_AUTH, "Periods"},
    {"GET", "/api/v1/periods/{id}", CAT, "GetPeriod", GW_AUTH,
     "One period with its index sets and phases"},
    {"PUT", "/api/v1/periods/{period_id}/index-sets/{group_code}", CAT, "SetPeriodIndexSet",
     GW_AUTH, "The index set a group is scored against; freezes the set (province_admin)"},
    {"PUT", "/api/v1/periods/{period_id}/phases/{phase}", CAT, "SetPhase", GW_AUTH,
     "Schedule a phase: opens_at < closes_at (province_admin)"},
    {"GET", "/api/v1/periods/{period_id}/phases", CAT, "ListPhases", GW_AUTH,
     "Phases of a period and the extensions granted"},
    {"POST", "/api/v1/periods/{period_id}/extensions", CAT, "GrantExtension", GW_AUTH,
     "Extend a phase for one agency, with a reason (province_admin)"},

    {"GET", "/api/v1/audit", CAT, "ListAudit", GW_AUTH,
     "Audit trail of the province, newest first (province_admin, viewer)"},
    {NULL, NULL, NULL, NULL, NULL, 0, NULL},
};
