/*  The rpc handlers of the appraisal service (proto/appraisal.proto). Each starts with the
 *  role check, then validates, then writes, then audits (docs/DESIGN.md §3). */
#ifndef APR_HANDLERS_H
#define APR_HANDLERS_H

#include "appraisal.pb-c.h"
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

/* apr_opinion_files.c: files attached to a specialist's answer */
int apr_add_opinion_file(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int apr_remove_opinion_file(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int apr_download_opinion_file(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
/* Fill o->files from the JSON array of APR_OPINION_COLS' last column. */
void apr_opinion_files_fill(cs_call *c, Chiso__Appraisal__Opinion *o, const char *json);

/* apr_appeals.c: appeals after publication (SPEC §9, §12) */
int apr_lodge_appeal(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int apr_list_appeals(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int apr_answer_appeal(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);

/* The columns of appraisal.opinions that apr_opinion_row reads, in its order. */
#define APR_OPINION_COLS                                                                    \
    "id, period_id, agency_id, leaf_code, specialist_agency_id, question, asked_by,"        \
    " extract(epoch FROM asked_at)::bigint, answer, answered_by,"                           \
    " extract(epoch FROM answered_at)::bigint,"                                             \
    " (SELECT coalesce(json_agg(json_build_array(f.id, f.file_name, f.file_sha256,"         \
    "   f.file_size, f.file_type, f.created_by, extract(epoch FROM f.created_at)::bigint)"  \
    "   ORDER BY f.id), '[]') FROM appraisal.opinion_files f WHERE f.opinion_id = opinions.id)"
#define APR_OPINION_LEAF_COL 3

/* Row i of a result selecting APR_OPINION_COLS, as an Opinion message from the arena. */
Chiso__Appraisal__Opinion *apr_opinion_row(cs_call *c, PGresult *r, int i);

#endif
