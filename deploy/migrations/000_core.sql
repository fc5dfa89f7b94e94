-- Core: the services' login role, tenant helpers, audit trail, idempotency records.
-- Migrations run as the cluster's superuser, which owns every table; the services log in as
-- chiso_app, which owns nothing and is not a superuser, so row-level security applies to it.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chiso_app') THEN
    CREATE ROLE chiso_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END $$;

CREATE SCHEMA core;
GRANT USAGE ON SCHEMA core TO chiso_app;

-- The tenant of the current transaction, NULL when none is set (then no tenant row matches).
CREATE FUNCTION core.tenant() RETURNS bigint LANGUAGE sql STABLE AS
$$ SELECT NULLIF(current_setting('chiso.province_id', true), '')::bigint $$;

-- True only in a transaction of a sysadmin (installation-wide tables only).
CREATE FUNCTION core.is_system() RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT coalesce(current_setting('chiso.system', true), '') = 'on' $$;

CREATE FUNCTION core.current_user_id() RETURNS bigint LANGUAGE sql STABLE AS
$$ SELECT NULLIF(current_setting('chiso.user_id', true), '')::bigint $$;

-- Every change of any score, N/A, submission state, phase...: who, when, old, new, reason.
-- The services may add and read rows, never change or remove them.
CREATE TABLE core.audit (
    id          bigserial PRIMARY KEY,
    province_id bigint NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    user_id     bigint,
    login       text,
    service     text NOT NULL,
    entity      text NOT NULL,
    entity_id   bigint,
    action      text NOT NULL,
    old_value   jsonb,
    new_value   jsonb,
    reason      text,
    request_id  text
);
CREATE INDEX audit_province_at ON core.audit (province_id, at);
CREATE INDEX audit_entity ON core.audit (province_id, entity, entity_id);
ALTER TABLE core.audit ENABLE ROW LEVEL SECURITY;
ALTER TABLE core.audit FORCE ROW LEVEL SECURITY;
-- Installation-wide actions of a sysadmin (no tenant set) are recorded under province_id 0,
-- like idempotency records below; a tenant sees only its own rows.
CREATE POLICY tenant ON core.audit USING (province_id = coalesce(core.tenant(), 0))
    WITH CHECK (province_id = coalesce(core.tenant(), 0));
GRANT SELECT, INSERT ON core.audit TO chiso_app;
GRANT USAGE ON SEQUENCE core.audit_id_seq TO chiso_app;

-- A write retried with the same Idempotency-Key gets the stored reply instead of running
-- again. province_id 0 is used for calls with no tenant (sysadmin).
CREATE TABLE core.idempotency (
    province_id    bigint NOT NULL,
    key            text NOT NULL,
    user_id        bigint NOT NULL DEFAULT 0,
    service        text NOT NULL,
    rpc            text NOT NULL,
    request_sha256 bytea NOT NULL,
    reply          bytea,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (province_id, user_id, key)
);
ALTER TABLE core.idempotency ENABLE ROW LEVEL SECURITY;
ALTER TABLE core.idempotency FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON core.idempotency
    USING (province_id = coalesce(core.tenant(), 0))
    WITH CHECK (province_id = coalesce(core.tenant(), 0));
GRANT SELECT, INSERT, UPDATE ON core.idempotency TO chiso_app;
