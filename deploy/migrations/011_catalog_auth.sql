-- catalog: the SECURITY DEFINER functions through which chiso_app reads users and sessions
-- before a tenant is known (login by name, session by token hash, logout, throttling).
-- Owned by the superuser running the migrations, so row-level security does not hide the
-- rows from them; each returns only what its caller needs. search_path is pinned so a
-- caller cannot substitute objects.

-- Failed logins of this login within the throttling window (15 minutes).
CREATE FUNCTION catalog.auth_recent_failures(p_login text) RETURNS int
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT count(*)::int FROM catalog.login_failures f
     WHERE f.login = p_login AND f.at > clock_timestamp() - interval '15 minutes'
$$;

CREATE FUNCTION catalog.auth_lookup(p_login text)
RETURNS TABLE (id bigint, province_id bigint, password_hash text, active boolean,
               roles text[], agency_id bigint, full_name text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT u.id, u.province_id, u.password_hash, u.active, u.roles, u.agency_id, u.full_name
      FROM catalog.users u WHERE u.login = p_login
$$;

CREATE FUNCTION catalog.auth_record_failure(p_login text, p_ip text) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO catalog.login_failures (login, ip, at)
    VALUES (p_login, coalesce(p_ip, ''), clock_timestamp())
$$;

CREATE FUNCTION catalog.auth_clear_failures(p_login text) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    DELETE FROM catalog.login_failures WHERE login = p_login
$$;

-- A new session of an active user; returns its expiry (Unix seconds), NULL if the user is
-- unknown or disabled.
CREATE FUNCTION catalog.session_create(p_hash bytea, p_user bigint, p_ttl int) RETURNS bigint
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO catalog.sessions (token_hash, user_id, province_id, expires_at)
    SELECT p_hash, u.id, u.province_id, now() + make_interval(secs => p_ttl)
      FROM catalog.users u WHERE u.id = p_user AND u.active
    RETURNING extract(epoch FROM expires_at)::bigint
$$;

-- The live session of this token hash: not revoked, not expired, user still active.
CREATE FUNCTION catalog.session_resolve(p_hash bytea)
RETURNS TABLE (user_id bigint, province_id bigint, roles text[], agency_id bigint,
               login text, full_name text, expires_at bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT u.id, u.province_id, u.roles, u.agency_id, u.login, u.full_name,
           extract(epoch FROM s.expires_at)::bigint
      FROM catalog.sessions s JOIN catalog.users u ON u.id = s.user_id
     WHERE s.token_hash = p_hash AND s.revoked_at IS NULL
       AND s.expires_at > clock_timestamp() AND u.active
$$;

CREATE FUNCTION catalog.session_revoke(p_hash bytea) RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    WITH r AS (UPDATE catalog.sessions SET revoked_at = now()
                WHERE token_hash = p_hash AND revoked_at IS NULL RETURNING 1)
    SELECT count(*) > 0 FROM r
$$;

-- Disabling a user ends their sessions at once.
CREATE FUNCTION catalog.session_revoke_user(p_user bigint) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    UPDATE catalog.sessions SET revoked_at = now() WHERE user_id = p_user AND revoked_at IS NULL
$$;

DO $$
DECLARE f text;
BEGIN
  FOREACH f IN ARRAY ARRAY['auth_recent_failures(text)', 'auth_lookup(text)',
                           'auth_record_failure(text,text)', 'auth_clear_failures(text)',
                           'session_create(bytea,bigint,int)', 'session_resolve(bytea)',
                           'session_revoke(bytea)', 'session_revoke_user(bigint)'] LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION catalog.%s FROM PUBLIC', f);
    EXECUTE format('GRANT EXECUTE ON FUNCTION catalog.%s TO chiso_app', f);
  END LOOP;
END $$;
