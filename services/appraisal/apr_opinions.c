/*  Specialist opinions (phiếu lấy ý kiến): an appraiser asks a specialist agency about a leaf
 *  of an agency; users with the specialist role in that agency answer; the answer is attached
 *  to the appraisal record (apr_get_appraisal). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "apr_access.h"
#include "apr_handlers.h"
#include "appraisal.pb-c.h"
#include "cs_access.h"
#include "cs_json.h"
#include "cs_phase.h"
#include "cs_text.h"

Chiso__Appraisal__Opinion *apr_opinion_row(cs_call *c, PGresult *r, int i)
{
    Chiso__Appraisal__Opinion *o = (void *)cs_call_msg(c, &chiso__appraisal__opinion__descriptor);
    o->has_id = o->has_period_id = o->has_agency_id = o->has_specialist_agency_id = true;
    o->has_asked_by = o->has_asked_at = true;
    o->id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
    o->period_id = strtoll(PQgetvalue(r, i, 1), NULL, 10);
    o->agency_id = strtoll(PQgetvalue(r, i, 2), NULL, 10);
    o->leaf_code = cs_call_strdup(c, PQgetvalue(r, i, 3));
    o->specialist_agency_id = strtoll(PQgetvalue(r, i, 4), NULL, 10);
    o->question = cs_call_strdup(c, PQgetvalue(r, i, 5));
    o->asked_by = strtoll(PQgetvalue(r, i, 6), NULL, 10);
    o->asked_at = strtoll(PQgetvalue(r, i, 7), NULL, 10);
    if (!PQgetisnull(r, i, 8)) {
        o->answer = cs_call_strdup(c, PQgetvalue(r, i, 8));
        o->has_answered_by = o->has_answered_at = true;
        o->answered_by = strtoll(PQgetvalue(r, i, 9), NULL, 10);
        o->answered_at = strtoll(PQgetvalue(r, i, 10), NULL, 10);
    }
    apr_opinion_files_fill(c, o, PQgetvalue(r, i, 11));
    return o;
}

static int s_reply(cs_call *c, long long id, ProtobufCMessage **out)
{
    const char *p[] = {cs_call_int(c, id)};
    PGresult *r = cs_call_exec(
        c, "SELECT " APR_OPINION_COLS " FROM appraisal.opinions WHERE id = $1", 1, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(cs_call_err(c), "opinion request");
    *out = &apr_opinion_row(c, r, 0)->base;
    return 0;
}

int apr_request_opinion(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Appraisal__OpinionRequest *req = (const void *)in;
    cs_err *e = cs_call_err(c);
    const char *group;
    apr_leaf leaf;
    if (!cs_call_has_role(c, "appraiser") || cs_call_province(c) == 0)
        return cs_err_forbidden(e);
    if (cs_leaf_agency_group(c, req->agency_id, &group) != 0 ||
        cs_phase_period_exists(c, req->period_id) != 0 ||
        apr_require_scope(c, req->period_id, req->agency_id, group, NULL) != 0)
        return -1;
    if (cs_leaf_get(c, req->period_id, group, req->leaf_code, "leaf_code", &leaf, NULL) != 0)
        return -1;
    if (apr_require_scope(c, req->period_id, req->agency_id, group, req->leaf_code) != 0)
        return -1;
    const char *p[] = {cs_call_int(c, req->specialist_agency_id)};
    PGresult *r = cs_call_exec(c, "SELECT 1 FROM catalog.agencies WHERE id = $1", 1, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_set(e, 400, "unknown_agency", "specialist_agency_id", "%s%.0s", "%.0s%s",
                          "Cơ quan chuyên môn không tồn tại.", "The specialist agency does not exist.");
    if (cs_text_blank(req->question))
        return cs_err_invalid(e, "question", "thiếu nội dung xin ý kiến", "the question is empty");
    const char *w[] = {cs_call_int(c, cs_call_province(c)), cs_call_int(c, req->period_id),
                       cs_call_int(c, req->agency_id), req->leaf_code, p[0], req->question,
                       cs_call_int(c, cs_call_user(c))};
    r = cs_call_exec(c,
                     "INSERT INTO appraisal.opinions (province_id, period_id, agency_id, leaf_code,"
                     "  specialist_agency_id, question, asked_by)"
                     " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                     7, w);
    if (!r)
        return -1;
    long long id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    const char *nj = cs_json_dump(c, json_pack("{s:I,s:I,s:s,s:I,s:s}", "period_id",
                                           (json_int_t)req->period_id, "agency_id",
                                           (json_int_t)req->agency_id, "leaf_code", req->leaf_code,
                                           "specialist_agency_id", (json_int_t)req->specialist_agency_id,
                                           "question", req->question));
    if (cs_call_audit(c, "appraisal.opinion", id, "ask", NULL, nj, NULL) != 0)
        return -1;
    return s_reply(c, id, out);
}

int apr_list_opinions(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Appraisal__ListOpinionsRequest *req = (const void *)in;
    if (cs_call_province(c) == 0)
        return cs_err_forbidden(cs_call_err(c));
    bool all = cs_call_has_role(c, "province_admin") || cs_call_has_role(c, "viewer") ||
               cs_call_has_role(c, "appraiser");
    bool leader = !all && cs_call_has_role(c, "leader");
    bool specialist = !all && !leader && cs_call_has_role(c, "specialist") && cs_call_agency(c) != 0;
    if (!all && !leader && !specialist)
        return cs_err_forbidden(cs_call_err(c));
    /* A specialist sees what was addressed to their agency, a leader what concerns the
     * agencies they oversee (SPEC §1), nothing else. */
    const char *p[] = {req->has_period_id ? cs_call_int(c, req->period_id) : NULL,
                       specialist ? cs_call_int(c, cs_call_agency(c)) : NULL,
                       leader ? cs_call_int(c, cs_call_user(c)) : NULL};
    PGresult *r = cs_call_exec(c,
                               "SELECT " APR_OPINION_COLS " FROM appraisal.opinions"
                               " WHERE ($1::bigint IS NULL OR period_id = $1)"
                               "   AND ($2::bigint IS NULL OR specialist_agency_id = $2)"
                               "   AND ($3::bigint IS NULL OR "
                               CS_LEADER_OVERSEES_SQL("$3", "opinions.period_id", "opinions.agency_id") ")"
                               " ORDER BY id",
                               3, p);
    if (!r)
        return -1;
    Chiso__Appraisal__Opinions *list = (void *)cs_call_msg(c, &chiso__appraisal__opinions__descriptor);
    list->n_opinions = (size_t)PQntuples(r);
    list->opinions = (void *)cs_call_array(c, list->n_opinions);
    for (int i = 0; i < PQntuples(r); i++)
        list->opinions[i] = apr_opinion_row(c, r, i);
    *out = &list->base;
    return 0;
}

int apr_answer_opinion(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Appraisal__AnswerRequest *req = (const void *)in;
    cs_err *e = cs_call_err(c);
    if (!cs_call_has_role(c, "specialist") || cs_call_agency(c) == 0)
        return cs_err_forbidden(e);
    const char *p[] = {cs_call_int(c, req->id)};
    PGresult *r = cs_call_exec(c,
                               "SELECT specialist_agency_id, answer FROM appraisal.opinions"
                               " WHERE id = $1 FOR UPDATE",
                               1, p);
    if (!r)
        return -1;
    /* A request addressed to another agency is not theirs to see: same answer as none. */
    if (PQntuples(r) == 0 || strtoll(PQgetvalue(r, 0, 0), NULL, 10) != cs_call_agency(c))
        return cs_err_not_found(e, "opinion request");
    if (cs_text_blank(req->answer))
        return cs_err_invalid(e, "answer", "câu trả lời trống", "the answer is empty");
    const char *oj = PQgetisnull(r, 0, 1)
        ? NULL : cs_json_dump(c, json_pack("{s:s}", "answer", PQgetvalue(r, 0, 1)));
    const char *w[] = {p[0], req->answer, cs_call_int(c, cs_call_user(c))};
    if (!cs_call_exec(c,
                      "UPDATE appraisal.opinions SET answer = $2, answered_by = $3,"
                      " answered_at = now() WHERE id = $1",
                      3, w))
        return -1;
    if (cs_call_audit(c, "appraisal.opinion", req->id, "answer", oj,
                      cs_json_dump(c, json_pack("{s:s}", "answer", req->answer)), NULL) != 0)
        return -1;
    return s_reply(c, req->id, out);
}
