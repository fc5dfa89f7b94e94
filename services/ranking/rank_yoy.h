/*  rank_yoy: year over year (SPEC §9, issue 8) — each agency's Q, R, rank and band in a
 *  period and in the province's periods of earlier years, matched by agency code, with the
 *  change since the agency's previous period.
 *
 *  Each period's results are computed as ListResults computes them (rank_rpc_load), so an
 *  earlier period shows what its data gives today. */
#ifndef RANK_YOY_H
#define RANK_YOY_H

#include "cs_service.h"
#include "rank_report.h"

/* The comparison ending with period_id (its group only when group is not NULL), built in
 * the call's arena. 0 / -1 (404 for a period not in the tenant). */
int rank_yoy_collect(cs_call *c, long long period_id, const char *group, rank_report_yoy *out);

/* GET /api/v1/periods/{period_id}/year-over-year[?group_code=] (province_admin, viewer,
 * leader). */
int rank_rpc_year_over_year(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);

#endif
