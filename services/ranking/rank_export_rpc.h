/*  rank_export_rpc: the report handlers of the ranking service (issue 8, SPEC §9) —
 *  exports of a period's results (XLSX, the PDF decision annex, CSV) and its charts (SVG).
 *
 *  Each computes the working results as ListResults does (rank_rpc_load), turns them into
 *  a rank_report and renders it; the answer is a RawDocument the gateway sends as it is
 *  (route flag GW_RAW). Same readers as ListResults: province_admin, viewer, leader of the
 *  province; another province's period is not found (row-level security). */
#ifndef RANK_EXPORT_RPC_H
#define RANK_EXPORT_RPC_H

#include "cs_service.h"

int rank_rpc_export_xlsx(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int rank_rpc_export_pdf(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int rank_rpc_export_csv(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
/* rank_national_rpc.c: the national view (sysadmin). */
int rank_rpc_national_view(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int rank_rpc_national_xlsx(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int rank_rpc_results_chart(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);

#endif
