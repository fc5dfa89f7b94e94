-- appraisal: appeals (khiếu nại) after publication (SPEC §9, §12). An agency head lodges an
-- appeal on named leaves with reasons (evidence files go through submissions' evidence
-- upload, accepted in the `appeal` phase for a leaf under an open appeal); the council
-- answers each leaf: upheld with a new value, or rejected with a reason. An upheld value
-- counts in the results before the council's rounds (ranking reads appeal_items); the admin
-- publishes the next version once every item is answered.

CREATE TABLE appraisal.appeals (
    id          bigserial PRIMARY KEY,
    province_id bigint NOT NULL,
    period_id   bigint NOT NULL,
    agency_id   bigint NOT NULL,
    version     int NOT NULL CHECK (version >= 1),     -- the published version appealed
    lodged_by   bigint NOT NULL REFERENCES catalog.users(id),
    lodged_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    FOREIGN KEY (province_id, period_id) REFERENCES catalog.periods(province_id, id),
    FOREIGN KEY (province_id, agency_id) REFERENCES catalog.agencies(province_id, id)
);
CREATE INDEX appeals_period ON appraisal.appeals (province_id, period_id, agency_id);

CREATE TABLE appraisal.appeal_items (
    id          bigserial PRIMARY KEY,
    province_id bigint NOT NULL,
    appeal_id   bigint NOT NULL REFERENCES appraisal.appeals(id),
    period_id   bigint NOT NULL,
    agency_id   bigint NOT NULL,
    leaf_code   text NOT NULL,
    reason      text NOT NULL CHECK (btrim(reason) <> ''),
    decision    text CHECK (decision IN ('upheld', 'rejected')),
    new_value   bigint,
    answer      text,
    answered_by bigint REFERENCES catalog.users(id),
    answered_at timestamptz,
    UNIQUE (appeal_id, leaf_code),
    CHECK ((decision IS NULL) = (answered_by IS NULL)),
    CHECK (decision IS DISTINCT FROM 'upheld' OR new_value IS NOT NULL),
    CHECK (decision IS DISTINCT FROM 'rejected' OR (new_value IS NULL AND btrim(answer) <> '')),
    FOREIGN KEY (province_id, period_id) REFERENCES catalog.periods(province_id, id)
);
CREATE INDEX appeal_items_leaf ON appraisal.appeal_items (province_id, period_id, agency_id, leaf_code);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['appeals','appeal_items'] LOOP
    EXECUTE format('ALTER TABLE appraisal.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE appraisal.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant ON appraisal.%I USING (province_id = core.tenant()) '
                   'WITH CHECK (province_id = core.tenant())', t);
  END LOOP;
END $$;
GRANT SELECT, INSERT ON appraisal.appeals TO chiso_app;
-- an item is answered once (the handler updates only unanswered rows, audited)
GRANT SELECT, INSERT, UPDATE ON appraisal.appeal_items TO chiso_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA appraisal TO chiso_app;
