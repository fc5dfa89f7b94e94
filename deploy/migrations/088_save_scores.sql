-- A score save in two statements instead of seven (issue 11, P1). The save read the agency's
-- group, the period, the phase window and the submission's state (one statement), set the
-- generic-plan mode (another), read the items (a third), then wrote each changed score and
-- queued its audit row (two per item): every statement a bind, a portal, a snapshot, an
-- executor start and its relation locks, seven times per one-item save. Now:
--   * submissions.save_read: the same two queries, in the same order (the submission's row
--     locked before the items' score rows, so a save and a submit serialise as before), one
--     call, planned generically once per session (the unnest($3) estimate made the server
--     re-plan the items query every time);
--   * submissions.save_write: the changed items' writes and their audit rows, one call that
--     goes with the COMMIT.
-- The rules (contents the agency scores, range, step, automatic and N/A leaves, phase and
-- state) stay in C (services/submissions/sub_rules.c, sub_scores.c) between the two calls:
-- save_read only reads, save_write only writes what C has validated. Both run as the caller
-- (row-level security applies, core.tenant() is the caller's province).

-- Row 0: the request's head (the agency's group, NULL when the agency is not the caller's
-- province's; whether the period exists; whether the self-assessment phase is open for the
-- agency, NULL without a phase; the submission's state, NULL without a row). Rows 1..n: item
-- i's leaf (content, maximum, step: NULL when the period has no such leaf for the agency's
-- group), whether it was decided not applicable, the stored score (id, value, note; id NULL
-- when none, its row locked otherwise) and the automatic metric (NULL: entered by hand).
CREATE FUNCTION submissions.save_read(p_period bigint, p_agency bigint, p_codes text[])
RETURNS TABLE (i bigint, group_code text, period_ok boolean, phase_open boolean, state text,
               content smallint, max_points bigint, step bigint, na boolean, score_id bigint,
               score bigint, note text, auto_metric text)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN QUERY
    SELECT 0::bigint, a.group_code,
           EXISTS (SELECT 1 FROM catalog.periods WHERE id = p_period),
           (SELECT ph.opens_at <= now() AND now() < greatest(ph.closes_at, x.closes_at)
              FROM catalog.phases ph
              LEFT JOIN catalog.phase_extensions x ON x.period_id = ph.period_id
                   AND x.phase = ph.phase AND x.agency_id = p_agency
             WHERE ph.period_id = p_period AND ph.phase = 'self_assessment'),
           (SELECT st.state FROM submissions.submissions st
             WHERE st.period_id = p_period AND st.agency_id = p_agency FOR UPDATE),
           NULL::smallint, NULL::bigint, NULL::bigint, NULL::boolean, NULL::bigint, NULL::bigint,
           NULL::text, NULL::text
      FROM (SELECT 1) one LEFT JOIN catalog.agencies a ON a.id = p_agency;
    RETURN QUERY
    SELECT l.i, NULL::text, NULL::boolean, NULL::boolean, NULL::text,
           n.content, n.max_points, n.step,
           EXISTS (SELECT 1 FROM appraisal.na_decisions d WHERE d.period_id = p_period
                      AND d.agency_id = p_agency AND d.leaf_code = l.code AND d.not_applicable),
           s.id, s.score, s.note, n.auto ->> 'metric'
      FROM unnest(p_codes) WITH ORDINALITY AS l(code, i)
      LEFT JOIN catalog.period_leaves n ON n.period_id = p_period AND n.code = l.code
       AND n.group_code = (SELECT ag.group_code FROM catalog.agencies ag WHERE ag.id = p_agency)
      LEFT JOIN LATERAL (SELECT sc.id, sc.score, sc.note FROM submissions.scores sc
                          WHERE sc.period_id = p_period AND sc.agency_id = p_agency
                            AND sc.leaf_code = l.code FOR UPDATE) s ON true
     ORDER BY l.i;
END $$;

-- Write the validated, changed items: p_ids[k] the stored score's id (locked by save_read)
-- or NULL for a new one; p_old[k] / p_new[k] the audit's old and new values as JSON text
-- (made in C, the same document as every other audit row of a score). Each write gets its
-- audit row, in item order; returns how many were written.
CREATE FUNCTION submissions.save_write(p_province bigint, p_period bigint, p_agency bigint,
                                       p_user bigint, p_login text, p_request text,
                                       p_ids bigint[], p_codes text[], p_scores bigint[],
                                       p_notes text[], p_old text[], p_new text[])
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    k integer;
    n integer := coalesce(array_length(p_codes, 1), 0);
    sid bigint;
BEGIN
    FOR k IN 1 .. n LOOP
        sid := p_ids[k];
        IF sid IS NOT NULL THEN
            UPDATE submissions.scores SET score = p_scores[k], note = p_notes[k],
                   updated_by = p_user, updated_at = now()
             WHERE id = sid;
        ELSE
            INSERT INTO submissions.scores
                   (province_id, period_id, agency_id, leaf_code, score, note, updated_by)
            VALUES (p_province, p_period, p_agency, p_codes[k], p_scores[k], p_notes[k], p_user)
            ON CONFLICT (period_id, agency_id, leaf_code) DO UPDATE
               SET score = EXCLUDED.score, note = EXCLUDED.note,
                   updated_by = EXCLUDED.updated_by, updated_at = now()
            RETURNING id INTO sid;
        END IF;
        INSERT INTO core.audit (province_id, user_id, login, service, entity, entity_id,
                                action, old_value, new_value, reason, request_id)
        VALUES (p_province, nullif(p_user, 0), p_login, 'submissions', 'submissions.score',
                sid, CASE WHEN p_ids[k] IS NULL THEN 'create' ELSE 'update' END,
                p_old[k]::jsonb, p_new[k]::jsonb, NULL, p_request);
    END LOOP;
    RETURN n;
END $$;

REVOKE ALL ON FUNCTION submissions.save_read(bigint, bigint, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION submissions.save_read(bigint, bigint, text[]) TO chiso_app;
REVOKE ALL ON FUNCTION submissions.save_write(bigint, bigint, bigint, bigint, text, text,
                                              bigint[], text[], bigint[], text[], text[],
                                              text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION submissions.save_write(bigint, bigint, bigint, bigint, text, text,
                                                 bigint[], text[], bigint[], text[], text[],
                                                 text[]) TO chiso_app;
