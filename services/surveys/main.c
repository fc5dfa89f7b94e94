/*  chiso-surveys: content-3 survey points (SPEC §6). See surveys_rpc.h. */
#include <sodium.h>
#include <stdio.h>
#include "cs_service.h"
#include "surveys.pb-c.h"
#include "surveys_collect.h"
#include "surveys_rpc.h"

static const cs_rpc s_rpcs[] = {
    {"ImportPoints", surveys_import_points, CS_RPC_WRITE},
    {"ImportCsv", surveys_import_csv, CS_RPC_WRITE},
    {"ListPoints", surveys_list_points, CS_RPC_READ},
    {"CreateQuestionnaire", surveys_create_questionnaire, CS_RPC_WRITE},
    {"ListQuestionnaires", surveys_list_questionnaires, CS_RPC_READ},
    {"CreateInvitations", surveys_create_invitations, CS_RPC_WRITE},
    {"GetForm", surveys_get_form, CS_RPC_READ},
    {"SubmitResponse", surveys_submit_response, CS_RPC_WRITE},
    {"ImportResponses", surveys_import_responses, CS_RPC_WRITE},
    {"ComputePoints", surveys_compute_points, CS_RPC_WRITE},
};

int main(void)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "surveys: libsodium failed to initialise\n");
        return 1;
    }
    return cs_service_run("surveys", &chiso__surveys__surveys__descriptor, s_rpcs,
                          sizeof s_rpcs / sizeof s_rpcs[0]);
}
