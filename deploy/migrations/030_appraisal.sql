-- appraisal: the council and its scopes, appraisal rounds 1 and 2, N/A decisions, specialist
-- opinions (SPEC §3-§4). Other services read appraisal.scores and appraisal.na_decisions
-- (docs/DESIGN.md §7): keep their names and columns. Points are bigint hundredths.

CREATE SCHEMA appraisal;
GRANT USAGE ON SCHEMA appraisal TO chiso_app;

-- Council members of a period and their scopes: leaf-code prefix x agency group. A member
-- is a user with at least one scope row; prefix '' covers every leaf.
CREATE TABLE appraisal.council_scopes (
    province_id bigint NOT NULL,
    period_id   bigint NOT NULL,
    user_id     bigint NOT NULL REFERENCES catalog.users(id),
    prefix      text NOT NULL,
    group_code  text NOT NULL,
    PRIMARY KEY (period_id, user_id, prefix, group_code),
    FOREIGN KEY (province_id, period_id) REFERENCES catalog.periods(province_id, id)
);

-- Appraised scores: round 1 and round 2 are both kept.
CREATE TABLE appraisal.scores (
    id           bigserial UNIQUE,
    province_id  bigint NOT NULL,
    period_id    bigint NOT NULL,
    agency_id    bigint NOT NULL,
    leaf_code    text NOT NULL,
    round        smallint NOT NULL CHECK (round IN (1, 2)),
    score        bigint,
    comment      text,
    appraiser_id bigint,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (period_id, agency_id, leaf_code, round),
    FOREIGN KEY (province_id, period_id) REFERENCES catalog.periods(province_id, id),
    FOREIGN KEY (province_id, agency_id) REFERENCES catalog.agencies(province_id, id)
);

-- A leaf is N/A for an agency iff a row here says true.
CREATE TABLE appraisal.na_decisions (
    id             bigserial UNIQUE,
    province_id    bigint NOT NULL,
    period_id      bigint NOT NULL,
    agency_id      bigint NOT NULL,
    leaf_code      text NOT NULL,
    not_applicable boolean NOT NULL,
    reason         text,
    decided_by     bigint,
    decided_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (period_id, agency_id, leaf_code),
    FOREIGN KEY (province_id, period_id) REFERENCES catalog.periods(province_id, id),
    FOREIGN KEY (province_id, agency_id) REFERENCES catalog.agencies(province_id, id)
);

-- Specialist opinion requests (phiếu lấy ý kiến) and their answers.
CREATE TABLE appraisal.opinions (
    id                   bigserial PRIMARY KEY,
    province_id          bigint NOT NULL,
    period_id            bigint NOT NULL,
    agency_id            bigint NOT NULL,
    leaf_code            text NOT NULL,
    specialist_agency_id bigint NOT NULL,
    question             text NOT NULL,
    asked_by             bigint NOT NULL,
    asked_at             timestamptz NOT NULL DEFAULT now(),
    answer               text,
    answered_by          bigint,
    answered_at          timestamptz,
    FOREIGN KEY (province_id, period_id) REFERENCES catalog.periods(province_id, id),
    FOREIGN KEY (province_id, agency_id) REFERENCES catalog.agencies(province_id, id),
    FOREIGN KEY (province_id, specialist_agency_id) REFERENCES catalog.agencies(province_id, id)
);
CREATE INDEX opinions_specialist ON appraisal.opinions (province_id, specialist_agency_id);
CREATE INDEX opinions_agency ON appraisal.opinions (province_id, period_id, agency_id);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['council_scopes','scores','na_decisions','opinions'] LOOP
    EXECUTE format('ALTER TABLE appraisal.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE appraisal.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant ON appraisal.%I USING (province_id = core.tenant()) '
                   'WITH CHECK (province_id = core.tenant())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON appraisal.%I TO chiso_app', t);
  END LOOP;
END $$;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA appraisal TO chiso_app;
