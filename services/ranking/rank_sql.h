/*  rank_sql: the pieces of SQL that the ranking document (rank_rpc.c: every leaf, for
 *  scorecards and reports) and the sums statement (rank_sums.c: per-content sums, for
 *  compute and results) share, so the two read the same sources the same way. Each
 *  is a run of string literals to be placed inside a statement whose WITH list has
 *  p (the period), ag (its agencies), ap, ls and aq, with $1 the period id. */
#ifndef RANK_SQL_H
#define RANK_SQL_H

/* the per-leaf sources joined to each agency's leaves (n): self score, the rounds (ap),
 * N/A decisions, survey points, the leaders' scores (ls), upheld appeals (aq) */
#define RANK_SQL_LEAF_JOINS \
    "  LEFT JOIN submissions.scores s ON s.period_id = $1 AND s.agency_id = ag.id" \
    "       AND s.leaf_code = n.code" \
    "  LEFT JOIN ap ON ap.agency_id = ag.id AND ap.leaf_code = n.code" \
    "  LEFT JOIN appraisal.na_decisions na ON na.period_id = $1 AND na.agency_id = ag.id" \
    "       AND na.leaf_code = n.code" \
    "  LEFT JOIN surveys.leaf_points sp ON sp.period_id = $1 AND sp.agency_id = ag.id" \
    "       AND sp.leaf_code = n.code" \
    "  LEFT JOIN ls ON ls.agency_id = ag.id AND ls.leaf_code = n.code" \
    "  LEFT JOIN aq ON aq.agency_id = ag.id AND aq.leaf_code = n.code" \
    "  GROUP BY ag.id),"

/* disc: agencies whose head or a deputy has a discipline record dated in the period's year
 * (docs/DESIGN.md §7) */
#define RANK_SQL_DISC \
    " disc AS (" \
    "  SELECT DISTINCT pe.agency_id FROM catalog.people pe" \
    "  JOIN catalog.discipline d ON d.person_id = pe.id" \
    "  JOIN p ON EXTRACT(YEAR FROM d.decided_on) = p.year),"

/* pm's select list: each agency's 766 values for the period's year, from its year record
 * or summed from its quarters and months (portal.year_metrics; the newest batch covering
 * each period), with the periods behind them; the caller adds its WHERE */
#define RANK_SQL_PM_ROW \
    "  SELECT m.agency_id, max(m.batch_id) AS batch, json_object_agg(m.code, json_build_object(" \
    "      'null', m.is_null, 'num', m.numerator, 'den', m.denominator," \
    "      'score', m.score::text, 'max_score', m.max_score::text," \
    "      'periods', m.periods)) AS metrics" \
    "  FROM p JOIN portal.year_metrics m ON m.year = p.year"

/* pd: each agency's dossier counts of the year (portal.year_dossiers); cm: the content
 * maxima of the index sets in use. Ends the WITH list */
#define RANK_SQL_PD_CM \
    " pd AS (" \
    "  SELECT d.agency_id, d.batch_id, d.on_time, d.late" \
    "  FROM p JOIN portal.year_dossiers d ON d.year = p.year" \
    "  WHERE d.agency_id IN (SELECT id FROM ag))," \
    " cm AS (" \
    "  SELECT ic.index_set_id, json_object_agg(ic.content, ic.max_points) AS m" \
    "  FROM catalog.index_contents ic" \
    "  WHERE ic.max_points IS NOT NULL AND ic.index_set_id IN (SELECT index_set_id FROM ag)" \
    "  GROUP BY ic.index_set_id)"

#endif
