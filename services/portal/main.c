/* chiso-portal: the national public service portal's feeds (proto/portal.proto). */
#include "cs_service.h"
#include "portal.pb-c.h"
#include "portal_rpc.h"

int main(void)
{
    static const cs_rpc rpcs[] = {
        {"CreateKey", portal_create_key, CS_RPC_WRITE},
        {"ListKeys", portal_list_keys, CS_RPC_READ},
        {"RevokeKey", portal_revoke_key, CS_RPC_WRITE},
        /* a portal client comes with an API key, not a session: the handler checks the key
         * against the batch's province and sets the tenant itself */
        {"Ingest", portal_ingest_rpc, CS_RPC_WRITE | CS_RPC_TENANT},
        /* the gateway's check of a key on the public reads (the feed out): marks its use */
        {"UseKey", portal_use_key, CS_RPC_WRITE},
        {"ListBatches", portal_list_batches, CS_RPC_READ},
        {"ListMapping", portal_list_mapping, CS_RPC_READ},
        {"PutMapping", portal_put_mapping, CS_RPC_WRITE},
        {"DeleteMapping", portal_delete_mapping, CS_RPC_WRITE},
    };
    return cs_service_run("portal", &chiso__portal__portal__descriptor, rpcs,
                          sizeof rpcs / sizeof rpcs[0]);
}
