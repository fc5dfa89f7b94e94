-- leadership: leaders' assignments to agencies, content-4 scores (one per leader), and the
-- tie-break orders leaders record. ranking reads leadership.scores and leadership.tiebreaks
-- (docs/DESIGN.md §7). Heads' discipline stays in catalog.people / catalog.discipline.

CREATE SCHEMA leadership;
GRANT USAGE ON SCHEMA leadership TO chiso_app;

-- Which agencies each leader oversees in a period (phân công phụ trách).
CREATE TABLE leadership.assignments (
    province_id bigint NOT NULL,
    period_id   bigint NOT NULL,
    leader_id   bigint NOT NULL REFERENCES catalog.users(id),
    agency_id   bigint NOT NULL,
    assigned_by bigint,
    assigned_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (period_id, leader_id, agency_id),
    FOREIGN KEY (province_id, period_id) REFERENCES catalog.periods(province_id, id),
    FOREIGN KEY (province_id, agency_id) REFERENCES catalog.agencies(province_id, id)
);
CREATE INDEX assignments_agency ON leadership.assignments (province_id, period_id, agency_id);

-- One leader's content-4 score of an agency's leaf (hundredths); the leaf's value is the
-- mean over leaders, rounded half-up to 0.01.
CREATE TABLE leadership.scores (
    id          bigserial UNIQUE,
    province_id bigint NOT NULL,
    period_id   bigint NOT NULL,
    agency_id   bigint NOT NULL,
    leaf_code   text NOT NULL,
    leader_id   bigint NOT NULL REFERENCES catalog.users(id),
    score       bigint NOT NULL CHECK (score >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (period_id, agency_id, leaf_code, leader_id),
    FOREIGN KEY (province_id, period_id) REFERENCES catalog.periods(province_id, id),
    FOREIGN KEY (province_id, agency_id) REFERENCES catalog.agencies(province_id, id)
);
CREATE INDEX scores_province ON leadership.scores (province_id, period_id);

-- A tie-break order recorded by a leader; the latest row per period and group counts.
CREATE TABLE leadership.tiebreaks (
    id          bigserial PRIMARY KEY,
    province_id bigint NOT NULL,
    period_id   bigint NOT NULL,
    group_code  text NOT NULL,
    agency_ids  bigint[] NOT NULL CHECK (cardinality(agency_ids) >= 2),
    reason      text NOT NULL CHECK (reason <> ''),
    decided_by  bigint NOT NULL REFERENCES catalog.users(id),
    decided_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    FOREIGN KEY (province_id, period_id) REFERENCES catalog.periods(province_id, id),
    FOREIGN KEY (province_id, group_code) REFERENCES catalog.agency_groups(province_id, code)
);
CREATE INDEX tiebreaks_period_group ON leadership.tiebreaks (province_id, period_id, group_code, id);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['assignments','scores','tiebreaks'] LOOP
    EXECUTE format('ALTER TABLE leadership.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE leadership.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant ON leadership.%I USING (province_id = core.tenant()) '
                   'WITH CHECK (province_id = core.tenant())', t);
  END LOOP;
END $$;
GRANT SELECT, INSERT, UPDATE ON leadership.scores TO chiso_app;
GRANT SELECT, INSERT, DELETE ON leadership.assignments TO chiso_app;
-- Tie-break orders are a history: added, never changed.
GRANT SELECT, INSERT ON leadership.tiebreaks TO chiso_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA leadership TO chiso_app;
