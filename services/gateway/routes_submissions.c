/*  Routes of the submissions service (proto/submissions.proto): the agency's self-assessment. */
#include "routes.h"
#include "submissions.pb-c.h"

#define S_SVC "submissions", &chiso__submissions__submissions__descriptor
#define S_AG "/api/v1/periods/{period_id}/agencies/{agency_id}"

const gw_route gw_routes_submissions[] = {
    {"PUT", S_AG "/scores", S_SVC, "SaveScores", GW_AUTH,
     "Save self scores and notes for many leaves (all or nothing)"},
    {"POST", S_AG "/scores/csv", S_SVC, "SaveScoresCsv", GW_CSV,
     "Save self scores from CSV leaf_code,score,note (decimal comma accepted; all or nothing)"},
    {"GET", S_AG "/self-assessment", S_SVC, "GetSelfAssessment", GW_AUTH,
     "The agency's self-assessment: state, leaves with scores, notes, evidence, N/A"},
    {"POST", S_AG "/evidence/files", S_SVC, "AddEvidenceFile", GW_UPLOAD,
     "Upload an evidence file for a leaf (?leaf_code=&file_name=)"},
    {"POST", S_AG "/evidence/documents", S_SVC, "AddEvidenceDocument", GW_AUTH,
     "Reference an official document as evidence for a leaf"},
    {"GET", "/api/v1/evidence/{id}/preview", S_SVC, "DownloadEvidence", GW_DOWNLOAD | GW_INLINE,
     "An evidence file shown in place: PDF, PNG and JPEG inline, framable by this origin only"},
    {"GET", "/api/v1/evidence/{id}/download", S_SVC, "DownloadEvidence", GW_DOWNLOAD,
     "Download an evidence file (those who may see the agency's assessment)"},
    {"DELETE", "/api/v1/evidence/{id}", S_SVC, "RemoveEvidence", GW_AUTH,
     "Remove an evidence record of one's agency while evidence may be added (agency editors)"},
    {"POST", S_AG "/na-proposals", S_SVC, "ProposeNa", GW_AUTH,
     "Propose that a leaf is not applicable to the agency, with a reason"},
    {"POST", S_AG "/submit", S_SVC, "Submit", GW_AUTH,
     "Submit (lock) the self-assessment (agency head)"},
    {"POST", S_AG "/withdraw", S_SVC, "Withdraw", GW_AUTH,
     "Withdraw the submission before the self-assessment deadline (agency head)"},
    {"POST", S_AG "/reopen", S_SVC, "Reopen", GW_AUTH,
     "Reopen a submitted self-assessment, with a reason (province admin)"},
    {"PUT", S_AG "/explanations", S_SVC, "SaveExplanation", GW_AUTH,
     "Explain a leaf whose round-1 score is lower than the self score (explanation phase)"},
    {NULL, NULL, NULL, NULL, NULL, 0, NULL},
};
