-- catalog: who still has work in a phase, and the reminders due (SPEC §4, issue 8 item 5;
-- the table is in 015_reminders.sql). These catalog objects read the submissions, appraisal
-- and leadership schemas (as ranking does), so they are created once those exist. Views
-- with security_invoker: row-level security of the caller's province applies throughout.

-- Every leaf each active agency has in a period (its group's index set), N/A leaves left out.
CREATE VIEW catalog.reminder_leaves WITH (security_invoker = true) AS
SELECT pe.province_id, pe.id AS period_id, a.id AS agency_id, a.group_code,
       n.code AS leaf_code, n.content, n.auto_source IS NOT NULL AS automatic
  FROM catalog.periods pe
  JOIN catalog.period_index_sets pis ON pis.period_id = pe.id
  JOIN catalog.agencies a ON a.province_id = pe.province_id AND a.group_code = pis.group_code
                         AND a.active
  JOIN catalog.index_nodes n ON n.index_set_id = pis.index_set_id AND n.is_leaf
 WHERE NOT EXISTS (SELECT 1 FROM appraisal.na_decisions na
                    WHERE na.period_id = pe.id AND na.agency_id = a.id
                      AND na.leaf_code = n.code AND na.not_applicable);

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
CREATE VIEW catalog.reminder_work WITH (security_invoker = true) AS
WITH missing AS (
    SELECT l.* FROM catalog.reminder_leaves l
     WHERE l.content IN (1, 2) AND NOT l.automatic
       AND NOT EXISTS (SELECT 1 FROM submissions.scores s
                        WHERE s.period_id = l.period_id AND s.agency_id = l.agency_id
                          AND s.leaf_code = l.leaf_code AND s.score IS NOT NULL)
), open_agencies AS (
    SELECT DISTINCT l.province_id, l.period_id, l.agency_id FROM catalog.reminder_leaves l
     WHERE NOT EXISTS (SELECT 1 FROM submissions.submissions sb
                        WHERE sb.period_id = l.period_id AND sb.agency_id = l.agency_id
                          AND sb.state = 'submitted')
), in_scope AS (
    SELECT l.*, u.id AS user_id FROM catalog.reminder_leaves l
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
  FROM catalog.reminder_leaves l
  JOIN leadership.assignments asg ON asg.period_id = l.period_id AND asg.agency_id = l.agency_id
  JOIN catalog.users u ON u.id = asg.leader_id AND u.active AND 'leader' = ANY (u.roles)
 WHERE l.content = 4
   AND NOT EXISTS (SELECT 1 FROM leadership.scores s
                    WHERE s.period_id = l.period_id AND s.agency_id = l.agency_id
                      AND s.leaf_code = l.leaf_code AND s.leader_id = u.id)
 GROUP BY l.province_id, l.period_id, u.id;

GRANT SELECT ON catalog.reminder_leaves, catalog.reminder_work TO chiso_app;

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
          FROM catalog.reminder_work w
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
