/*  Routes of the appraisal service (proto/appraisal.proto): council, rounds, N/A, opinions. */
#include "appraisal.pb-c.h"
#include "routes.h"

#define A_SVC "appraisal", &chiso__appraisal__appraisal__descriptor
#define A_AG "/api/v1/periods/{period_id}/agencies/{agency_id}"

const gw_route gw_routes_appraisal[] = {
    {"PUT", "/api/v1/periods/{period_id}/council/{user_id}", A_SVC, "SetCouncil", GW_AUTH,
     "Set a council member's scopes (leaf-code prefixes x groups); empty removes (province admin)"},
    {"GET", "/api/v1/periods/{period_id}/council", A_SVC, "ListCouncil", GW_AUTH,
     "The appraisal council of the period with scopes"},
    {"PUT", A_AG "/appraisal/{round}", A_SVC, "Appraise", GW_AUTH,
     "Appraised scores and comments for round 1 or 2 (appraisers in scope; all or nothing)"},
    {"GET", A_AG "/appraisal", A_SVC, "GetAppraisal", GW_AUTH,
     "The appraisal record of an agency: self, round 1, round 2, N/A, explanations, opinions"},
    {"PUT", A_AG "/na-decisions", A_SVC, "DecideNa", GW_AUTH,
     "Decide whether a leaf is applicable to the agency (appraiser in scope or province admin)"},
    {"POST", A_AG "/opinions", A_SVC, "RequestOpinion", GW_AUTH,
     "Ask a specialist agency's opinion on a leaf of an agency"},
    {"GET", "/api/v1/opinions", A_SVC, "ListOpinions", GW_AUTH,
     "Opinion requests (specialists: those addressed to their agency)"},
    {"PUT", "/api/v1/opinions/{id}/answer", A_SVC, "AnswerOpinion", GW_AUTH,
     "Answer an opinion request (specialist of the addressed agency)"},
    {"POST", "/api/v1/opinions/{id}/files", A_SVC, "AddOpinionFile", GW_UPLOAD,
     "Attach a file to the answer of an opinion request (?file_name=; specialist of the "
     "addressed agency; stored and checked as evidence files are)"},
    {"DELETE", "/api/v1/opinion-files/{id}", A_SVC, "RemoveOpinionFile", GW_AUTH,
     "Remove a file from an opinion's answer (specialist of the addressed agency)"},
    {"GET", "/api/v1/opinion-files/{id}/preview", A_SVC, "DownloadOpinionFile",
     GW_DOWNLOAD | GW_INLINE,
     "An opinion's file shown in place: PDF, PNG and JPEG inline, framable by this origin only"},
    {"GET", "/api/v1/opinion-files/{id}/download", A_SVC, "DownloadOpinionFile", GW_DOWNLOAD,
     "Download a file of an opinion's answer (those who may read the opinion)"},
    {"POST", A_AG "/appeals", A_SVC, "LodgeAppeal", GW_AUTH,
     "Lodge an appeal on named leaves with reasons, after publication (agency_head; phase appeal)"},
    {"GET", "/api/v1/periods/{period_id}/appeals", A_SVC, "ListAppeals", GW_AUTH,
     "Appeals of the period with each leaf's answer and evidence (an agency: its own)"},
    {"PUT", "/api/v1/appeals/{appeal_id}/items/{leaf_code}/answer", A_SVC, "AnswerAppeal", GW_AUTH,
     "Answer one leaf of an appeal: upheld with new_value, or rejected with an answer "
     "(council member in scope, province_admin)"},
    {NULL, NULL, NULL, NULL, NULL, 0, NULL},
};
