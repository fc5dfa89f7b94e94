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
    {"POST", "/api/v1/periods/{period_id}/survey-points/compute", "surveys",
     &chiso__surveys__surveys__descriptor, "ComputePoints", GW_AUTH,
     "Convert the collected survey answers into content-3 points (phase survey)"},
    {"POST", "/api/v1/periods/{period_id}/questionnaires", "surveys",
     &chiso__surveys__surveys__descriptor, "CreateQuestionnaire", GW_AUTH,
     "Create a questionnaire whose questions map to content-3 leaves"},
    {"GET", "/api/v1/periods/{period_id}/questionnaires", "surveys",
     &chiso__surveys__surveys__descriptor, "ListQuestionnaires", GW_AUTH,
     "Questionnaires of the period with their questions"},
    {"POST", "/api/v1/questionnaires/{questionnaire_id}/invitations", "surveys",
     &chiso__surveys__surveys__descriptor, "CreateInvitations", GW_AUTH,
     "Single-use invitation tokens for one agency (shown once)"},
    {"GET", "/api/v1/survey/{token}", "surveys",
     &chiso__surveys__surveys__descriptor, "GetForm", GW_PUBLIC,
     "The questionnaire an invitation token opens (public)"},
    {"POST", "/api/v1/survey/{token}", "surveys",
     &chiso__surveys__surveys__descriptor, "SubmitResponse", GW_PUBLIC,
     "Answer a survey with an invitation token, once (public)"},
    {NULL, NULL, NULL, NULL, NULL, 0, NULL},
};
