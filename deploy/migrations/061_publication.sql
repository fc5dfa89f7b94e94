-- ranking: leaders' approvals and the published snapshots of a period (SPEC §9, §12).
--
-- A snapshot is version n of a period's results, frozen at publication: the canonical JSON
-- bytes (RFC 8785) and their SHA-256. It is never changed: chiso_app may only add and read
-- rows, and a trigger refuses UPDATE, DELETE and TRUNCATE to everyone (the owner too), so a
-- correction is always a new version. The public reads snapshots through the SECURITY
-- DEFINER functions below, which return published rows only (there is no tenant then).

CREATE TABLE ranking.approvals (
    id             bigserial PRIMARY KEY,
    province_id    bigint NOT NULL,
    period_id      bigint NOT NULL,
    computation_id bigint NOT NULL REFERENCES ranking.computations(id),
    approved_by    bigint NOT NULL REFERENCES catalog.users(id),
    approved_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    note           text NOT NULL CHECK (btrim(note) <> ''),
    FOREIGN KEY (province_id, period_id) REFERENCES catalog.periods(province_id, id)
);
CREATE INDEX approvals_period ON ranking.approvals (province_id, period_id, id);

CREATE TABLE ranking.snapshots (
    id                bigserial PRIMARY KEY,
    province_id       bigint NOT NULL,
    period_id         bigint NOT NULL,
    version           int NOT NULL CHECK (version >= 1),
    document          bytea NOT NULL,
    -- the hash is checked by the database too: it can only ever describe these bytes
    sha256            text NOT NULL CHECK (sha256 = encode(sha256(document), 'hex')),
    computation_id    bigint NOT NULL REFERENCES ranking.computations(id),
    approval_id       bigint REFERENCES ranking.approvals(id),
    published_by      bigint NOT NULL REFERENCES catalog.users(id),
    published_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    reason            text,
    -- agencies whose head's rating was pending_data, published on the admin's confirmation
    confirmed_pending jsonb,
    confirm_reason    text,
    UNIQUE (period_id, version),
    FOREIGN KEY (province_id, period_id) REFERENCES catalog.periods(province_id, id)
);
CREATE INDEX snapshots_province ON ranking.snapshots (province_id, period_id, version);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['approvals','snapshots'] LOOP
    EXECUTE format('ALTER TABLE ranking.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE ranking.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant ON ranking.%I USING (province_id = core.tenant()) '
                   'WITH CHECK (province_id = core.tenant())', t);
    EXECUTE format('GRANT SELECT, INSERT ON ranking.%I TO chiso_app', t);
  END LOOP;
END $$;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA ranking TO chiso_app;

CREATE FUNCTION ranking.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ranking.%: published rows never change (add a new version)', TG_TABLE_NAME
        USING ERRCODE = '42501';
END $$;
CREATE TRIGGER snapshots_frozen BEFORE UPDATE OR DELETE ON ranking.snapshots
    FOR EACH ROW EXECUTE FUNCTION ranking.refuse_change();
CREATE TRIGGER snapshots_frozen_truncate BEFORE TRUNCATE ON ranking.snapshots
    FOR EACH STATEMENT EXECUTE FUNCTION ranking.refuse_change();
CREATE TRIGGER approvals_frozen BEFORE UPDATE OR DELETE ON ranking.approvals
    FOR EACH ROW EXECUTE FUNCTION ranking.refuse_change();

-- --- public reads (no login, no tenant): published snapshots only --------------------------

-- Provinces with at least one published snapshot.
CREATE FUNCTION ranking.public_provinces()
RETURNS TABLE (code text, name text, periods int)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT p.code, p.name, count(DISTINCT s.period_id)::int
      FROM catalog.provinces p JOIN ranking.snapshots s ON s.province_id = p.id
     GROUP BY p.code, p.name ORDER BY p.code
$$;

-- Periods of a province with published snapshots, and every version (oldest first).
CREATE FUNCTION ranking.public_periods(p_code text)
RETURNS TABLE (province_name text, period_id bigint, code text, name text, year int,
               version int, sha256 text, published_at bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT pr.name, pe.id, pe.code, pe.name, pe.year, s.version, s.sha256,
           extract(epoch FROM s.published_at)::bigint
      FROM catalog.provinces pr
      JOIN catalog.periods pe ON pe.province_id = pr.id
      JOIN ranking.snapshots s ON s.province_id = pr.id AND s.period_id = pe.id
     WHERE pr.code = p_code
     ORDER BY pe.year DESC, pe.id DESC, s.version
$$;

-- One version (p_version NULL: the latest) of a period of the province with this code.
-- No row: nothing published (or no such province/period: the public cannot tell apart).
CREATE FUNCTION ranking.public_snapshot(p_code text, p_period bigint, p_version int)
RETURNS TABLE (version int, document bytea, sha256 text, published_at bigint, latest int)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT s.version, s.document, s.sha256, extract(epoch FROM s.published_at)::bigint,
           (SELECT max(s2.version) FROM ranking.snapshots s2 WHERE s2.period_id = s.period_id)
      FROM catalog.provinces pr
      JOIN ranking.snapshots s ON s.province_id = pr.id AND s.period_id = p_period
     WHERE pr.code = p_code AND (p_version IS NULL OR s.version = p_version)
     ORDER BY s.version DESC LIMIT 1
$$;

REVOKE ALL ON FUNCTION ranking.public_provinces() FROM PUBLIC;
REVOKE ALL ON FUNCTION ranking.public_periods(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION ranking.public_snapshot(text, bigint, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ranking.public_provinces() TO chiso_app;
GRANT EXECUTE ON FUNCTION ranking.public_periods(text) TO chiso_app;
GRANT EXECUTE ON FUNCTION ranking.public_snapshot(text, bigint, int) TO chiso_app;
