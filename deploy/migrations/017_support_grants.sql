-- Support access (issue 10, item 3; SPEC §1: the sysadmin has nothing inside a province's
-- data unless granted). A province admin grants the installation's sysadmins access to its
-- province for a bounded time (at most 7 days) with a reason, and may revoke it. While a
-- grant is live, a sysadmin's request that names the province (header X-Support-Province,
-- services/gateway/auth.c) runs as that province's admin; every statement of it is checked
-- against the grant in the transaction itself (catalog.support_current, called by cs_db in
-- the statement that sets the tenant), so an expiry or a revocation ends access at the very
-- next request. The grant, its revocation and every action under it are in the province's
-- own audit trail (login "support:<sysadmin's login>").

CREATE TABLE catalog.support_grants (
    id          bigserial PRIMARY KEY,
    province_id bigint NOT NULL REFERENCES catalog.provinces (id),
    reason      text NOT NULL CHECK (length(btrim(reason)) BETWEEN 3 AND 500),
    granted_by  bigint NOT NULL REFERENCES catalog.users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    revoked_by  bigint REFERENCES catalog.users (id),
    CHECK (expires_at > created_at AND expires_at <= created_at + interval '7 days')
);
CREATE INDEX support_grants_live ON catalog.support_grants (province_id, expires_at)
    WHERE revoked_at IS NULL;
ALTER TABLE catalog.support_grants ENABLE ROW LEVEL SECURITY;
ALTER TABLE catalog.support_grants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON catalog.support_grants USING (province_id = core.tenant())
    WITH CHECK (province_id = core.tenant());
GRANT SELECT, INSERT, UPDATE ON catalog.support_grants TO chiso_app;
GRANT USAGE ON SEQUENCE catalog.support_grants_id_seq TO chiso_app;

-- Is this a live session of an active sysadmin (the user, no province) and does the
-- province have a live grant? Raises CHSUP (cs_db: 403 support_not_granted) when the
-- session is live but there is no grant; false (401 session_stale) when the session is not.
CREATE FUNCTION catalog.support_current(p_hash bytea, p_user bigint, p_province bigint)
RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT EXISTS (
      SELECT 1 FROM catalog.sessions s JOIN catalog.users u ON u.id = s.user_id
       WHERE s.token_hash = p_hash AND s.revoked_at IS NULL
         AND s.expires_at > clock_timestamp() AND u.active AND u.id = p_user
         AND u.province_id IS NULL AND u.roles @> '{sysadmin}') THEN
        RETURN false;
    END IF;
    IF NOT EXISTS (
      SELECT 1 FROM catalog.support_grants g
       WHERE g.province_id = p_province AND g.revoked_at IS NULL
         AND g.expires_at > clock_timestamp()) THEN
        RAISE EXCEPTION 'no live support grant for province %', p_province
            USING ERRCODE = 'CHSUP';
    END IF;
    RETURN true;
END $$;
REVOKE ALL ON FUNCTION catalog.support_current(bytea, bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION catalog.support_current(bytea, bigint, bigint) TO chiso_app;
