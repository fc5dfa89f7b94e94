-- surveys: answering an invitation. The public has no tenant (no session), so the two steps
-- that start from a token go through SECURITY DEFINER functions owned by the superuser that
-- touch exactly what they need (docs/DESIGN.md §4). A response row is written without the
-- invitation's id, so it cannot be linked back to the recipient.

-- The form an invitation opens: one row per question; state 'open', 'used' or 'expired'.
-- No row: unknown token.
CREATE FUNCTION surveys.form_by_token(p_hash bytea)
RETURNS TABLE (state text, title text, respondent_group text, agency_name text,
               question_id bigint, question_position int, question_text text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
  SELECT CASE WHEN i.used_on IS NOT NULL THEN 'used'
              WHEN i.expires_at IS NOT NULL AND i.expires_at <= now() THEN 'expired'
              ELSE 'open' END,
         q.title, q.respondent_group, a.name, qu.id, qu.position, qu.text_vi
    FROM surveys.invitations i
    JOIN surveys.questionnaires q ON q.id = i.questionnaire_id
    JOIN catalog.agencies a ON a.id = i.agency_id
    LEFT JOIN surveys.questions qu ON qu.questionnaire_id = q.id
   WHERE i.token_hash = p_hash
   ORDER BY qu.position
$$;

-- Store one response: 'ok', or why not ('unknown', 'used', 'expired', 'quota_full',
-- 'invalid_answers': not exactly one answer 1..5 per question). Nothing changes unless 'ok'.
CREATE FUNCTION surveys.submit_response(p_hash bytea, p_question_ids bigint[], p_values int[])
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  inv record;
  q record;
  n_questions int;
  n_matching int;
  rid uuid;
BEGIN
  SELECT i.id, i.province_id, i.questionnaire_id, i.agency_id, i.used_on, i.expires_at
    INTO inv FROM surveys.invitations i WHERE i.token_hash = p_hash FOR UPDATE;
  IF NOT FOUND THEN RETURN 'unknown'; END IF;
  IF inv.used_on IS NOT NULL THEN RETURN 'used'; END IF;
  IF inv.expires_at IS NOT NULL AND inv.expires_at <= now() THEN RETURN 'expired'; END IF;

  SELECT count(*) INTO n_questions FROM surveys.questions WHERE questionnaire_id = inv.questionnaire_id;
  SELECT count(DISTINCT x.qid) INTO n_matching
    FROM unnest(p_question_ids) AS x(qid)
    JOIN surveys.questions qu ON qu.id = x.qid AND qu.questionnaire_id = inv.questionnaire_id;
  IF cardinality(p_question_ids) IS DISTINCT FROM cardinality(p_values)
     OR cardinality(p_question_ids) <> n_questions OR n_matching <> n_questions
     OR EXISTS (SELECT 1 FROM unnest(p_values) AS v(x) WHERE x IS NULL OR x < 1 OR x > 5) THEN
    RETURN 'invalid_answers';
  END IF;

  -- One at a time per questionnaire, so the quota holds under concurrent answers.
  SELECT qq.quota INTO q FROM surveys.questionnaires qq WHERE qq.id = inv.questionnaire_id FOR UPDATE;
  IF q.quota IS NOT NULL AND q.quota > 0 AND
     (SELECT count(*) FROM surveys.responses r
       WHERE r.questionnaire_id = inv.questionnaire_id AND r.agency_id = inv.agency_id) >= q.quota THEN
    RETURN 'quota_full';
  END IF;

  UPDATE surveys.invitations SET used_on = current_date, recipient = NULL WHERE id = inv.id;
  INSERT INTO surveys.responses (province_id, questionnaire_id, agency_id)
       VALUES (inv.province_id, inv.questionnaire_id, inv.agency_id) RETURNING id INTO rid;
  INSERT INTO surveys.answers (response_id, province_id, question_id, likert)
       SELECT rid, inv.province_id, x.qid, x.v
         FROM unnest(p_question_ids, p_values) AS x(qid, v);
  RETURN 'ok';
END
$$;

REVOKE ALL ON FUNCTION surveys.form_by_token(bytea) FROM PUBLIC;
REVOKE ALL ON FUNCTION surveys.submit_response(bytea, bigint[], int[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION surveys.form_by_token(bytea) TO chiso_app;
GRANT EXECUTE ON FUNCTION surveys.submit_response(bytea, bigint[], int[]) TO chiso_app;
