-- catalog: who still has work in a phase, and the reminders due (SPEC §4, issue 8 item 5;
-- the table is in 015_reminders.sql). They read the submissions, appraisal and leadership
-- schemas (as ranking does) and catalog.period_leaves (080, the leaves a period scores per
-- group), so reminder_work is PL/pgSQL: its query is bound when it first runs, not here.
-- SECURITY INVOKER (the default): row-level security of the caller's province applies.

-- Who still has work in which phase (task, and how many items are left):
--   self_assessment  editors: leaves of contents 1-2 (not automatic) without a self score,
--                    while the agency has not submitted; heads: not submitted yet
--                    (items = the leaves still without a score, possibly 0);
--   appraisal_1      appraisers: leaves of contents 1-2 in their scope (prefix x group)
--                    without a round-1 score, never their own agency;
--   appraisal_2      the same for the leaves the agency explained (explanation phase)
--                    without a round-2 score;
--   leadership       leaders: content-4 leaves of the agencies assigned to them without
--                    their own score.
CREATE FUNCTION catalog.reminder_work()
RETURNS TABLE (province_id bigint, period_id bigint, phase text, user_id bigint, task text,
               items int)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
WITH leaves AS (
    -- every leaf each active agency scores in a period (catalog.period_leaves, 080), N/A
    -- leaves left out
    SELECT a.province_id, pl.period_id, a.id AS agency_id, a.group_code, pl.code AS leaf_code,
           pl.content, pl.auto IS NOT NULL AS automatic
      FROM catalog.period_leaves pl
      JOIN catalog.agencies a ON a.province_id = pl.province_id
                             AND a.group_code = pl.group_code AND a.active
     WHERE NOT EXISTS (SELECT 1 FROM appraisal.na_decisions na
                        WHERE na.period_id = pl.period_id AND na.agency_id = a.id
                          AND na.leaf_code = pl.code AND na.not_applicable)
), missing AS (
    SELECT l.* FROM leaves l
     WHERE l.content IN (1, 2) AND NOT l.automatic
       AND NOT EXISTS (SELECT 1 FROM submissions.scores s
                        WHERE s.period_id = l.period_id AND s.agency_id = l.agency_id
                          AND s.leaf_code = l.leaf_code AND s.score IS NOT NULL)
), open_agencies AS (
    SELECT DISTINCT l.province_id, l.period_id, l.agency_id FROM leaves l
     WHERE NOT EXISTS (SELECT 1 FROM submissions.submissions sb
                        WHERE sb.period_id = l.period_id AND sb.agency_id = l.agency_id
                          AND sb.state = 'submitted')
), in_scope AS (
    SELECT l.*, u.id AS user_id FROM leaves l
      JOIN appraisal.council_scopes cs ON cs.period_id = l.period_id
                                      AND cs.group_code = l.group_code
                                      AND (cs.prefix = '' OR l.leaf_code = cs.prefix
                                           OR left(l.leaf_code, length(cs.prefix) + 1) = cs.prefix || '.')
      JOIN catalog.users u ON u.id = cs.user_id AND u.active AND 'appraiser' = ANY (u.roles)
     WHERE l.content IN (1, 2) AND NOT l.automatic
       AND u.agency_id IS DISTINCT FROM l.agency_id
)
SELECT o.province_id, o.period_id, 'self_assessment'::text AS phase, u.id AS user_id,
       'leaves_not_entered'::text AS task, count(*)::int AS items
  FROM open_agencies o
  JOIN missing m ON m.period_id = o.period_id AND m.agency_id = o.agency_id
  JOIN catalog.users u ON u.agency_id = o.agency_id AND u.active
                      AND 'agency_editor' = ANY (u.roles)
 GROUP BY o.province_id, o.period_id, u.id
UNION ALL
SELECT o.province_id, o.period_id, 'self_assessment', u.id, 'not_submitted',
       (SELECT count(*)::int FROM missing m
         WHERE m.period_id = o.period_id AND m.agency_id = o.agency_id)
  FROM open_agencies o
  JOIN catalog.users u ON u.agency_id = o.agency_id AND u.active AND 'agency_head' = ANY (u.roles)
UNION ALL
SELECT s.province_id, s.period_id, 'appraisal_1', s.user_id, 'leaves_unappraised',
       count(DISTINCT (s.agency_id, s.leaf_code))::int
  FROM in_scope s
 WHERE NOT EXISTS (SELECT 1 FROM appraisal.scores x
                    WHERE x.period_id = s.period_id AND x.agency_id = s.agency_id
                      AND x.leaf_code = s.leaf_code AND x.round = 1 AND x.score IS NOT NULL)
 GROUP BY s.province_id, s.period_id, s.user_id
UNION ALL
SELECT s.province_id, s.period_id, 'appraisal_2', s.user_id, 'explained_unappraised',
       count(DISTINCT (s.agency_id, s.leaf_code))::int
  FROM in_scope s
 WHERE EXISTS (SELECT 1 FROM submissions.explanations x
                WHERE x.period_id = s.period_id AND x.agency_id = s.agency_id
                  AND x.leaf_code = s.leaf_code)
   AND NOT EXISTS (SELECT 1 FROM appraisal.scores x
                    WHERE x.period_id = s.period_id AND x.agency_id = s.agency_id
                      AND x.leaf_code = s.leaf_code AND x.round = 2 AND x.score IS NOT NULL)
 GROUP BY s.province_id, s.period_id, s.user_id
UNION ALL
SELECT l.province_id, l.period_id, 'leadership', u.id, 'leadership_unscored', count(*)::int
  FROM leaves l
  JOIN leadership.assignments asg ON asg.period_id = l.period_id AND asg.agency_id = l.agency_id
  JOIN catalog.users u ON u.id = asg.leader_id AND u.active AND 'leader' = ANY (u.roles)
 WHERE l.content = 4
   AND NOT EXISTS (SELECT 1 FROM leadership.scores s
                    WHERE s.period_id = l.period_id AND s.agency_id = l.agency_id
                      AND s.leaf_code = l.leaf_code AND s.leader_id = u.id)
 GROUP BY l.province_id, l.period_id, u.id;
END
$$;
GRANT EXECUTE ON FUNCTION catalog.reminder_work() TO chiso_app;

-- Insert the reminders due at p_now in the tenant's province: for each open phase, the
-- smallest lead time whose window has begun (closes_at - lead <= p_now < closes_at), for
-- each user with work left. A reminder already there is left alone (ON CONFLICT): running
-- this twice, or from two senders at once, inserts each reminder once. Texts carry the
-- closing time in the province's time zone. Returns how many were inserted.
CREATE FUNCTION catalog.reminders_enqueue(p_now timestamptz) RETURNS int
LANGUAGE sql VOLATILE AS $$
    WITH due AS (
        SELECT ph.province_id, ph.period_id, ph.phase, ph.closes_at, pe.code AS period_code,
               pe.name AS period_name, pr.time_zone,
               (SELECT min(d) FROM unnest(catalog.reminder_lead_days(pe.config)) d
                 WHERE ph.closes_at - make_interval(days => d) <= p_now) AS lead_days
          FROM catalog.phases ph
          JOIN catalog.periods pe ON pe.id = ph.period_id
          JOIN catalog.provinces pr ON pr.id = ph.province_id
         WHERE ph.opens_at <= p_now AND p_now < ph.closes_at
    ), work AS (
        SELECT w.period_id, w.phase, w.user_id,
               string_agg(catalog.reminder_task_vi(w.task, w.items), ' ' ORDER BY w.task) AS tasks
          FROM catalog.reminder_work() w
         GROUP BY w.period_id, w.phase, w.user_id
    ), ins AS (
        INSERT INTO catalog.notifications (province_id, period_id, phase, lead_days, user_id,
                                           closes_at, title, body, created_at, next_attempt_at)
        SELECT d.province_id, d.period_id, d.phase, d.lead_days, w.user_id, d.closes_at,
               format('Nhắc việc: giai đoạn «%s» kỳ %s đóng lúc %s',
                      catalog.phase_name_vi(d.phase), d.period_code,
                      to_char(d.closes_at AT TIME ZONE d.time_zone, 'HH24:MI DD/MM/YYYY')),
               format('Giai đoạn «%s» của kỳ đánh giá «%s» đóng lúc %s ngày %s (giờ %s). %s Vui lòng hoàn thành trước thời hạn.',
                      catalog.phase_name_vi(d.phase), d.period_name,
                      to_char(d.closes_at AT TIME ZONE d.time_zone, 'HH24:MI'),
                      to_char(d.closes_at AT TIME ZONE d.time_zone, 'DD/MM/YYYY'),
                      d.time_zone, w.tasks),
               p_now, p_now
          FROM due d JOIN work w ON w.period_id = d.period_id AND w.phase = d.phase
         WHERE d.lead_days IS NOT NULL
        ON CONFLICT (period_id, phase, lead_days, user_id) DO NOTHING
        RETURNING 1
    )
    SELECT count(*)::int FROM ins
$$;
GRANT EXECUTE ON FUNCTION catalog.reminders_enqueue(timestamptz) TO chiso_app;
