-- portal: the feed's rows stored compactly. A national dossier file has millions of rows;
-- chiso_app may not COPY into a table with row-level security (PostgreSQL refuses it), so
-- every stored row went through a temporary table and an INSERT ... SELECT, one heap tuple
-- and one index entry at a time: 0.12x the rate of a plain COPY. The same values are now
-- kept as arrays, one row per 766 record (agency x period) and one row per run of
-- consecutive dossier lines of one agency and period (a sorted file: one run per record):
-- 38 times fewer tuples for a province's dossier file, 24 for the 766 index. Nothing is
-- dropped or rounded: every line's procedure, counts and line number, every metric's
-- fields are in the arrays, in the order they came. portal.metrics and portal.dossiers
-- stay as views with the same columns as before (one row per metric, per dossier line),
-- so every reader reads what it read.

CREATE TABLE portal.metric_sets (
    province_id  bigint NOT NULL,
    batch_id     bigint NOT NULL,
    agency_id    bigint NOT NULL,
    period       text NOT NULL,
    codes        text[] NOT NULL,             -- 'CKMB' (a group) or 'TDGQ.1' (a metric)
    group_codes  text[] NOT NULL,
    is_group     boolean[] NOT NULL,
    is_null      boolean[] NOT NULL,          -- the portal sent null for the whole metric
    names        text[] NOT NULL,
    numerators   bigint[] NOT NULL,           -- a NULL element: null or absent, never 0
    denominators bigint[] NOT NULL,
    ratios       numeric[] NOT NULL,
    scores       numeric[] NOT NULL,
    max_scores   numeric[] NOT NULL,
    PRIMARY KEY (batch_id, agency_id, period),
    FOREIGN KEY (batch_id, agency_id, period) REFERENCES portal.records(batch_id, agency_id, period)
        DEFERRABLE INITIALLY DEFERRED,
    CHECK (cardinality(codes) = cardinality(group_codes) AND cardinality(codes) = cardinality(is_group)
       AND cardinality(codes) = cardinality(is_null) AND cardinality(codes) = cardinality(names)
       AND cardinality(codes) = cardinality(numerators) AND cardinality(codes) = cardinality(denominators)
       AND cardinality(codes) = cardinality(ratios) AND cardinality(codes) = cardinality(scores)
       AND cardinality(codes) = cardinality(max_scores))
);

-- A run: consecutive lines of one agency and period (at most a few hundred, so the ingest
-- holds one run at a time). first_line identifies it in its batch.
CREATE TABLE portal.dossier_runs (
    province_id bigint NOT NULL,
    batch_id    bigint NOT NULL,
    agency_id   bigint NOT NULL,
    period      text NOT NULL,
    first_line  bigint NOT NULL,
    procedures  text[] NOT NULL,               -- '' when the feed has no procedure column
    received    bigint[] NOT NULL,
    on_time     bigint[] NOT NULL,
    late        bigint[] NOT NULL,
    online      bigint[] NOT NULL,
    lines       bigint[] NOT NULL,             -- the CSV line of each, for error reports
    PRIMARY KEY (batch_id, first_line),
    FOREIGN KEY (batch_id, agency_id, period) REFERENCES portal.records(batch_id, agency_id, period)
        DEFERRABLE INITIALLY DEFERRED,
    CHECK (cardinality(procedures) = cardinality(received) AND cardinality(procedures) = cardinality(on_time)
       AND cardinality(procedures) = cardinality(late) AND cardinality(procedures) = cardinality(online)
       AND cardinality(procedures) = cardinality(lines))
);
CREATE INDEX dossier_runs_record ON portal.dossier_runs (batch_id, agency_id, period);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['metric_sets','dossier_runs'] LOOP
    EXECUTE format('ALTER TABLE portal.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE portal.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant ON portal.%I USING (province_id = core.tenant()) '
                   'WITH CHECK (province_id = core.tenant())', t);
  END LOOP;
END $$;
GRANT SELECT, INSERT ON portal.metric_sets, portal.dossier_runs TO chiso_app;

-- What 070 stored, moved over (metrics in code order, dossier lines in line order).
INSERT INTO portal.metric_sets
SELECT province_id, batch_id, agency_id, period, array_agg(code ORDER BY code),
       array_agg(group_code ORDER BY code), array_agg(is_group ORDER BY code),
       array_agg(is_null ORDER BY code), array_agg(name ORDER BY code),
       array_agg(numerator ORDER BY code), array_agg(denominator ORDER BY code),
       array_agg(ratio ORDER BY code), array_agg(score ORDER BY code),
       array_agg(max_score ORDER BY code)
  FROM portal.metrics GROUP BY province_id, batch_id, agency_id, period;
INSERT INTO portal.dossier_runs
SELECT province_id, batch_id, agency_id, period, min(line), array_agg(procedure ORDER BY line),
       array_agg(received ORDER BY line), array_agg(on_time ORDER BY line),
       array_agg(late ORDER BY line), array_agg(online ORDER BY line), array_agg(line ORDER BY line)
  FROM portal.dossiers GROUP BY province_id, batch_id, agency_id, period;

DROP VIEW portal.current_dossiers;
DROP TABLE portal.metrics;
DROP TABLE portal.dossiers;


-- One row per metric, as the feed sent it (security_invoker: row-level security applies).
CREATE VIEW portal.metrics WITH (security_invoker = true) AS
    SELECT s.province_id, s.batch_id, s.agency_id, s.period, u.code, u.group_code, u.is_group,
           u.is_null, u.name, u.numerator, u.denominator, u.ratio, u.score, u.max_score
      FROM portal.metric_sets s,
           unnest(s.codes, s.group_codes, s.is_group, s.is_null, s.names, s.numerators,
                  s.denominators, s.ratios, s.scores, s.max_scores)
             AS u(code, group_code, is_group, is_null, name, numerator, denominator, ratio,
                  score, max_score);

-- One row per dossier line.
CREATE VIEW portal.dossiers WITH (security_invoker = true) AS
    SELECT r.province_id, r.batch_id, r.agency_id, r.period, u.procedure, u.received,
           u.on_time, u.late, u.online, u.line
      FROM portal.dossier_runs r,
           unnest(r.procedures, r.received, r.on_time, r.late, r.online, r.lines)
             AS u(procedure, received, on_time, late, online, line);
GRANT SELECT ON portal.metrics, portal.dossiers TO chiso_app;

-- Dossier counts per agency and period from the current dossiers batch (as in 070).
CREATE VIEW portal.current_dossiers WITH (security_invoker = true) AS
    SELECT r.province_id, r.agency_id, r.period, r.year, r.batch_id,
           sum(d.received)::bigint AS received, sum(d.on_time)::bigint AS on_time,
           sum(d.late)::bigint AS late, sum(d.online)::bigint AS online
      FROM portal.current_records r
      JOIN portal.dossiers d ON d.batch_id = r.batch_id AND d.agency_id = r.agency_id
                            AND d.period = r.period
     WHERE r.kind = 'dossiers'
     GROUP BY r.province_id, r.agency_id, r.period, r.year, r.batch_id;
GRANT SELECT ON portal.current_dossiers TO chiso_app;

-- The raw bytes: lz4 where this PostgreSQL has it (compressing 1 MiB chunks with pglz cost
-- more than storing them); the same bytes either way.
DO $$
BEGIN
  ALTER TABLE portal.batch_raw ALTER COLUMN data SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN NULL;
END $$;

-- A run's arrays make a row of a few KiB: kept inline up to a page (no TOAST round trip for
-- a run of a sorted file), lz4 beyond it where this PostgreSQL has it.
ALTER TABLE portal.metric_sets SET (toast_tuple_target = 8160);
ALTER TABLE portal.dossier_runs SET (toast_tuple_target = 8160);
DO $$
DECLARE c text;
BEGIN
  FOREACH c IN ARRAY ARRAY['procedures','received','on_time','late','online','lines'] LOOP
    EXECUTE format('ALTER TABLE portal.dossier_runs ALTER COLUMN %I SET COMPRESSION lz4', c);
  END LOOP;
  FOREACH c IN ARRAY ARRAY['codes','group_codes','names','numerators','denominators','ratios',
                           'scores','max_scores'] LOOP
    EXECUTE format('ALTER TABLE portal.metric_sets ALTER COLUMN %I SET COMPRESSION lz4', c);
  END LOOP;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN NULL;
END $$;
