/*  Routes of the leadership service (proto/leadership.proto). */
#include "leadership.pb-c.h"
#include "routes.h"

const gw_route gw_routes_leadership[] = {
    {"PUT", "/api/v1/periods/{period_id}/leaders/{user_id}/agencies", "leadership",
     &chiso__leadership__leadership__descriptor, "AssignAgencies", GW_AUTH,
     "Set the agencies a leader oversees in the period (province_admin)"},
    {"GET", "/api/v1/periods/{period_id}/leaders/{user_id}/agencies", "leadership",
     &chiso__leadership__leadership__descriptor, "GetAssignment", GW_AUTH,
     "The agencies a leader oversees in the period (province_admin, viewer, the leader)"},
    {"PUT", "/api/v1/periods/{period_id}/agencies/{agency_id}/leader-score", "leadership",
     &chiso__leadership__leadership__descriptor, "SaveScore", GW_AUTH,
     "A leader's content-4 score of an agency's leaf (assigned leaders, phase leadership)"},
    {"GET", "/api/v1/periods/{period_id}/agencies/{agency_id}/leader-scores", "leadership",
     &chiso__leadership__leadership__descriptor, "ListScores", GW_AUTH,
     "Leaders' content-4 scores of an agency with their mean, and its heads' discipline"},
    {"POST", "/api/v1/periods/{period_id}/tiebreaks", "leadership",
     &chiso__leadership__leadership__descriptor, "RecordTiebreak", GW_AUTH,
     "Record a tie-break order of the agencies of one tie (leader; any time, not phase-bound)"},
    {"GET", "/api/v1/periods/{period_id}/tiebreaks", "leadership",
     &chiso__leadership__leadership__descriptor, "ListTiebreaks", GW_AUTH,
     "Tie-break orders of the period, the latest per group marked current"},
    {NULL, NULL, NULL, NULL, NULL, 0, NULL},
};
