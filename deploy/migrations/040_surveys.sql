-- surveys: content-3 points per agency and leaf (imported from the independent survey unit,
-- later computed from collected responses), the import batches, and the schema of the
-- survey collection itself (questionnaires, invitations, responses).
-- ranking reads surveys.leaf_points (docs/DESIGN.md §7).

CREATE SCHEMA surveys;
GRANT USAGE ON SCHEMA surveys TO chiso_app;

-- One import: who, when, the SHA-256 of the raw input (the CSV text as received, or the
-- canonical "agency_code,leaf_code,points" lines of a JSON import) and its row count.
CREATE TABLE surveys.import_batches (
    id          bigserial PRIMARY KEY,
    province_id bigint NOT NULL,
    period_id   bigint NOT NULL,
    source      text NOT NULL CHECK (source IN ('json', 'csv', 'responses')),
    sha256      bytea NOT NULL CHECK (length(sha256) = 32),
    row_count   int NOT NULL CHECK (row_count >= 0),
    replaced    int NOT NULL DEFAULT 0,
    imported_by bigint NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (province_id, period_id) REFERENCES catalog.periods(province_id, id)
);
CREATE INDEX import_batches_period ON surveys.import_batches (province_id, period_id, id);

-- The content-3 value of a leaf for an agency, already converted and rounded (hundredths).
-- A later import of the same agency+leaf replaces the row (the audit keeps old and new).
CREATE TABLE surveys.leaf_points (
    id          bigserial UNIQUE,
    province_id bigint NOT NULL,
    period_id   bigint NOT NULL,
    agency_id   bigint NOT NULL,
    leaf_code   text NOT NULL,
    points      bigint NOT NULL CHECK (points >= 0),
    batch_id    bigint REFERENCES surveys.import_batches(id),
    updated_by  bigint,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (period_id, agency_id, leaf_code),
    FOREIGN KEY (province_id, period_id) REFERENCES catalog.periods(province_id, id),
    FOREIGN KEY (province_id, agency_id) REFERENCES catalog.agencies(province_id, id)
);
CREATE INDEX leaf_points_province ON surveys.leaf_points (province_id, period_id);

-- --- Survey collection (SPEC §6). ------------------------------------------------------
-- A questionnaire of a period for one respondent group; its questions map to content-3
-- leaves. method: 'mean' gives max·(mean−1)/4, 'share' gives max·satisfied/n (answers ≥ 4).
CREATE TABLE surveys.questionnaires (
    id               bigserial PRIMARY KEY,
    province_id      bigint NOT NULL,
    period_id        bigint NOT NULL,
    code             text NOT NULL,
    title            text NOT NULL,
    respondent_group text NOT NULL CHECK (respondent_group IN
                        ('hdnd_province', 'hdnd_commune', 'business', 'citizen')),
    method           text NOT NULL DEFAULT 'mean' CHECK (method IN ('mean', 'share')),
    min_responses    int NOT NULL DEFAULT 1 CHECK (min_responses >= 1),
    quota            int CHECK (quota IS NULL OR quota >= 0),
    opens_at         timestamptz,
    closes_at        timestamptz,
    created_by       bigint,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (province_id, period_id, code),
    UNIQUE (province_id, id),
    FOREIGN KEY (province_id, period_id) REFERENCES catalog.periods(province_id, id)
);

CREATE TABLE surveys.questions (
    id               bigserial PRIMARY KEY,
    province_id      bigint NOT NULL,
    questionnaire_id bigint NOT NULL,
    position         int NOT NULL,
    leaf_code        text NOT NULL,
    text_vi          text NOT NULL,
    UNIQUE (questionnaire_id, position),
    UNIQUE (province_id, id),
    FOREIGN KEY (province_id, questionnaire_id)
        REFERENCES surveys.questionnaires(province_id, id) ON DELETE CASCADE
);

-- An invitation: single use. Only the SHA-256 of the random token is stored. The agency
-- being assessed is on the invitation; the response rows carry no invitation id, so once a
-- response is stored it cannot be linked back to the recipient (used_at is kept to the day).
CREATE TABLE surveys.invitations (
    id               bigserial PRIMARY KEY,
    province_id      bigint NOT NULL,
    questionnaire_id bigint NOT NULL,
    agency_id        bigint NOT NULL,
    token_hash       bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    recipient        text,                 -- delivery address; erased once used
    created_at       timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz,
    used_on          date,
    FOREIGN KEY (province_id, questionnaire_id)
        REFERENCES surveys.questionnaires(province_id, id),
    FOREIGN KEY (province_id, agency_id) REFERENCES catalog.agencies(province_id, id)
);
CREATE INDEX invitations_questionnaire ON surveys.invitations (province_id, questionnaire_id);

-- A response: no invitation id, no time finer than the day, random id order (uuid) so the
-- insertion order does not reveal which invitation was just used.
CREATE TABLE surveys.responses (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    province_id      bigint NOT NULL,
    questionnaire_id bigint NOT NULL,
    agency_id        bigint NOT NULL,
    received_on      date NOT NULL DEFAULT current_date,
    source           text NOT NULL DEFAULT 'online' CHECK (source IN ('online', 'import')),
    FOREIGN KEY (province_id, questionnaire_id)
        REFERENCES surveys.questionnaires(province_id, id),
    FOREIGN KEY (province_id, agency_id) REFERENCES catalog.agencies(province_id, id)
);
CREATE INDEX responses_agency ON surveys.responses (province_id, questionnaire_id, agency_id);

CREATE TABLE surveys.answers (
    response_id uuid NOT NULL REFERENCES surveys.responses(id) ON DELETE CASCADE,
    province_id bigint NOT NULL,
    question_id bigint NOT NULL,
    likert      smallint NOT NULL CHECK (likert BETWEEN 1 AND 5),
    PRIMARY KEY (response_id, question_id),
    FOREIGN KEY (province_id, question_id) REFERENCES surveys.questions(province_id, id)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['import_batches','leaf_points','questionnaires','questions',
                           'invitations','responses','answers'] LOOP
    EXECUTE format('ALTER TABLE surveys.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE surveys.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant ON surveys.%I USING (province_id = core.tenant()) '
                   'WITH CHECK (province_id = core.tenant())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON surveys.%I TO chiso_app', t);
  END LOOP;
END $$;
GRANT DELETE ON surveys.answers, surveys.questions TO chiso_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA surveys TO chiso_app;
