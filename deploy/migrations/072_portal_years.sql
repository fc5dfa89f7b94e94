-- portal: a province's period is a year, the portal often sends months or quarters. The
-- values of year Y for an agency (services/portal/README.md, "A year from months"):
--   * a record of period 'Y' (the newest batch covering it) is the year, alone;
--   * without one, each quarter q is its record 'Y-Qq' if there is one, else the sum of
--     the months of that quarter that arrived ('Y-01'..'Y-03' for Q1, ...): every month
--     counted once, whatever mix of quarters and months came;
--   * dossier counts are summed; a 766 metric's numerator and denominator are summed
--     over the periods that have both (the ratio of the sums, never a mean of ratios);
--     scores out of a maximum (the six groups, a metric's score/maxScore) do not add up
--     over periods: only a year record gives them, so without one an automatic leaf of
--     formula `score` has no portal data (0, shown as such) rather than an invented value.
-- `periods` lists the periods the year was made of ('2025' or '2025-01,...,2025-Q4').

CREATE VIEW portal.year_records WITH (security_invoker = true) AS
WITH r AS (
    SELECT province_id, kind, agency_id, period, year, batch_id,
           CASE WHEN length(period) = 4 THEN 'Y' WHEN substr(period, 6, 1) = 'Q' THEN 'Q'
                ELSE 'M' END AS span,
           CASE WHEN length(period) = 4 THEN 0
                WHEN substr(period, 6, 1) = 'Q' THEN substr(period, 7, 1)::int
                ELSE (substr(period, 6, 2)::int + 2) / 3 END AS quarter
      FROM portal.current_records)
SELECT r.province_id, r.kind, r.agency_id, r.year, r.period, r.batch_id, r.span
  FROM r
 WHERE r.span = 'Y'
    OR (NOT EXISTS (SELECT 1 FROM r y WHERE y.kind = r.kind AND y.agency_id = r.agency_id
                      AND y.year = r.year AND y.span = 'Y')
        AND (r.span = 'Q'
             OR NOT EXISTS (SELECT 1 FROM r q WHERE q.kind = r.kind AND q.agency_id = r.agency_id
                              AND q.year = r.year AND q.span = 'Q' AND q.quarter = r.quarter)));
GRANT SELECT ON portal.year_records TO chiso_app;

-- Dossier counts of an agency's year; batch_id: the newest batch among its periods.
CREATE VIEW portal.year_dossiers WITH (security_invoker = true) AS
SELECT y.province_id, y.agency_id, y.year, max(y.batch_id) AS batch_id,
       string_agg(y.period, ',' ORDER BY y.period) AS periods,
       sum(d.received)::bigint AS received, sum(d.on_time)::bigint AS on_time,
       sum(d.late)::bigint AS late, sum(d.online)::bigint AS online
  FROM portal.year_records y
  JOIN portal.dossiers d ON d.batch_id = y.batch_id AND d.agency_id = y.agency_id
                        AND d.period = y.period
 WHERE y.kind = 'dossiers'
 GROUP BY y.province_id, y.agency_id, y.year;
GRANT SELECT ON portal.year_dossiers TO chiso_app;

-- 766 metrics of an agency's year, one row per code. From a year record: as sent. Summed
-- from quarters or months: metrics only (no group rows), numerator and denominator
-- summed over the periods with both, NULL when none has both; is_null when every period
-- sent the metric as null; ratio, score and max_score NULL (they do not add up).
CREATE VIEW portal.year_metrics WITH (security_invoker = true) AS
WITH y AS (
    SELECT province_id, agency_id, year, period, batch_id, span
      FROM portal.year_records WHERE kind = 'index766')
SELECT y.province_id, y.agency_id, y.year, y.batch_id, y.period AS periods, m.code,
       m.group_code, m.is_group, m.is_null, m.numerator, m.denominator, m.ratio, m.score,
       m.max_score
  FROM y JOIN portal.metrics m ON m.batch_id = y.batch_id AND m.agency_id = y.agency_id
                             AND m.period = y.period
 WHERE y.span = 'Y'
UNION ALL
SELECT y.province_id, y.agency_id, y.year, max(y.batch_id),
       string_agg(y.period, ',' ORDER BY y.period), m.code, min(m.group_code), false,
       bool_and(m.is_null),
       sum(m.numerator) FILTER (WHERE m.numerator IS NOT NULL AND m.denominator IS NOT NULL)::bigint,
       sum(m.denominator) FILTER (WHERE m.numerator IS NOT NULL AND m.denominator IS NOT NULL)::bigint,
       NULL::numeric, NULL::numeric, NULL::numeric
  FROM y JOIN portal.metrics m ON m.batch_id = y.batch_id AND m.agency_id = y.agency_id
                             AND m.period = y.period AND NOT m.is_group
 WHERE y.span <> 'Y'
 GROUP BY y.province_id, y.agency_id, y.year, m.code;
GRANT SELECT ON portal.year_metrics TO chiso_app;
