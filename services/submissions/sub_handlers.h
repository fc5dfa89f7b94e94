/*  The rpc handlers of the submissions service (proto/submissions.proto), one per method.
 *  Each starts with the role check, then validates, then writes, then audits
 *  (docs/DESIGN.md §3). */
#ifndef SUB_HANDLERS_H
#define SUB_HANDLERS_H

#include "cs_service.h"

/* sub_scores.c */
int sub_save_scores(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int sub_save_scores_csv(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int sub_get_self_assessment(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);

/* sub_evidence.c */
int sub_add_evidence_file(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int sub_add_evidence_document(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int sub_download_evidence(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
/* Remove an evidence record while it could be added (see sub_evidence.c). */
int sub_remove_evidence(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);

/* sub_state.c */
int sub_propose_na(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int sub_submit(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int sub_withdraw(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int sub_reopen(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int sub_save_explanation(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);

#endif
