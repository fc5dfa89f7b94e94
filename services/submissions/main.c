/*  chiso-submissions: the agencies' self-assessment (SPEC §3-§4). See sub_handlers.h. */
#include "cs_service.h"
#include "sub_handlers.h"
#include "submissions.pb-c.h"

static const cs_rpc s_rpcs[] = {
    {"SaveScores", sub_save_scores, CS_RPC_WRITE},
    {"SaveScoresCsv", sub_save_scores_csv, CS_RPC_WRITE},
    {"GetSelfAssessment", sub_get_self_assessment, CS_RPC_READ},
    {"AddEvidenceFile", sub_add_evidence_file, CS_RPC_WRITE},
    {"AddEvidenceDocument", sub_add_evidence_document, CS_RPC_WRITE},
    {"DownloadEvidence", sub_download_evidence, CS_RPC_READ},
    {"RemoveEvidence", sub_remove_evidence, CS_RPC_WRITE},
    {"ProposeNa", sub_propose_na, CS_RPC_WRITE},
    {"Submit", sub_submit, CS_RPC_WRITE},
    {"Withdraw", sub_withdraw, CS_RPC_WRITE},
    {"Reopen", sub_reopen, CS_RPC_WRITE},
    {"SaveExplanation", sub_save_explanation, CS_RPC_WRITE},
};

int main(void)
{
    return cs_service_run("submissions", &chiso__submissions__submissions__descriptor, s_rpcs,
                          sizeof s_rpcs / sizeof s_rpcs[0]);
}
