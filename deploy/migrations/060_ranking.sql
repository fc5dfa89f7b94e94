-- ranking: a record of every computation (who computed what, when) for the audit trail.
-- Results themselves are computed on read from the shared tables of docs/DESIGN.md §7, so
-- they always reflect current data; these rows say what a Compute call saw.

CREATE SCHEMA ranking;
GRANT USAGE ON SCHEMA ranking TO chiso_app;

CREATE TABLE ranking.computations (
    id          bigserial PRIMARY KEY,
    province_id bigint NOT NULL,
    period_id   bigint NOT NULL,
    computed_by bigint,
    computed_at timestamptz NOT NULL DEFAULT now(),
    -- per group: G, quota, blocked flag, and per agency rank, T, M, band (points in hundredths)
    summary     jsonb NOT NULL,
    FOREIGN KEY (province_id, period_id) REFERENCES catalog.periods(province_id, id)
);
CREATE INDEX computations_period ON ranking.computations (province_id, period_id, id);

ALTER TABLE ranking.computations ENABLE ROW LEVEL SECURITY;
ALTER TABLE ranking.computations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON ranking.computations USING (province_id = core.tenant())
    WITH CHECK (province_id = core.tenant());
-- Insert and read only: a computation record is never changed.
GRANT SELECT, INSERT ON ranking.computations TO chiso_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA ranking TO chiso_app;
