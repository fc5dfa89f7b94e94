/*  The life of a self-assessment: N/A proposals, submit (lock), withdraw before the
 *  deadline, reopen by the admin, and explanations between the appraisal rounds. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_phase.h"
#include "sub_access.h"
#include "sub_handlers.h"
#include "submissions.pb-c.h"

int sub_propose_na(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Submissions__NaProposalRequest *req = (const void *)in;
    cs_err *e = cs_call_err(c);
    if (sub_require_actor_leaf(c, req->period_id, req->agency_id, req->leaf_code) != 0)
        return -1;
    if (cs_text_blank(req->reason))
        return cs_err_invalid(e, "reason", "cần nêu lý do đề xuất không áp dụng",
                              "a reason for the N/A proposal is required");
    if (cs_phase_require(c, req->period_id, req->agency_id, "self_assessment") != 0 ||
        sub_require_draft(c, req->period_id, req->agency_id) != 0)
        return -1;
    const char *p[] = {cs_call_int(c, cs_call_province(c)), cs_call_int(c, req->period_id),
                       cs_call_int(c, req->agency_id), req->leaf_code, req->reason,
                       cs_call_int(c, cs_call_user(c))};
    PGresult *old = cs_call_exec(c,
                                 "SELECT reason FROM submissions.na_proposals WHERE period_id = $1"
                                 " AND agency_id = $2 AND leaf_code = $3 FOR UPDATE",
                                 3, p + 1);
    if (!old)
        return -1;
    const char *old_json = NULL;
    if (PQntuples(old) > 0)
        old_json = cs_json_dump(c, json_pack("{s:s,s:s}", "leaf_code", req->leaf_code, "reason",
                                         PQgetvalue(old, 0, 0)));
    PGresult *r = cs_call_exec(
        c,
        "INSERT INTO submissions.na_proposals (province_id, period_id, agency_id, leaf_code,"
        "  reason, proposed_by) VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (period_id, agency_id, leaf_code) DO UPDATE SET reason = EXCLUDED.reason,"
        "  proposed_by = EXCLUDED.proposed_by, proposed_at = now()"
        " RETURNING extract(epoch FROM proposed_at)::bigint",
        6, p);
    if (!r)
        return -1;
    const char *new_json = cs_json_dump(c, json_pack("{s:I,s:I,s:s,s:s}", "period_id",
                                                 (json_int_t)req->period_id, "agency_id",
                                                 (json_int_t)req->agency_id, "leaf_code",
                                                 req->leaf_code, "reason", req->reason));
    if (cs_call_audit(c, "submissions.na_proposal", req->agency_id, old_json ? "update" : "create",
                      old_json, new_json, req->reason) != 0)
        return -1;
    Chiso__Submissions__NaProposal *np =
        (void *)cs_call_msg(c, &chiso__submissions__na_proposal__descriptor);
    np->has_period_id = np->has_agency_id = np->has_proposed_at = true;
    np->period_id = req->period_id;
    np->agency_id = req->agency_id;
    np->leaf_code = cs_call_strdup(c, req->leaf_code);
    np->reason = cs_call_strdup(c, req->reason);
    np->proposed_at = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    *out = &np->base;
    return 0;
}

/* Write the new state, audit old -> new, answer it. */
static int s_set_state(cs_call *c, long long period_id, long long agency_id,
                       const char *old_state, const char *state, const char *action,
                       const char *reason, ProtobufCMessage **out)
{
    bool submit = strcmp(state, "submitted") == 0;
    const char *p[] = {cs_call_int(c, cs_call_province(c)), cs_call_int(c, period_id),
                       cs_call_int(c, agency_id), state, submit ? cs_call_int(c, cs_call_user(c)) : NULL};
    PGresult *r = cs_call_exec(
        c,
        "INSERT INTO submissions.submissions (province_id, period_id, agency_id, state,"
        "  submitted_at, submitted_by)"
        " VALUES ($1, $2, $3, $4, CASE WHEN $4 = 'submitted' THEN now() END, $5)"
        " ON CONFLICT (period_id, agency_id) DO UPDATE SET state = EXCLUDED.state,"
        "  submitted_at = EXCLUDED.submitted_at, submitted_by = EXCLUDED.submitted_by,"
        "  updated_at = now()"
        " RETURNING id, coalesce(extract(epoch FROM submitted_at)::bigint, 0)",
        5, p);
    if (!r)
        return -1;
    long long id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    long long at = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
    const char *old_json = cs_json_dump(c, json_pack("{s:I,s:I,s:s}", "period_id", (json_int_t)period_id,
                                                 "agency_id", (json_int_t)agency_id, "state",
                                                 old_state));
    const char *new_json = cs_json_dump(c, json_pack("{s:I,s:I,s:s}", "period_id", (json_int_t)period_id,
                                                 "agency_id", (json_int_t)agency_id, "state", state));
    if (cs_call_audit(c, "submissions.submission", id, action, old_json, new_json, reason) != 0)
        return -1;
    Chiso__Submissions__SubmissionState *st =
        (void *)cs_call_msg(c, &chiso__submissions__submission_state__descriptor);
    st->has_period_id = st->has_agency_id = true;
    st->period_id = period_id;
    st->agency_id = agency_id;
    st->state = cs_call_strdup(c, state);
    if (at) {
        st->has_submitted_at = true;
        st->submitted_at = at;
    }
    *out = &st->base;
    return 0;
}

static int s_not_submitted(cs_err *e)
{
    return cs_err_set(e, 409, "not_submitted", NULL, "%s%.0s", "%.0s%s",
                      "Bản tự đánh giá chưa được nộp.", "The self-assessment has not been submitted.");
}

int sub_submit(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Submissions__AgencyRef *req = (const void *)in;
    cs_err *e = cs_call_err(c);
    const char *group, *state;
    if (sub_require_actor(c, req->agency_id, true) != 0 ||
        cs_leaf_agency_group(c, req->agency_id, &group) != 0)
        return -1;
    if (cs_phase_require(c, req->period_id, req->agency_id, "self_assessment") != 0)
        return -1;
    if (sub_state_get(c, req->period_id, req->agency_id, true, &state, NULL) != 0)
        return -1;
    if (strcmp(state, "submitted") == 0)
        return sub_require_draft(c, req->period_id, req->agency_id);
    /* Leaves that require evidence and carry a score must have some. */
    const char *p[] = {cs_call_int(c, req->period_id), cs_call_int(c, req->agency_id), group};
    PGresult *r = cs_call_exec(
        c,
        "SELECT string_agg(n.code, ', ' ORDER BY n.sort, n.node_id)"
        "  FROM catalog.period_leaves n"
        "  JOIN submissions.scores s ON s.period_id = $1 AND s.agency_id = $2"
        "   AND s.leaf_code = n.code AND s.score IS NOT NULL AND s.score <> 0"
        " WHERE n.period_id = $1 AND n.group_code = $3 AND n.evidence_required"
        "   AND NOT EXISTS (SELECT 1 FROM submissions.evidence v WHERE v.period_id = $1"
        "                   AND v.agency_id = $2 AND v.leaf_code = n.code)"
        "   AND NOT EXISTS (SELECT 1 FROM appraisal.na_decisions d WHERE d.period_id = $1"
        "                   AND d.agency_id = $2 AND d.leaf_code = n.code AND d.not_applicable)",
        3, p);
    if (!r)
        return -1;
    if (!PQgetisnull(r, 0, 0)) {
        const char *codes = PQgetvalue(r, 0, 0);
        cs_err_set(e, 409, "evidence_missing", NULL,
                   "Các chỉ số sau cần tài liệu kiểm chứng trước khi nộp: %s.",
                   "These leaves need evidence before submitting: %s.", codes);
        cs_err_detail(e, "%s", codes);
        return -1;
    }
    return s_set_state(c, req->period_id, req->agency_id, state, "submitted", "submit", NULL, out);
}

int sub_withdraw(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Submissions__AgencyRef *req = (const void *)in;
    const char *group, *state;
    if (sub_require_actor(c, req->agency_id, true) != 0 ||
        cs_leaf_agency_group(c, req->agency_id, &group) != 0)
        return -1;
    /* Only before the self-assessment deadline (an extension counts). */
    if (cs_phase_require(c, req->period_id, req->agency_id, "self_assessment") != 0)
        return -1;
    if (sub_state_get(c, req->period_id, req->agency_id, true, &state, NULL) != 0)
        return -1;
    if (strcmp(state, "submitted") != 0)
        return s_not_submitted(cs_call_err(c));
    return s_set_state(c, req->period_id, req->agency_id, state, "draft", "withdraw", NULL, out);
}

int sub_reopen(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Submissions__ReopenRequest *req = (const void *)in;
    cs_err *e = cs_call_err(c);
    const char *group, *state;
    if (!cs_call_has_role(c, "province_admin") || cs_call_province(c) == 0)
        return cs_err_forbidden(e);
    if (cs_leaf_agency_group(c, req->agency_id, &group) != 0)
        return -1;
    if (cs_text_blank(req->reason))
        return cs_err_invalid(e, "reason", "cần nêu lý do mở lại", "a reason for reopening is required");
    if (cs_phase_period_exists(c, req->period_id) != 0)
        return -1;
    if (sub_state_get(c, req->period_id, req->agency_id, true, &state, NULL) != 0)
        return -1;
    if (strcmp(state, "submitted") != 0)
        return s_not_submitted(e);
    return s_set_state(c, req->period_id, req->agency_id, state, "draft", "reopen", req->reason, out);
}

int sub_save_explanation(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Submissions__ExplanationRequest *req = (const void *)in;
    cs_err *e = cs_call_err(c);
    if (sub_require_actor_leaf(c, req->period_id, req->agency_id, req->leaf_code) != 0)
        return -1;
    if (cs_text_blank(req->text))
        return cs_err_invalid(e, "text", "nội dung giải trình trống", "the explanation is empty");
    if (strlen(req->text) > 20000)
        return cs_err_invalid(e, "text", "nội dung giải trình quá dài (tối đa 20000 byte)",
                              "the explanation is too long (at most 20000 bytes)");
    if (cs_phase_require(c, req->period_id, req->agency_id, "explanation") != 0)
        return -1;
    int lowered = sub_leaf_lowered(c, req->period_id, req->agency_id, req->leaf_code);
    if (lowered < 0)
        return -1;
    if (!lowered)
        return cs_err_set(e, 409, "leaf_not_lowered", "leaf_code",
                          "Chỉ được giải trình chỉ số %s khi điểm thẩm định lần 1 thấp hơn điểm "
                          "tự đánh giá.",
                          "An explanation for leaf %s is accepted only when its round-1 score is "
                          "lower than the self score.",
                          req->leaf_code);
    const char *p[] = {cs_call_int(c, req->period_id), cs_call_int(c, req->agency_id), req->leaf_code};
    PGresult *old = cs_call_exec(c,
                                 "SELECT text FROM submissions.explanations WHERE period_id = $1"
                                 " AND agency_id = $2 AND leaf_code = $3 FOR UPDATE",
                                 3, p);
    if (!old)
        return -1;
    const char *old_json = PQntuples(old) > 0
        ? cs_json_dump(c, json_pack("{s:s,s:s}", "leaf_code", req->leaf_code, "text", PQgetvalue(old, 0, 0)))
        : NULL;
    const char *w[] = {cs_call_int(c, cs_call_province(c)), p[0], p[1], req->leaf_code, req->text,
                       cs_call_int(c, cs_call_user(c))};
    PGresult *r = cs_call_exec(
        c,
        "INSERT INTO submissions.explanations (province_id, period_id, agency_id,"
        "  leaf_code, text, updated_by) VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (period_id, agency_id, leaf_code) DO UPDATE SET"
        "  text = EXCLUDED.text, updated_by = EXCLUDED.updated_by, updated_at = now()"
        " RETURNING id, extract(epoch FROM updated_at)::bigint",
        6, w);
    if (!r)
        return -1;
    const char *new_json = cs_json_dump(c, json_pack("{s:I,s:I,s:s,s:s}", "period_id",
                                                 (json_int_t)req->period_id, "agency_id",
                                                 (json_int_t)req->agency_id, "leaf_code",
                                                 req->leaf_code, "text", req->text));
    if (cs_call_audit(c, "submissions.explanation", strtoll(PQgetvalue(r, 0, 0), NULL, 10),
                      old_json ? "update" : "create", old_json, new_json, NULL) != 0)
        return -1;
    Chiso__Submissions__Explanation *x =
        (void *)cs_call_msg(c, &chiso__submissions__explanation__descriptor);
    x->has_period_id = x->has_agency_id = x->has_updated_at = true;
    x->period_id = req->period_id;
    x->agency_id = req->agency_id;
    x->leaf_code = cs_call_strdup(c, req->leaf_code);
    x->text = cs_call_strdup(c, req->text);
    x->updated_at = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
    *out = &x->base;
    return 0;
}
