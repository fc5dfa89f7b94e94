/*  leadership_scores: leaders' content-4 scores (SaveScore, ListScores). */
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

/* --- SaveScore ------------------------------------------------------------------------ */

int leadership_save_score(cs_call *c, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
    const Chiso__Leadership__ScoreRequest *in = (const Chiso__Leadership__ScoreRequest *)in_;
    cs_err *e = cs_call_err(c);
    if (cs_call_province(c) == 0 || !cs_call_has_role(c, "leader"))
        return cs_err_forbidden(e);
    if (leadership_need_id(c, in->has_period_id, in->period_id, "period_id") != 0
        || leadership_need_id(c, in->has_agency_id, in->agency_id, "agency_id") != 0)
        return -1;
    /* Authorisation before the input's details: a leader not assigned to the agency learns
     * nothing of leaves, scores or phases (another province's period does not exist). */
    if (cs_phase_period_exists(c, in->period_id) != 0)
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
    if (cs_text_blank(in->leaf_code))
        return cs_err_invalid(e, "leaf_code", "thiếu mã tiêu chí", "leaf_code is required");
    if (!in->has_score)
        return cs_err_invalid(e, "score", "thiếu điểm", "score is required");

    if (cs_phase_require(c, in->period_id, in->agency_id, "leadership") != 0)
        return -1;
    const char *group = leadership_agency_group(c, in->agency_id);
    if (!group)
        return -1;


    const char *pl[] = {prov, pid, group, in->leaf_code};
    r = cs_call_exec(c,
        "SELECT n.max_points, n.step FROM catalog.period_leaves n"
        " WHERE n.province_id = $1 AND n.period_id = $2 AND n.group_code = $3"
        "   AND n.code = $4 AND n.content = 4", 4, pl);
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
    if (leadership_need_id(c, in->has_period_id, in->period_id, "period_id") != 0
        || leadership_need_id(c, in->has_agency_id, in->agency_id, "agency_id") != 0)
        return -1;
    if (!all) {
        int lead = cs_leader_oversees(c, in->period_id, in->agency_id);
        if (lead < 0)
            return -1;
        if (!lead)
            return cs_err_forbidden(e);
    }
    int year = 0;
    if (leadership_period(c, in->period_id, &year) != 0)
        return -1;
    const char *group = leadership_agency_group(c, in->agency_id);
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
        "SELECT n.code, n.title, n.max_points, n.step FROM catalog.period_leaves n"
        " WHERE n.province_id = $1 AND n.period_id = $2 AND n.group_code = $3"
        "   AND n.content = 4 ORDER BY n.sort, n.code", 3, pl);
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

