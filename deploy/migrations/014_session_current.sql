-- catalog: is a session the gateway resolved earlier (and keeps in its cache) still what it
-- was? Every service transaction asks this in the statement that sets its tenant (cs_db), so
-- a logout, a disabled user or a changed role, agency or province takes effect on the very
-- next request, through any gateway, without a catalog round trip per request.
-- True when the session of this token hash is live (not revoked, not expired, user active)
-- and its user still has exactly this province, agency and roles. PL/pgSQL rather than SQL:
-- it runs once per request, and PL/pgSQL keeps the plan for the connection's lifetime.
CREATE FUNCTION catalog.session_current(p_hash bytea, p_user bigint, p_province bigint,
                                        p_agency bigint, p_roles text[]) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN EXISTS (
      SELECT 1 FROM catalog.sessions s JOIN catalog.users u ON u.id = s.user_id
       WHERE s.token_hash = p_hash AND s.revoked_at IS NULL
         AND s.expires_at > clock_timestamp() AND u.active
         AND u.id = p_user
         AND u.province_id IS NOT DISTINCT FROM p_province
         AND u.agency_id IS NOT DISTINCT FROM p_agency
         AND u.roles = p_roles);
END
$$;
REVOKE ALL ON FUNCTION catalog.session_current(bytea, bigint, bigint, bigint, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION catalog.session_current(bytea, bigint, bigint, bigint, text[]) TO chiso_app;
