-- Tamper-evident audit trail (issue 10, item 10; R6). Each province's audit rows form a hash
-- chain: a row stores its place in the chain (chain_seq, 1, 2, ... per province), the hash
-- of the row before it (prev_hash) and the SHA-256 of its own content including prev_hash
-- (row_hash). Changing, removing or inserting a row by hand breaks the chain from that row
-- on; core.audit_verify() (chiso-admin audit-verify) finds the first broken row.
--
-- Appends to one province's chain are serialised by its head row in core.audit_chain_head,
-- locked by the trigger until the appending transaction ends: two transactions can never
-- both link to the same predecessor. The chain order is chain_seq, not id (a row's id is
-- drawn before it waits for the head).

ALTER TABLE core.audit ADD COLUMN chain_seq bigint;
ALTER TABLE core.audit ADD COLUMN prev_hash bytea;
ALTER TABLE core.audit ADD COLUMN row_hash bytea;

CREATE TABLE core.audit_chain_head (
    province_id bigint PRIMARY KEY,
    last_seq    bigint NOT NULL,
    last_hash   bytea NOT NULL
);
-- Only the definer functions below touch it (owned by the superuser, which row-level
-- security does not restrict); like every table with a province_id, it has the tenant
-- policy, so no other role could read another province's head even if granted.
REVOKE ALL ON core.audit_chain_head FROM PUBLIC;
ALTER TABLE core.audit_chain_head ENABLE ROW LEVEL SECURITY;
ALTER TABLE core.audit_chain_head FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON core.audit_chain_head USING (province_id = coalesce(core.tenant(), 0))
    WITH CHECK (province_id = coalesce(core.tenant(), 0));

-- The SHA-256 of an audit row's content: a JSON array of every column but id and the hash
-- itself (JSON text escapes everything, so no two rows share a text; the instant in
-- microseconds, so the session's TimeZone does not matter).
CREATE FUNCTION core.audit_digest(a core.audit) RETURNS bytea
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT sha256(convert_to(jsonb_build_array(
        a.province_id, a.chain_seq, (extract(epoch FROM a.at) * 1000000)::bigint, a.user_id,
        a.login, a.service, a.entity, a.entity_id, a.action, a.old_value, a.new_value,
        a.reason, a.request_id, encode(a.prev_hash, 'hex'))::text, 'UTF8'))
$$;

CREATE FUNCTION core.audit_chain_link() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    h core.audit_chain_head;
BEGIN
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

-- Rows written before this migration: chained in id order, province by province.
DO $$
DECLARE
    r record;
    prev bytea;
    seq bigint;
    cur bigint := NULL;
    a core.audit;
BEGIN
    FOR r IN SELECT id, province_id FROM core.audit ORDER BY province_id, id LOOP
        IF cur IS DISTINCT FROM r.province_id THEN
            cur := r.province_id; prev := '\x'::bytea; seq := 0;
        END IF;
        seq := seq + 1;
        UPDATE core.audit SET chain_seq = seq, prev_hash = prev WHERE id = r.id;
        SELECT * INTO a FROM core.audit WHERE id = r.id;
        prev := core.audit_digest(a);
        UPDATE core.audit SET row_hash = prev WHERE id = r.id;
        INSERT INTO core.audit_chain_head VALUES (cur, seq, prev)
            ON CONFLICT (province_id) DO UPDATE SET last_seq = seq, last_hash = prev;
    END LOOP;
END $$;

CREATE TRIGGER audit_chain BEFORE INSERT ON core.audit
    FOR EACH ROW EXECUTE FUNCTION core.audit_chain_link();
CREATE UNIQUE INDEX audit_chain ON core.audit (province_id, chain_seq);

-- Check the chains of one province (or all when p_province is NULL). One row per province:
-- rows checked, and the first broken row (id and chain_seq; NULL when the chain holds) with
-- what is wrong: 'content' (the row's content does not give its hash), 'link' (prev_hash is
-- not the previous row's hash), 'gap' (a row of the chain is missing), 'head' (rows after
-- the last one were removed). SECURITY DEFINER: it sees every province's rows but answers
-- nothing of their content.
CREATE FUNCTION core.audit_verify(p_province bigint)
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
        FOR a IN SELECT * FROM core.audit x WHERE x.province_id = p ORDER BY x.chain_seq LOOP
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

REVOKE ALL ON FUNCTION core.audit_verify(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION core.audit_verify(bigint) TO chiso_app;
REVOKE ALL ON FUNCTION core.audit_chain_link() FROM PUBLIC;
