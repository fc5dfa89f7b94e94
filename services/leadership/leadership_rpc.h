/*  leadership_rpc: the handlers of the leadership service (proto/leadership.proto).
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

/* "{1,2,3}" (a bigint[] as PostgreSQL prints it) into an arena array; returns the count. */
size_t leadership_parse_ids(cs_call *c, const char *text, int64_t **ids);
/* An arena "{1,2,3}" literal of ids, for a bigint[] parameter. */
const char *leadership_ids_literal(cs_call *c, const int64_t *ids, size_t n);

#endif
