/* chiso-catalog: provinces, users and sessions, agencies, index sets, periods and phases
 * (proto/catalog.proto). */
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include "cat_remind.h"
#include "catalog.h"
#include "catalog.pb-c.h"

int main(void)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "catalog: libsodium failed to initialise\n");
        return 1;
    }
    static const cs_rpc rpcs[] = {
        {"ResolveSession", cat_ResolveSession, CS_RPC_READ},
        {"Login", cat_Login, CS_RPC_WRITE},
        {"Logout", cat_Logout, CS_RPC_WRITE},
        {"Me", cat_Me, CS_RPC_READ},
        {"CreateProvince", cat_CreateProvince, CS_RPC_WRITE},
        {"ListProvinces", cat_ListProvinces, CS_RPC_READ},
        {"GetProvince", cat_GetProvince, CS_RPC_READ},
        {"CreateUser", cat_CreateUser, CS_RPC_WRITE},
        {"ListUsers", cat_ListUsers, CS_RPC_READ},
        {"GetUser", cat_GetUser, CS_RPC_READ},
        {"UpdateUser", cat_UpdateUser, CS_RPC_WRITE},
        {"CreateAgencyGroup", cat_CreateAgencyGroup, CS_RPC_WRITE},
        {"ListAgencyGroups", cat_ListAgencyGroups, CS_RPC_READ},
        {"CreateAgency", cat_CreateAgency, CS_RPC_WRITE},
        {"ListAgencies", cat_ListAgencies, CS_RPC_READ},
        {"GetAgency", cat_GetAgency, CS_RPC_READ},
        {"UpdateAgency", cat_UpdateAgency, CS_RPC_WRITE},
        {"ImportAgencies", cat_ImportAgencies, CS_RPC_WRITE},
        {"CreatePerson", cat_CreatePerson, CS_RPC_WRITE},
        {"ListPeople", cat_ListPeople, CS_RPC_READ},
        {"CreateDiscipline", cat_CreateDiscipline, CS_RPC_WRITE},
        {"ListDiscipline", cat_ListDiscipline, CS_RPC_READ},
        {"ImportIndexSet", cat_ImportIndexSet, CS_RPC_WRITE},
        {"ListIndexSets", cat_ListIndexSets, CS_RPC_READ},
        {"GetIndexSet", cat_GetIndexSet, CS_RPC_READ},
        {"CopyIndexSet", cat_CopyIndexSet, CS_RPC_WRITE},
        {"EditIndexSet", cat_EditIndexSet, CS_RPC_WRITE},
        {"CreatePeriod", cat_CreatePeriod, CS_RPC_WRITE},
        {"ListPeriods", cat_ListPeriods, CS_RPC_READ},
        {"GetPeriod", cat_GetPeriod, CS_RPC_READ},
        {"SetPeriodIndexSet", cat_SetPeriodIndexSet, CS_RPC_WRITE},
        {"SetPhase", cat_SetPhase, CS_RPC_WRITE},
        {"SetPeriodConfig", cat_SetPeriodConfig, CS_RPC_WRITE},
        {"ListPhases", cat_ListPhases, CS_RPC_READ},
        {"GrantExtension", cat_GrantExtension, CS_RPC_WRITE},
        {"ListAudit", cat_ListAudit, CS_RPC_READ},
        {"ListNotifications", cat_ListNotifications, CS_RPC_READ},
        {"MarkNotificationRead", cat_MarkNotificationRead, CS_RPC_WRITE},
        {"CreateSupportGrant", cat_CreateSupportGrant, CS_RPC_WRITE},
        {"ListSupportGrants", cat_ListSupportGrants, CS_RPC_READ},
        {"RevokeSupportGrant", cat_RevokeSupportGrant, CS_RPC_WRITE},
    };
    /* libcurl's global state before any thread: the reminders' sender e-mails with it */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
        fprintf(stderr, "catalog: libcurl failed to initialise\n");
        return 1;
    }
    if (cat_remind_start() < 0) {
        fprintf(stderr, "catalog: the reminders' thread did not start\n");
        return 1;
    }
    int rc = cs_service_run("catalog", &chiso__catalog__descriptor, rpcs,
                            sizeof rpcs / sizeof rpcs[0]);
    cat_remind_stop();
    curl_global_cleanup();
    return rc;
}
