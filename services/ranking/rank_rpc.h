/*  rank_rpc: the handlers of the ranking service (proto/ranking.proto).
 *
 *  Each reads the period's data with one statement (rank_data.h), computes with rank.c and
 *  answers. Authorisation is checked here, by the owner of the answer: province_admin,
 *  viewer and leader see the whole province; an agency's users see their own scorecard;
 *  row-level security keeps every other province out of reach. */
#ifndef RANK_RPC_H
#define RANK_RPC_H

#include "cs_service.h"

int rank_rpc_compute(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int rank_rpc_list_results(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int rank_rpc_scorecard(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);

#endif
