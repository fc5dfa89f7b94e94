-- Each leaf's resolved inputs and each agency's content sums, kept up to date by the writes,
-- so that computing a period's ranking reads ~130 x 6 rows per province instead of resolving
-- every leaf again (issue 11, P2; services/ranking/rank_sums.c).
--
-- One definition of a leaf's value, shared by everything below and by the ranking service:
--   ranking.leaf_inputs(period)   what is recorded per (agency, leaf): the self score, the
--                                 council's rounds, the latest upheld appeal, the survey
--                                 points, the leaders' scores (sum, count), the N/A decision;
--   ranking.effective_value(...)  SPEC §5/§12 precedence: content 3 the survey, content 4 the
--                                 leaders' mean half-up, else appeal > round 2 > round 1 >
--                                 self;
--   ranking.counted_value / ranking.na_max  what a leaf adds to its content's sum and to the
--                                 N/A maxima (N/A: nothing to the sum, its maximum out);
--   ranking.summed_leaves         the leaves summed here: neither automatic nor with a
--                                 required minimum (rank.c reads those one by one);
--   ranking.full_sums(period)     the sums computed from scratch: the reference the kept sums
--                                 must equal (test_ranking_kept.py), the rebuild and backfill.
--
-- Kept tables:
--   ranking.leaf_values   one row per (period, agency, leaf) with anything recorded: the
--                         leaf_inputs row, catalog-free (an index change leaves it as is);
--   ranking.content_sums  per (period, agency, content, slot): sum of counted values and of
--                         N/A maxima of the summed leaves. A reader adds the slots.
--
-- How they stay exact under concurrent writes (READ COMMITTED):
--   - a statement writing a source (self scores, rounds, N/A, appeals, surveys, leaders)
--     takes, per leaf it touched, a transaction advisory lock on the leaf and a shared one on
--     the period; in its NEXT statement (a fresh snapshot, after any other writer of the leaf
--     committed) it reads the leaf's sources, replaces its leaf_values row and adds
--     (new - old) of the counted value and N/A maximum to its content's sum. The leaf lock
--     makes the old row the one every earlier writer left; the sum's row is updated with
--     s = s + delta, which READ COMMITTED applies to the latest committed row.
--   - the slot is the writing backend (pid mod 4), so concurrent saves of one agency rarely
--     wait on one sum row through each other's commit.
--   - an index change (index nodes, a period's index sets, an agency's group) rebuilds the
--     sums of the periods it touches under the period's lock taken exclusively: it waits for
--     the writes in flight and they wait for it, then read the index as it committed.
--   - a statement touching more than 2,000 leaves (a bulk load) rebuilds its periods the
--     same way instead of taking that many locks.

-- What is recorded per (agency, leaf) of a period. Set-based: every source row of the
-- period read once. Written as one grouping of all sources, so a filter on agency_id and
-- leaf_code (the triggers below, in a LATERAL) reaches every source's primary key.
CREATE FUNCTION ranking.leaf_inputs(p_period bigint)
RETURNS TABLE (province_id bigint, agency_id bigint, leaf_code text, self bigint, r1 bigint,
               r2 bigint, aq bigint, survey bigint, lsum bigint, ln bigint, na boolean)
LANGUAGE sql STABLE AS $$
    SELECT min(x.province_id), x.agency_id, x.leaf_code,
           max(x.v) FILTER (WHERE x.src = 1), max(x.v) FILTER (WHERE x.src = 2),
           max(x.v) FILTER (WHERE x.src = 3), max(x.v) FILTER (WHERE x.src = 4),
           max(x.v) FILTER (WHERE x.src = 5),
           sum(x.v) FILTER (WHERE x.src = 6)::bigint, count(x.v) FILTER (WHERE x.src = 6),
           COALESCE(bool_or(x.v = 1) FILTER (WHERE x.src = 7), false)
      FROM (SELECT s.province_id, s.agency_id, s.leaf_code, 1 AS src, s.score AS v
              FROM submissions.scores s WHERE s.period_id = p_period
            UNION ALL
            SELECT a.province_id, a.agency_id, a.leaf_code, 1 + a.round, a.score
              FROM appraisal.scores a WHERE a.period_id = p_period
            UNION ALL
            -- an upheld appeal's new value, the latest answered per leaf
            SELECT q.province_id, q.agency_id, q.leaf_code, 4, q.new_value
              FROM (SELECT DISTINCT ON (agency_id, leaf_code) province_id, agency_id,
                           leaf_code, new_value
                      FROM appraisal.appeal_items
                     WHERE period_id = p_period AND decision = 'upheld'
                     ORDER BY agency_id, leaf_code, answered_at DESC, id DESC) q
            UNION ALL
            SELECT sp.province_id, sp.agency_id, sp.leaf_code, 5, sp.points
              FROM surveys.leaf_points sp WHERE sp.period_id = p_period
            UNION ALL
            SELECT l.province_id, l.agency_id, l.leaf_code, 6, l.score
              FROM leadership.scores l WHERE l.period_id = p_period
            UNION ALL
            SELECT d.province_id, d.agency_id, d.leaf_code, 7, d.not_applicable::int
              FROM appraisal.na_decisions d WHERE d.period_id = p_period) x
     GROUP BY x.agency_id, x.leaf_code
$$;

-- The effective value in hundredths; leaders' scores are >= 0, so half-up of the mean is
-- (2 sum + n) div 2n. NULL: no value (counts 0).
CREATE FUNCTION ranking.effective_value(p_content int, p_self bigint, p_r1 bigint, p_r2 bigint,
                                        p_aq bigint, p_survey bigint, p_lsum bigint,
                                        p_ln bigint)
RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_content WHEN 3 THEN p_survey
             WHEN 4 THEN CASE WHEN p_ln > 0 THEN (2 * p_lsum + p_ln) / (2 * p_ln) END
             ELSE COALESCE(p_aq, p_r2, p_r1, p_self) END
$$;

-- What a leaf adds to its content's sum: its effective value, 0 without one or when N/A.
CREATE FUNCTION ranking.counted_value(p_content int, p_na boolean, p_self bigint, p_r1 bigint,
                                      p_r2 bigint, p_aq bigint, p_survey bigint,
                                      p_lsum bigint, p_ln bigint)
RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_na THEN 0
                ELSE COALESCE(ranking.effective_value(p_content, p_self, p_r1, p_r2, p_aq,
                                                      p_survey, p_lsum, p_ln), 0) END
$$;

-- What a leaf takes out of the maximum: its max_points when N/A.
CREATE FUNCTION ranking.na_max(p_na boolean, p_max bigint)
RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_na THEN p_max ELSE 0 END
$$;

CREATE VIEW ranking.summed_leaves WITH (security_invoker = true) AS
    SELECT province_id, period_id, group_code, code, content, max_points
      FROM catalog.period_leaves WHERE auto IS NULL AND required_min IS NULL;

-- Per agency and content of the period: the counted values and the N/A maxima of its
-- summed leaves, from scratch.
CREATE FUNCTION ranking.full_sums(p_period bigint)
RETURNS TABLE (province_id bigint, agency_id bigint, content smallint, s bigint, nm bigint)
LANGUAGE sql STABLE AS $$
    SELECT min(i.province_id), i.agency_id, sl.content,
           sum(ranking.counted_value(sl.content, i.na, i.self, i.r1, i.r2, i.aq, i.survey,
                                     i.lsum, i.ln))::bigint,
           sum(ranking.na_max(i.na, sl.max_points))::bigint
      FROM ranking.leaf_inputs(p_period) i
      JOIN catalog.agencies ag ON ag.id = i.agency_id
      JOIN ranking.summed_leaves sl ON sl.period_id = p_period AND sl.group_code = ag.group_code
                                   AND sl.code = i.leaf_code
     GROUP BY i.agency_id, sl.content
$$;

-- leaf_inputs reads a leaf's appeals by its key (the table's own index starts with the
-- province, which leaf_inputs does not know)
CREATE INDEX appeal_items_period_leaf ON appraisal.appeal_items (period_id, agency_id, leaf_code);

CREATE TABLE ranking.leaf_values (
    province_id bigint NOT NULL,
    period_id   bigint NOT NULL,
    agency_id   bigint NOT NULL,
    leaf_code   text NOT NULL,
    self bigint, r1 bigint, r2 bigint, aq bigint, survey bigint, lsum bigint,
    ln          bigint NOT NULL DEFAULT 0,
    na          boolean NOT NULL DEFAULT false,
    PRIMARY KEY (period_id, agency_id, leaf_code)
);
CREATE TABLE ranking.content_sums (
    province_id bigint NOT NULL,
    period_id   bigint NOT NULL,
    agency_id   bigint NOT NULL,
    content     smallint NOT NULL,
    slot        int NOT NULL,
    s           bigint NOT NULL,
    nm          bigint NOT NULL,
    PRIMARY KEY (period_id, agency_id, content, slot)
);
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['ranking.leaf_values', 'ranking.content_sums'] LOOP
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant ON %s USING (province_id = core.tenant())', t);
        -- read only: the triggers below write them as their owner
        EXECUTE format('GRANT SELECT ON %s TO chiso_app', t);
    END LOOP;
END $$;
GRANT SELECT ON ranking.summed_leaves TO chiso_app;
GRANT EXECUTE ON FUNCTION ranking.leaf_inputs(bigint), ranking.full_sums(bigint),
    ranking.effective_value(int, bigint, bigint, bigint, bigint, bigint, bigint, bigint),
    ranking.counted_value(int, boolean, bigint, bigint, bigint, bigint, bigint, bigint, bigint),
    ranking.na_max(boolean, bigint) TO chiso_app;

-- The advisory lock keys: (1886, period) the period, (1887, hash) a leaf.
-- Rebuild the sums of these periods from scratch (leaves too when p_leaves), the periods
-- locked exclusively: the writes in flight finish first, later ones wait for this
-- transaction.
CREATE FUNCTION ranking.rebuild_kept(p_periods bigint[], p_leaves boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
-- whole periods: hash joins. Inside a bulk load's own transaction the tables have no
-- statistics yet, and the planner's nested loop aggregated a period again per leaf (20 s
-- for 4 provinces instead of 0.5 s).
SET enable_nestloop = off SET enable_hashjoin = on SET enable_mergejoin = on AS $$
DECLARE
    periods bigint[] := ARRAY(SELECT DISTINCT x FROM unnest(p_periods) x ORDER BY x);
    p bigint;
BEGIN
    FOREACH p IN ARRAY periods LOOP
        PERFORM pg_advisory_xact_lock(1886, (p & 2147483647)::int);
    END LOOP;
    FOREACH p IN ARRAY periods LOOP
        IF p_leaves THEN
            DELETE FROM ranking.leaf_values WHERE period_id = p;
            INSERT INTO ranking.leaf_values (province_id, period_id, agency_id, leaf_code, self,
                                             r1, r2, aq, survey, lsum, ln, na)
            SELECT i.province_id, p, i.agency_id, i.leaf_code, i.self, i.r1, i.r2, i.aq,
                   i.survey, i.lsum, i.ln, i.na
              FROM ranking.leaf_inputs(p) i;
        END IF;
        DELETE FROM ranking.content_sums WHERE period_id = p;
        INSERT INTO ranking.content_sums (province_id, period_id, agency_id, content, slot, s,
                                          nm)
        SELECT f.province_id, p, f.agency_id, f.content, 0, f.s, f.nm
          FROM ranking.full_sums(p) f;
    END LOOP;
END $$;

-- Statement triggers of the source tables (all keyed by period, agency, leaf): the leaves
-- the statement touched, in key order; locked; then applied in a new statement.
-- force_generic_plan: with the keys as arrays the planner kept making a custom plan of the
-- statement below for every save (~2 ms). No hash or merge joins: a save touches a leaf or
-- a few, each a probe of the sources' and the index's keys (a generic plan hashed the whole
-- index_nodes table per save).
CREATE FUNCTION ranking.note_leaf_sources() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET plan_cache_mode = force_generic_plan
SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE
    k_prov bigint[];
    k_per bigint[];
    k_ag bigint[];
    k_leaf text[];
BEGIN
    IF TG_OP = 'UPDATE' THEN
        SELECT array_agg(prov ORDER BY per, ag, leaf), array_agg(per ORDER BY per, ag, leaf),
               array_agg(ag ORDER BY per, ag, leaf), array_agg(leaf ORDER BY per, ag, leaf)
          INTO k_prov, k_per, k_ag, k_leaf
          FROM (SELECT DISTINCT province_id AS prov, period_id AS per, agency_id AS ag,
                       leaf_code AS leaf
                  FROM (SELECT province_id, period_id, agency_id, leaf_code FROM changed
                        UNION ALL
                        SELECT province_id, period_id, agency_id, leaf_code FROM changed_old) x) y;
    ELSE
        SELECT array_agg(prov ORDER BY per, ag, leaf), array_agg(per ORDER BY per, ag, leaf),
               array_agg(ag ORDER BY per, ag, leaf), array_agg(leaf ORDER BY per, ag, leaf)
          INTO k_prov, k_per, k_ag, k_leaf
          FROM (SELECT DISTINCT province_id AS prov, period_id AS per, agency_id AS ag,
                       leaf_code AS leaf FROM changed) y;
    END IF;
    IF k_per IS NULL THEN
        RETURN NULL;
    END IF;
    IF cardinality(k_per) > 2000 THEN
        PERFORM ranking.rebuild_kept(k_per, true);
        RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock_shared(1886, (k.per & 2147483647)::int),
            pg_advisory_xact_lock(1887, hashtext(k.per || '/' || k.ag || '/' || k.leaf))
       FROM unnest(k_per, k_ag, k_leaf) AS k(per, ag, leaf);
    -- a new statement: its snapshot sees every writer of these leaves that went before
    WITH k AS (
        SELECT * FROM unnest(k_prov, k_per, k_ag, k_leaf) AS k(prov, per, ag, leaf)),
    nv AS (
        SELECT k.prov, k.per, k.ag, k.leaf, i.agency_id IS NOT NULL AS present, i.self, i.r1,
               i.r2, i.aq, i.survey, i.lsum, i.ln, i.na
          -- OFFSET 0: planned apart, so the leaf's key reaches every source's index
          FROM k LEFT JOIN LATERAL (
              SELECT * FROM ranking.leaf_inputs(k.per) i
               WHERE i.agency_id = k.ag AND i.leaf_code = k.leaf OFFSET 0) i ON true),
    ov AS (
        SELECT lv.* FROM k JOIN ranking.leaf_values lv
            ON lv.period_id = k.per AND lv.agency_id = k.ag AND lv.leaf_code = k.leaf),
    gone AS (
        DELETE FROM ranking.leaf_values lv USING nv
         WHERE NOT nv.present AND lv.period_id = nv.per AND lv.agency_id = nv.ag
           AND lv.leaf_code = nv.leaf),
    kept AS (
        INSERT INTO ranking.leaf_values AS lv (province_id, period_id, agency_id, leaf_code,
                                               self, r1, r2, aq, survey, lsum, ln, na)
        SELECT prov, per, ag, leaf, self, r1, r2, aq, survey, lsum, ln, na FROM nv
         WHERE present
        ON CONFLICT (period_id, agency_id, leaf_code) DO UPDATE
           SET self = EXCLUDED.self, r1 = EXCLUDED.r1, r2 = EXCLUDED.r2, aq = EXCLUDED.aq,
               survey = EXCLUDED.survey, lsum = EXCLUDED.lsum, ln = EXCLUDED.ln,
               na = EXCLUDED.na),
    d AS (
        SELECT nv.prov, nv.per, nv.ag, sl.content,
               sum(ranking.counted_value(sl.content, nv.na, nv.self, nv.r1, nv.r2, nv.aq,
                                         nv.survey, nv.lsum, nv.ln)
                   - COALESCE(ranking.counted_value(sl.content, ov.na, ov.self, ov.r1, ov.r2,
                                                    ov.aq, ov.survey, ov.lsum, ov.ln), 0)) AS s,
               sum(ranking.na_max(COALESCE(nv.na, false), sl.max_points)
                   - ranking.na_max(COALESCE(ov.na, false), sl.max_points)) AS nm
          FROM nv JOIN catalog.agencies a ON a.id = nv.ag
          JOIN ranking.summed_leaves sl ON sl.period_id = nv.per AND sl.group_code = a.group_code
                                       AND sl.code = nv.leaf
          LEFT JOIN ov ON ov.period_id = nv.per AND ov.agency_id = nv.ag
                      AND ov.leaf_code = nv.leaf
         GROUP BY nv.prov, nv.per, nv.ag, sl.content)
    INSERT INTO ranking.content_sums AS cs (province_id, period_id, agency_id, content, slot, s,
                                            nm)
    SELECT prov, per, ag, content, pg_backend_pid() % 4, s, nm FROM d
     WHERE s <> 0 OR nm <> 0
     ORDER BY per, ag, content
    ON CONFLICT (period_id, agency_id, content, slot) DO UPDATE
       SET s = cs.s + EXCLUDED.s, nm = cs.nm + EXCLUDED.nm;
    RETURN NULL;
END $$;

-- Statement triggers of the index: which periods' sums the change moves.
CREATE FUNCTION ranking.note_index_change() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    periods bigint[];
BEGIN
    IF TG_TABLE_NAME = 'period_index_sets' THEN
        IF TG_OP = 'UPDATE' THEN
            SELECT array_agg(DISTINCT period_id) INTO periods
              FROM (SELECT period_id FROM changed UNION ALL SELECT period_id FROM changed_old) x;
        ELSE
            SELECT array_agg(DISTINCT period_id) INTO periods FROM changed;
        END IF;
    ELSIF TG_TABLE_NAME = 'index_nodes' THEN
        IF TG_OP = 'UPDATE' THEN
            SELECT array_agg(DISTINCT ps.period_id) INTO periods
              FROM catalog.period_index_sets ps
             WHERE ps.index_set_id IN (SELECT index_set_id FROM changed
                                       UNION ALL SELECT index_set_id FROM changed_old);
        ELSE
            SELECT array_agg(DISTINCT ps.period_id) INTO periods
              FROM catalog.period_index_sets ps
             WHERE ps.index_set_id IN (SELECT index_set_id FROM changed);
        END IF;
    ELSE
        -- catalog.agencies, UPDATE: the periods of the provinces where a group changed
        SELECT array_agg(DISTINCT ps.period_id) INTO periods
          FROM catalog.period_index_sets ps
         WHERE ps.province_id IN (SELECT n.province_id FROM changed n
                                    JOIN changed_old o ON o.id = n.id
                                   WHERE n.group_code IS DISTINCT FROM o.group_code);
    END IF;
    IF periods IS NOT NULL THEN
        PERFORM ranking.rebuild_kept(periods, false);
    END IF;
    RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['submissions.scores', 'appraisal.scores', 'appraisal.na_decisions',
                             'appraisal.appeal_items', 'surveys.leaf_points',
                             'leadership.scores'] LOOP
        EXECUTE format('CREATE TRIGGER ranking_kept_ins AFTER INSERT ON %s'
                       ' REFERENCING NEW TABLE AS changed FOR EACH STATEMENT'
                       ' EXECUTE FUNCTION ranking.note_leaf_sources()', t);
        EXECUTE format('CREATE TRIGGER ranking_kept_upd AFTER UPDATE ON %s'
                       ' REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed'
                       ' FOR EACH STATEMENT EXECUTE FUNCTION ranking.note_leaf_sources()', t);
        EXECUTE format('CREATE TRIGGER ranking_kept_del AFTER DELETE ON %s'
                       ' REFERENCING OLD TABLE AS changed FOR EACH STATEMENT'
                       ' EXECUTE FUNCTION ranking.note_leaf_sources()', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['catalog.period_index_sets', 'catalog.index_nodes'] LOOP
        EXECUTE format('CREATE TRIGGER ranking_kept_ins AFTER INSERT ON %s'
                       ' REFERENCING NEW TABLE AS changed FOR EACH STATEMENT'
                       ' EXECUTE FUNCTION ranking.note_index_change()', t);
        EXECUTE format('CREATE TRIGGER ranking_kept_upd AFTER UPDATE ON %s'
                       ' REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed'
                       ' FOR EACH STATEMENT EXECUTE FUNCTION ranking.note_index_change()', t);
        EXECUTE format('CREATE TRIGGER ranking_kept_del AFTER DELETE ON %s'
                       ' REFERENCING OLD TABLE AS changed FOR EACH STATEMENT'
                       ' EXECUTE FUNCTION ranking.note_index_change()', t);
    END LOOP;
    CREATE TRIGGER ranking_kept_upd AFTER UPDATE ON catalog.agencies
        REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed
        FOR EACH STATEMENT EXECUTE FUNCTION ranking.note_index_change();
END $$;

-- Backfill: what is recorded already.
SELECT ranking.rebuild_kept(array_agg(id), true) FROM catalog.periods HAVING count(*) > 0;
