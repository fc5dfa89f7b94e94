-- portal: feeds from the national public service portal (Cổng Dịch vụ công Quốc gia, SPEC §8):
-- the Decision-766 index per agency and period, and dossier counts. Every batch is kept with
-- its raw bytes and their SHA-256; the newest batch covering an agency and period is the one
-- that counts (portal.current_records), the older ones stay listed.

CREATE SCHEMA portal;
GRANT USAGE ON SCHEMA portal TO chiso_app;

-- API keys of portal clients. Created by a sysadmin for one province (province_id) or for
-- every province (province_id NULL: national). Only the SHA-256 of the key is stored (the
-- key is 32 random bytes, so a fast hash is enough); a revoked key is refused at once.
-- An installation-wide table: chiso_app reaches it as a sysadmin (chiso.system on) or
-- through portal.key_use() below, never with a tenant.
CREATE TABLE portal.api_keys (
    id           bigserial PRIMARY KEY,
    province_id  bigint REFERENCES catalog.provinces(id),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    key_hash     bytea NOT NULL UNIQUE,
    key_prefix   text NOT NULL,               -- first characters, to recognise a key in lists
    created_by   bigint,
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz,
    last_used_at timestamptz
);
ALTER TABLE portal.api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE portal.api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY system_only ON portal.api_keys USING (core.is_system()) WITH CHECK (core.is_system());
GRANT SELECT, INSERT, UPDATE ON portal.api_keys TO chiso_app;

-- The key of this hash, if it is live: its id and province (NULL: national); marks it used.
CREATE FUNCTION portal.key_use(p_hash bytea)
RETURNS TABLE (id bigint, province_id bigint, name text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    UPDATE portal.api_keys k SET last_used_at = clock_timestamp()
     WHERE k.key_hash = p_hash AND k.revoked_at IS NULL
    RETURNING k.id, k.province_id, k.name
$$;

-- A province's id from its code, for a caller that has no tenant yet (the portal names the
-- province of a batch by code; the key is checked against it before the tenant is set).
CREATE FUNCTION portal.province_id(p_code text) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT p.id FROM catalog.provinces p WHERE p.code = p_code
$$;

REVOKE ALL ON FUNCTION portal.key_use(bytea) FROM PUBLIC;
REVOKE ALL ON FUNCTION portal.province_id(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION portal.key_use(bytea) TO chiso_app;
GRANT EXECUTE ON FUNCTION portal.province_id(text) TO chiso_app;

-- One received feed: kind 'index766' (JSON) or 'dossiers' (CSV).
CREATE TABLE portal.batches (
    id           bigserial PRIMARY KEY,
    province_id  bigint NOT NULL REFERENCES catalog.provinces(id),
    kind         text NOT NULL CHECK (kind IN ('index766', 'dossiers')),
    sha256       bytea NOT NULL CHECK (length(sha256) = 32),
    size         bigint NOT NULL,
    content_type text NOT NULL,
    file_name    text,
    api_key_id   bigint,                      -- NULL: loaded with chiso-admin portal-load
    loaded_by    text NOT NULL,
    records      int NOT NULL,                -- agency × period records in the batch
    lines        bigint NOT NULL,             -- data rows (CSV) or metrics (JSON)
    received_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (province_id, sha256),
    UNIQUE (province_id, id)
);

-- The raw bytes of a batch, in chunks (streamed in with COPY, never held whole in memory).
CREATE TABLE portal.batch_raw (
    province_id bigint NOT NULL,
    batch_id    bigint NOT NULL,
    seq         int NOT NULL,
    data        bytea NOT NULL,
    PRIMARY KEY (batch_id, seq),
    FOREIGN KEY (province_id, batch_id) REFERENCES portal.batches(province_id, id)
        DEFERRABLE INITIALLY DEFERRED
);

-- What a batch says about one agency and period. period: '2025' (year), '2025-Q1'
-- (quarter) or '2025-03' (month).
CREATE TABLE portal.records (
    province_id bigint NOT NULL,
    batch_id    bigint NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('index766', 'dossiers')),
    agency_id   bigint NOT NULL,
    period      text NOT NULL,
    year        int NOT NULL,
    portal_code text NOT NULL,                -- the agency code as the portal sent it
    PRIMARY KEY (batch_id, agency_id, period),
    FOREIGN KEY (province_id, batch_id) REFERENCES portal.batches(province_id, id)
        DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (province_id, agency_id) REFERENCES catalog.agencies(province_id, id)
);
CREATE INDEX records_current ON portal.records (province_id, kind, agency_id, period, batch_id DESC);

-- 766 values: a group (code 'CKMB', with score/maxScore) or a metric (code 'TDGQ.1').
-- is_null: the portal sent null for the whole metric (e.g. "does not apply to communes");
-- a NULL column is a null or absent field. Never 0 in place of a null.
CREATE TABLE portal.metrics (
    province_id bigint NOT NULL,
    batch_id    bigint NOT NULL,
    agency_id   bigint NOT NULL,
    period      text NOT NULL,
    code        text NOT NULL,
    group_code  text NOT NULL,
    is_group    boolean NOT NULL,
    is_null     boolean NOT NULL,
    name        text,
    numerator   bigint,
    denominator bigint,
    ratio       numeric,
    score       numeric,
    max_score   numeric,
    PRIMARY KEY (batch_id, agency_id, period, code),
    FOREIGN KEY (batch_id, agency_id, period) REFERENCES portal.records(batch_id, agency_id, period)
        DEFERRABLE INITIALLY DEFERRED
);

-- Dossier counts (hồ sơ): one row per agency, period and procedure ('' when the feed has
-- no procedure column); an agency's counts for a period are the sum over its rows.
CREATE TABLE portal.dossiers (
    province_id bigint NOT NULL,
    batch_id    bigint NOT NULL,
    agency_id   bigint NOT NULL,
    period      text NOT NULL,
    procedure   text NOT NULL DEFAULT '',
    received    bigint,
    on_time     bigint NOT NULL,
    late        bigint NOT NULL,
    online      bigint,
    line        bigint NOT NULL,              -- the CSV line, for error reports
    FOREIGN KEY (batch_id, agency_id, period) REFERENCES portal.records(batch_id, agency_id, period)
        DEFERRABLE INITIALLY DEFERRED
);
-- Not unique on purpose: rows stream in with COPY and a doubled (agency, period, procedure)
-- is reported with both its lines by the ingest (which then rolls the batch back).
CREATE INDEX dossiers_key ON portal.dossiers (batch_id, agency_id, period, procedure);

-- The mapping from the portal's agency codes to the province's (when they differ).
CREATE TABLE portal.agency_map (
    province_id bigint NOT NULL,
    portal_code text NOT NULL,
    agency_id   bigint NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (province_id, portal_code),
    FOREIGN KEY (province_id, agency_id) REFERENCES catalog.agencies(province_id, id)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['batches','batch_raw','records','metrics','dossiers','agency_map'] LOOP
    EXECUTE format('ALTER TABLE portal.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE portal.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant ON portal.%I USING (province_id = core.tenant()) '
                   'WITH CHECK (province_id = core.tenant())', t);
  END LOOP;
END $$;
-- Batches and their content are never changed once stored (a newer batch supersedes).
GRANT SELECT, INSERT ON portal.batches, portal.batch_raw, portal.records, portal.metrics,
    portal.dossiers TO chiso_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON portal.agency_map TO chiso_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA portal TO chiso_app;

-- The record that counts for each agency, period and kind: the newest batch covering it.
-- security_invoker: the view reads the tables as its caller, so row-level security applies
-- (a view owned by the superuser would otherwise see every province).
CREATE VIEW portal.current_records WITH (security_invoker = true) AS
    SELECT DISTINCT ON (province_id, kind, agency_id, period)
           province_id, kind, agency_id, period, year, batch_id
      FROM portal.records
     ORDER BY province_id, kind, agency_id, period, batch_id DESC;
GRANT SELECT ON portal.current_records TO chiso_app;

-- Dossier counts per agency and period from the current dossiers batch (SPEC §12: the late
-- rate is late / (on_time + late) of what the agency resolved in the period).
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

-- Automatic leaves and the heads' rating (SPEC §12) on the index set's leaves: catalog owns
-- the table; the columns come with the portal because they exist for it.
ALTER TABLE catalog.index_nodes ADD COLUMN auto jsonb;
ALTER TABLE catalog.index_nodes ADD COLUMN required_min bigint;   -- hundredths
