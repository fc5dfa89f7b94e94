/*  surveys_collect: questionnaires, invitations, responses, and their conversion to points.
 *
 *  CreateQuestionnaire / ListQuestionnaires  surveyor, province_admin (viewer reads): the
 *      questions of a respondent group, each mapped to a content-3 leaf of an index set the
 *      period uses; method mean (max·(mean−1)/4) or share (max·satisfied/n), the minimum
 *      responses per agency before a value is produced, an optional quota per agency.
 *  CreateInvitations  surveyor, province_admin: single-use random tokens for one agency,
 *      shown once; only their SHA-256 is kept.
 *  GetForm / SubmitResponse  public, by token: through SECURITY DEFINER functions (there is
 *      no tenant); a response is stored without the invitation's id and the invitation's
 *      recipient is erased, so the answer cannot be linked to who gave it.
 *  ImportResponses  surveyor, province_admin, phase survey: responses collected elsewhere,
 *      one per CSV line (response_import), all or nothing, quota per agency respected.
 *  ComputePoints  surveyor, province_admin, phase survey: answers -> leaf points per agency,
 *      written as an import batch (source "responses", audited like an import); agency+leaf
 *      pairs with fewer responses than the minimum are flagged and get no value. */
#ifndef SURVEYS_COLLECT_H
#define SURVEYS_COLLECT_H

#include "cs_service.h"

int surveys_create_questionnaire(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int surveys_list_questionnaires(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int surveys_create_invitations(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int surveys_get_form(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int surveys_submit_response(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int surveys_import_responses(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int surveys_compute_points(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);

#endif
