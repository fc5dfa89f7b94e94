/*  chiso-appraisal: the appraisal council, rounds 1 and 2, N/A decisions and specialist
 *  opinions (SPEC §3-§4). See apr_handlers.h. */
#include "appraisal.pb-c.h"
#include "apr_handlers.h"
#include "cs_service.h"

static const cs_rpc s_rpcs[] = {
    {"SetCouncil", apr_set_council, CS_RPC_WRITE},
    {"ListCouncil", apr_list_council, CS_RPC_READ},
    {"Appraise", apr_appraise, CS_RPC_WRITE},
    {"GetAppraisal", apr_get_appraisal, CS_RPC_READ},
    {"DecideNa", apr_decide_na, CS_RPC_WRITE},
    {"RequestOpinion", apr_request_opinion, CS_RPC_WRITE},
    {"ListOpinions", apr_list_opinions, CS_RPC_READ},
    {"AnswerOpinion", apr_answer_opinion, CS_RPC_WRITE},
    {"AddOpinionFile", apr_add_opinion_file, CS_RPC_WRITE},
    {"RemoveOpinionFile", apr_remove_opinion_file, CS_RPC_WRITE},
    {"DownloadOpinionFile", apr_download_opinion_file, CS_RPC_READ},
    {"LodgeAppeal", apr_lodge_appeal, CS_RPC_WRITE},
    {"ListAppeals", apr_list_appeals, CS_RPC_READ},
    {"AnswerAppeal", apr_answer_appeal, CS_RPC_WRITE},
};

int main(void)
{
    return cs_service_run("appraisal", &chiso__appraisal__appraisal__descriptor, s_rpcs,
                          sizeof s_rpcs / sizeof s_rpcs[0]);
}
