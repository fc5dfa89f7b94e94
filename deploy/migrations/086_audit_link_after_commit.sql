-- Audit rows of the services are linked into their province's hash chain just after their
-- transaction commits, not inside it (issue 11, P1). 003's trigger locks the province's
-- chain head until the writing transaction ends, COMMIT and its WAL flush included, so all
-- the audited writes of one province ran one after another, however many database sessions
-- the services had: 64 agencies of one province saving scores waited for each other's
-- fsync (pg_stat_activity during the save load: most sessions in Lock:transactionid). Now:
--   * a transaction that sets chiso.audit_defer = 'on' (cs_db sets it in the statement
--     that sets the tenant) inserts its audit rows unlinked (chain_seq, prev_hash and
--     row_hash NULL), takes no lock on the head, and notes the rows' ids in the session
--     (chiso.audit_unlinked: set for the session, so it outlives the COMMIT and is undone
--     with a rollback);
--   * right after its COMMIT, in the same round trip, the same session runs
--     core.audit_link_mine(): under the head row's lock it links those rows, in id order,
--     exactly as 003's trigger would have (same digest, chain_seq the next position,
--     prev_hash the head's hash), and moves the head; the service answers after it, so an
--     acknowledged write is in the chain;
--   * that link transaction commits without waiting for its WAL flush (synchronous_commit
--     off for it alone): the audited write itself was flushed by its own COMMIT before, so
--     nothing acknowledged can be lost; what a crash can lose is only the link of the last
--     rows (WAL is replayed in order, so rows and head go back together to unlinked), and
--     those are linked again like any row left unlinked. The head lock is so held for
--     microseconds, not for a flush.
-- A row left unlinked (its process died between the COMMIT and the link, or a crash lost
-- the link) is linked by core.audit_link_pending(), which chiso-admin audit-verify runs
-- first. Everything else (psql as the superuser, chiso-admin, any session that does not
-- set the flag) still links in the trigger, under the head lock, as before. The chain is
-- the same chain: one sequence per province, 1, 2, 3 ..., each row's hash over its content
-- and its predecessor's hash; core.audit_verify checks it as before and leaves out only
-- the rows not linked yet.

-- 003's digest, the same expression, in PL/pgSQL: as a SQL function with a SET clause it
-- could not be inlined, and PL/pgSQL callers parsed and planned its body again in every
-- transaction (seen in the profile of the saves); PL/pgSQL keeps its plan per session.
CREATE OR REPLACE FUNCTION core.audit_digest(a core.audit) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN sha256(convert_to(jsonb_build_array(
        a.province_id, a.chain_seq, (extract(epoch FROM a.at) * 1000000)::bigint, a.user_id,
        a.login, a.service, a.entity, a.entity_id, a.action, a.old_value, a.new_value,
        a.reason, a.request_id, encode(a.prev_hash, 'hex'))::text, 'UTF8'));
END $$;

CREATE OR REPLACE FUNCTION core.audit_chain_link() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    h core.audit_chain_head;
BEGIN
    IF current_setting('chiso.audit_defer', true) = 'on' THEN
        -- linked after the commit; never trust what the writer put in these columns
        NEW.chain_seq := NULL;
        NEW.prev_hash := NULL;
        NEW.row_hash := NULL;
        PERFORM set_config('chiso.audit_unlinked',
                           concat_ws(',', nullif(current_setting('chiso.audit_unlinked', true), ''),
                                     NEW.id), false);
        RETURN NEW;
    END IF;
    INSERT INTO core.audit_chain_head (province_id, last_seq, last_hash)
    VALUES (NEW.province_id, 0, '\x'::bytea) ON CONFLICT (province_id) DO NOTHING;
    SELECT * INTO h FROM core.audit_chain_head WHERE province_id = NEW.province_id FOR UPDATE;
    NEW.chain_seq := h.last_seq + 1;
    NEW.prev_hash := h.last_hash;
    NEW.row_hash := core.audit_digest(NEW);
    UPDATE core.audit_chain_head SET last_seq = NEW.chain_seq, last_hash = NEW.row_hash
     WHERE province_id = NEW.province_id;
    RETURN NEW;
END $$;

-- Link the given rows that are still unlinked, province by province (in province order,
-- so two linkers never wait for each other's heads in a cycle), each under its head row's
-- lock; returns how many. Rows already linked (by audit_link_pending) are skipped. Each
-- row is read by its primary key: PL/pgSQL keeps the plan it made at a session's first
-- calls, and with the trail still small (a fresh system, the bench's start) that plan
-- scanned the whole table, 0.3-1 ms a call once it had grown (20,000 saves); sequential
-- scans are therefore off for this function's statements.
CREATE FUNCTION core.audit_link_rows(p_ids bigint[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
SET enable_seqscan = off AS $$
DECLARE
    i bigint;
    p bigint;
    provinces bigint[] := '{}';
    h core.audit_chain_head;
    a core.audit;
    n integer := 0;
BEGIN
    FOREACH i IN ARRAY p_ids LOOP
        SELECT x.province_id INTO p FROM core.audit x WHERE x.id = i;
        IF FOUND AND NOT p = ANY (provinces) THEN
            provinces := provinces || p;
        END IF;
    END LOOP;
    FOREACH p IN ARRAY (SELECT coalesce(array_agg(x ORDER BY x), '{}') FROM unnest(provinces) x)
    LOOP
        INSERT INTO core.audit_chain_head (province_id, last_seq, last_hash)
        VALUES (p, 0, '\x'::bytea) ON CONFLICT (province_id) DO NOTHING;
        SELECT * INTO h FROM core.audit_chain_head x WHERE x.province_id = p FOR UPDATE;
        FOREACH i IN ARRAY (SELECT coalesce(array_agg(x ORDER BY x), '{}') FROM unnest(p_ids) x)
        LOOP
            -- read after the lock: what the lock's previous holder linked is seen as linked
            SELECT * INTO a FROM core.audit x WHERE x.id = i;
            CONTINUE WHEN NOT FOUND OR a.province_id <> p OR a.chain_seq IS NOT NULL;
            a.chain_seq := h.last_seq + 1;
            a.prev_hash := h.last_hash;
            a.row_hash := core.audit_digest(a);
            UPDATE core.audit x SET chain_seq = a.chain_seq, prev_hash = a.prev_hash,
                   row_hash = a.row_hash
             WHERE x.id = a.id;
            h.last_seq := a.chain_seq;
            h.last_hash := a.row_hash;
            n := n + 1;
        END LOOP;
        UPDATE core.audit_chain_head x SET last_seq = h.last_seq, last_hash = h.last_hash
         WHERE x.province_id = p;
    END LOOP;
    RETURN n;
END $$;

-- The session's rows left unlinked by its committed transactions (chiso.audit_unlinked),
-- linked; the list is then emptied. The link commits without waiting for its flush (see
-- above): set here for the rest of this transaction, which is the link's own.
CREATE FUNCTION core.audit_link_mine() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    ids text := nullif(current_setting('chiso.audit_unlinked', true), '');
BEGIN
    IF ids IS NULL THEN
        RETURN 0;
    END IF;
    PERFORM set_config('synchronous_commit', 'off', true);
    PERFORM set_config('chiso.audit_unlinked', '', false);
    RETURN core.audit_link_rows(string_to_array(ids, ',')::bigint[]);
END $$;

-- Every province's unlinked rows (their writer died between its COMMIT and their link, or
-- a crash lost the link): chiso-admin audit-verify runs this first. Returns the rows
-- linked. Reads the whole trail (no index on unlinked rows: it would cost every insert).
CREATE FUNCTION core.audit_link_pending() RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT core.audit_link_rows(coalesce(array_agg(x.id), '{}'))::bigint
      FROM core.audit x WHERE x.chain_seq IS NULL
$$;

-- 003's check, leaving out the rows not linked yet (they are not part of the chain until
-- then; a linked row whose chain_seq is set back to NULL leaves a gap or a short head,
-- which is found as before).
CREATE OR REPLACE FUNCTION core.audit_verify(p_province bigint)
RETURNS TABLE (province_id bigint, rows_checked bigint, first_bad_id bigint,
               first_bad_seq bigint, problem text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p bigint;
    a core.audit;
    prev bytea;
    expect bigint;
    n bigint;
    bad boolean;
    h core.audit_chain_head;
BEGIN
    FOR p IN SELECT DISTINCT x.province_id FROM core.audit_chain_head x
              WHERE p_province IS NULL OR x.province_id = p_province
              ORDER BY 1 LOOP
        prev := '\x'::bytea; expect := 1; n := 0; bad := false;
        FOR a IN SELECT * FROM core.audit x WHERE x.province_id = p
                    AND x.chain_seq IS NOT NULL ORDER BY x.chain_seq LOOP
            n := n + 1;
            IF a.chain_seq IS DISTINCT FROM expect THEN
                province_id := p; rows_checked := n; first_bad_id := a.id;
                first_bad_seq := a.chain_seq; problem := 'gap'; bad := true; EXIT;
            ELSIF a.prev_hash IS DISTINCT FROM prev THEN
                province_id := p; rows_checked := n; first_bad_id := a.id;
                first_bad_seq := a.chain_seq; problem := 'link'; bad := true; EXIT;
            ELSIF a.row_hash IS DISTINCT FROM core.audit_digest(a) THEN
                province_id := p; rows_checked := n; first_bad_id := a.id;
                first_bad_seq := a.chain_seq; problem := 'content'; bad := true; EXIT;
            END IF;
            prev := a.row_hash;
            expect := expect + 1;
        END LOOP;
        IF NOT bad THEN
            SELECT * INTO h FROM core.audit_chain_head x WHERE x.province_id = p;
            province_id := p; rows_checked := n; first_bad_id := NULL; first_bad_seq := NULL;
            problem := NULL;
            IF h.last_seq <> n OR h.last_hash IS DISTINCT FROM prev THEN
                first_bad_seq := n + 1; problem := 'head';
            END IF;
        END IF;
        RETURN NEXT;
    END LOOP;
END $$;

REVOKE ALL ON FUNCTION core.audit_link_rows(bigint[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION core.audit_link_mine() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION core.audit_link_mine() TO chiso_app;
REVOKE ALL ON FUNCTION core.audit_link_pending() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION core.audit_link_pending() TO chiso_app;
