/*  Routes of the ranking service (proto/ranking.proto). Entries stay plain initializers
 *  (test_gateway reads the paths from this source); the macros only name what repeats. */
#include "ranking.pb-c.h"
#include "routes.h"

#define RANKING "ranking", &chiso__ranking__ranking__descriptor
/* The published results anyone reads; a portal client may send its key (the feed out). */
#define FEED_OUT (GW_PUBLIC | GW_KEY)
#define PUBLIC_PERIOD "/api/v1/public/provinces/{province_code}/periods/{period_id}"
#define PERIOD "/api/v1/periods/{period_id}"

const gw_route gw_routes_ranking[] = {
    {"POST", PERIOD "/compute", RANKING, "Compute", GW_AUTH,
     "Compute and record the period's results: ranks, bands, quota per group (province_admin)"},
    {"GET", PERIOD "/results", RANKING, "ListResults", GW_AUTH,
     "Current results per group, optionally one group_code; after publication the latest "
     "version and which agencies differ from it (province_admin, viewer, leader)"},
    {"GET", PERIOD "/agencies/{agency_id}/scorecard", RANKING, "GetScorecard", GW_AUTH,
     "An agency's scorecard: every leaf's values, sums, T, M, Q, R, bands, rank, shortcomings; "
     "after publication the published version's values, its SHA-256 and earlier versions"},
    {"POST", PERIOD "/approve", RANKING, "Approve", GW_AUTH,
     "Approve the latest computation of the period, with a note (leader)"},
    {"POST", PERIOD "/publish", RANKING, "Publish", GW_AUTH,
     "Publish the approved results as the next snapshot version; 409 while a tie blocks or "
     "heads lack data unless confirmed with a reason (province_admin)"},
    {"GET", PERIOD "/snapshots", RANKING, "ListSnapshots", GW_AUTH,
     "Published versions of the period (SHA-256, who approved and published, when) and approvals"},
    {"GET", "/api/v1/public/provinces", RANKING, "PublicProvinces", FEED_OUT,
     "Provinces with published results (no login; a portal client may send X-API-Key)"},
    {"GET", "/api/v1/public/provinces/{province_code}/periods", RANKING, "PublicPeriods", FEED_OUT,
     "Periods of a province with published results and every version's SHA-256 (no login); "
     "404 not_published when none"},
    {"GET", PUBLIC_PERIOD "/results", RANKING, "PublicSnapshot", FEED_OUT | GW_RAW,
     "The latest published snapshot: exactly its canonical JSON bytes (RFC 8785), ETag = "
     "SHA-256; 404 not_published before publication (no login)"},
    {"GET", PUBLIC_PERIOD "/results/versions/{version}", RANKING, "PublicSnapshot",
     FEED_OUT | GW_RAW,
     "One published version, immutable: exactly its canonical JSON bytes, ETag = SHA-256 (no login)"},
    /* reports (issue 8): generated files, sent as they are */
    {"GET", PERIOD "/results.xlsx", RANKING, "ExportXlsx", GW_AUTH | GW_RAW,
     "Current results as an Excel workbook: a sheet per group, a sheet per agency's leaves (province_admin, viewer, leader)"},
    {"GET", PERIOD "/results.pdf", RANKING, "ExportPdf", GW_AUTH | GW_RAW,
     "Current results as the PDF decision annex (Phụ lục), A4, with charts (province_admin, viewer, leader)"},
    {"GET", PERIOD "/results.csv", RANKING, "ExportCsv", GW_AUTH | GW_RAW,
     "Current results as CSV, UTF-8 with BOM, one row per agency (province_admin, viewer, leader)"},
    {"GET", PERIOD "/snapshots/{version}/results.xlsx", RANKING, "ExportXlsx", GW_AUTH | GW_RAW,
     "A published version as an Excel workbook (any user of the province)"},
    {"GET", PERIOD "/snapshots/{version}/results.pdf", RANKING, "ExportPdf", GW_AUTH | GW_RAW,
     "A published version as the PDF decision annex, its SHA-256 in the footer (any user of the province)"},
    {"GET", PERIOD "/snapshots/{version}/results.csv", RANKING, "ExportCsv", GW_AUTH | GW_RAW,
     "A published version as CSV (any user of the province)"},
    {"GET", PUBLIC_PERIOD "/versions/{version}/results.xlsx", RANKING, "ExportXlsx",
     FEED_OUT | GW_RAW, "A published version as an Excel workbook (no login); 404 not_published"},
    {"GET", PUBLIC_PERIOD "/versions/{version}/results.pdf", RANKING, "ExportPdf",
     FEED_OUT | GW_RAW, "A published version as the PDF decision annex (no login); 404 not_published"},
    {"GET", PUBLIC_PERIOD "/versions/{version}/results.csv", RANKING, "ExportCsv",
     FEED_OUT | GW_RAW, "A published version as CSV (no login); 404 not_published"},
    {"GET", PERIOD "/charts/{chart}", RANKING, "ResultsChart", GW_AUTH | GW_RAW,
     "A chart of a group's current results as SVG: bands | ranks | contents, ?group_code= (province_admin, viewer, leader)"},
    {"GET", PERIOD "/year-over-year", RANKING, "YearOverYear", GW_AUTH,
     "Each agency's Q, R, rank and band in this period and earlier years, with the change (province_admin, viewer, leader)"},
    {"GET", "/api/v1/national/results", RANKING, "NationalView", GW_SESSION_OR_KEY,
     "Per province and year, from published snapshots only: agencies per band, mean and median Q and R (sysadmin, or a national portal key in X-API-Key)"},
    {"GET", "/api/v1/national/results.xlsx", RANKING, "NationalXlsx", GW_SESSION_OR_KEY | GW_RAW,
     "The national view as an Excel workbook (sysadmin, or a national portal key in X-API-Key)"},
    {NULL, NULL, NULL, NULL, NULL, 0, NULL},
};
