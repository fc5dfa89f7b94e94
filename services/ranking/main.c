/* chiso-ranking: results, classification and scorecards of a period (proto/ranking.proto). */
#include "cs_service.h"
#include "rank_draw.h"
#include "rank_export_rpc.h"
#include "rank_rpc.h"
#include "rank_yoy.h"
#include "ranking.pb-c.h"

int main(void)
{
    static const cs_rpc rpcs[] = {
        {"Compute", rank_rpc_compute, CS_RPC_WRITE},
        {"ListResults", rank_rpc_list_results, CS_RPC_READ},
        {"GetScorecard", rank_rpc_scorecard, CS_RPC_READ},
        {"Approve", rank_rpc_approve, CS_RPC_WRITE},
        {"Publish", rank_rpc_publish, CS_RPC_WRITE},
        {"ListSnapshots", rank_rpc_list_snapshots, CS_RPC_READ},
        {"PublicProvinces", rank_rpc_public_provinces, CS_RPC_READ},
        {"PublicPeriods", rank_rpc_public_periods, CS_RPC_READ},
        {"PublicSnapshot", rank_rpc_public_snapshot, CS_RPC_READ},
        /* reports (issue 8): rank_export_rpc.c */
        {"ExportXlsx", rank_rpc_export_xlsx, CS_RPC_READ},
        {"ExportPdf", rank_rpc_export_pdf, CS_RPC_READ},
        {"ExportCsv", rank_rpc_export_csv, CS_RPC_READ},
        {"ResultsChart", rank_rpc_results_chart, CS_RPC_READ},
        {"YearOverYear", rank_rpc_year_over_year, CS_RPC_READ},
        /* read-write: a portal key's use is recorded (portal.key_use); no tenant, and no
         * idempotency record of a read */
        {"NationalView", rank_rpc_national_view, CS_RPC_WRITE | CS_RPC_TENANT},
        {"NationalXlsx", rank_rpc_national_xlsx, CS_RPC_WRITE | CS_RPC_TENANT},
    };
    int rc = cs_service_run("ranking", &chiso__ranking__ranking__descriptor, rpcs,
                            sizeof rpcs / sizeof rpcs[0]);
    rank_draw_shutdown();   /* the workers are joined: nothing draws any more */
    return rc;
}
