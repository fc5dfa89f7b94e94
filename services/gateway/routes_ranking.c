/*  Routes of the ranking service (proto/ranking.proto). */
#include "ranking.pb-c.h"
#include "routes.h"

const gw_route gw_routes_ranking[] = {
    {"POST", "/api/v1/periods/{period_id}/compute", "ranking",
     &chiso__ranking__ranking__descriptor, "Compute", GW_AUTH,
     "Compute and record the period's results: ranks, bands, quota per group (province_admin)"},
    {"GET", "/api/v1/periods/{period_id}/results", "ranking",
     &chiso__ranking__ranking__descriptor, "ListResults", GW_AUTH,
     "Current results per group, optionally one group_code (province_admin, viewer, leader)"},
    {"GET", "/api/v1/periods/{period_id}/agencies/{agency_id}/scorecard", "ranking",
     &chiso__ranking__ranking__descriptor, "GetScorecard", GW_AUTH,
     "An agency's scorecard: every leaf's values, sums, T, M, Q, R, bands, rank, shortcomings"},
    {"POST", "/api/v1/periods/{period_id}/approve", "ranking",
     &chiso__ranking__ranking__descriptor, "Approve", GW_AUTH,
     "Approve the latest computation of the period, with a note (leader)"},
    {"POST", "/api/v1/periods/{period_id}/publish", "ranking",
     &chiso__ranking__ranking__descriptor, "Publish", GW_AUTH,
     "Publish the approved results as the next snapshot version; 409 while a tie blocks or "
     "heads lack data unless confirmed with a reason (province_admin)"},
    {"GET", "/api/v1/periods/{period_id}/snapshots", "ranking",
     &chiso__ranking__ranking__descriptor, "ListSnapshots", GW_AUTH,
     "Published versions of the period (SHA-256, who approved and published, when) and approvals"},
    {"GET", "/api/v1/public/provinces", "ranking",
     &chiso__ranking__ranking__descriptor, "PublicProvinces", GW_PUBLIC,
     "Provinces with published results (no login)"},
    {"GET", "/api/v1/public/provinces/{province_code}/periods", "ranking",
     &chiso__ranking__ranking__descriptor, "PublicPeriods", GW_PUBLIC,
     "Periods of a province with published results and every version's SHA-256 (no login); "
     "404 not_published when none"},
    {"GET", "/api/v1/public/provinces/{province_code}/periods/{period_id}/results", "ranking",
     &chiso__ranking__ranking__descriptor, "PublicSnapshot", GW_PUBLIC | GW_RAW,
     "The latest published snapshot: exactly its canonical JSON bytes (RFC 8785), ETag = "
     "SHA-256; 404 not_published before publication (no login)"},
    {"GET", "/api/v1/public/provinces/{province_code}/periods/{period_id}/results/versions/{version}",
     "ranking", &chiso__ranking__ranking__descriptor, "PublicSnapshot", GW_PUBLIC | GW_RAW,
     "One published version, immutable: exactly its canonical JSON bytes, ETag = SHA-256 (no login)"},
    /* reports (issue 8): generated files, sent as they are */
    {"GET", "/api/v1/periods/{period_id}/results.xlsx", "ranking",
     &chiso__ranking__ranking__descriptor, "ExportXlsx", GW_AUTH | GW_RAW,
     "Current results as an Excel workbook: a sheet per group, a sheet per agency's leaves (province_admin, viewer, leader)"},
    {"GET", "/api/v1/periods/{period_id}/results.pdf", "ranking",
     &chiso__ranking__ranking__descriptor, "ExportPdf", GW_AUTH | GW_RAW,
     "Current results as the PDF decision annex (Phụ lục), A4, with charts (province_admin, viewer, leader)"},
    {"GET", "/api/v1/periods/{period_id}/results.csv", "ranking",
     &chiso__ranking__ranking__descriptor, "ExportCsv", GW_AUTH | GW_RAW,
     "Current results as CSV, UTF-8 with BOM, one row per agency (province_admin, viewer, leader)"},
    {"GET", "/api/v1/periods/{period_id}/charts/{chart}", "ranking",
     &chiso__ranking__ranking__descriptor, "ResultsChart", GW_AUTH | GW_RAW,
     "A chart of a group's current results as SVG: bands | ranks | contents, ?group_code= (province_admin, viewer, leader)"},
    {NULL, NULL, NULL, NULL, NULL, 0, NULL},
};
