-- The kept sums of 089 folded in at compute time instead of in every save (issue 11, P1/P2).
--
-- 089 resolved each touched leaf inside the saving transaction: ~0.25 ms of backend CPU per
-- single-row save, +0.43 ms of PostgreSQL CPU per save in the saves bench. Now a write of a
-- leaf's source only appends the leaf's key to ranking.leaf_pending (committed with the
-- write, or not at all). The kept tables then hold the leaves as of their last fold:
--   - ranking.pending_deltas(period): for each pending leaf, its counted value and N/A
--     maximum as the sources say now, minus what leaf_values (and so content_sums) holds;
--   - ranking.current_sums(period) = content_sums + pending_deltas: exact in any snapshot
--     (a pending row is visible exactly when the write it records is), read-only, what the
--     ranking service reads;
--   - ranking.fold_pending(period), called by Compute (a write): takes the pending leaves
--     (a shared lock on the period against a rebuild, a lock per leaf against another fold),
--     then in a new snapshot writes their leaf_values rows and adds their deltas to
--     content_sums, and deletes the pending rows it folded. A leaf saved 20 times between two
--     computes is resolved once.
-- A statement over 2,000 leaves, and an index change, rebuild their periods: the leaves
-- from the sources, the pending rows that snapshot saw removed, the sums from the kept
-- leaves (so content_sums is always the sum of leaf_values, whatever commits meanwhile).

CREATE TABLE ranking.leaf_pending (
    province_id bigint NOT NULL,
    period_id   bigint NOT NULL,
    agency_id   bigint NOT NULL,
    leaf_code   text NOT NULL
);
CREATE INDEX leaf_pending_period ON ranking.leaf_pending (period_id, agency_id, leaf_code);
ALTER TABLE ranking.leaf_pending ENABLE ROW LEVEL SECURITY;
ALTER TABLE ranking.leaf_pending FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON ranking.leaf_pending USING (province_id = core.tenant());
GRANT SELECT ON ranking.leaf_pending TO chiso_app;

-- Each pending leaf of the period: its sources now, and the change of its counted value (ds)
-- and N/A maximum (dn) against its kept row; content NULL when the leaf is not summed for
-- the agency (nothing to add).
CREATE FUNCTION ranking.pending_deltas(p_period bigint)
RETURNS TABLE (province_id bigint, agency_id bigint, leaf_code text, present boolean,
               self bigint, r1 bigint, r2 bigint, aq bigint, survey bigint, lsum bigint,
               ln bigint, na boolean, content smallint, ds bigint, dn bigint)
LANGUAGE sql STABLE AS $$
    SELECT k.province_id, k.agency_id, k.leaf_code, i.agency_id IS NOT NULL, i.self, i.r1,
           i.r2, i.aq, i.survey, i.lsum, i.ln, i.na, sl.content,
           ranking.counted_value(sl.content, i.na, i.self, i.r1, i.r2, i.aq, i.survey, i.lsum,
                                 i.ln)
           - COALESCE(ranking.counted_value(sl.content, lv.na, lv.self, lv.r1, lv.r2, lv.aq,
                                            lv.survey, lv.lsum, lv.ln), 0),
           ranking.na_max(COALESCE(i.na, false), sl.max_points)
           - ranking.na_max(COALESCE(lv.na, false), sl.max_points)
      FROM (SELECT DISTINCT q.province_id, q.agency_id, q.leaf_code FROM ranking.leaf_pending q
             WHERE q.period_id = p_period) k
      -- OFFSET 0: planned apart, so the leaf's key reaches every source's index
      LEFT JOIN LATERAL (SELECT * FROM ranking.leaf_inputs(p_period) x
                          WHERE x.agency_id = k.agency_id AND x.leaf_code = k.leaf_code
                         OFFSET 0) i ON true
      LEFT JOIN ranking.leaf_values lv ON lv.period_id = p_period AND lv.agency_id = k.agency_id
                                      AND lv.leaf_code = k.leaf_code
      LEFT JOIN catalog.agencies a ON a.id = k.agency_id
      LEFT JOIN ranking.summed_leaves sl ON sl.period_id = p_period
                                        AND sl.group_code = a.group_code AND sl.code = k.leaf_code
$$;

-- The sums as the sources say now: the kept ones plus the pending leaves' changes.
CREATE FUNCTION ranking.current_sums(p_period bigint)
RETURNS TABLE (agency_id bigint, content smallint, s bigint, nm bigint)
LANGUAGE sql STABLE AS $$
    SELECT x.agency_id, x.content, sum(x.s)::bigint, sum(x.nm)::bigint
      FROM (SELECT c.agency_id, c.content, c.s, c.nm FROM ranking.content_sums c
             WHERE c.period_id = p_period
            UNION ALL
            SELECT d.agency_id, d.content, d.ds, d.dn FROM ranking.pending_deltas(p_period) d
             WHERE d.content IS NOT NULL) x
     GROUP BY x.agency_id, x.content
$$;
GRANT EXECUTE ON FUNCTION ranking.pending_deltas(bigint), ranking.current_sums(bigint)
    TO chiso_app;

-- Fold the period's pending leaves into the kept tables (the caller's province only).
CREATE FUNCTION ranking.fold_pending(p_period bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    k_ag bigint[];
    k_leaf text[];
BEGIN
    IF core.tenant() IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM catalog.periods WHERE id = p_period AND province_id = core.tenant()) THEN
        RETURN;
    END IF;
    SELECT array_agg(agency_id ORDER BY agency_id, leaf_code),
           array_agg(leaf_code ORDER BY agency_id, leaf_code)
      INTO k_ag, k_leaf
      FROM (SELECT DISTINCT agency_id, leaf_code FROM ranking.leaf_pending
             WHERE period_id = p_period) k;
    IF k_ag IS NULL THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock_shared(1886, (p_period & 2147483647)::int);
    PERFORM pg_advisory_xact_lock(1887, hashtext(p_period || '/' || k.ag || '/' || k.leaf))
       FROM unnest(k_ag, k_leaf) AS k(ag, leaf);
    -- a new snapshot: every fold of these leaves that went before has committed; only the
    -- leaves locked above are folded (others pending now wait for the next fold)
    WITH d AS (
        SELECT d.* FROM ranking.pending_deltas(p_period) d
          JOIN unnest(k_ag, k_leaf) AS k(ag, leaf) ON k.ag = d.agency_id AND k.leaf = d.leaf_code),
    gone AS (
        DELETE FROM ranking.leaf_values lv USING d
         WHERE NOT d.present AND lv.period_id = p_period AND lv.agency_id = d.agency_id
           AND lv.leaf_code = d.leaf_code),
    kept AS (
        INSERT INTO ranking.leaf_values AS lv (province_id, period_id, agency_id, leaf_code,
                                               self, r1, r2, aq, survey, lsum, ln, na)
        SELECT province_id, p_period, agency_id, leaf_code, self, r1, r2, aq, survey, lsum,
               ln, na FROM d WHERE present
        ON CONFLICT (period_id, agency_id, leaf_code) DO UPDATE
           SET self = EXCLUDED.self, r1 = EXCLUDED.r1, r2 = EXCLUDED.r2, aq = EXCLUDED.aq,
               survey = EXCLUDED.survey, lsum = EXCLUDED.lsum, ln = EXCLUDED.ln,
               na = EXCLUDED.na),
    done AS (
        DELETE FROM ranking.leaf_pending q USING d
         WHERE q.period_id = p_period AND q.agency_id = d.agency_id
           AND q.leaf_code = d.leaf_code)
    INSERT INTO ranking.content_sums AS cs (province_id, period_id, agency_id, content, slot, s,
                                            nm)
    SELECT province_id, p_period, agency_id, content, pg_backend_pid() % 4, sum(ds), sum(dn)
      FROM d WHERE content IS NOT NULL
     GROUP BY province_id, agency_id, content
    HAVING sum(ds) <> 0 OR sum(dn) <> 0
     ORDER BY agency_id, content
    ON CONFLICT (period_id, agency_id, content, slot) DO UPDATE
       SET s = cs.s + EXCLUDED.s, nm = cs.nm + EXCLUDED.nm;
END $$;
GRANT EXECUTE ON FUNCTION ranking.fold_pending(bigint) TO chiso_app;

-- A rebuild from the sources also clears the periods' pending rows it made redundant.
CREATE OR REPLACE FUNCTION ranking.rebuild_kept(p_periods bigint[], p_leaves boolean)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
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
            -- the pending rows this snapshot sees are of writes the rebuild reads
            DELETE FROM ranking.leaf_pending WHERE period_id = p;
            DELETE FROM ranking.leaf_values WHERE period_id = p;
            INSERT INTO ranking.leaf_values (province_id, period_id, agency_id, leaf_code, self,
                                             r1, r2, aq, survey, lsum, ln, na)
            SELECT i.province_id, p, i.agency_id, i.leaf_code, i.self, i.r1, i.r2, i.aq,
                   i.survey, i.lsum, i.ln, i.na
              FROM ranking.leaf_inputs(p) i;
        END IF;
        -- the sums of the kept leaves, not of the sources: a write committed since the
        -- leaves were read is pending, and its change is taken against the kept leaf
        DELETE FROM ranking.content_sums WHERE period_id = p;
        INSERT INTO ranking.content_sums (province_id, period_id, agency_id, content, slot, s,
                                          nm)
        SELECT min(lv.province_id), p, lv.agency_id, sl.content, 0,
               sum(ranking.counted_value(sl.content, lv.na, lv.self, lv.r1, lv.r2, lv.aq,
                                         lv.survey, lv.lsum, lv.ln)),
               sum(ranking.na_max(lv.na, sl.max_points))
          FROM ranking.leaf_values lv
          JOIN catalog.agencies ag ON ag.id = lv.agency_id
          JOIN ranking.summed_leaves sl ON sl.period_id = p AND sl.group_code = ag.group_code
                                       AND sl.code = lv.leaf_code
         WHERE lv.period_id = p
         GROUP BY lv.agency_id, sl.content;
    END LOOP;
END $$;

-- The source tables' statement triggers: the touched leaves' keys appended, nothing else
-- (a bulk statement rebuilds its periods).
CREATE OR REPLACE FUNCTION ranking.note_leaf_sources() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF (SELECT count(*) FROM changed) > 2000 THEN
        IF TG_OP = 'UPDATE' THEN
            PERFORM ranking.rebuild_kept(ARRAY(SELECT period_id FROM changed
                                               UNION SELECT period_id FROM changed_old), true);
        ELSE
            PERFORM ranking.rebuild_kept(ARRAY(SELECT DISTINCT period_id FROM changed), true);
        END IF;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO ranking.leaf_pending (province_id, period_id, agency_id, leaf_code)
        SELECT DISTINCT province_id, period_id, agency_id, leaf_code
          FROM (SELECT province_id, period_id, agency_id, leaf_code FROM changed
                UNION ALL
                SELECT province_id, period_id, agency_id, leaf_code FROM changed_old) x;
    ELSE
        INSERT INTO ranking.leaf_pending (province_id, period_id, agency_id, leaf_code)
        SELECT DISTINCT province_id, period_id, agency_id, leaf_code FROM changed;
    END IF;
    RETURN NULL;
END $$;

-- An index change rebuilds the leaves too: the kept sums must stay those of the kept leaves
-- (the pending leaves' changes are taken against them), and a rebuild from the sources
-- makes the pending rows it sees redundant.
CREATE OR REPLACE FUNCTION ranking.note_index_change() RETURNS trigger LANGUAGE plpgsql
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
        PERFORM ranking.rebuild_kept(periods, true);
    END IF;
    RETURN NULL;
END $$;
