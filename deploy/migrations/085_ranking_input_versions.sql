-- What a period's working results are computed from, as a version: every statement that
-- changes an input of the ranking (scores, appraisal rounds, N/A decisions, appeals, surveys,
-- leaders' scores and tie orders, the period and its configuration, its index sets, the
-- agencies, the index, people and discipline, the portal feed, the published versions)
-- increments it in its own transaction. The ranking service keeps the results of a period
-- with the version its data were read at, and serves them again while the version is
-- unchanged (services/ranking/rank_cache.c).
--
-- Exact: an increment commits with the change it counts, so a snapshot that sees the same
-- version sum sees the same inputs (counters only grow: equal sums are equal counters).
-- Uncontended: the counter is split by the writing backend (slot = its pid mod 1024), so
-- concurrent saves of one period never wait on each other's row; a reader adds the slots.
-- period_id 0: every period of the province (agencies, index, people, portal).
CREATE TABLE ranking.input_versions (
    province_id bigint NOT NULL,
    period_id   bigint NOT NULL,
    slot        int NOT NULL,
    version     bigint NOT NULL,
    PRIMARY KEY (province_id, period_id, slot)
);
ALTER TABLE ranking.input_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE ranking.input_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON ranking.input_versions USING (province_id = core.tenant());
-- Read only: the triggers below write it as its owner.
GRANT SELECT ON ranking.input_versions TO chiso_app;

-- Tables with province_id and period_id: statement-level, one row per (province, period)
-- the statement touched, from its transition tables (a bulk load costs one DISTINCT).
CREATE FUNCTION ranking.note_period_inputs() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO ranking.input_versions AS v (province_id, period_id, slot, version)
        SELECT DISTINCT province_id, period_id, pg_backend_pid() % 1024, 1
          FROM (SELECT province_id, period_id FROM changed
                UNION ALL SELECT province_id, period_id FROM changed_old) x
        ON CONFLICT (province_id, period_id, slot) DO UPDATE SET version = v.version + 1;
    ELSE
        INSERT INTO ranking.input_versions AS v (province_id, period_id, slot, version)
        SELECT DISTINCT province_id, period_id, pg_backend_pid() % 1024, 1 FROM changed
        ON CONFLICT (province_id, period_id, slot) DO UPDATE SET version = v.version + 1;
    END IF;
    RETURN NULL;
END $$;

-- Other tables: TG_ARGV[0] is the province column, TG_ARGV[1] the period column or '0'
-- (every period of the province).
CREATE FUNCTION ranking.note_inputs() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    cols text := format('%I, %s', TG_ARGV[0],
                        CASE WHEN TG_ARGV[1] = '0' THEN '0::bigint' ELSE quote_ident(TG_ARGV[1]) END);
    src text := CASE WHEN TG_OP = 'UPDATE'
                     THEN format('(SELECT %s FROM changed UNION ALL SELECT %s FROM changed_old) x',
                                 cols, cols)
                     ELSE format('(SELECT %s FROM changed) x', cols) END;
BEGIN
    EXECUTE format('INSERT INTO ranking.input_versions AS v (province_id, period_id, slot, version)'
                   ' SELECT DISTINCT x.*, pg_backend_pid() %% 1024, 1 FROM %s'
                   ' ON CONFLICT (province_id, period_id, slot) DO UPDATE SET version = v.version + 1',
                   src);
    RETURN NULL;
END $$;

DO $$
DECLARE
    t text[];
    fn text;
    args text;
BEGIN
    -- {table, province column, period column ('0': every period), function}
    FOREACH t SLICE 1 IN ARRAY ARRAY[
        ['submissions.scores',       'province_id', 'period_id', 'p'],
        ['appraisal.scores',         'province_id', 'period_id', 'p'],
        ['appraisal.na_decisions',   'province_id', 'period_id', 'p'],
        ['appraisal.appeal_items',   'province_id', 'period_id', 'p'],
        ['surveys.leaf_points',      'province_id', 'period_id', 'p'],
        ['leadership.scores',        'province_id', 'period_id', 'p'],
        ['leadership.tiebreaks',     'province_id', 'period_id', 'p'],
        ['ranking.snapshots',        'province_id', 'period_id', 'p'],
        ['catalog.period_index_sets','province_id', 'period_id', 'p'],
        ['catalog.periods',          'province_id', 'id',        'o'],
        ['catalog.provinces',        'id',          '0',         'o'],
        ['catalog.agencies',         'province_id', '0',         'o'],
        ['catalog.index_sets',       'province_id', '0',         'o'],
        ['catalog.index_nodes',      'province_id', '0',         'o'],
        ['catalog.index_contents',   'province_id', '0',         'o'],
        ['catalog.people',           'province_id', '0',         'o'],
        ['catalog.discipline',       'province_id', '0',         'o'],
        ['portal.batches',           'province_id', '0',         'o'],
        ['portal.records',           'province_id', '0',         'o'],
        ['portal.metric_sets',       'province_id', '0',         'o'],
        ['portal.dossier_runs',      'province_id', '0',         'o']]
    LOOP
        IF t[4] = 'p' THEN
            fn := 'ranking.note_period_inputs()';
        ELSE
            fn := format('ranking.note_inputs(%L, %L)', t[2], t[3]);
        END IF;
        EXECUTE format('CREATE TRIGGER ranking_inputs_ins AFTER INSERT ON %s'
                       ' REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION %s',
                       t[1], fn);
        EXECUTE format('CREATE TRIGGER ranking_inputs_upd AFTER UPDATE ON %s'
                       ' REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed'
                       ' FOR EACH STATEMENT EXECUTE FUNCTION %s', t[1], fn);
        EXECUTE format('CREATE TRIGGER ranking_inputs_del AFTER DELETE ON %s'
                       ' REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION %s',
                       t[1], fn);
    END LOOP;
END $$;

-- The version of a period's inputs as the caller's snapshot sees them.
CREATE FUNCTION ranking.input_version(p_period bigint) RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(version), 0)::bigint FROM ranking.input_versions
     WHERE province_id = core.tenant() AND period_id IN (p_period, 0)
$$;
GRANT EXECUTE ON FUNCTION ranking.input_version(bigint) TO chiso_app;
