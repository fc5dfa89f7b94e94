/*  rank_rpc: see rank_rpc.h. */
#include "rank_rpc.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cs_access.h"
#include "rank.h"
#include "rank_data.h"
#include "rank_published.h"
#include "ranking.pb-c.h"
#include "rank_sql.h"

/* Everything the ranking needs, as one JSON document from one statement (one snapshot).
 * $1 period, $2 group filter (NULL: all), $3 agency whose group is wanted (NULL: any).
 * Agencies are those of the groups the period has an index set for. Set-based: the leaders'
 * scores are grouped once, not looked up per leaf (500 agencies × 47 leaves: ~0.5 s). */
static const char SQL_LOAD[] =
    "WITH p AS (SELECT id, year, config FROM catalog.periods WHERE id = $1),"
    " ag AS ("
    "  SELECT ag.id, ag.code, ag.name, ag.group_code, pis.index_set_id"
    "  FROM p JOIN catalog.period_index_sets pis ON pis.period_id = p.id"
    "  JOIN catalog.agencies ag ON ag.group_code = pis.group_code AND ag.active"
    "  WHERE ($2::text IS NULL OR ag.group_code = $2)"
    "    AND ($3::bigint IS NULL OR ag.group_code ="
    "         (SELECT a3.group_code FROM catalog.agencies a3 WHERE a3.id = $3))),"
    " ls AS ("
    "  SELECT agency_id, leaf_code, json_agg(score ORDER BY leader_id) AS scores"
    "  FROM leadership.scores WHERE period_id = $1 GROUP BY agency_id, leaf_code),"
    /* Both appraisal rounds of a leaf in one row, aggregated once per period (the primary
     * key allows one row per round, so min() is that row's value or NULL). Joining
     * appraisal.scores twice per (agency, leaf) made the planner probe by (period, agency)
     * and filter the leaf afterwards: ~400k rows read for 19.5k leaves of a province. */
    " ap AS ("
    "  SELECT agency_id, leaf_code,"
    "         min(score) FILTER (WHERE round = 1) AS r1, min(comment) FILTER (WHERE round = 1) AS r1c,"
    "         min(score) FILTER (WHERE round = 2) AS r2, min(comment) FILTER (WHERE round = 2) AS r2c"
    "  FROM appraisal.scores WHERE period_id = $1 GROUP BY agency_id, leaf_code),"
    /* An upheld appeal's new value (the latest per leaf) counts before the council's
     * rounds: it takes round 2's place (SPEC §12; N/A still wins, in rank.c). */
    " aq AS ("
    "  SELECT DISTINCT ON (agency_id, leaf_code) agency_id, leaf_code, new_value"
    "  FROM appraisal.appeal_items WHERE period_id = $1 AND decision = 'upheld'"
    "  ORDER BY agency_id, leaf_code, answered_at DESC, id DESC),"
    " lv AS ("
    "  SELECT ag.id AS agency_id, json_agg(json_build_object("
    "      'code', n.code, 'content', n.content, 'title', n.title, 'max', n.max_points,"
    "      'na', COALESCE(na.not_applicable, false), 'na_reason', na.reason,"
    "      'self', s.score, 'note', s.note,"
    "      'r1', ap.r1, 'r1c', ap.r1c, 'r2', COALESCE(aq.new_value, ap.r2), 'r2c', ap.r2c,"
    "      'survey', sp.points, 'leaders', ls.scores, 'auto', n.auto,"
    "      'required_min', n.required_min) ORDER BY n.sort, n.code) AS leaves"
    "  FROM ag JOIN catalog.period_leaves n ON n.period_id = $1 AND n.group_code = ag.group_code"
    RANK_SQL_LEAF_JOINS
    RANK_SQL_DISC
    /* the portal feed (SPEC §12): every 766 value of the year (rank_sql.h) */
    " pm AS ("
    RANK_SQL_PM_ROW
    "  WHERE m.agency_id IN (SELECT id FROM ag) GROUP BY m.agency_id),"
    RANK_SQL_PD_CM
    " SELECT json_build_object("
    "  'period', (SELECT json_build_object('id', p.id, 'year', p.year, 'config', p.config) FROM p),"
    /* Every recorded order, oldest first: each applies to exactly the tie it names, and
     * of two orders of one tie the later counts (rank.h). */
    "  'tiebreaks', COALESCE((SELECT json_agg(json_build_object('id', t.id,"
    "                                 'group', t.group_code, 'ids', t.agency_ids) ORDER BY t.id)"
    "    FROM leadership.tiebreaks t WHERE t.period_id = $1), '[]'::json),"
    "  'agencies', COALESCE((SELECT json_agg(json_build_object("
    "      'id', ag.id, 'code', ag.code, 'name', ag.name, 'group', ag.group_code,"
    "      'disciplined', disc.agency_id IS NOT NULL, 'content_max', cm.m,"
    "      'leaves', COALESCE(lv.leaves, '[]'::json),"
    "      'portal', json_build_object('batch', pm.batch, 'metrics', pm.metrics),"
    "      'dossiers', CASE WHEN pd.agency_id IS NULL THEN NULL ELSE json_build_object("
    "          'batch', pd.batch_id, 'on_time', pd.on_time, 'late', pd.late) END)"
    "      ORDER BY ag.group_code, ag.code)"
    "    FROM ag LEFT JOIN lv ON lv.agency_id = ag.id"
    "    LEFT JOIN pm ON pm.agency_id = ag.id LEFT JOIN pd ON pd.agency_id = ag.id"
    "    LEFT JOIN disc ON disc.agency_id = ag.id"
    "    LEFT JOIN cm ON cm.index_set_id = ag.index_set_id), '[]'::json))::text";

bool rank_rpc_sees_province(cs_call *c)
{
    return cs_call_province(c) > 0 &&
           (cs_call_has_role(c, "province_admin") || cs_call_has_role(c, "viewer") ||
            cs_call_has_role(c, "leader"));
}

int rank_rpc_period_arg(cs_call *c, bool has, long long id)
{
    if (!has || id <= 0)
        return cs_err_invalid(cs_call_err(c), "period_id", "thiếu mã kỳ đánh giá",
                              "period_id is required");
    return 0;
}

int rank_rpc_load_doc(cs_call *c, const char *sql, long long period_id, const char *group,
                      long long agency_id, rank_data **data, rank_outcome **outcome)
{
    *data = NULL;
    *outcome = NULL;
    const char *params[3] = {cs_call_int(c, period_id), group,
                             agency_id > 0 ? cs_call_int(c, agency_id) : NULL};
    PGresult *r = cs_call_exec(c, sql, 3, params);
    if (!r)
        return -1;
    if (PQntuples(r) != 1 || PQgetisnull(r, 0, 0))
        return cs_err_internal(cs_call_err(c), "ranking load: no document");
    if (rank_data_from_json(PQgetvalue(r, 0, 0), data, cs_call_err(c)) < 0)
        return -1;
    rank_data *d = *data;
    if (rank_compute(&d->cfg, d->inputs, d->n_agencies, d->tiebreaks, d->n_tiebreaks, outcome,
                     cs_call_err(c)) < 0) {
        rank_data_destroy(data);
        return -1;
    }
    return 0;
}

int rank_rpc_load(cs_call *c, long long period_id, const char *group, long long agency_id,
                     rank_data **data, rank_outcome **outcome)
{
    return rank_rpc_load_doc(c, SQL_LOAD, period_id, group, agency_id, data, outcome);
}

static void s_free(rank_data **d, rank_outcome **o)
{
    rank_data_destroy(d);
    rank_outcome_destroy(o);
}

static Chiso__Ranking__AgencyResult *s_agency_msg(cs_call *c, const rank_data *d,
                                                  const rank_result *r)
{
    Chiso__Ranking__AgencyResult *m =
        (void *)cs_call_msg(c, &chiso__ranking__agency_result__descriptor);
    const rank_data_agency *da = &d->agencies[r->input];
    m->has_agency_id = true;
    m->agency_id = da->id;
    m->code = cs_call_strdup(c, da->code);
    m->name = cs_call_strdup(c, da->name);
    m->has_rank = true;
    m->rank = r->rank;
    m->has_tie_pending = true;
    m->tie_pending = r->tie_pending;
    m->has_tie_resolved = true;
    m->tie_resolved = r->tie_resolved;
    m->has_total = true;
    m->total = r->total;
    m->has_max = true;
    m->max = r->max;
    m->has_quality_pct = true;
    m->quality_pct = r->quality_pct;
    m->has_cchc_pct = true;
    m->cchc_pct = r->cchc_pct;
    m->band = cs_call_strdup(c, r->band);
    m->cchc_band = cs_call_strdup(c, r->cchc_band);
    m->has_disciplined = true;
    m->disciplined = r->disciplined;
    m->late_state = (char *)(r->late_state == RANK_LATE_KNOWN ? "known"
                             : r->late_state == RANK_LATE_NA  ? "n/a"
                                                              : "unknown");
    m->has_late_pct = r->late_state == RANK_LATE_KNOWN;
    m->late_pct = r->late_pct;
    m->head_rating = cs_call_strdup(c, r->head_rating);
    m->head_reason = r->head_reason[0] ? cs_call_strdup(c, r->head_reason) : NULL;
    m->has_required_done = true;
    m->required_done = r->required_done;
    m->n_contents = RANK_CONTENTS;
    m->contents = (void *)cs_call_array(c, RANK_CONTENTS);
    for (int k = 0; k < RANK_CONTENTS; k++) {
        Chiso__Ranking__ContentSum *cs =
            (void *)cs_call_msg(c, &chiso__ranking__content_sum__descriptor);
        cs->has_content = true;
        cs->content = k + 1;
        cs->has_value = true;
        cs->value = r->contents[k];
        if (k < RANK_CONTENTS - 1) {
            cs->has_cap = true;
            cs->cap = r->caps[k];
        }
        m->contents[k] = cs;
    }
    return m;
}

Chiso__Ranking__Results *rank_rpc_results_msg(cs_call *c, const rank_data *d,
                                              const rank_outcome *o)
{
    Chiso__Ranking__Results *res = (void *)cs_call_msg(c, &chiso__ranking__results__descriptor);
    res->has_period_id = true;
    res->period_id = d->period_id;
    res->has_computed_at = true;
    res->computed_at = (int64_t)time(NULL);
    res->n_groups = o->n_groups;
    res->groups = (void *)cs_call_array(c, o->n_groups);
    for (size_t g = 0; g < o->n_groups; g++) {
        const rank_group *rg = &o->groups[g];
        Chiso__Ranking__GroupResult *gm =
            (void *)cs_call_msg(c, &chiso__ranking__group_result__descriptor);
        gm->group_code = cs_call_strdup(c, rg->group);
        gm->has_good_or_better = true;
        gm->good_or_better = rg->good_or_better;
        gm->has_excellent_quota = true;
        gm->excellent_quota = rg->excellent_quota;
        gm->has_publication_blocked_by_tie = true;
        gm->publication_blocked_by_tie = rg->publication_blocked_by_tie;
        gm->n_agencies = rg->n;
        gm->agencies = (void *)cs_call_array(c, rg->n);
        for (size_t i = 0; i < rg->n; i++)
            gm->agencies[i] = s_agency_msg(c, d, &rg->agencies[i]);
        res->groups[g] = gm;
    }
    /* Every recorded order of the groups shown, and whether it decides a tie now. */
    res->tiebreaks = (void *)cs_call_array(c, d->n_tiebreaks);
    for (size_t t = 0; t < d->n_tiebreaks && t < o->n_tiebreaks; t++) {
        const rank_tiebreak *tb = &d->tiebreaks[t];
        bool shown = false;
        for (size_t g = 0; g < o->n_groups && !shown; g++)
            shown = strcmp(o->groups[g].group, tb->group) == 0;
        if (!shown)
            continue;
        Chiso__Ranking__TiebreakStatus *ts =
            (void *)cs_call_msg(c, &chiso__ranking__tiebreak_status__descriptor);
        ts->has_id = ts->has_applies = true;
        ts->id = d->tiebreak_ids[t];
        ts->group_code = cs_call_strdup(c, tb->group);
        ts->n_agency_ids = tb->n;
        ts->agency_ids = cs_call_alloc(c, (tb->n ? tb->n : 1) * sizeof *ts->agency_ids);
        for (size_t k = 0; k < tb->n; k++)
            ts->agency_ids[k] = tb->agency_ids[k];
        ts->applies = o->tiebreak_applies[t];
        res->tiebreaks[res->n_tiebreaks++] = ts;
    }
    return res;
}

char *rank_rpc_summary(cs_call *c, const rank_outcome *o)
{
    json_t *root = json_array();
    for (size_t g = 0; g < o->n_groups; g++) {
        const rank_group *rg = &o->groups[g];
        json_t *ags = json_array();
        for (size_t i = 0; i < rg->n; i++) {
            const rank_result *r = &rg->agencies[i];
            json_array_append_new(ags, json_pack("{s:I,s:i,s:b,s:I,s:I,s:s,s:s}",
                "agency_id", (json_int_t)r->id, "rank", r->rank, "tie_pending", r->tie_pending,
                "total", (json_int_t)r->total, "max", (json_int_t)r->max, "band", r->band,
                "cchc_band", r->cchc_band));
        }
        json_array_append_new(root, json_pack("{s:s,s:i,s:i,s:b,s:o}", "group_code", rg->group,
            "good_or_better", rg->good_or_better, "excellent_quota", rg->excellent_quota,
            "publication_blocked_by_tie", rg->publication_blocked_by_tie, "agencies", ags));
    }
    char *s = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    char *out = cs_call_strdup(c, s ? s : "[]");
    free(s);
    return out;
}

int rank_rpc_compute(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Ranking__ComputeRequest *req = (const void *)in;
    if (cs_call_province(c) <= 0 || !cs_call_has_role(c, "province_admin"))
        return cs_err_forbidden(cs_call_err(c));
    if (rank_rpc_period_arg(c, req->has_period_id, req->period_id) < 0)
        return -1;
    rank_data *d;
    rank_outcome *o;
    /* in its own statement first: the sums statement's snapshot then sees the fold */
    if (rank_rpc_fold_pending(c, req->period_id) < 0 ||
        rank_rpc_load_sums(c, req->period_id, NULL, 0, &d, &o) < 0)
        return -1;
    Chiso__Ranking__Results *res = rank_rpc_results_msg(c, d, o);
    const char *summary = rank_rpc_summary(c, o);
    /* what viewing the results will show until an input changes (rank_cache.h) */
    int cached = rank_rpc_cache_view(c, req->period_id, d, o);
    s_free(&d, &o);
    if (cached < 0)
        return -1;

    const char *params[3] = {cs_call_int(c, cs_call_province(c)), cs_call_int(c, req->period_id),
                             summary};
    const char *uid = cs_call_user(c) ? cs_call_int(c, cs_call_user(c)) : NULL;
    const char *p4[4] = {params[0], params[1], uid, params[2]};
    PGresult *r = cs_call_exec(c,
        "INSERT INTO ranking.computations (province_id, period_id, computed_by, summary)"
        " VALUES ($1, $2, $3, $4::jsonb) RETURNING id, extract(epoch FROM computed_at)::bigint",
        4, p4);
    if (!r)
        return -1;
    res->has_computation_id = true;
    res->computation_id = atoll(PQgetvalue(r, 0, 0));
    res->computed_at = atoll(PQgetvalue(r, 0, 1));
    if (cs_call_audit(c, "ranking.computation", res->computation_id, "compute", NULL, summary,
                      NULL) < 0)
        return -1;
    *out = (ProtobufCMessage *)res;
    return 0;
}

static Chiso__Ranking__LeafLine *s_leaf_msg(cs_call *c, const rank_leaf_info *li,
                                            const rank_leaf *l)
{
    Chiso__Ranking__LeafLine *m = (void *)cs_call_msg(c, &chiso__ranking__leaf_line__descriptor);
    const rank_leaf_raw *r = &li->raw;
    m->leaf_code = cs_call_strdup(c, li->code);
    m->has_content = true;
    m->content = r->content;
    m->title = cs_call_strdup(c, li->title);
    m->has_max_points = true;
    m->max_points = r->max_points;
    m->has_not_applicable = true;
    m->not_applicable = r->not_applicable;
    m->na_reason = cs_call_strdup(c, li->na_reason);
    m->has_self = r->has_self;
    m->self = r->self;
    m->self_note = cs_call_strdup(c, li->note);
    m->has_round1 = r->has_r1;
    m->round1 = r->r1;
    m->round1_comment = cs_call_strdup(c, li->r1_comment);
    m->has_round2 = r->has_r2;
    m->round2 = r->r2;
    m->round2_comment = cs_call_strdup(c, li->r2_comment);
    m->has_survey = r->has_survey;
    m->survey = r->survey;
    m->n_leader_scores = r->n_leader_scores;
    m->leader_scores = cs_call_alloc(c, (r->n_leader_scores ? r->n_leader_scores : 1) *
                                            sizeof *m->leader_scores);
    for (size_t k = 0; k < r->n_leader_scores; k++)
        m->leader_scores[k] = r->leader_scores[k];
    m->has_effective = true;
    m->effective = l->value;
    m->has_not_appraised = true;
    m->not_appraised = l->not_appraised && l->applicable;
    m->has_no_value = true;
    m->no_value = l->no_value;
    m->has_required_min = r->has_required_min;
    m->required_min = r->required_min;
    const rank_auto_info *ai = li->auto_info;
    if (ai) {
        m->auto_metric = cs_call_strdup(c, ai->metric);
        m->auto_formula = (char *)rank_formula_name(ai->rule.formula);
        m->auto_status = (char *)(r->auto_status == RANK_AUTO_COMPUTED ? "computed"
                                  : r->auto_status == RANK_AUTO_NA     ? "not_applicable"
                                                                       : "no_portal_data");
        m->has_auto_numerator = ai->m.has_numerator;
        m->auto_numerator = ai->m.numerator;
        m->has_auto_denominator = ai->m.has_denominator;
        m->auto_denominator = ai->m.denominator;
        m->auto_score = cs_call_strdup(c, ai->score);
        m->auto_max_score = cs_call_strdup(c, ai->max_score);
        m->has_auto_batch_id = ai->m.present && ai->batch_id > 0;
        m->auto_batch_id = ai->batch_id;
        m->auto_periods = ai->m.present ? cs_call_strdup(c, ai->periods) : NULL;
        m->has_auto_value = true;
        m->auto_value = r->auto_value;
    }
    return m;
}

/* What an agency's own users may see of its scorecard before publication (SPEC §12): its
 * self-assessment, the council's round 1 from the explanation phase on and round 2 once
 * appraisal round 2 has closed (as appraisal's GetAppraisal, §4) — never its rank, band,
 * sums or anything computed from others. After publication, everything. */
typedef struct {
    bool published, r1, r2;
} s_agency_view;

static int s_agency_view_of(cs_call *c, long long period_id, s_agency_view *v)
{
    const char *p[1] = {cs_call_int(c, period_id)};
    PGresult *r = cs_call_exec(c,
        "SELECT EXISTS (SELECT 1 FROM ranking.snapshots WHERE period_id = $1),"
        "       coalesce(bool_or(phase = 'explanation' AND opens_at <= now()), false),"
        "       coalesce(bool_or(phase = 'appraisal_2' AND closes_at <= now()), false)"
        "  FROM catalog.phases WHERE period_id = $1", 1, p);
    if (!r)
        return -1;
    v->published = PQgetvalue(r, 0, 0)[0] == 't';
    v->r1 = v->published || PQgetvalue(r, 0, 1)[0] == 't';
    v->r2 = v->published || PQgetvalue(r, 0, 2)[0] == 't';
    return 0;
}

/* Strip what the agency may not see yet from a scorecard built in full. */
static void s_agency_redact(Chiso__Ranking__Scorecard *sc, const s_agency_view *v)
{
    if (v->published)
        return;
    sc->result = NULL;
    sc->has_good_or_better = sc->has_excellent_quota = false;
    sc->has_publication_blocked_by_tie = false;
    sc->n_shortcomings = 0;
    for (size_t k = 0; k < sc->n_leaves; k++) {
        Chiso__Ranking__LeafLine *l = sc->leaves[k];
        if (!v->r1) {
            l->has_round1 = false;
            l->round1_comment = NULL;
        }
        if (!v->r2) {
            l->has_round2 = false;
            l->round2_comment = NULL;
        }
        l->has_survey = false;
        l->n_leader_scores = 0;
        l->has_effective = l->has_not_appraised = l->has_no_value = false;
    }
}

/* A leader reads every agency's figures (the results it approves), but the agency's own
 * words and the council's only for the agencies it oversees (SPEC §1): the self-assessment
 * notes and the rounds' comments are the self-assessment and appraisal records, which
 * submissions and appraisal show a leader of those agencies only. */
static void s_leader_redact(Chiso__Ranking__Scorecard *sc)
{
    for (size_t k = 0; k < sc->n_leaves; k++) {
        Chiso__Ranking__LeafLine *l = sc->leaves[k];
        l->self_note = NULL;
        l->round1_comment = l->round2_comment = NULL;
    }
    for (size_t k = 0; k < sc->n_shortcomings; k++)
        sc->shortcomings[k]->comment = NULL;
}

/* The latest published version on a scorecard: the agency's values and its group as
 * published, whether its working values moved since. The agency's own users see the
 * published values as the result (the official one); overseers keep the working result
 * beside it. */
static void s_scorecard_published(cs_call *c, const rank_published *pub, const rank_data *d,
                                  const rank_outcome *o, const rank_data_agency *da,
                                  Chiso__Ranking__Scorecard *sc, bool overseer)
{
    Chiso__Ranking__PublishedView *v = pub->view;
    json_t *group = json_object_get(pub->groups, da->group);
    json_t *list = json_object_get(group, "agencies");
    v->has_good_or_better = v->has_excellent_quota = group != NULL;
    v->good_or_better = (int32_t)json_integer_value(json_object_get(group, "good_or_better"));
    v->excellent_quota = (int32_t)json_integer_value(json_object_get(group, "excellent_quota"));
    v->group = (void *)cs_call_array(c, json_array_size(list));
    size_t i;
    json_t *a;
    json_array_foreach(list, i, a) {
        /* the snapshot names agencies by code: the id from the working data when known */
        const char *code = json_string_value(json_object_get(a, "code"));
        long long id = 0;
        for (size_t k = 0; k < d->n_agencies && !id; k++)
            if (code && strcmp(d->agencies[k].code, code) == 0)
                id = d->agencies[k].id;
        Chiso__Ranking__AgencyResult *m = rank_published_msg(c, a, id);
        v->group[v->n_group++] = m;
        if (id == da->id)
            v->result = m;
    }
    const rank_result *mine = NULL;
    for (size_t g = 0; g < o->n_groups; g++)
        for (size_t k = 0; k < o->groups[g].n; k++)
            if (o->groups[g].agencies[k].id == da->id)
                mine = &o->groups[g].agencies[k];
    v->working_differs = !mine || rank_published_differs(
        d, mine, rank_published_agency(pub, da->group, da->code));
    if (!overseer) {
        sc->result = v->result;
        sc->has_good_or_better = sc->has_excellent_quota = v->has_good_or_better;
        sc->good_or_better = v->good_or_better;
        sc->excellent_quota = v->excellent_quota;
        sc->has_publication_blocked_by_tie = false;
    }
    sc->published = v;
}

int rank_rpc_scorecard(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Ranking__ScorecardRequest *req = (const void *)in;
    if (cs_call_province(c) <= 0)
        return cs_err_forbidden(cs_call_err(c));
    if (rank_rpc_period_arg(c, req->has_period_id, req->period_id) < 0)
        return -1;
    if (!req->has_agency_id || req->agency_id <= 0)
        return cs_err_invalid(cs_call_err(c), "agency_id", "thiếu mã cơ quan",
                              "agency_id is required");
    /* An agency's own users see their own scorecard; the province's overseers see all. */
    bool overseer = rank_rpc_sees_province(c);
    if (!overseer && cs_call_agency(c) != req->agency_id)
        return cs_err_forbidden(cs_call_err(c));
    s_agency_view view = {true, true, true};
    if (!overseer && s_agency_view_of(c, req->period_id, &view) < 0)
        return -1;
    bool words = !overseer || cs_call_has_role(c, "province_admin") ||
                 cs_call_has_role(c, "viewer");
    if (!words) {
        int lead = cs_leader_oversees(c, req->period_id, req->agency_id);
        if (lead < 0)
            return -1;
        words = lead > 0;
    }
    rank_published pub;
    if (rank_published_load(c, req->period_id, &pub) < 0)
        return -1;
    rank_data *d;
    rank_outcome *o;
    if (rank_rpc_load(c, req->period_id, NULL, req->agency_id, &d, &o) < 0) {
        rank_published_free(&pub);
        return -1;
    }
    long idx = rank_data_find(d, req->agency_id);
    if (idx < 0) {
        s_free(&d, &o);
        rank_published_free(&pub);
        return cs_err_not_found(cs_call_err(c), "agency");
    }
    const rank_data_agency *da = &d->agencies[idx];
    Chiso__Ranking__Scorecard *sc = (void *)cs_call_msg(c, &chiso__ranking__scorecard__descriptor);
    sc->has_period_id = true;
    sc->period_id = d->period_id;
    sc->has_agency_id = true;
    sc->agency_id = da->id;
    sc->agency_code = cs_call_strdup(c, da->code);
    sc->agency_name = cs_call_strdup(c, da->name);
    sc->group_code = cs_call_strdup(c, da->group);
    for (size_t g = 0; g < o->n_groups; g++) {
        const rank_group *rg = &o->groups[g];
        for (size_t i = 0; i < rg->n; i++) {
            if (rg->agencies[i].id != da->id)
                continue;
            sc->result = s_agency_msg(c, d, &rg->agencies[i]);
            sc->has_good_or_better = true;
            sc->good_or_better = rg->good_or_better;
            sc->has_excellent_quota = true;
            sc->excellent_quota = rg->excellent_quota;
            sc->has_publication_blocked_by_tie = true;
            sc->publication_blocked_by_tie = rg->publication_blocked_by_tie;
        }
    }
    sc->n_leaves = da->n_leaves;
    sc->leaves = (void *)cs_call_array(c, da->n_leaves);
    size_t n_short = 0;
    for (size_t k = 0; k < da->n_leaves; k++) {
        sc->leaves[k] = s_leaf_msg(c, &da->info[k], &da->leaves[k]);
        n_short += rank_leaf_lost(&da->leaves[k]) > 0;
    }
    /* The shortcomings the decree asks to notify: leaves that lost points, with the
     * council's latest comment. */
    sc->shortcomings = (void *)cs_call_array(c, n_short);
    for (size_t k = 0; k < da->n_leaves; k++) {
        int64_t lost = rank_leaf_lost(&da->leaves[k]);
        if (lost <= 0)
            continue;
        const rank_leaf_info *li = &da->info[k];
        Chiso__Ranking__Shortcoming *sh =
            (void *)cs_call_msg(c, &chiso__ranking__shortcoming__descriptor);
        sh->leaf_code = cs_call_strdup(c, li->code);
        sh->title = cs_call_strdup(c, li->title);
        sh->has_max_points = true;
        sh->max_points = li->raw.max_points;
        sh->has_effective = true;
        sh->effective = da->leaves[k].value;
        sh->has_lost = true;
        sh->lost = lost;
        const char *comment = li->raw.has_r2 && li->r2_comment ? li->r2_comment
                              : li->r1_comment                 ? li->r1_comment
                                                               : li->r2_comment;
        sh->comment = cs_call_strdup(c, comment);
        sc->shortcomings[sc->n_shortcomings++] = sh;
    }
    if (pub.view)
        s_scorecard_published(c, &pub, d, o, da, sc, overseer);
    s_free(&d, &o);
    rank_published_free(&pub);
    s_agency_redact(sc, &view);
    if (!words)
        s_leader_redact(sc);
    *out = (ProtobufCMessage *)sc;
    return 0;
}
