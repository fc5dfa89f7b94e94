/*  The rpc handlers of the appraisal service (proto/appraisal.proto). Each starts with the
 *  role check, then validates, then writes, then audits (docs/DESIGN.md §3). */
#ifndef APR_HANDLERS_H
#define APR_HANDLERS_H

#include "cs_service.h"

/* apr_council.c */
int apr_set_council(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int apr_list_council(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);

/* apr_scores.c */
int apr_appraise(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int apr_get_appraisal(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int apr_decide_na(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);

/* apr_opinions.c */
int apr_request_opinion(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int apr_list_opinions(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int apr_answer_opinion(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);

#endif
