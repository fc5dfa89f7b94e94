/*  leadership_rpc: the handlers of the leadership service (proto/leadership.proto), in
 *  leadership_assign.c, leadership_scores.c and leadership_ties.c; what they share is in
 *  leadership_util.c.
 *
 *  AssignAgencies  province_admin sets the agencies a leader oversees in a period (not
 *                  phase-bound; audited old/new set).
 *  SaveScore       a leader's content-4 score of an agency's leaf: only agencies assigned to
 *                  that leader, phase `leadership` open (per-agency extensions honoured),
 *                  0 <= v <= max and a multiple of the leaf's step; audited old/new.
 *  ListScores      each leaf's scores and their mean rounded half-up to 0.01 (ranking
 *                  computes the same from leadership.scores), the assigned leaders, and the
 *                  discipline of the agency's head and deputies in the period's year, read
 *                  from catalog.people / catalog.discipline.
 *  RecordTiebreak  a leader records an order of agencies of one group (phase `leadership`);
 *                  the latest per period and group counts; audited with the previous order.
 *  ListTiebreaks   the recorded orders, the current one per group marked. */
#ifndef LEADERSHIP_RPC_H
#define LEADERSHIP_RPC_H

#include "cs_service.h"

int leadership_assign(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
/* The agencies a leader oversees in a period: the province's admins and viewers, or the
 * leader asking about themself. */
int leadership_get_assignment(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int leadership_save_score(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int leadership_list_scores(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int leadership_record_tiebreak(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int leadership_list_tiebreaks(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);

/* --- shared by the handlers (leadership_util.c) --- */

/* 0, or 404 unless the period belongs to the caller's province (RLS hides the others too);
 * *year (may be NULL) is the period's year. */
int leadership_period(cs_call *c, long long period_id, int *year);
/* The agency's group code (arena), or NULL with 404. */
const char *leadership_agency_group(cs_call *c, long long agency_id);
/* 0, or 400 invalid_input naming the field when the id is absent or not positive. */
int leadership_need_id(cs_call *c, bool has, long long v, const char *field);
/* The agencies the leader oversees in the period as PostgreSQL's "{1,2}" text (arena), or
 * NULL on a database error. */
const char *leadership_assigned(cs_call *c, long long period_id, long long leader_id);
/* "{1,2}" as the JSON array "[1,2]" (arena copy), for audit values. */
const char *leadership_ids_json(cs_call *c, const char *pg_array);
/* Each id once, an agency of the caller's province, and of `group` when not NULL; the
 * duplicate message names the list ("danh sách"/"list", "thứ tự"/"order"). */
int leadership_check_agencies(cs_call *c, const int64_t *ids, size_t n, const char *group,
                              const char *list_vi, const char *list_en);

/* "{1,2,3}" (a bigint[] as PostgreSQL prints it) into an arena array; returns the count. */
size_t leadership_parse_ids(cs_call *c, const char *text, int64_t **ids);
/* An arena "{1,2,3}" literal of ids, for a bigint[] parameter. */
const char *leadership_ids_literal(cs_call *c, const int64_t *ids, size_t n);

#endif
