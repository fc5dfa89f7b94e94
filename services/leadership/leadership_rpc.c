#include "leadership_rpc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_access.h"
#include "cs_json.h"
#include "cs_pg.h"
#include "cs_phase.h"
#include "cs_points.h"
#include "cs_text.h"
#include "leadership.pb-c.h"

/* --- helpers -------------------------------------------------------------------------- */

size_t leadership_parse_ids(cs_call *c, const char *text, int64_t **ids)
{
    size_t cap = 1;
    for (const char *p = text; *p; p++)
        cap += *p == ',';
    int64_t *out = cs_call_alloc(c, cap * sizeof *out);
    size_t n = 0;
    for (const char *p = text; *p && n < cap;) {
        if ((*p >= '0' && *p <= '9') || *p == '-') {
            char *end;
            out[n++] = strtoll(p, &end, 10);
            p = end;
        } else {
            p++;
        }
    }
    *ids = out;
    return n;
}

const char *leadership_ids_literal(cs_call *c, const int64_t *ids, size_t n)
{
    char *buf = cs_call_alloc(c, n * 22 + 3), *w = buf;
    *w++ = '{';
    for (size_t i = 0; i < n; i++)
        w += sprintf(w, "%s%lld", i ? "," : "", (long long)ids[i]);
    *w++ = '}';
    *w = '\0';
    return buf;
}

/* 404 unless the period belongs to the caller's province (RLS hides the others too). */
static int s_period(cs_call *c, long long period_id, int *year)
{
    const char *p[] = {cs_call_int(c, cs_call_province(c)), cs_call_int(c, period_id)};
    PGresult *r = cs_call_exec(c,
        "SELECT year FROM catalog.periods WHERE province_id = $1 AND id = $2", 2, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(cs_call_err(c), "period");
    if (year)
        *year = (int)cs_pg_ll(r, 0, 0);
    return 0;
}

/* The agency's group, or 404. */
static const char *s_agency_group(cs_call *c, long long agency_id)
{
    const char *p[] = {cs_call_int(c, cs_call_province(c)), cs_call_int(c, agency_id)};
    PGresult *r = cs_call_exec(c,
        "SELECT group_code FROM catalog.agencies WHERE province_id = $1 AND id = $2", 2, p);
    if (!r)
        return NULL;
    if (PQntuples(r) == 0) {
        cs_err_not_found(cs_call_err(c), "agency");
        return NULL;
    }
    return PQgetvalue(r, 0, 0);
}

static int s_need_id(cs_call *c, bool has, long long v, const char *field)
{
    if (has && v > 0)
        return 0;
    return cs_err_set(cs_call_err(c), 400, "invalid_input", field,
                      "Thiếu hoặc sai mã số %s", "%s is missing or not a valid id", field);
}

/* --- AssignAgencies ------------------------------------------------------------------- */

int leadership_assign(cs_call *c, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
    const Chiso__Leadership__AssignRequest *in = (const Chiso__Leadership__AssignRequest *)in_;
    cs_err *e = cs_call_err(c);
    if (cs_call_province(c) == 0 || !cs_call_has_role(c, "province_admin"))
        return cs_err_forbidden(e);
    if (s_need_id(c, in->has_period_id, in->period_id, "period_id") != 0
        || s_need_id(c, in->has_user_id, in->user_id, "user_id") != 0)
        return -1;
    if (s_period(c, in->period_id, NULL) != 0)
        return -1;

    const char *prov = cs_call_int(c, cs_call_province(c));
    const char *pid = cs_call_int(c, in->period_id);
    const char *uid = cs_call_int(c, in->user_id);
    const char *pu[] = {prov, uid};
    PGresult *r = cs_call_exec(c,
        "SELECT 'leader' = ANY(roles) AND active FROM catalog.users"
        " WHERE province_id = $1 AND id = $2", 2, pu);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(e, "user");
    if (strcmp(PQgetvalue(r, 0, 0), "t") != 0)
        return cs_err_set(e, 400, "not_a_leader", "user_id",
                          "Người dùng %lld không có vai trò lãnh đạo (leader) đang hoạt động",
                          "User %lld is not an active leader", (long long)in->user_id);

    for (size_t i = 0; i < in->n_agency_ids; i++) {
        for (size_t k = 0; k < i; k++)
            if (in->agency_ids[k] == in->agency_ids[i])
                return cs_err_set(e, 400, "duplicate_agency",
                                  cs_call_printf(c, "agency_ids[%zu]", i),
                                  "Cơ quan %lld lặp lại trong danh sách",
                                  "Agency %lld appears twice in the list",
                                  (long long)in->agency_ids[i]);
        const char *pa[] = {prov, cs_call_int(c, in->agency_ids[i])};
        r = cs_call_exec(c, "SELECT 1 FROM catalog.agencies WHERE province_id = $1 AND id = $2",
                         2, pa);
        if (!r)
            return -1;
        if (PQntuples(r) == 0)
            return cs_err_set(e, 400, "unknown_agency", cs_call_printf(c, "agency_ids[%zu]", i),
                              "Không có cơ quan %lld trong tỉnh",
                              "There is no agency %lld in the province",
                              (long long)in->agency_ids[i]);
    }

    const char *po[] = {pid, uid};
    r = cs_call_exec(c,
        "SELECT coalesce(array_agg(agency_id ORDER BY agency_id), '{}')::text"
        "  FROM leadership.assignments WHERE period_id = $1 AND leader_id = $2", 2, po);
    if (!r)
        return -1;
    const char *old_ids = cs_call_strdup(c, PQgetvalue(r, 0, 0));
    if (!cs_call_exec(c, "DELETE FROM leadership.assignments WHERE period_id = $1 AND leader_id = $2",
                      2, po))
        return -1;
    const char *ids = leadership_ids_literal(c, (const int64_t *)in->agency_ids, in->n_agency_ids);
    const char *pi[] = {prov, pid, uid, ids, cs_call_int(c, cs_call_user(c))};
    if (!cs_call_exec(c,
            "INSERT INTO leadership.assignments (province_id, period_id, leader_id, agency_id,"
            "                                    assigned_by)"
            " SELECT $1, $2, $3, a, $5 FROM unnest($4::bigint[]) AS a", 5, pi))
        return -1;
    r = cs_call_exec(c,
        "SELECT coalesce(array_agg(agency_id ORDER BY agency_id), '{}')::text"
        "  FROM leadership.assignments WHERE period_id = $1 AND leader_id = $2", 2, po);
    if (!r)
        return -1;
    const char *new_ids = cs_call_strdup(c, PQgetvalue(r, 0, 0));

    /* bigint[] text "{1,2}" becomes the JSON array "[1,2]". */
    char *oj = cs_call_strdup(c, old_ids), *nj = cs_call_strdup(c, new_ids);
    oj[0] = '[';
    oj[strlen(oj) - 1] = ']';
    nj[0] = '[';
    nj[strlen(nj) - 1] = ']';
    if (cs_call_audit(c, "leader_assignment", in->user_id, "assign",
                      cs_call_printf(c, "{\"period_id\": %lld, \"agency_ids\": %s}",
                                     (long long)in->period_id, oj),
                      cs_call_printf(c, "{\"period_id\": %lld, \"agency_ids\": %s}",
                                     (long long)in->period_id, nj), NULL) != 0)
        return -1;

    Chiso__Leadership__Assignment *a = (Chiso__Leadership__Assignment *)cs_call_msg(
        c, &chiso__leadership__assignment__descriptor);
    a->has_period_id = true;
    a->period_id = in->period_id;
    a->has_user_id = true;
    a->user_id = in->user_id;
    int64_t *list;
    a->n_agency_ids = leadership_parse_ids(c, new_ids, &list);
    a->agency_ids = list;
    *out = &a->base;
    return 0;
}

int leadership_get_assignment(cs_call *c, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
    const Chiso__Leadership__AssignmentRef *in = (const Chiso__Leadership__AssignmentRef *)in_;
    cs_err *e = cs_call_err(c);
    if (s_need_id(c, in->has_period_id, in->period_id, "period_id") != 0
        || s_need_id(c, in->has_user_id, in->user_id, "user_id") != 0)
        return -1;
    bool self = cs_call_has_role(c, "leader") && cs_call_user(c) == in->user_id;
    if (cs_call_province(c) == 0 ||
        !(self || cs_call_has_role(c, "province_admin") || cs_call_has_role(c, "viewer")))
        return cs_err_forbidden(e);
    if (s_period(c, in->period_id, NULL) != 0)
        return -1;
    const char *p[] = {cs_call_int(c, in->period_id), cs_call_int(c, in->user_id)};
    PGresult *r = cs_call_exec(c,
        "SELECT coalesce(array_agg(agency_id ORDER BY agency_id), '{}')::text"
        "  FROM leadership.assignments WHERE period_id = $1 AND leader_id = $2", 2, p);
    if (!r)
        return -1;
    Chiso__Leadership__Assignment *a = (Chiso__Leadership__Assignment *)cs_call_msg(
        c, &chiso__leadership__assignment__descriptor);
    a->has_period_id = true;
    a->period_id = in->period_id;
    a->has_user_id = true;
    a->user_id = in->user_id;
    int64_t *list;
    a->n_agency_ids = leadership_parse_ids(c, PQgetvalue(r, 0, 0), &list);
    a->agency_ids = list;
    *out = &a->base;
    return 0;
}

/* --- SaveScore ------------------------------------------------------------------------ */

int leadership_save_score(cs_call *c, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
    const Chiso__Leadership__ScoreRequest *in = (const Chiso__Leadership__ScoreRequest *)in_;
    cs_err *e = cs_call_err(c);
    if (cs_call_province(c) == 0 || !cs_call_has_role(c, "leader"))
        return cs_err_forbidden(e);
    if (s_need_id(c, in->has_period_id, in->period_id, "period_id") != 0
        || s_need_id(c, in->has_agency_id, in->agency_id, "agency_id") != 0)
        return -1;
    if (cs_text_blank(in->leaf_code))
        return cs_err_invalid(e, "leaf_code", "thiếu mã tiêu chí", "leaf_code is required");
    if (!in->has_score)
        return cs_err_invalid(e, "score", "thiếu điểm", "score is required");

    if (cs_phase_require(c, in->period_id, in->agency_id, "leadership") != 0)
        return -1;
    const char *group = s_agency_group(c, in->agency_id);
    if (!group)
        return -1;

    const char *prov = cs_call_int(c, cs_call_province(c));
    const char *pid = cs_call_int(c, in->period_id);
    const char *aid = cs_call_int(c, in->agency_id);
    const char *lid = cs_call_int(c, cs_call_user(c));
    const char *pa[] = {pid, lid, aid};
    PGresult *r = cs_call_exec(c,
        "SELECT 1 FROM leadership.assignments"
        " WHERE period_id = $1 AND leader_id = $2 AND agency_id = $3", 3, pa);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_set(e, 403, "leader_not_assigned", "agency_id",
                          "Lãnh đạo không được phân công phụ trách cơ quan %lld trong kỳ này",
                          "The leader is not assigned to agency %lld in this period",
                          (long long)in->agency_id);

    const char *pl[] = {prov, pid, group, in->leaf_code};
    r = cs_call_exec(c,
        "SELECT n.max_points, n.step FROM catalog.period_index_sets pis"
        "  JOIN catalog.index_nodes n ON n.index_set_id = pis.index_set_id"
        "       AND n.province_id = pis.province_id"
        " WHERE pis.province_id = $1 AND pis.period_id = $2 AND pis.group_code = $3"
        "   AND n.code = $4 AND n.is_leaf AND n.content = 4", 4, pl);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_set(e, 400, "unknown_leaf", "leaf_code",
                          "\"%s\" không phải tiêu chí lá của nội dung 4 trong bộ chỉ số của nhóm %s",
                          "\"%s\" is not a content-4 leaf of the index set of group %s",
                          in->leaf_code, group);
    int64_t max = cs_pg_ll(r, 0, 0), step = cs_pg_ll(r, 0, 1);
    char sv[32], mv[32], stv[32];
    if (in->score < 0 || in->score > max)
        return cs_err_set(e, 400, "score_out_of_range", "score",
                          "Điểm %s phải từ 0 đến %s", "The score %s must be between 0 and %s",
                          cs_points_format(in->score, sv), cs_points_format(max, mv));
    if (step > 0 && in->score % step != 0)
        return cs_err_set(e, 400, "score_step", "score",
                          "Điểm %s phải là bội số của bước %s",
                          "The score %s must be a multiple of the step %s",
                          cs_points_format(in->score, sv), cs_points_format(step, stv));

    /* Insert when first given; else lock the row, then change it (a concurrent twin makes
     * DO NOTHING wait, so the old value read under the lock is the one replaced). */
    const char *pw[] = {prov, pid, aid, in->leaf_code, lid, cs_call_int(c, (long long)in->score)};
    r = cs_call_exec(c,
        "INSERT INTO leadership.scores (province_id, period_id, agency_id, leaf_code, leader_id,"
        "                               score)"
        " VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (period_id, agency_id, leaf_code, leader_id) DO NOTHING RETURNING id", 6, pw);
    if (!r)
        return -1;
    bool had = PQntuples(r) == 0;
    long long score_id = had ? 0 : cs_pg_ll(r, 0, 0);
    int64_t old = 0;
    if (had) {
        const char *ps[] = {pid, aid, in->leaf_code, lid};
        r = cs_call_exec(c,
            "SELECT id, score FROM leadership.scores"
            " WHERE period_id = $1 AND agency_id = $2 AND leaf_code = $3 AND leader_id = $4"
            " FOR UPDATE", 4, ps);
        if (!r)
            return -1;
        if (PQntuples(r) == 0)
            return cs_err_internal(e, "leadership.scores row vanished under lock");
        score_id = cs_pg_ll(r, 0, 0);
        old = cs_pg_ll(r, 0, 1);
        const char *pu[] = {cs_call_int(c, score_id), cs_call_int(c, (long long)in->score)};
        if (!cs_call_exec(c,
                "UPDATE leadership.scores SET score = $2, updated_at = now() WHERE id = $1",
                2, pu))
            return -1;
    }
    char ov[32];
    if (cs_call_audit(c, "leader_score", score_id, had ? "change" : "set",
                      had ? cs_call_printf(c, "{\"score\": %s}", cs_points_format(old, ov)) : NULL,
                      cs_call_printf(c,
                          "{\"period_id\": %lld, \"agency_id\": %lld, \"leaf_code\": %s,"
                          " \"leader_id\": %lld, \"score\": %s}",
                          (long long)in->period_id, (long long)in->agency_id,
                          cs_json_quote(c, in->leaf_code), cs_call_user(c),
                          cs_points_format(in->score, sv)), NULL) != 0)
        return -1;

    Chiso__Leadership__ScoreReply *rep = (Chiso__Leadership__ScoreReply *)cs_call_msg(
        c, &chiso__leadership__score_reply__descriptor);
    rep->has_period_id = true;
    rep->period_id = in->period_id;
    rep->has_agency_id = true;
    rep->agency_id = in->agency_id;
    rep->leaf_code = cs_call_strdup(c, in->leaf_code);
    rep->has_score = true;
    rep->score = in->score;
    rep->has_old_score = had;
    rep->old_score = old;
    *out = &rep->base;
    return 0;
}

/* --- ListScores ----------------------------------------------------------------------- */

int leadership_list_scores(cs_call *c, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
    const Chiso__Leadership__ListScoresRequest *in =
        (const Chiso__Leadership__ListScoresRequest *)in_;
    cs_err *e = cs_call_err(c);
    if (cs_call_province(c) == 0)
        return cs_err_forbidden(e);
    /* Each leader's score is for the province's office and the leaders who oversee the
     * agency (SPEC §1), not for the agency's own staff. */
    bool all = cs_call_has_role(c, "province_admin") || cs_call_has_role(c, "viewer");
    if (!all && !cs_call_has_role(c, "leader"))
        return cs_err_forbidden(e);
    if (s_need_id(c, in->has_period_id, in->period_id, "period_id") != 0
        || s_need_id(c, in->has_agency_id, in->agency_id, "agency_id") != 0)
        return -1;
    if (!all) {
        int lead = cs_leader_oversees(c, in->period_id, in->agency_id);
        if (lead < 0)
            return -1;
        if (!lead)
            return cs_err_forbidden(e);
    }
    int year = 0;
    if (s_period(c, in->period_id, &year) != 0)
        return -1;
    const char *group = s_agency_group(c, in->agency_id);
    if (!group)
        return -1;

    const char *prov = cs_call_int(c, cs_call_province(c));
    const char *pid = cs_call_int(c, in->period_id);
    const char *aid = cs_call_int(c, in->agency_id);
    Chiso__Leadership__ScoreList *sl = (Chiso__Leadership__ScoreList *)cs_call_msg(
        c, &chiso__leadership__score_list__descriptor);
    sl->has_period_id = true;
    sl->period_id = in->period_id;
    sl->has_agency_id = true;
    sl->agency_id = in->agency_id;

    const char *pl[] = {prov, pid, group};
    PGresult *lr = cs_call_exec(c,
        "SELECT n.code, n.title, n.max_points, n.step FROM catalog.period_index_sets pis"
        "  JOIN catalog.index_nodes n ON n.index_set_id = pis.index_set_id"
        "       AND n.province_id = pis.province_id"
        " WHERE pis.province_id = $1 AND pis.period_id = $2 AND pis.group_code = $3"
        "   AND n.is_leaf AND n.content = 4 ORDER BY n.sort, n.code", 3, pl);
    if (!lr)
        return -1;
    const char *ps[] = {prov, pid, aid};
    PGresult *sr = cs_call_exec(c,
        "SELECT s.leaf_code, s.leader_id, coalesce(u.full_name, ''), s.score,"
        "       extract(epoch FROM s.updated_at)::bigint"
        "  FROM leadership.scores s LEFT JOIN catalog.users u ON u.id = s.leader_id"
        " WHERE s.province_id = $1 AND s.period_id = $2 AND s.agency_id = $3"
        " ORDER BY s.leaf_code, s.leader_id", 3, ps);
    if (!sr)
        return -1;
    int nl = PQntuples(lr), ns = PQntuples(sr);
    sl->n_leaves = (size_t)nl;
    sl->leaves = (Chiso__Leadership__LeafScores **)cs_call_array(c, (size_t)nl);
    for (int i = 0; i < nl; i++) {
        Chiso__Leadership__LeafScores *lf = (Chiso__Leadership__LeafScores *)cs_call_msg(
            c, &chiso__leadership__leaf_scores__descriptor);
        lf->leaf_code = PQgetvalue(lr, i, 0);
        lf->title = PQgetvalue(lr, i, 1);
        lf->has_max_points = true;
        lf->max_points = cs_pg_ll(lr, i, 2);
        lf->has_step = true;
        lf->step = cs_pg_ll(lr, i, 3);
        int cnt = 0;
        for (int k = 0; k < ns; k++)
            cnt += strcmp(PQgetvalue(sr, k, 0), lf->leaf_code) == 0;
        lf->scores = (Chiso__Leadership__LeaderScore **)cs_call_array(c, (size_t)cnt);
        int64_t sum = 0;
        for (int k = 0; k < ns; k++) {
            if (strcmp(PQgetvalue(sr, k, 0), lf->leaf_code) != 0)
                continue;
            Chiso__Leadership__LeaderScore *ls = (Chiso__Leadership__LeaderScore *)cs_call_msg(
                c, &chiso__leadership__leader_score__descriptor);
            ls->has_leader_id = true;
            ls->leader_id = cs_pg_ll(sr, k, 1);
            ls->leader_name = PQgetvalue(sr, k, 2);
            ls->has_score = true;
            ls->score = cs_pg_ll(sr, k, 3);
            ls->has_updated_at = true;
            ls->updated_at = cs_pg_ll(sr, k, 4);
            sum += ls->score;
            lf->scores[lf->n_scores++] = ls;
        }
        lf->has_count = true;
        lf->count = cnt;
        if (cnt > 0) {
            /* Same rule as ranking: the mean of the leaders' scores, half-up to 0.01. */
            lf->has_mean = true;
            lf->mean = cs_div_half_up(sum, cnt);
        }
        sl->leaves[i] = lf;
    }

    const char *pa[] = {pid, aid};
    PGresult *ar = cs_call_exec(c,
        "SELECT leader_id FROM leadership.assignments WHERE period_id = $1 AND agency_id = $2"
        " ORDER BY leader_id", 2, pa);
    if (!ar)
        return -1;
    int na = PQntuples(ar);
    sl->n_leader_ids = (size_t)na;
    sl->leader_ids = cs_call_alloc(c, (size_t)(na + 1) * sizeof *sl->leader_ids);
    for (int i = 0; i < na; i++)
        sl->leader_ids[i] = cs_pg_ll(ar, i, 0);

    /* Discipline of the head and deputies decided within the period's year (DESIGN §7). */
    const char *pd[] = {prov, aid, cs_call_int(c, year)};
    PGresult *dr = cs_call_exec(c,
        "SELECT p.id, p.full_name, p.position, d.decided_on::text, d.form,"
        "       coalesce(d.decision_no, '')"
        "  FROM catalog.people p JOIN catalog.discipline d ON d.person_id = p.id"
        "       AND d.province_id = p.province_id"
        " WHERE p.province_id = $1 AND p.agency_id = $2"
        "   AND extract(year FROM d.decided_on) = $3::int"
        " ORDER BY d.decided_on, d.id", 3, pd);
    if (!dr)
        return -1;
    int nd = PQntuples(dr);
    sl->has_disciplined = true;
    sl->disciplined = nd > 0;
    sl->n_discipline = (size_t)nd;
    sl->discipline = (Chiso__Leadership__Discipline **)cs_call_array(c, (size_t)nd);
    for (int i = 0; i < nd; i++) {
        Chiso__Leadership__Discipline *d = (Chiso__Leadership__Discipline *)cs_call_msg(
            c, &chiso__leadership__discipline__descriptor);
        d->has_person_id = true;
        d->person_id = cs_pg_ll(dr, i, 0);
        d->full_name = PQgetvalue(dr, i, 1);
        d->position = PQgetvalue(dr, i, 2);
        d->decided_on = PQgetvalue(dr, i, 3);
        d->form = PQgetvalue(dr, i, 4);
        d->decision_no = PQgetvalue(dr, i, 5);
        sl->discipline[i] = d;
    }
    *out = &sl->base;
    return 0;
}

/* --- tie-breaks ----------------------------------------------------------------------- */

int leadership_record_tiebreak(cs_call *c, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
    const Chiso__Leadership__TiebreakRequest *in =
        (const Chiso__Leadership__TiebreakRequest *)in_;
    cs_err *e = cs_call_err(c);
    if (cs_call_province(c) == 0 || !cs_call_has_role(c, "leader"))
        return cs_err_forbidden(e);
    if (s_need_id(c, in->has_period_id, in->period_id, "period_id") != 0)
        return -1;
    if (cs_text_blank(in->group_code))
        return cs_err_invalid(e, "group_code", "thiếu mã nhóm", "group_code is required");
    if (cs_text_blank(in->reason))
        return cs_err_invalid(e, "reason", "thiếu lý do", "a reason is required");
    if (in->n_agency_ids < 2)
        return cs_err_set(e, 400, "tiebreak_too_short", "agency_ids",
                          "Thứ tự cần ít nhất hai cơ quan", "An order needs at least two agencies");
    /* Not bound to the leadership phase: a tie shows itself only once results are
     * computed, so a leader may order one at any time before publication (SPEC §12; after
     * it, an order counts for the next version only). The period must exist. */
    if (s_period(c, in->period_id, NULL) != 0)
        return -1;

    const char *prov = cs_call_int(c, cs_call_province(c));
    const char *pid = cs_call_int(c, in->period_id);
    const char *pg[] = {prov, in->group_code};
    PGresult *r = cs_call_exec(c,
        "SELECT 1 FROM catalog.agency_groups WHERE province_id = $1 AND code = $2", 2, pg);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_set(e, 400, "unknown_group", "group_code",
                          "Không có nhóm cơ quan \"%s\" trong tỉnh",
                          "There is no agency group \"%s\" in the province", in->group_code);

    /* The order ranks agencies of this group in this period: the period must score the
     * group (an index set assigned to it). */
    const char *pp[] = {prov, pid, in->group_code};
    r = cs_call_exec(c,
        "SELECT 1 FROM catalog.period_index_sets"
        " WHERE province_id = $1 AND period_id = $2 AND group_code = $3", 3, pp);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_set(e, 400, "group_not_in_period", "group_code",
                          "Kỳ đánh giá không đánh giá nhóm \"%s\" (chưa gán bộ chỉ số)",
                          "The period does not assess group \"%s\" (no index set assigned)",
                          in->group_code);

    for (size_t i = 0; i < in->n_agency_ids; i++) {
        const char *field = cs_call_printf(c, "agency_ids[%zu]", i);
        long long id = in->agency_ids[i];
        for (size_t k = 0; k < i; k++)
            if (in->agency_ids[k] == in->agency_ids[i])
                return cs_err_set(e, 400, "duplicate_agency", field,
                                  "Cơ quan %lld lặp lại trong thứ tự",
                                  "Agency %lld appears twice in the order", id);
        const char *pa[] = {prov, cs_call_int(c, id)};
        r = cs_call_exec(c,
            "SELECT group_code FROM catalog.agencies WHERE province_id = $1 AND id = $2", 2, pa);
        if (!r)
            return -1;
        if (PQntuples(r) == 0)
            return cs_err_set(e, 400, "unknown_agency", field,
                              "Không có cơ quan %lld trong tỉnh",
                              "There is no agency %lld in the province", id);
        if (strcmp(PQgetvalue(r, 0, 0), in->group_code) != 0)
            return cs_err_set(e, 400, "agency_other_group", field,
                              "Cơ quan %lld thuộc nhóm %s, không thuộc nhóm %s",
                              "Agency %lld belongs to group %s, not to group %s", id,
                              PQgetvalue(r, 0, 0), in->group_code);
    }

    /* The order this one supersedes, for the audit trail: the latest of the same tie (the
     * same set of agencies). Orders of other ties of the group stay as they are. */
    const char *ids = leadership_ids_literal(c, (const int64_t *)in->agency_ids, in->n_agency_ids);
    r = cs_call_exec(c,
        "SELECT id, array_to_json(agency_ids)::text FROM leadership.tiebreaks"
        " WHERE province_id = $1 AND period_id = $2 AND group_code = $3"
        "   AND agency_ids @> $4::bigint[] AND agency_ids <@ $4::bigint[]"
        " ORDER BY id DESC LIMIT 1", 4, (const char *[]){prov, pid, in->group_code, ids});
    if (!r)
        return -1;
    const char *old_json = PQntuples(r) == 0 ? NULL
        : cs_call_printf(c, "{\"tiebreak_id\": %lld, \"agency_ids\": %s}", cs_pg_ll(r, 0, 0),
                         PQgetvalue(r, 0, 1));

    const char *pi[] = {prov, pid, in->group_code, ids, in->reason,
                        cs_call_int(c, cs_call_user(c))};
    r = cs_call_exec(c,
        "INSERT INTO leadership.tiebreaks (province_id, period_id, group_code, agency_ids,"
        "                                  reason, decided_by)"
        " VALUES ($1, $2, $3, $4::bigint[], $5, $6)"
        " RETURNING id, extract(epoch FROM decided_at)::bigint", 6, pi);
    if (!r)
        return -1;
    long long tid = cs_pg_ll(r, 0, 0);
    long long at = cs_pg_ll(r, 0, 1);
    char *jids = cs_call_strdup(c, ids);
    jids[0] = '[';
    jids[strlen(jids) - 1] = ']';
    if (cs_call_audit(c, "tiebreak", tid, "record", old_json,
                      cs_call_printf(c,
                          "{\"period_id\": %lld, \"group_code\": %s, \"agency_ids\": %s}",
                          (long long)in->period_id, cs_json_quote(c, in->group_code), jids),
                      in->reason) != 0)
        return -1;

    Chiso__Leadership__Tiebreak *t = (Chiso__Leadership__Tiebreak *)cs_call_msg(
        c, &chiso__leadership__tiebreak__descriptor);
    t->has_id = true;
    t->id = tid;
    t->has_period_id = true;
    t->period_id = in->period_id;
    t->group_code = cs_call_strdup(c, in->group_code);
    t->n_agency_ids = in->n_agency_ids;
    t->agency_ids = cs_call_alloc(c, in->n_agency_ids * sizeof *t->agency_ids);
    memcpy(t->agency_ids, in->agency_ids, in->n_agency_ids * sizeof *t->agency_ids);
    t->reason = cs_call_strdup(c, in->reason);
    t->has_decided_by = true;
    t->decided_by = cs_call_user(c);
    t->has_decided_at = true;
    t->decided_at = at;
    t->has_current = true;
    t->current = true;
    *out = &t->base;
    return 0;
}

int leadership_list_tiebreaks(cs_call *c, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
    const Chiso__Leadership__ListTiebreaksRequest *in =
        (const Chiso__Leadership__ListTiebreaksRequest *)in_;
    cs_err *e = cs_call_err(c);
    if (cs_call_province(c) == 0
        || !(cs_call_has_role(c, "province_admin") || cs_call_has_role(c, "viewer")
             || cs_call_has_role(c, "leader")))
        return cs_err_forbidden(e);
    if (s_need_id(c, in->has_period_id, in->period_id, "period_id") != 0)
        return -1;
    if (s_period(c, in->period_id, NULL) != 0)
        return -1;
    const char *p[] = {cs_call_int(c, cs_call_province(c)), cs_call_int(c, in->period_id),
                       in->group_code ? in->group_code : ""};
    PGresult *r = cs_call_exec(c,
        "SELECT id, group_code, agency_ids::text, reason, decided_by,"
        "       extract(epoch FROM decided_at)::bigint,"
        /* current: the latest order of its tie (the same set of agencies) */
        "       id = max(id) OVER (PARTITION BY group_code,"
        "                          (SELECT array_agg(x ORDER BY x) FROM unnest(agency_ids) x))"
        "  FROM leadership.tiebreaks"
        " WHERE province_id = $1 AND period_id = $2 AND ($3 = '' OR group_code = $3)"
        " ORDER BY group_code, id DESC", 3, p);
    if (!r)
        return -1;
    int n = PQntuples(r);
    Chiso__Leadership__TiebreakList *tl = (Chiso__Leadership__TiebreakList *)cs_call_msg(
        c, &chiso__leadership__tiebreak_list__descriptor);
    tl->n_items = (size_t)n;
    tl->items = (Chiso__Leadership__Tiebreak **)cs_call_array(c, (size_t)n);
    for (int i = 0; i < n; i++) {
        Chiso__Leadership__Tiebreak *t = (Chiso__Leadership__Tiebreak *)cs_call_msg(
            c, &chiso__leadership__tiebreak__descriptor);
        t->has_id = true;
        t->id = cs_pg_ll(r, i, 0);
        t->has_period_id = true;
        t->period_id = in->period_id;
        t->group_code = PQgetvalue(r, i, 1);
        int64_t *ids;
        t->n_agency_ids = leadership_parse_ids(c, PQgetvalue(r, i, 2), &ids);
        t->agency_ids = ids;
        t->reason = PQgetvalue(r, i, 3);
        t->has_decided_by = true;
        t->decided_by = cs_pg_ll(r, i, 4);
        t->has_decided_at = true;
        t->decided_at = cs_pg_ll(r, i, 5);
        t->has_current = true;
        t->current = strcmp(PQgetvalue(r, i, 6), "t") == 0;
        tl->items[i] = t;
    }
    *out = &tl->base;
    return 0;
}
