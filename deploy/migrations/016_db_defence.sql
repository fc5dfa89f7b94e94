-- Defence in depth in the database (issue 10, item 9).
--
-- 1. System mode is no longer a setting the services' role grants itself. Until now
--    core.is_system() trusted the GUC chiso.system, which chiso_app could set in any
--    transaction and then read every province's users and the installation's API keys.
--    Now chiso.system = 'on' is only a claim; it holds when either
--      - the connection's role is chiso_system (a separate login role, its own connection
--        string, given only to chiso-admin; no service process holds it), or
--      - the transaction names (chiso.session, set by cs_db with the tenant) a live session
--        of an active sysadmin whose id is the transaction's chiso.user_id: a sysadmin's own
--        request through the gateway. chiso_app cannot read catalog.sessions, so it cannot
--        name such a session without holding a sysadmin's token.
--    The reminders' sender only needed the list of provinces from system mode: it now asks
--    catalog.province_ids() (ids only; chiso_app chooses its tenant anyway).
-- 2. The password hash is not readable by chiso_app: SELECT on catalog.users is granted
--    column by column, without password_hash (a migration adding a column to catalog.users
--    grants SELECT on it). The app still writes hashes (new user, new password).
--    Verification stays in C (cat_auth.c): the hashes are libsodium Argon2id strings, which
--    PostgreSQL cannot verify (pgcrypto's crypt() knows bcrypt/md5/des only), and a 64 MiB
--    memory-hard hash per login inside database backends would let login attempts take the
--    database's memory. So the login path fetches one hash through catalog.auth_attempt(),
--    which records the fetch as a failed attempt of that login before it returns (committed
--    at once on the catalog's side connection, cleared by a successful login): every hash
--    that leaves the database counts in the login throttling (012) and leaves a row in
--    catalog.login_failures. Unknown logins get no row and are recorded the same way; the
--    catalog verifies them against a dummy hash of the same cost (no timing oracle).
--    The old catalog.auth_lookup(), which returned any user's hash without a trace, goes.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chiso_system') THEN
    CREATE ROLE chiso_system LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END $$;
-- Everything chiso_app may do, plus being system (core.is_system below). chiso_app is not
-- a member of chiso_system, so it cannot SET ROLE to it.
GRANT chiso_app TO chiso_system;

-- A live session of an active sysadmin, named by this transaction (chiso.session: the hex
-- SHA-256 of the session token) and matching its chiso.user_id.
CREATE FUNCTION core.system_session() RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    h text := current_setting('chiso.session', true);
BEGIN
    IF h IS NULL OR h !~ '^[0-9a-f]{64}$' THEN
        RETURN false;
    END IF;
    RETURN EXISTS (
      SELECT 1 FROM catalog.sessions s JOIN catalog.users u ON u.id = s.user_id
       WHERE s.token_hash = decode(h, 'hex') AND s.revoked_at IS NULL
         AND s.expires_at > clock_timestamp() AND u.active
         AND u.province_id IS NULL AND u.roles @> '{sysadmin}'
         AND u.id = NULLIF(current_setting('chiso.user_id', true), '')::bigint);
END $$;
REVOKE ALL ON FUNCTION core.system_session() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION core.system_session() TO chiso_app;

-- Plain SQL (inlined into the policies): for a tenant's transaction the claim is 'off' and
-- the session lookup never runs.
CREATE OR REPLACE FUNCTION core.is_system() RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT coalesce(pg_catalog.current_setting('chiso.system', true), '') = 'on'
          AND (CURRENT_USER = 'chiso_system' OR core.system_session()) $$;

-- The provinces' ids, for the reminders' sender (one pass per province, as its tenant).
CREATE FUNCTION catalog.province_ids() RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT id FROM catalog.provinces ORDER BY id
$$;
REVOKE ALL ON FUNCTION catalog.province_ids() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION catalog.province_ids() TO chiso_app;

-- catalog.users: every column readable but the hash.
REVOKE SELECT ON catalog.users FROM chiso_app;
DO $$
DECLARE cols text;
BEGIN
  SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) INTO cols
    FROM information_schema.columns
   WHERE table_schema = 'catalog' AND table_name = 'users' AND column_name <> 'password_hash';
  EXECUTE format('GRANT SELECT (%s) ON catalog.users TO chiso_app', cols);
END $$;

-- One login attempt: recorded first (as a failure, until a successful login clears it),
-- then the user's row with its hash. Run on its own committed connection by the catalog.
CREATE FUNCTION catalog.auth_attempt(p_login text, p_ip text)
RETURNS TABLE (id bigint, province_id bigint, password_hash text, active boolean,
               roles text[], agency_id bigint, full_name text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO catalog.login_failures (login, ip, at)
    VALUES (p_login, coalesce(p_ip, ''), clock_timestamp());
    RETURN QUERY
      SELECT u.id, u.province_id, u.password_hash, u.active, u.roles, u.agency_id, u.full_name
        FROM catalog.users u WHERE u.login = p_login;
END $$;
REVOKE ALL ON FUNCTION catalog.auth_attempt(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION catalog.auth_attempt(text, text) TO chiso_app;

DROP FUNCTION catalog.auth_lookup(text);
