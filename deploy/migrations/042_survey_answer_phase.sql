-- surveys: answers are accepted only while the period's `survey` phase is open (for the
-- invitation's agency, honouring a per-agency extension), like every other survey write.
-- New result of surveys.submit_response: 'phase_closed'.

CREATE OR REPLACE FUNCTION surveys.submit_response(p_hash bytea, p_question_ids bigint[],
                                                   p_values int[])
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

  SELECT qq.quota, qq.period_id INTO q FROM surveys.questionnaires qq
   WHERE qq.id = inv.questionnaire_id FOR UPDATE;   -- one at a time: the quota holds
  IF NOT EXISTS (
      SELECT 1 FROM catalog.phases ph
        LEFT JOIN catalog.phase_extensions x ON x.period_id = ph.period_id
             AND x.phase = ph.phase AND x.agency_id = inv.agency_id
       WHERE ph.period_id = q.period_id AND ph.phase = 'survey'
         AND ph.opens_at <= now() AND now() < greatest(ph.closes_at, x.closes_at)) THEN
    RETURN 'phase_closed';
  END IF;

  SELECT count(*) INTO n_questions FROM surveys.questions WHERE questionnaire_id = inv.questionnaire_id;
  SELECT count(DISTINCT x.qid) INTO n_matching
    FROM unnest(p_question_ids) AS x(qid)
    JOIN surveys.questions qu ON qu.id = x.qid AND qu.questionnaire_id = inv.questionnaire_id;
  IF cardinality(p_question_ids) IS DISTINCT FROM cardinality(p_values)
     OR cardinality(p_question_ids) <> n_questions OR n_matching <> n_questions
     OR EXISTS (SELECT 1 FROM unnest(p_values) AS v(x) WHERE x IS NULL OR x < 1 OR x > 5) THEN
    RETURN 'invalid_answers';
  END IF;

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

REVOKE ALL ON FUNCTION surveys.submit_response(bytea, bigint[], int[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION surveys.submit_response(bytea, bigint[], int[]) TO chiso_app;
