/*  Routes of the ranking service (proto/ranking.proto). */
#include "ranking.pb-c.h"
#include "routes.h"

#define RK(method, path, rpc, flags, summary) \
    {method, path, "ranking", &chiso__ranking__ranking__descriptor, rpc, flags, summary}
/* The published results anyone reads; a portal client may send its key (the feed out). */
#define PUB(path, rpc, flags, summary) RK("GET", path, rpc, GW_PUBLIC | GW_KEY | (flags), summary)
/* The three report files of one source: the working results, a version, a public version. */
#define EXPORTS(prefix, flags, what, who)                                                   \
    RK("GET", prefix "/results.xlsx", "ExportXlsx", (flags) | GW_RAW,                        \
       what " as an Excel workbook: a sheet per group" who),                                 \
    RK("GET", prefix "/results.pdf", "ExportPdf", (flags) | GW_RAW,                          \
       what " as the PDF decision annex (Phụ lục), A4" who),                                 \
    RK("GET", prefix "/results.csv", "ExportCsv", (flags) | GW_RAW,                          \
       what " as CSV, UTF-8 with BOM, one row per agency" who)
#define PUBLIC_PERIOD "/api/v1/public/provinces/{province_code}/periods/{period_id}"

const gw_route gw_routes_ranking[] = {
    RK("POST", "/api/v1/periods/{period_id}/compute", "Compute", GW_AUTH,
       "Compute and record the period's results: ranks, bands, quota per group (province_admin)"),
    RK("GET", "/api/v1/periods/{period_id}/results", "ListResults", GW_AUTH,
       "Current results per group, optionally one group_code; after publication the latest "
       "version and which agencies differ from it (province_admin, viewer, leader)"),
    RK("GET", "/api/v1/periods/{period_id}/agencies/{agency_id}/scorecard", "GetScorecard",
       GW_AUTH,
       "An agency's scorecard: every leaf's values, sums, T, M, Q, R, bands, rank, shortcomings; "
       "after publication the published version's values, its SHA-256 and earlier versions"),
    RK("POST", "/api/v1/periods/{period_id}/approve", "Approve", GW_AUTH,
       "Approve the latest computation of the period, with a note (leader)"),
    RK("POST", "/api/v1/periods/{period_id}/publish", "Publish", GW_AUTH,
       "Publish the approved results as the next snapshot version; 409 while a tie blocks or "
       "heads lack data unless confirmed with a reason (province_admin)"),
    RK("GET", "/api/v1/periods/{period_id}/snapshots", "ListSnapshots", GW_AUTH,
       "Published versions of the period (SHA-256, who approved and published, when) and approvals"),
    PUB("/api/v1/public/provinces", "PublicProvinces", 0,
        "Provinces with published results (no login; a portal client may send X-API-Key)"),
    PUB("/api/v1/public/provinces/{province_code}/periods", "PublicPeriods", 0,
        "Periods of a province with published results and every version's SHA-256 (no login); "
        "404 not_published when none"),
    PUB(PUBLIC_PERIOD "/results", "PublicSnapshot", GW_RAW,
        "The latest published snapshot: exactly its canonical JSON bytes (RFC 8785), ETag = "
        "SHA-256; 404 not_published before publication (no login)"),
    PUB(PUBLIC_PERIOD "/results/versions/{version}", "PublicSnapshot", GW_RAW,
        "One published version, immutable: exactly its canonical JSON bytes, ETag = SHA-256 (no login)"),
    /* reports (issue 8): generated files, sent as they are */
    EXPORTS("/api/v1/periods/{period_id}", GW_AUTH, "Current results",
            " (province_admin, viewer, leader)"),
    EXPORTS("/api/v1/periods/{period_id}/snapshots/{version}", GW_AUTH, "A published version",
            ", its SHA-256 on it (any user of the province)"),
    EXPORTS(PUBLIC_PERIOD "/versions/{version}", GW_PUBLIC | GW_KEY, "A published version",
            " (no login); 404 not_published"),
    RK("GET", "/api/v1/periods/{period_id}/charts/{chart}", "ResultsChart", GW_AUTH | GW_RAW,
       "A chart of a group's current results as SVG: bands | ranks | contents, ?group_code= "
       "(province_admin, viewer, leader)"),
    RK("GET", "/api/v1/periods/{period_id}/year-over-year", "YearOverYear", GW_AUTH,
       "Each agency's Q, R, rank and band in this period and earlier years, with the change "
       "(province_admin, viewer, leader)"),
    RK("GET", "/api/v1/national/results", "NationalView", GW_AUTH,
       "Per province and year, from published snapshots only: agencies per band, mean and "
       "median Q and R (sysadmin)"),
    RK("GET", "/api/v1/national/results.xlsx", "NationalXlsx", GW_AUTH | GW_RAW,
       "The national view as an Excel workbook (sysadmin)"),
    {NULL, NULL, NULL, NULL, NULL, 0, NULL},
};
