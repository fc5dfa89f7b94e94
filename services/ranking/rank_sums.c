/*  rank_sums: a period's ranking with the leaves summed by PostgreSQL (see rank_rpc.h).
 *
 *  rank_rpc_load sends every leaf of every agency to C (130 agencies x 150 leaves: 19,500
 *  JSON objects with their titles and comments, parsed one by one) — what a scorecard or a
 *  report shows. The ranking itself needs, per agency and content, only the sum of the
 *  applicable leaves' effective values and of their maxima (SPEC §5: content 3 the survey
 *  points; content 4 the leaders' mean, half-up to 0.01; contents 1, 2, 5, 6 an upheld
 *  appeal, else round 2, else round 1, else the self score; N/A neither scored nor counted
 *  in the maximum, in integer hundredths). Those sums are kept by the writes themselves
 *  (ranking.content_sums, migrations 089-090: every write of a leaf's source notes the leaf
 *  as pending; Compute folds the pending leaves in, adding the change of each one's counted
 *  value to its agency's content sum, and ranking.current_sums adds those not folded yet;
 *  ranking.full_sums computes the same from scratch and test_ranking_kept.py holds them
 *  equal), so this statement reads ~130 x 6 rows instead of resolving 19,500 leaves. Two kinds of leaves still travel one
 *  by one, to rank.c's own code: automatic leaves (their value comes from the 766 feed,
 *  rank_auto.c) and leaves with a required minimum (the heads' rating names the first one
 *  missed, in leaf order). The classification, ranking and ties stay in rank.c. */
#include <stdlib.h>
#include "rank_rpc.h"
#include "rank_sql.h"

/* $1 period, $2 group filter (NULL: all), $3 agency whose group is wanted (NULL: any). */
static const char SQL_SUMS[] =
    "WITH p AS (SELECT id, year, config FROM catalog.periods WHERE id = $1),"
    " ag AS ("
    "  SELECT ag.id, ag.code, ag.name, ag.group_code, pis.index_set_id"
    "  FROM p JOIN catalog.period_index_sets pis ON pis.period_id = p.id"
    "  JOIN catalog.agencies ag ON ag.group_code = pis.group_code AND ag.active"
    "  WHERE ($2::text IS NULL OR ag.group_code = $2)"
    "    AND ($3::bigint IS NULL OR ag.group_code ="
    "         (SELECT a3.group_code FROM catalog.agencies a3 WHERE a3.id = $3))),"
    /* the leaves rank.c reads one by one: automatic, or with a required minimum
     * (materialised: joined per agency, the view was scanned once per agency) */
    " dl AS MATERIALIZED ("
    "  SELECT group_code, code, content, max_points, sort, auto, required_min"
    "  FROM catalog.period_leaves"
    "  WHERE period_id = $1 AND (auto IS NOT NULL OR required_min IS NOT NULL)),"
    /* the maxima of the summed leaves per group and content (migration 089) */
    " gm AS (SELECT group_code, json_object_agg(content, m) AS m FROM (SELECT group_code, content,"
    "  sum(max_points) AS m FROM ranking.summed_leaves WHERE period_id = $1"
    "  GROUP BY group_code, content) g GROUP BY group_code),"
    /* the sums kept for the writes (ranking.current_sums: the counted values and the N/A
     * maxima of the summed leaves per agency and content, as folded, plus the changes of
     * the leaves written since) */
    " es AS ("
    "  SELECT agency_id, json_object_agg(content, s) AS presum, json_object_agg(content, nm) AS na_max"
    "  FROM ranking.current_sums($1) GROUP BY agency_id),"
    /* an upheld appeal's new value, the latest per leaf (rank_rpc.c's aq), of the leaves
     * read one by one */
    " aq AS ("
    "  SELECT DISTINCT ON (agency_id, leaf_code) agency_id, leaf_code, new_value"
    "  FROM appraisal.appeal_items WHERE period_id = $1 AND decision = 'upheld'"
    "    AND leaf_code IN (SELECT code FROM dl)"
    "  ORDER BY agency_id, leaf_code, answered_at DESC, id DESC),"
    " ls AS ("
    "  SELECT agency_id, leaf_code, json_agg(score ORDER BY leader_id) AS scores"
    "  FROM leadership.scores WHERE period_id = $1 AND leaf_code IN (SELECT code FROM dl)"
    "  GROUP BY agency_id, leaf_code),"
    " ap AS ("
    "  SELECT agency_id, leaf_code,"
    "         min(score) FILTER (WHERE round = 1) AS r1, min(score) FILTER (WHERE round = 2) AS r2"
    "  FROM appraisal.scores WHERE period_id = $1 AND leaf_code IN (SELECT code FROM dl)"
    "  GROUP BY agency_id, leaf_code),"
    " lv AS ("
    "  SELECT ag.id AS agency_id, json_agg(json_build_object("
    "      'code', n.code, 'content', n.content, 'max', n.max_points,"
    "      'na', COALESCE(na.not_applicable, false),"
    "      'self', s.score, 'r1', ap.r1, 'r2', COALESCE(aq.new_value, ap.r2),"
    "      'survey', sp.points, 'leaders', ls.scores, 'auto', n.auto,"
    "      'required_min', n.required_min) ORDER BY n.sort, n.code) AS leaves"
    "  FROM ag JOIN dl n ON n.group_code = ag.group_code"
    RANK_SQL_LEAF_JOINS
    RANK_SQL_DISC
    /* the 766 values only of the metrics an automatic leaf of the period reads */
    " am AS ("
    "  SELECT DISTINCT auto->>'metric' AS code FROM dl WHERE auto IS NOT NULL),"
    " pm AS ("
    RANK_SQL_PM_ROW
    "  WHERE m.agency_id IN (SELECT id FROM ag) AND m.code IN (SELECT code FROM am)"
    "  GROUP BY m.agency_id),"
    RANK_SQL_PD_CM
    " SELECT json_build_object("
    "  'version', ranking.input_version($1),"
    "  'period', (SELECT json_build_object('id', p.id, 'year', p.year, 'config', p.config) FROM p),"
    "  'tiebreaks', COALESCE((SELECT json_agg(json_build_object('id', t.id,"
    "                                 'group', t.group_code, 'ids', t.agency_ids) ORDER BY t.id)"
    "    FROM leadership.tiebreaks t WHERE t.period_id = $1), '[]'::json),"
    "  'agencies', COALESCE((SELECT json_agg(json_build_object("
    "      'id', ag.id, 'code', ag.code, 'name', ag.name, 'group', ag.group_code,"
    "      'disciplined', disc.agency_id IS NOT NULL, 'content_max', cm.m,"
    "      'leaves', COALESCE(lv.leaves, '[]'::json),"
    "      'presum', COALESCE(es.presum, '{}'::json),"
    "      'group_max', COALESCE(gm.m, '{}'::json), 'na_max', COALESCE(es.na_max, '{}'::json),"
    "      'portal', json_build_object('batch', pm.batch, 'metrics', pm.metrics),"
    "      'dossiers', CASE WHEN pd.agency_id IS NULL THEN NULL ELSE json_build_object("
    "          'batch', pd.batch_id, 'on_time', pd.on_time, 'late', pd.late) END)"
    "      ORDER BY ag.group_code, ag.code)"
    "    FROM ag LEFT JOIN lv ON lv.agency_id = ag.id LEFT JOIN es ON es.agency_id = ag.id"
    "    LEFT JOIN gm ON gm.group_code = ag.group_code"
    "    LEFT JOIN pm ON pm.agency_id = ag.id LEFT JOIN pd ON pd.agency_id = ag.id"
    "    LEFT JOIN disc ON disc.agency_id = ag.id"
    "    LEFT JOIN cm ON cm.index_set_id = ag.index_set_id), '[]'::json))::text";

int rank_rpc_fold_pending(cs_call *c, long long period_id)
{
    const char *p[1] = {cs_call_int(c, period_id)};
    return cs_call_exec(c, "SELECT ranking.fold_pending($1)", 1, p) ? 0 : -1;
}

int rank_rpc_load_sums(cs_call *c, long long period_id, const char *group, long long agency_id,
                       rank_data **data, rank_outcome **outcome)
{
    /* planned once per connection: planning this statement took ~25 ms, as long as
     * running it, and its plan does not depend on the values (a period's rows by key) */
    cs_call_generic_plans(c);
    return rank_rpc_load_doc(c, SQL_SUMS, period_id, group, agency_id, data, outcome);
}
