-- appraisal: files attached to a specialist's answer (phiếu lấy ý kiến, SPEC §4.5). The
-- gateway keeps the blob in the evidence store under its SHA-256 (the same upload path as
-- submissions' evidence: size cap, type from the content); this row says which answer it
-- belongs to. Read by who may read the opinion (apr_opinions.c).
CREATE TABLE appraisal.opinion_files (
    id          bigserial PRIMARY KEY,
    province_id bigint NOT NULL,
    opinion_id  bigint NOT NULL REFERENCES appraisal.opinions(id),
    file_sha256 text NOT NULL CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
    file_size   bigint NOT NULL CHECK (file_size >= 0),
    file_type   text NOT NULL,
    file_name   text NOT NULL,
    created_by  bigint NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (opinion_id, file_sha256)
);
CREATE INDEX opinion_files_opinion ON appraisal.opinion_files (province_id, opinion_id);

ALTER TABLE appraisal.opinion_files ENABLE ROW LEVEL SECURITY;
ALTER TABLE appraisal.opinion_files FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON appraisal.opinion_files USING (province_id = core.tenant())
    WITH CHECK (province_id = core.tenant());
GRANT SELECT, INSERT, DELETE ON appraisal.opinion_files TO chiso_app;
GRANT USAGE ON SEQUENCE appraisal.opinion_files_id_seq TO chiso_app;
