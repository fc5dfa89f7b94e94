/*  rank_rpc: the handlers of the ranking service (proto/ranking.proto).
 *
 *  Each reads the period's data with one statement (rank_data.h), computes with rank.c and
 *  answers. Authorisation is checked here, by the owner of the answer: province_admin,
 *  viewer and leader see the whole province; an agency's users see their own scorecard;
 *  row-level security keeps every other province out of reach. */
#ifndef RANK_RPC_H
#define RANK_RPC_H

#include "cs_service.h"
#include "rank.h"
#include "rank_data.h"

/* Read the period's data (one statement) and compute. group: one group or NULL; agency_id
 * > 0: only that agency's group. *data and *outcome are heap objects: the caller destroys
 * both (also when -1 is returned they are NULL). */
/* The document `sql` returns for (period, group or NULL, agency or NULL), read and
 * computed: what rank_rpc_load and rank_rpc_load_sums share. 0 / -1 with the call's error. */
int rank_rpc_load_doc(cs_call *c, const char *sql, long long period_id, const char *group,
                      long long agency_id, rank_data **data, rank_outcome **outcome);
int rank_rpc_load(cs_call *c, long long period_id, const char *group, long long agency_id,
                  rank_data **data, rank_outcome **outcome);

/* The same results as rank_rpc_load, with the leaves summed by the database (rank_sums.c):
 * the agencies' `leaves` (rank_data) hold only their automatic and required leaves, so use
 * it for what needs the results only (compute, the results, approval, publication), not
 * for a scorecard or a report that lists every leaf. */
int rank_rpc_load_sums(cs_call *c, long long period_id, const char *group, long long agency_id,
                       rank_data **data, rank_outcome **outcome);

/* Fold the leaves written since the last fold into the kept sums (ranking.fold_pending,
 * migration 090): a write transaction only; the sums read the same before and after. */
int rank_rpc_fold_pending(cs_call *c, long long period_id);

/* The province's overseers (province_admin, viewer, leader) see its whole results. */
bool rank_rpc_sees_province(cs_call *c);

/* 0 when a period id was given, else 400. */
int rank_rpc_period_arg(cs_call *c, bool has, long long id);

/* The results message of an outcome (no published marks), in the call's arena. */
struct Chiso__Ranking__Results;
struct Chiso__Ranking__Results *rank_rpc_results_msg(cs_call *c, const rank_data *d,
                                                     const rank_outcome *o);

/* rank_results.c: store what ListResults answers for the whole period (the published
 * marks added) in rank_cache, at the version d was read at. 0 / -1. */
int rank_rpc_cache_view(cs_call *c, long long period_id, const rank_data *d,
                        const rank_outcome *o);

/* What a computation saw (per group G, quota, block; per agency rank, T, M, bands) as JSON
 * text in the arena: stored by Compute, compared by Approve and Publish. */
char *rank_rpc_summary(cs_call *c, const rank_outcome *o);

int rank_rpc_compute(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int rank_rpc_list_results(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int rank_rpc_scorecard(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);

/* rank_publish.c: approval, publication, snapshots, the public reads (SPEC §12). */
int rank_rpc_approve(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int rank_rpc_publish(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int rank_rpc_list_snapshots(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int rank_rpc_public_provinces(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int rank_rpc_public_periods(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int rank_rpc_public_snapshot(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);

#endif
