/*  Appraisal rounds 1 and 2 (both kept), the appraisal view, and N/A decisions. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apr_access.h"
#include "apr_handlers.h"
#include "appraisal.pb-c.h"
#include "cs_access.h"
#include "cs_json.h"
#include "cs_text.h"
#include "cs_phase.h"

static const char *s_score_json(cs_call *c, long long period_id, long long agency_id,
                                const char *leaf_code, int round, bool has, long long score,
                                const char *comment)
{
    json_t *o = json_pack("{s:I,s:I,s:s,s:i}", "period_id", (json_int_t)period_id, "agency_id",
                          (json_int_t)agency_id, "leaf_code", leaf_code, "round", round);
    /* Hundredths shown as points; %.15g keeps two decimals exact. */
    json_object_set_new(o, "score", has ? json_real((double)score / 100.0) : json_null());
    json_object_set_new(o, "comment", comment ? json_string(comment) : json_null());
    return cs_json_dump(c, o);
}

int apr_appraise(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Appraisal__AppraiseRequest *req = (const void *)in;
    cs_err *e = cs_call_err(c);
    const char *group;
    if (!cs_call_has_role(c, "appraiser") || cs_call_province(c) == 0)
        return cs_err_forbidden(e);
    if (req->round != 1 && req->round != 2)
        return cs_err_invalid(e, "round", "vòng thẩm định phải là 1 hoặc 2",
                              "the appraisal round must be 1 or 2");
    if (cs_leaf_agency_group(c, req->agency_id, &group) != 0)
        return -1;
    /* Conflict of interest, and a scope in the agency's group at all, before anything else
     * about the agency (each item's own leaf is checked below). */
    if (apr_require_scope(c, req->period_id, req->agency_id, group, NULL) != 0)
        return -1;
    if (cs_phase_require(c, req->period_id, req->agency_id,
                         req->round == 1 ? "appraisal_1" : "appraisal_2") != 0)
        return -1;
    if (req->n_items == 0)
        return cs_err_invalid(e, "items", "không có chỉ số nào để lưu", "no items to save");

    for (size_t i = 0; i < req->n_items; i++) {
        const Chiso__Appraisal__AppraiseItem *it = req->items[i];
        const char *code = it->leaf_code ? it->leaf_code : "";
        const char *wvi = cs_call_printf(c, "Mục %zu (chỉ số %s)", i + 1, code);
        const char *wen = cs_call_printf(c, "Item %zu (leaf %s)", i + 1, code);
        apr_leaf leaf;
        for (size_t j = 0; j < i; j++)
            if (req->items[j]->leaf_code && strcmp(req->items[j]->leaf_code, code) == 0) {
                cs_err_set(e, 400, "duplicate_leaf", NULL, "Chỉ số %s xuất hiện hai lần.",
                           "Leaf %s appears twice.", code);
                goto bad;
            }
        if (cs_leaf_get(c, req->period_id, group, code, "leaf_code", &leaf, NULL) != 0)
            goto bad;
        if (apr_require_scope(c, req->period_id, req->agency_id, group, code) != 0)
            goto bad;
        if (!it->has_score) {
            cs_err_invalid(e, "score", "thiếu điểm thẩm định", "the appraised score is missing");
            goto bad;
        }
        if (apr_check_value(&leaf, it->score, e) != 0)
            goto bad;
        const char *p[] = {cs_call_int(c, req->period_id), cs_call_int(c, req->agency_id), code};
        PGresult *na = cs_call_exec(c,
                                    "SELECT 1 FROM appraisal.na_decisions WHERE period_id = $1"
                                    " AND agency_id = $2 AND leaf_code = $3 AND not_applicable",
                                    3, p);
        if (!na)
            return -1;
        if (PQntuples(na) > 0) {
            cs_err_set(e, 400, "leaf_not_applicable", "leaf_code",
                       "Chỉ số %s đã được quyết định là không áp dụng cho cơ quan.",
                       "Leaf %s has been decided not applicable to the agency.", code);
            goto bad;
        }
        continue;
    bad:
        if (e->status >= 400 && e->status < 500) {
            char field[160];
            snprintf(field, sizeof field, "items[%zu]%s%.100s", i, e->field[0] ? "." : "", e->field);
            cs_err_prefix(e, wvi, wen, field);
        }
        return -1;
    }

    for (size_t i = 0; i < req->n_items; i++) {
        const Chiso__Appraisal__AppraiseItem *it = req->items[i];
        const char *comment = cs_text_blank(it->comment) ? NULL : it->comment;
        const char *p[] = {cs_call_int(c, req->period_id), cs_call_int(c, req->agency_id),
                           it->leaf_code, cs_call_int(c, req->round)};
        PGresult *r = cs_call_exec(c,
                                   "SELECT score, comment FROM appraisal.scores WHERE period_id = $1"
                                   " AND agency_id = $2 AND leaf_code = $3 AND round = $4 FOR UPDATE",
                                   4, p);
        if (!r)
            return -1;
        bool existed = PQntuples(r) > 0;
        bool old_has = existed && !PQgetisnull(r, 0, 0);
        long long old = old_has ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
        const char *old_comment = existed && !PQgetisnull(r, 0, 1) ? cs_call_strdup(c, PQgetvalue(r, 0, 1)) : NULL;
        if (existed && old_has && old == it->score &&
            ((!old_comment && !comment) || (old_comment && comment && strcmp(old_comment, comment) == 0)))
            continue;
        const char *w[] = {cs_call_int(c, cs_call_province(c)), p[0], p[1], p[2], p[3],
                           cs_call_int(c, it->score), comment, cs_call_int(c, cs_call_user(c))};
        r = cs_call_exec(c,
                         "INSERT INTO appraisal.scores (province_id, period_id, agency_id, leaf_code,"
                         "  round, score, comment, appraiser_id)"
                         " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                         " ON CONFLICT (period_id, agency_id, leaf_code, round) DO UPDATE SET"
                         "  score = EXCLUDED.score, comment = EXCLUDED.comment,"
                         "  appraiser_id = EXCLUDED.appraiser_id, updated_at = now()"
                         " RETURNING id",
                         8, w);
        if (!r)
            return -1;
        long long id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        const char *oj = existed ? s_score_json(c, req->period_id, req->agency_id, it->leaf_code,
                                                req->round, old_has, old, old_comment)
                                 : NULL;
        const char *nj = s_score_json(c, req->period_id, req->agency_id, it->leaf_code, req->round,
                                      true, it->score, comment);
        if (cs_call_audit(c, "appraisal.score", id, existed ? "update" : "create", oj, nj,
                          comment) != 0)
            return -1;
    }
    Chiso__Appraisal__AppraiseReply *rep = (void *)cs_call_msg(c, &chiso__appraisal__appraise_reply__descriptor);
    rep->has_saved = true;
    rep->saved = (int32_t)req->n_items;
    *out = &rep->base;
    return 0;
}

/* What the caller may see of an agency's appraisal: 2 everything, 1 round 1 only (the
 * agency itself, from the explanation phase on; round 2 too once appraisal_2 has closed),
 * 0 nothing yet (e set). */
static int s_visibility(cs_call *c, long long period_id, long long agency_id, const char *group,
                        bool *show_r2)
{
    cs_err *e = cs_call_err(c);
    *show_r2 = true;
    if (cs_call_province(c) == 0)
        return cs_err_forbidden(e), 0;
    if (cs_call_has_role(c, "province_admin") || cs_call_has_role(c, "viewer"))
        return 2;
    int lead = cs_leader_oversees(c, period_id, agency_id);   /* SPEC §1: overseen agencies */
    if (lead < 0)
        return -1;
    if (lead)
        return 2;
    bool own = cs_call_agency(c) == agency_id && agency_id != 0;
    if (!own && cs_call_has_role(c, "appraiser")) {
        int in = apr_in_council(c, period_id, group);
        if (in < 0)
            return -1;
        if (in)
            return 2;
    }
    if (!own)
        return cs_err_forbidden(e), 0;
    const char *p[] = {cs_call_int(c, period_id)};
    PGresult *r = cs_call_exec(
        c,
        "SELECT coalesce(bool_or(phase = 'explanation' AND opens_at <= now()), false),"
        "       coalesce(bool_or(phase = 'appraisal_2' AND closes_at <= now()), false)"
        "  FROM catalog.phases WHERE period_id = $1",
        1, p);
    if (!r)
        return -1;
    if (PQgetvalue(r, 0, 0)[0] != 't')
        return cs_err_set(e, 409, "appraisal_not_visible", NULL, "%s%.0s", "%.0s%s",
                          "Kết quả thẩm định lần 1 chỉ được công khai cho cơ quan từ giai đoạn "
                          "giải trình.",
                          "Round-1 results are shown to the agency from the explanation phase on."),
               0;
    *show_r2 = PQgetvalue(r, 0, 1)[0] == 't';
    return 1;
}

int apr_get_appraisal(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Appraisal__AgencyRef *req = (const void *)in;
    const char *group;
    bool show_r2;
    if (cs_leaf_agency_group(c, req->agency_id, &group) != 0 ||
        cs_phase_period_exists(c, req->period_id) != 0)
        return -1;
    int vis = s_visibility(c, req->period_id, req->agency_id, group, &show_r2);
    if (vis <= 0)
        return -1;
    const char *p[] = {cs_call_int(c, req->period_id), cs_call_int(c, req->agency_id), group};
    PGresult *r = cs_call_exec(
        c,
        "SELECT n.code, n.content, n.max_points, s.score,"
        "       a1.score, a1.comment, a1.appraiser_id, a2.score, a2.comment, a2.appraiser_id,"
        "       coalesce(d.not_applicable, false), d.reason, x.text, pr.reason"
        "  FROM catalog.period_leaves n"
        "  LEFT JOIN submissions.scores s ON s.period_id = $1 AND s.agency_id = $2 AND s.leaf_code = n.code"
        "  LEFT JOIN appraisal.scores a1 ON a1.period_id = $1 AND a1.agency_id = $2"
        "       AND a1.leaf_code = n.code AND a1.round = 1"
        "  LEFT JOIN appraisal.scores a2 ON a2.period_id = $1 AND a2.agency_id = $2"
        "       AND a2.leaf_code = n.code AND a2.round = 2"
        "  LEFT JOIN appraisal.na_decisions d ON d.period_id = $1 AND d.agency_id = $2 AND d.leaf_code = n.code"
        "  LEFT JOIN submissions.explanations x ON x.period_id = $1 AND x.agency_id = $2 AND x.leaf_code = n.code"
        "  LEFT JOIN submissions.na_proposals pr ON pr.period_id = $1 AND pr.agency_id = $2"
        "       AND pr.leaf_code = n.code"
        " WHERE n.period_id = $1 AND n.group_code = $3"
        " ORDER BY n.sort, n.node_id",
        3, p);
    if (!r)
        return -1;
    PGresult *op = cs_call_exec(
        c,
        "SELECT " APR_OPINION_COLS
        "  FROM appraisal.opinions WHERE period_id = $1 AND agency_id = $2 ORDER BY id",
        2, p);
    if (!op)
        return -1;
    Chiso__Appraisal__AppraisalView *v = (void *)cs_call_msg(c, &chiso__appraisal__appraisal_view__descriptor);
    v->has_period_id = v->has_agency_id = true;
    v->period_id = req->period_id;
    v->agency_id = req->agency_id;
    size_t n = (size_t)PQntuples(r);
    v->leaves = (void *)cs_call_array(c, n);
    v->n_leaves = n;
    for (int i = 0; i < (int)n; i++) {
        Chiso__Appraisal__AppraisalLeaf *l = (void *)cs_call_msg(c, &chiso__appraisal__appraisal_leaf__descriptor);
        l->leaf_code = cs_call_strdup(c, PQgetvalue(r, i, 0));
        l->has_content = l->has_max_points = l->has_not_applicable = true;
        l->content = atoi(PQgetvalue(r, i, 1));
        l->max_points = strtoll(PQgetvalue(r, i, 2), NULL, 10);
        if (!PQgetisnull(r, i, 3)) {
            l->has_self_score = true;
            l->self_score = strtoll(PQgetvalue(r, i, 3), NULL, 10);
        }
        if (!PQgetisnull(r, i, 4)) {
            l->has_r1_score = true;
            l->r1_score = strtoll(PQgetvalue(r, i, 4), NULL, 10);
            if (!PQgetisnull(r, i, 5))
                l->r1_comment = cs_call_strdup(c, PQgetvalue(r, i, 5));
            if (vis == 2 && !PQgetisnull(r, i, 6)) {
                l->has_r1_appraiser_id = true;
                l->r1_appraiser_id = strtoll(PQgetvalue(r, i, 6), NULL, 10);
            }
        }
        if (show_r2 && !PQgetisnull(r, i, 7)) {
            l->has_r2_score = true;
            l->r2_score = strtoll(PQgetvalue(r, i, 7), NULL, 10);
            if (!PQgetisnull(r, i, 8))
                l->r2_comment = cs_call_strdup(c, PQgetvalue(r, i, 8));
            if (vis == 2 && !PQgetisnull(r, i, 9)) {
                l->has_r2_appraiser_id = true;
                l->r2_appraiser_id = strtoll(PQgetvalue(r, i, 9), NULL, 10);
            }
        }
        l->not_applicable = PQgetvalue(r, i, 10)[0] == 't';
        if (!PQgetisnull(r, i, 11))
            l->na_reason = cs_call_strdup(c, PQgetvalue(r, i, 11));
        if (!PQgetisnull(r, i, 12))
            l->explanation = cs_call_strdup(c, PQgetvalue(r, i, 12));
        if (!PQgetisnull(r, i, 13))
            l->na_proposal = cs_call_strdup(c, PQgetvalue(r, i, 13));
        /* Opinions are the council's working papers: not shown to the agency. */
        for (int j = 0; vis == 2 && j < PQntuples(op); j++) {
            if (strcmp(PQgetvalue(op, j, APR_OPINION_LEAF_COL), l->leaf_code) != 0)
                continue;
            if (!l->opinions)
                l->opinions = (void *)cs_call_array(c, (size_t)PQntuples(op));
            l->opinions[l->n_opinions++] = apr_opinion_row(c, op, j);
        }
        v->leaves[i] = l;
    }
    *out = &v->base;
    return 0;
}

int apr_decide_na(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Appraisal__NaDecisionRequest *req = (const void *)in;
    cs_err *e = cs_call_err(c);
    const char *group;
    apr_leaf leaf;
    bool admin = cs_call_has_role(c, "province_admin");
    if (cs_call_province(c) == 0 || !(admin || cs_call_has_role(c, "appraiser")))
        return cs_err_forbidden(e);
    if (cs_leaf_agency_group(c, req->agency_id, &group) != 0 ||
        cs_phase_period_exists(c, req->period_id) != 0)
        return -1;
    /* a council member without a scope in the group is refused before its input is read */
    if (!admin && apr_require_scope(c, req->period_id, req->agency_id, group, NULL) != 0)
        return -1;
    if (cs_leaf_get(c, req->period_id, group, req->leaf_code, "leaf_code", &leaf, NULL) != 0)
        return -1;
    if (!admin) {
        /* An appraiser decides within their scope, while an appraisal round is open; the
         * admin's decision is configuration and not bound to a phase. */
        if (apr_require_scope(c, req->period_id, req->agency_id, group, req->leaf_code) != 0)
            return -1;
        if (cs_phase_require(c, req->period_id, req->agency_id, "appraisal_1") != 0) {
            cs_err first = *e;
            cs_err_clear(e);
            if (cs_phase_require(c, req->period_id, req->agency_id, "appraisal_2") != 0) {
                if (e->status == 409)
                    *e = first;
                return -1;
            }
        }
    }
    if (!req->has_not_applicable)
        return cs_err_invalid(e, "not_applicable", "thiếu quyết định áp dụng / không áp dụng",
                              "not_applicable (true/false) is required");
    if (cs_text_blank(req->reason))
        return cs_err_invalid(e, "reason", "cần nêu lý do quyết định", "a reason is required");
    const char *p[] = {cs_call_int(c, req->period_id), cs_call_int(c, req->agency_id), req->leaf_code};
    PGresult *old = cs_call_exec(c,
                                 "SELECT not_applicable, reason FROM appraisal.na_decisions"
                                 " WHERE period_id = $1 AND agency_id = $2 AND leaf_code = $3 FOR UPDATE",
                                 3, p);
    if (!old)
        return -1;
    const char *oj = NULL;
    if (PQntuples(old) > 0)
        oj = cs_json_dump(c, json_pack("{s:I,s:I,s:s,s:b,s:s?}", "period_id", (json_int_t)req->period_id,
                                   "agency_id", (json_int_t)req->agency_id, "leaf_code", req->leaf_code,
                                   "not_applicable", PQgetvalue(old, 0, 0)[0] == 't', "reason",
                                   PQgetisnull(old, 0, 1) ? NULL : PQgetvalue(old, 0, 1)));
    const char *w[] = {cs_call_int(c, cs_call_province(c)), p[0], p[1], p[2],
                       req->not_applicable ? "true" : "false", req->reason,
                       cs_call_int(c, cs_call_user(c))};
    PGresult *r = cs_call_exec(c,
                               "INSERT INTO appraisal.na_decisions (province_id, period_id, agency_id,"
                               "  leaf_code, not_applicable, reason, decided_by)"
                               " VALUES ($1, $2, $3, $4, $5, $6, $7)"
                               " ON CONFLICT (period_id, agency_id, leaf_code) DO UPDATE SET"
                               "  not_applicable = EXCLUDED.not_applicable, reason = EXCLUDED.reason,"
                               "  decided_by = EXCLUDED.decided_by, decided_at = now()"
                               " RETURNING id, extract(epoch FROM decided_at)::bigint",
                               7, w);
    if (!r)
        return -1;
    const char *nj = cs_json_dump(c, json_pack("{s:I,s:I,s:s,s:b,s:s}", "period_id", (json_int_t)req->period_id,
                                           "agency_id", (json_int_t)req->agency_id, "leaf_code",
                                           req->leaf_code, "not_applicable", (int)req->not_applicable,
                                           "reason", req->reason));
    if (cs_call_audit(c, "appraisal.na_decision", strtoll(PQgetvalue(r, 0, 0), NULL, 10),
                      oj ? "update" : "create", oj, nj, req->reason) != 0)
        return -1;
    Chiso__Appraisal__NaDecision *d = (void *)cs_call_msg(c, &chiso__appraisal__na_decision__descriptor);
    d->has_period_id = d->has_agency_id = d->has_not_applicable = d->has_decided_by = d->has_decided_at = true;
    d->period_id = req->period_id;
    d->agency_id = req->agency_id;
    d->leaf_code = cs_call_strdup(c, req->leaf_code);
    d->not_applicable = req->not_applicable;
    d->reason = cs_call_strdup(c, req->reason);
    d->decided_by = cs_call_user(c);
    d->decided_at = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
    *out = &d->base;
    return 0;
}
