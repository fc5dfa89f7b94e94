-- catalog: provinces, agency groups, agencies, people and discipline, users and sessions,
-- index sets, periods and phases. Other services read these tables (their READMEs say which).

CREATE SCHEMA catalog;
GRANT USAGE ON SCHEMA catalog TO chiso_app;

CREATE TABLE catalog.provinces (
    id          bigserial PRIMARY KEY,
    code        text NOT NULL UNIQUE,
    name        text NOT NULL,
    time_zone   text NOT NULL DEFAULT 'Asia/Ho_Chi_Minh',
    created_at  timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE catalog.provinces ENABLE ROW LEVEL SECURITY;
ALTER TABLE catalog.provinces FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON catalog.provinces USING (id = core.tenant() OR core.is_system())
    WITH CHECK (core.is_system());

-- Groups are data (01 departments, 02 public service units, 03 communes; older periods had
-- districts), not an enum in code.
CREATE TABLE catalog.agency_groups (
    province_id bigint NOT NULL REFERENCES catalog.provinces(id),
    code        text NOT NULL,
    name        text NOT NULL,
    PRIMARY KEY (province_id, code)
);

CREATE TABLE catalog.agencies (
    id          bigserial PRIMARY KEY,
    province_id bigint NOT NULL REFERENCES catalog.provinces(id),
    code        text NOT NULL,
    name        text NOT NULL,
    group_code  text NOT NULL,
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (province_id, code),
    UNIQUE (province_id, id),
    FOREIGN KEY (province_id, group_code) REFERENCES catalog.agency_groups(province_id, code)
);

-- Heads and deputies of each agency.
CREATE TABLE catalog.people (
    id          bigserial PRIMARY KEY,
    province_id bigint NOT NULL,
    agency_id   bigint NOT NULL,
    full_name   text NOT NULL,
    position    text NOT NULL CHECK (position IN ('head', 'deputy')),
    from_date   date,
    to_date     date,
    FOREIGN KEY (province_id, agency_id) REFERENCES catalog.agencies(province_id, id)
);
CREATE INDEX people_agency ON catalog.people (province_id, agency_id);

CREATE TABLE catalog.discipline (
    id           bigserial PRIMARY KEY,
    province_id  bigint NOT NULL,
    person_id    bigint NOT NULL REFERENCES catalog.people(id),
    decided_on   date NOT NULL,
    form         text NOT NULL,          -- khiển trách, cảnh cáo, ...
    decision_no  text,
    note         text
);
CREATE INDEX discipline_person ON catalog.discipline (province_id, person_id);

-- Users. province_id is NULL only for sysadmins. Passwords: Argon2id (libsodium) only.
CREATE TABLE catalog.users (
    id            bigserial PRIMARY KEY,
    province_id   bigint REFERENCES catalog.provinces(id),
    login         text NOT NULL UNIQUE,
    full_name     text NOT NULL DEFAULT '',
    password_hash text NOT NULL,
    roles         text[] NOT NULL,
    agency_id     bigint REFERENCES catalog.agencies(id),
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Sessions: only the SHA-256 of the random token is stored.
CREATE TABLE catalog.sessions (
    id          bigserial PRIMARY KEY,
    token_hash  bytea NOT NULL UNIQUE,
    user_id     bigint NOT NULL REFERENCES catalog.users(id),
    province_id bigint,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);

CREATE TABLE catalog.login_failures (
    id      bigserial PRIMARY KEY,
    login   text NOT NULL,
    ip      text NOT NULL DEFAULT '',
    at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_login_at ON catalog.login_failures (login, at);

-- Index sets (Bộ Chỉ số): one per province, group and year; draft until a period uses it,
-- then frozen (a period keeps the exact version it was scored against).
CREATE TABLE catalog.index_sets (
    id          bigserial PRIMARY KEY,
    province_id bigint NOT NULL REFERENCES catalog.provinces(id),
    code        text NOT NULL,
    name        text NOT NULL,
    group_code  text NOT NULL,
    year        int NOT NULL,
    frozen      boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (province_id, code),
    UNIQUE (province_id, id)
);

-- The six contents of an index set and their maxima (hundredths; NULL for 6, deductions).
CREATE TABLE catalog.index_contents (
    province_id  bigint NOT NULL,
    index_set_id bigint NOT NULL,
    content      smallint NOT NULL CHECK (content BETWEEN 1 AND 6),
    title        text NOT NULL,
    max_points   bigint CHECK (max_points IS NULL OR max_points > 0),
    PRIMARY KEY (index_set_id, content),
    FOREIGN KEY (province_id, index_set_id) REFERENCES catalog.index_sets(province_id, id) ON DELETE CASCADE
);

-- Criteria and sub-criteria. Leaves (is_leaf) carry the points; codes like "2.4.1".
CREATE TABLE catalog.index_nodes (
    id                bigserial PRIMARY KEY,
    province_id       bigint NOT NULL,
    index_set_id      bigint NOT NULL,
    code              text NOT NULL,
    parent_code       text,                 -- NULL for a criterion directly under its content
    content           smallint NOT NULL CHECK (content BETWEEN 1 AND 6),
    is_leaf           boolean NOT NULL,
    title             text NOT NULL,
    max_points        bigint,               -- hundredths, > 0 on leaves
    guidance          text NOT NULL DEFAULT '',
    evidence_required boolean NOT NULL DEFAULT false,
    step              bigint NOT NULL DEFAULT 25 CHECK (step > 0),
    auto_source       text,
    sort              int NOT NULL DEFAULT 0,
    UNIQUE (index_set_id, code),
    FOREIGN KEY (province_id, index_set_id) REFERENCES catalog.index_sets(province_id, id) ON DELETE CASCADE,
    CHECK (NOT is_leaf OR max_points > 0)
);

-- A period (kỳ đánh giá) and its configuration (thresholds, bands, quota...: JSON, with the
-- defaults of Decision 02050/QĐ-UBND applied where a key is absent).
CREATE TABLE catalog.periods (
    id          bigserial PRIMARY KEY,
    province_id bigint NOT NULL REFERENCES catalog.provinces(id),
    code        text NOT NULL,
    name        text NOT NULL,
    year        int NOT NULL,
    config      jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (province_id, code),
    UNIQUE (province_id, id)
);

-- Which index set each group of a period is scored against.
CREATE TABLE catalog.period_index_sets (
    province_id  bigint NOT NULL,
    period_id    bigint NOT NULL,
    group_code   text NOT NULL,
    index_set_id bigint NOT NULL,
    PRIMARY KEY (period_id, group_code),
    FOREIGN KEY (province_id, period_id) REFERENCES catalog.periods(province_id, id),
    FOREIGN KEY (province_id, index_set_id) REFERENCES catalog.index_sets(province_id, id)
);

-- Phases: self_assessment, appraisal_1, explanation, appraisal_2, leadership, survey,
-- publication, appeal. A write outside its phase is refused with 409.
CREATE TABLE catalog.phases (
    province_id bigint NOT NULL,
    period_id   bigint NOT NULL,
    phase       text NOT NULL,
    opens_at    timestamptz NOT NULL,
    closes_at   timestamptz NOT NULL CHECK (closes_at > opens_at),
    PRIMARY KEY (period_id, phase),
    FOREIGN KEY (province_id, period_id) REFERENCES catalog.periods(province_id, id)
);

-- Per-agency extension of a phase (audited, with reason).
CREATE TABLE catalog.phase_extensions (
    province_id bigint NOT NULL,
    period_id   bigint NOT NULL,
    phase       text NOT NULL,
    agency_id   bigint NOT NULL,
    closes_at   timestamptz NOT NULL,
    reason      text NOT NULL,
    granted_by  bigint,
    granted_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (period_id, phase, agency_id),
    FOREIGN KEY (province_id, period_id) REFERENCES catalog.periods(province_id, id),
    FOREIGN KEY (province_id, agency_id) REFERENCES catalog.agencies(province_id, id)
);

-- Row-level security on every tenant table.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['agency_groups','agencies','people','discipline','index_sets',
                           'index_contents','index_nodes','periods','period_index_sets',
                           'phases','phase_extensions'] LOOP
    EXECUTE format('ALTER TABLE catalog.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE catalog.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant ON catalog.%I USING (province_id = core.tenant()) '
                   'WITH CHECK (province_id = core.tenant())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON catalog.%I TO chiso_app', t);
  END LOOP;
END $$;

ALTER TABLE catalog.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE catalog.users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON catalog.users
    USING (province_id = core.tenant() OR core.is_system())
    WITH CHECK (province_id = core.tenant() OR core.is_system());
GRANT SELECT, INSERT, UPDATE ON catalog.users TO chiso_app;
GRANT SELECT, INSERT, UPDATE ON catalog.provinces TO chiso_app;

-- Sessions and login failures are reached only through SECURITY DEFINER functions (there
-- is no tenant before login); RLS with no policy for chiso_app denies direct access.
ALTER TABLE catalog.sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE catalog.sessions FORCE ROW LEVEL SECURITY;
ALTER TABLE catalog.login_failures ENABLE ROW LEVEL SECURITY;
ALTER TABLE catalog.login_failures FORCE ROW LEVEL SECURITY;

GRANT USAGE ON ALL SEQUENCES IN SCHEMA catalog TO chiso_app;
