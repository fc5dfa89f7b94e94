/*  Evidence (tài liệu kiểm chứng): uploaded files, whose blobs the gateway keeps under their
 *  SHA-256, and references to official documents. Recorded per agency and leaf. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_file.h"
#include "cs_phase.h"
#include "sub_access.h"
#include "sub_handlers.h"
#include "submissions.pb-c.h"

/* 1 when the appeal phase is open for the agency and the leaf is under an unanswered
 * appeal item, 0 when not, -1 on a database error. */
static int s_appeal_window(cs_call *c, long long period_id, long long agency_id,
                           const char *leaf_code)
{
    cs_err *e = cs_call_err(c);
    if (cs_phase_require(c, period_id, agency_id, "appeal") != 0) {
        if (e->status == 409 || e->status == 404) {
            cs_err_clear(e);
            return 0;
        }
        return -1;
    }
    const char *p[] = {cs_call_int(c, period_id), cs_call_int(c, agency_id), leaf_code};
    PGresult *r = cs_call_exec(c,
        "SELECT 1 FROM appraisal.appeal_items WHERE period_id = $1 AND agency_id = $2"
        " AND leaf_code = $3 AND decision IS NULL", 3, p);
    if (!r)
        return -1;
    return PQntuples(r) > 0;
}

/* Evidence may be added while the self-assessment is open and not submitted, or, as
 * supplementary evidence, in the explanation window for a leaf whose round-1 score is
 * lower than the self score. Sets *supplementary. On refusal the error names the
 * self-assessment phase (the usual one). */
static int s_evidence_window(cs_call *c, long long period_id, long long agency_id,
                             const char *leaf_code, bool *supplementary)
{
    cs_err *e = cs_call_err(c);
    if (cs_phase_require(c, period_id, agency_id, "self_assessment") == 0) {
        *supplementary = false;
        return sub_require_draft(c, period_id, agency_id);
    }
    if (e->status != 409)
        return -1;
    cs_err first = *e;
    cs_err_clear(e);
    if (cs_phase_require(c, period_id, agency_id, "explanation") != 0) {
        if (e->status != 409)
            return -1;
        cs_err_clear(e);
        /* After publication: evidence for a leaf under an appeal not answered yet, while the
         * appeal window is open (appraisal.appeal_items, SPEC §12). */
        int appeal = s_appeal_window(c, period_id, agency_id, leaf_code);
        if (appeal < 0)
            return -1;
        if (appeal == 0) {
            *e = first;
            return -1;
        }
        *supplementary = true;
        return 0;
    }
    int lowered = sub_leaf_lowered(c, period_id, agency_id, leaf_code);
    if (lowered < 0)
        return -1;
    if (!lowered)
        return cs_err_set(e, 409, "leaf_not_lowered", "leaf_code",
                          "Chỉ được giải trình, bổ sung tài liệu cho chỉ số %s khi điểm thẩm định "
                          "lần 1 thấp hơn điểm tự đánh giá.",
                          "Explanations and supplementary evidence for leaf %s are accepted only "
                          "when its round-1 score is lower than the self score.",
                          leaf_code);
    *supplementary = true;
    return 0;
}

static int s_prepare(cs_call *c, long long period_id, long long agency_id,
                     const char *leaf_code, bool *supplementary)
{
    if (sub_require_actor_leaf(c, period_id, agency_id, leaf_code) != 0)
        return -1;
    return s_evidence_window(c, period_id, agency_id, leaf_code, supplementary);
}

static int s_reply(cs_call *c, long long id, ProtobufCMessage **out)
{
    const char *p[] = {cs_call_int(c, id)};
    PGresult *r = cs_call_exec(c, "SELECT " SUB_EVIDENCE_COLS " FROM submissions.evidence WHERE id = $1",
                               1, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(cs_call_err(c), "evidence");
    *out = &sub_evidence_row(c, r, 0)->base;
    return 0;
}

int sub_add_evidence_file(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Submissions__AddFileRequest *req = (const void *)in;
    cs_err *e = cs_call_err(c);
    bool supplementary;
    if (s_prepare(c, req->period_id, req->agency_id, req->leaf_code, &supplementary) != 0)
        return -1;
    if (cs_file_check_name(req->file_name, e) != 0 || cs_file_check_sha256(req->file_sha256, e) != 0)
        return -1;
    if (!req->has_file_size || req->file_size < 0 || !req->file_type || !req->file_type[0])
        return cs_err_invalid(e, "file_size", "thiếu thông tin tệp tải lên",
                              "the uploaded file's metadata is missing");
    const char *p[] = {cs_call_int(c, cs_call_province(c)), cs_call_int(c, req->period_id),
                       cs_call_int(c, req->agency_id), req->leaf_code, req->file_sha256,
                       cs_call_int(c, req->file_size), req->file_type, req->file_name,
                       supplementary ? "true" : "false", cs_call_int(c, cs_call_user(c))};
    /* The same file twice for the same leaf is one record (and one blob in the store). */
    PGresult *r = cs_call_exec(
        c,
        "INSERT INTO submissions.evidence (province_id, period_id, agency_id, leaf_code, kind,"
        "  file_sha256, file_size, file_type, file_name, supplementary, created_by)"
        " VALUES ($1, $2, $3, $4, 'file', $5, $6, $7, $8, $9, $10)"
        " ON CONFLICT (period_id, agency_id, leaf_code, file_sha256) WHERE kind = 'file'"
        " DO NOTHING RETURNING id",
        10, p);
    if (!r)
        return -1;
    if (PQntuples(r) > 0) {
        long long id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        json_t *o = json_pack("{s:I,s:I,s:s,s:s,s:s,s:I,s:s,s:b}", "period_id",
                              (json_int_t)req->period_id, "agency_id", (json_int_t)req->agency_id,
                              "leaf_code", req->leaf_code, "file_name", req->file_name,
                              "file_sha256", req->file_sha256, "file_size",
                              (json_int_t)req->file_size, "file_type", req->file_type,
                              "supplementary", supplementary);
        if (cs_call_audit(c, "submissions.evidence", id, "create", NULL, cs_json_dump(c, o), NULL) != 0)
            return -1;
        return s_reply(c, id, out);
    }
    const char *q[] = {p[1], p[2], p[3], p[4]};
    r = cs_call_exec(c,
                     "SELECT id FROM submissions.evidence WHERE period_id = $1 AND"
                     " agency_id = $2 AND leaf_code = $3 AND file_sha256 = $4 AND kind = 'file'",
                     4, q);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_internal(e, "evidence row of a conflicting insert not found");
    return s_reply(c, strtoll(PQgetvalue(r, 0, 0), NULL, 10), out);
}

int sub_add_evidence_document(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Submissions__AddDocumentRequest *req = (const void *)in;
    cs_err *e = cs_call_err(c);
    bool supplementary;
    if (s_prepare(c, req->period_id, req->agency_id, req->leaf_code, &supplementary) != 0)
        return -1;
    if (cs_text_blank(req->number))
        return cs_err_invalid(e, "number", "thiếu số hiệu văn bản", "the document number is missing");
    if (sub_check_date(req->issued_on, "issued_on", e) != 0)
        return -1;
    if (cs_text_blank(req->issuer))
        return cs_err_invalid(e, "issuer", "thiếu cơ quan ban hành", "the issuer is missing");
    if (cs_text_blank(req->title))
        return cs_err_invalid(e, "title", "thiếu trích yếu văn bản", "the document title is missing");
    const char *p[] = {cs_call_int(c, cs_call_province(c)), cs_call_int(c, req->period_id),
                       cs_call_int(c, req->agency_id), req->leaf_code, req->number,
                       req->issued_on, req->issuer, req->title,
                       supplementary ? "true" : "false", cs_call_int(c, cs_call_user(c))};
    PGresult *r = cs_call_exec(
        c,
        "INSERT INTO submissions.evidence (province_id, period_id, agency_id, leaf_code, kind,"
        "  doc_number, issued_on, issuer, title, supplementary, created_by)"
        " VALUES ($1, $2, $3, $4, 'document', $5, $6::date, $7, $8, $9, $10) RETURNING id",
        10, p);
    if (!r)
        return -1;
    long long id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    json_t *o = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:b}", "period_id",
                          (json_int_t)req->period_id, "agency_id", (json_int_t)req->agency_id,
                          "leaf_code", req->leaf_code, "number", req->number, "issued_on",
                          req->issued_on, "issuer", req->issuer, "title", req->title,
                          "supplementary", supplementary);
    if (cs_call_audit(c, "submissions.evidence", id, "create", NULL, cs_json_dump(c, o), NULL) != 0)
        return -1;
    return s_reply(c, id, out);
}

/* An evidence record is removed by the agency's own editors under the rule that adds it: the
 * self-assessment open and in draft, or, in the explanation window of a lowered leaf, only
 * what was added there (supplementary). The blob stays in the store: other records may
 * share it (content-addressed). Another agency's record is 404, as for a missing id. */
int sub_remove_evidence(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Submissions__EvidenceRef *req = (const void *)in;
    cs_err *e = cs_call_err(c);
    const char *p[] = {cs_call_int(c, req->id)};
    PGresult *r = cs_call_exec(c,
                               "SELECT " SUB_EVIDENCE_COLS ", period_id, agency_id"
                               "  FROM submissions.evidence WHERE id = $1 FOR UPDATE",
                               1, p);
    if (!r)
        return -1;
    /* columns 0-12: SUB_EVIDENCE_COLS; 13, 14: period and agency */
    if (PQntuples(r) == 0 || cs_call_agency(c) != strtoll(PQgetvalue(r, 0, 14), NULL, 10))
        return cs_err_not_found(e, "evidence");
    long long period_id = strtoll(PQgetvalue(r, 0, 13), NULL, 10);
    long long agency_id = strtoll(PQgetvalue(r, 0, 14), NULL, 10);
    Chiso__Submissions__Evidence *ev = sub_evidence_row(c, r, 0);
    bool supplementary;
    if (s_prepare(c, period_id, agency_id, ev->leaf_code, &supplementary) != 0)
        return -1;
    if (supplementary && !ev->supplementary)
        return cs_err_set(e, 409, "evidence_locked", "id",
                          "Trong giai đoạn giải trình chỉ xoá được tài liệu bổ sung; tài liệu "
                          "«%s» đã nộp cùng bản tự đánh giá.",
                          "During the explanation phase only supplementary evidence can be "
                          "removed; \"%s\" came with the self-assessment.",
                          ev->file_name ? ev->file_name : ev->number ? ev->number : "");
    if (!cs_call_exec(c, "DELETE FROM submissions.evidence WHERE id = $1", 1, p))
        return -1;
    json_t *o = json_pack("{s:I,s:I,s:s,s:s,s:s?,s:s?,s:b}", "period_id", (json_int_t)period_id,
                          "agency_id", (json_int_t)agency_id, "leaf_code", ev->leaf_code,
                          "kind", ev->kind, "file_name", ev->file_name, "number", ev->number,
                          "supplementary", ev->supplementary);
    if (cs_call_audit(c, "submissions.evidence", req->id, "delete", cs_json_dump(c, o), NULL, NULL) != 0)
        return -1;
    *out = &ev->base;
    return 0;
}

int sub_download_evidence(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Submissions__DownloadRequest *req = (const void *)in;
    const char *p[] = {cs_call_int(c, req->id)};
    PGresult *r = cs_call_exec(c,
                               "SELECT e.period_id, e.agency_id, e.leaf_code, e.kind, e.file_sha256,"
                               "       e.file_type, e.file_name, a.group_code"
                               "  FROM submissions.evidence e"
                               "  JOIN catalog.agencies a ON a.id = e.agency_id"
                               " WHERE e.id = $1",
                               1, p);
    if (!r)
        return -1;
    /* Someone who may not see the agency's assessment learns nothing, not even that the
     * file exists: the same 404 as for a missing id. */
    if (PQntuples(r) == 0 || strcmp(PQgetvalue(r, 0, 3), "file") != 0)
        return cs_err_not_found(cs_call_err(c), "evidence file");
    int ok = sub_can_view(c, strtoll(PQgetvalue(r, 0, 0), NULL, 10),
                          strtoll(PQgetvalue(r, 0, 1), NULL, 10), PQgetvalue(r, 0, 7),
                          PQgetvalue(r, 0, 2));
    if (ok < 0)
        return -1;
    if (!ok)
        return cs_err_not_found(cs_call_err(c), "evidence file");
    Chiso__Submissions__DownloadReply *d =
        (void *)cs_call_msg(c, &chiso__submissions__download_reply__descriptor);
    d->file_sha256 = cs_call_strdup(c, PQgetvalue(r, 0, 4));
    d->file_type = cs_call_strdup(c, PQgetvalue(r, 0, 5));
    d->file_name = cs_call_strdup(c, PQgetvalue(r, 0, 6));
    *out = &d->base;
    return 0;
}
