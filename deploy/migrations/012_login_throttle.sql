-- catalog: login throttling by (login, client address) with backoff, and by client address
-- across logins (issue 10, items 1-2). Failures of a login from one address no longer lock
-- that login out from everywhere: the owner signing in from elsewhere is not affected.

CREATE INDEX login_failures_ip_at ON catalog.login_failures (ip, at);
CREATE INDEX login_failures_login_ip_at ON catalog.login_failures (login, ip, at);

DROP FUNCTION catalog.auth_recent_failures(text);
DROP FUNCTION catalog.auth_clear_failures(text);

-- Seconds this (login, address) must still wait before its next attempt; 0: go ahead.
--  * (login, address): from the p_pair_max-th failure within 15 minutes on, the next attempt
--    waits 60 s after the last failure, doubling with every further failure (capped at 15
--    minutes);
--  * address: p_ip_max failures within 15 minutes, whatever the logins, stop it until the
--    oldest of them that keeps it at the cap is 15 minutes old.
CREATE FUNCTION catalog.auth_throttle(p_login text, p_ip text, p_pair_max int, p_ip_max int)
RETURNS int
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    WITH pair AS (
        SELECT count(*) AS n, max(f.at) AS last FROM catalog.login_failures f
         WHERE f.login = p_login AND f.ip = coalesce(p_ip, '')
           AND f.at > clock_timestamp() - interval '15 minutes'),
    addr AS (
        SELECT f.at FROM catalog.login_failures f
         WHERE f.ip = coalesce(p_ip, '') AND f.at > clock_timestamp() - interval '15 minutes'
         ORDER BY f.at DESC OFFSET greatest(p_ip_max - 1, 0) LIMIT 1)
    SELECT greatest(0,
        (SELECT CASE WHEN pair.n >= p_pair_max THEN
             ceil(extract(epoch FROM pair.last
                  + make_interval(secs => least(900, 60 * power(2, least(pair.n - p_pair_max, 10))))
                  - clock_timestamp()))
           ELSE 0 END FROM pair),
        coalesce((SELECT ceil(extract(epoch FROM addr.at + interval '15 minutes'
                                                 - clock_timestamp())) FROM addr), 0))::int
$$;

-- A successful login clears the failures of that login from that address only: the
-- address's failures on other logins still count.
CREATE FUNCTION catalog.auth_clear_failures(p_login text, p_ip text) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    DELETE FROM catalog.login_failures WHERE login = p_login AND ip = coalesce(p_ip, '')
$$;

REVOKE ALL ON FUNCTION catalog.auth_throttle(text, text, int, int) FROM PUBLIC;
REVOKE ALL ON FUNCTION catalog.auth_clear_failures(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION catalog.auth_throttle(text, text, int, int) TO chiso_app;
GRANT EXECUTE ON FUNCTION catalog.auth_clear_failures(text, text) TO chiso_app;
