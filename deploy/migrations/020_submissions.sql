-- submissions: the agencies' self-assessment (SPEC §3-§4). Other services read
-- submissions.scores and submissions.submissions (docs/DESIGN.md §7): keep their names and
-- columns. Points are bigint hundredths.

CREATE SCHEMA submissions;
GRANT USAGE ON SCHEMA submissions TO chiso_app;

-- One self score per period, agency and leaf. id is only a handle for the audit trail.
CREATE TABLE submissions.scores (
    id          bigserial UNIQUE,
    province_id bigint NOT NULL,
    period_id   bigint NOT NULL,
    agency_id   bigint NOT NULL,
    leaf_code   text NOT NULL,
    score       bigint,                 -- NULL: not entered
    note        text,
    updated_by  bigint,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (period_id, agency_id, leaf_code),
    FOREIGN KEY (province_id, period_id) REFERENCES catalog.periods(province_id, id),
    FOREIGN KEY (province_id, agency_id) REFERENCES catalog.agencies(province_id, id)
);

-- The submission state of an agency's self-assessment; no row means draft.
CREATE TABLE submissions.submissions (
    id           bigserial UNIQUE,
    province_id  bigint NOT NULL,
    period_id    bigint NOT NULL,
    agency_id    bigint NOT NULL,
    state        text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'submitted')),
    submitted_at timestamptz,
    submitted_by bigint,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (period_id, agency_id),
    FOREIGN KEY (province_id, period_id) REFERENCES catalog.periods(province_id, id),
    FOREIGN KEY (province_id, agency_id) REFERENCES catalog.agencies(province_id, id)
);

-- Evidence: an uploaded file (the gateway keeps the blob under its SHA-256, so the same file
-- twice is one blob) or a reference to an official document.
CREATE TABLE submissions.evidence (
    id            bigserial PRIMARY KEY,
    province_id   bigint NOT NULL,
    period_id     bigint NOT NULL,
    agency_id     bigint NOT NULL,
    leaf_code     text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('file', 'document')),
    file_sha256   text CHECK (file_sha256 IS NULL OR file_sha256 ~ '^[0-9a-f]{64}$'),
    file_size     bigint CHECK (file_size IS NULL OR file_size >= 0),
    file_type     text,
    file_name     text,
    doc_number    text,
    issued_on     date,
    issuer        text,
    title         text,
    supplementary boolean NOT NULL DEFAULT false,
    created_by    bigint,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (kind <> 'file' OR (file_sha256 IS NOT NULL AND file_name IS NOT NULL)),
    CHECK (kind <> 'document' OR (doc_number IS NOT NULL AND issued_on IS NOT NULL)),
    FOREIGN KEY (province_id, period_id) REFERENCES catalog.periods(province_id, id),
    FOREIGN KEY (province_id, agency_id) REFERENCES catalog.agencies(province_id, id)
);
CREATE UNIQUE INDEX evidence_file_once ON submissions.evidence
    (period_id, agency_id, leaf_code, file_sha256) WHERE kind = 'file';
CREATE INDEX evidence_agency ON submissions.evidence (province_id, period_id, agency_id);

-- The agency's proposal that a leaf is not applicable; the council or the admin decides
-- (appraisal.na_decisions).
CREATE TABLE submissions.na_proposals (
    province_id bigint NOT NULL,
    period_id   bigint NOT NULL,
    agency_id   bigint NOT NULL,
    leaf_code   text NOT NULL,
    reason      text NOT NULL,
    proposed_by bigint,
    proposed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (period_id, agency_id, leaf_code),
    FOREIGN KEY (province_id, period_id) REFERENCES catalog.periods(province_id, id),
    FOREIGN KEY (province_id, agency_id) REFERENCES catalog.agencies(province_id, id)
);

-- Explanations (giải trình) in the window between the appraisal rounds.
CREATE TABLE submissions.explanations (
    id          bigserial UNIQUE,
    province_id bigint NOT NULL,
    period_id   bigint NOT NULL,
    agency_id   bigint NOT NULL,
    leaf_code   text NOT NULL,
    text        text NOT NULL,
    updated_by  bigint,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (period_id, agency_id, leaf_code),
    FOREIGN KEY (province_id, period_id) REFERENCES catalog.periods(province_id, id),
    FOREIGN KEY (province_id, agency_id) REFERENCES catalog.agencies(province_id, id)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['scores','submissions','evidence','na_proposals','explanations'] LOOP
    EXECUTE format('ALTER TABLE submissions.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE submissions.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant ON submissions.%I USING (province_id = core.tenant()) '
                   'WITH CHECK (province_id = core.tenant())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON submissions.%I TO chiso_app', t);
  END LOOP;
END $$;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA submissions TO chiso_app;
