/*  chiso-leadership: leaders' assignments, content-4 scores, tie-breaks (SPEC §7, §10).
 *  See leadership_rpc.h. */
#include "cs_service.h"
#include "leadership.pb-c.h"
#include "leadership_rpc.h"

static const cs_rpc s_rpcs[] = {
    {"AssignAgencies", leadership_assign, CS_RPC_WRITE},
    {"GetAssignment", leadership_get_assignment, CS_RPC_READ},
    {"SaveScore", leadership_save_score, CS_RPC_WRITE},
    {"ListScores", leadership_list_scores, CS_RPC_READ},
    {"RecordTiebreak", leadership_record_tiebreak, CS_RPC_WRITE},
    {"ListTiebreaks", leadership_list_tiebreaks, CS_RPC_READ},
};

int main(void)
{
    return cs_service_run("leadership", &chiso__leadership__leadership__descriptor, s_rpcs,
                          sizeof s_rpcs / sizeof s_rpcs[0]);
}
