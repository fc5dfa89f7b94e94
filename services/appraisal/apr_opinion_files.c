/*  Files attached to a specialist's answer (phiếu lấy ý kiến with its documents). The
 *  gateway streams the upload into the evidence store exactly as for submissions' evidence
 *  (GW_UPLOAD: size cap, type from the content, SHA-256) and hands over the file's facts;
 *  here they are recorded against the opinion request (appraisal.opinion_files). Who may
 *  attach or remove: users with the specialist role in the agency the request is addressed
 *  to. Who may read (download, preview): those who may read the opinion beside the
 *  appraisal record — the province admin and viewers, council members with a scope for the
 *  agency's group (not members of the appraised agency), leaders overseeing the agency, and
 *  the addressed agency's specialists. Anyone else, another province included, gets the
 *  404 of a missing file: an opinion is the council's working paper. */
#include <assert.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "apr_access.h"
#include "apr_handlers.h"
#include "appraisal.pb-c.h"
#include "cs_access.h"
#include "cs_file.h"
#include "cs_json.h"

#define APR_FILE_COLS                                                                       \
    "f.id, f.opinion_id, f.file_name, f.file_sha256, f.file_size, f.file_type,"             \
    " f.created_by, extract(epoch FROM f.created_at)::bigint"

static Chiso__Appraisal__OpinionFile *s_file_row(cs_call *c, PGresult *r, int i)
{
    Chiso__Appraisal__OpinionFile *f =
        (void *)cs_call_msg(c, &chiso__appraisal__opinion_file__descriptor);
    f->has_id = f->has_opinion_id = f->has_file_size = f->has_created_by = true;
    f->has_created_at = true;
    f->id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
    f->opinion_id = strtoll(PQgetvalue(r, i, 1), NULL, 10);
    f->file_name = cs_call_strdup(c, PQgetvalue(r, i, 2));
    f->file_sha256 = cs_call_strdup(c, PQgetvalue(r, i, 3));
    f->file_size = strtoll(PQgetvalue(r, i, 4), NULL, 10);
    f->file_type = cs_call_strdup(c, PQgetvalue(r, i, 5));
    f->created_by = strtoll(PQgetvalue(r, i, 6), NULL, 10);
    f->created_at = strtoll(PQgetvalue(r, i, 7), NULL, 10);
    return f;
}

void apr_opinion_files_fill(cs_call *c, Chiso__Appraisal__Opinion *o, const char *json)
{
    json_error_t je;
    json_t *a = json_loads(json, 0, &je);
    assert(a && json_is_array(a));     /* built by PostgreSQL's json_agg in the same query */
    if (!a || !json_is_array(a)) {
        json_decref(a);
        return;
    }
    o->n_files = json_array_size(a);
    o->files = (void *)cs_call_array(c, o->n_files);
    for (size_t i = 0; i < o->n_files; i++) {
        json_t *x = json_array_get(a, i);
        Chiso__Appraisal__OpinionFile *f =
            (void *)cs_call_msg(c, &chiso__appraisal__opinion_file__descriptor);
        f->has_id = f->has_opinion_id = f->has_file_size = f->has_created_by = true;
        f->has_created_at = true;
        f->id = json_integer_value(json_array_get(x, 0));
        f->opinion_id = o->id;
        f->file_name = cs_call_strdup(c, json_string_value(json_array_get(x, 1)));
        f->file_sha256 = cs_call_strdup(c, json_string_value(json_array_get(x, 2)));
        f->file_size = json_integer_value(json_array_get(x, 3));
        f->file_type = cs_call_strdup(c, json_string_value(json_array_get(x, 4)));
        f->created_by = json_integer_value(json_array_get(x, 5));
        f->created_at = json_integer_value(json_array_get(x, 6));
        o->files[i] = f;
    }
    json_decref(a);
}

/* The opinion request `id` locked for a change by the caller: a specialist of the agency it
 * is addressed to (403 for another role; 404 for a request addressed elsewhere, as for
 * none). */
static int s_lock_mine(cs_call *c, long long id)
{
    cs_err *e = cs_call_err(c);
    if (!cs_call_has_role(c, "specialist") || cs_call_agency(c) == 0)
        return cs_err_forbidden(e);
    const char *p[] = {cs_call_int(c, id)};
    PGresult *r = cs_call_exec(c,
                               "SELECT specialist_agency_id FROM appraisal.opinions"
                               " WHERE id = $1 FOR UPDATE",
                               1, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0 || strtoll(PQgetvalue(r, 0, 0), NULL, 10) != cs_call_agency(c))
        return cs_err_not_found(e, "opinion request");
    return 0;
}

static int s_reply(cs_call *c, long long file_id, ProtobufCMessage **out)
{
    const char *p[] = {cs_call_int(c, file_id)};
    PGresult *r = cs_call_exec(c, "SELECT " APR_FILE_COLS " FROM appraisal.opinion_files f"
                                  " WHERE f.id = $1", 1, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(cs_call_err(c), "opinion file");
    *out = &s_file_row(c, r, 0)->base;
    return 0;
}

int apr_add_opinion_file(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Appraisal__AddOpinionFileRequest *req = (const void *)in;
    cs_err *e = cs_call_err(c);
    if (s_lock_mine(c, req->id) != 0)
        return -1;
    if (cs_file_check_name(req->file_name, e) != 0 ||
        cs_file_check_sha256(req->file_sha256, e) != 0)
        return -1;
    if (!req->has_file_size || req->file_size < 0 || !req->file_type || !req->file_type[0])
        return cs_err_invalid(e, "file_size", "thiếu thông tin tệp tải lên",
                              "the uploaded file's metadata is missing");
    const char *p[] = {cs_call_int(c, cs_call_province(c)), cs_call_int(c, req->id),
                       req->file_sha256, cs_call_int(c, req->file_size), req->file_type,
                       req->file_name, cs_call_int(c, cs_call_user(c))};
    /* The same file twice on one answer is one record (and one blob in the store). */
    PGresult *r = cs_call_exec(
        c,
        "INSERT INTO appraisal.opinion_files (province_id, opinion_id, file_sha256, file_size,"
        "  file_type, file_name, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        " ON CONFLICT (opinion_id, file_sha256) DO NOTHING RETURNING id",
        7, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0) {
        const char *q[] = {p[1], p[2]};
        r = cs_call_exec(c, "SELECT id FROM appraisal.opinion_files WHERE opinion_id = $1"
                            " AND file_sha256 = $2", 2, q);
        if (!r)
            return -1;
        if (PQntuples(r) == 0)
            return cs_err_internal(e, "opinion file of a conflicting insert not found");
        return s_reply(c, strtoll(PQgetvalue(r, 0, 0), NULL, 10), out);
    }
    long long id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    json_t *o = json_pack("{s:I,s:s,s:s,s:I,s:s}", "opinion_id", (json_int_t)req->id,
                          "file_name", req->file_name, "file_sha256", req->file_sha256,
                          "file_size", (json_int_t)req->file_size, "file_type", req->file_type);
    if (cs_call_audit(c, "appraisal.opinion_file", id, "create", NULL, cs_json_dump(c, o), NULL) != 0)
        return -1;
    return s_reply(c, id, out);
}

/* The file's row with its opinion's period, agency, addressed agency and the agency's
 * group: columns 0-7 APR_FILE_COLS, 8 period, 9 agency, 10 specialist agency, 11 group. */
static PGresult *s_file_with_opinion(cs_call *c, long long file_id, bool lock)
{
    const char *p[] = {cs_call_int(c, file_id)};
    return cs_call_exec(c,
                        lock ? "SELECT " APR_FILE_COLS ", o.period_id, o.agency_id,"
                               " o.specialist_agency_id, a.group_code"
                               "  FROM appraisal.opinion_files f"
                               "  JOIN appraisal.opinions o ON o.id = f.opinion_id"
                               "  JOIN catalog.agencies a ON a.id = o.agency_id"
                               " WHERE f.id = $1 FOR UPDATE OF o"
                             : "SELECT " APR_FILE_COLS ", o.period_id, o.agency_id,"
                               " o.specialist_agency_id, a.group_code"
                               "  FROM appraisal.opinion_files f"
                               "  JOIN appraisal.opinions o ON o.id = f.opinion_id"
                               "  JOIN catalog.agencies a ON a.id = o.agency_id"
                               " WHERE f.id = $1",
                        1, p);
}

int apr_remove_opinion_file(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Appraisal__OpinionFileRef *req = (const void *)in;
    cs_err *e = cs_call_err(c);
    if (!cs_call_has_role(c, "specialist") || cs_call_agency(c) == 0)
        return cs_err_forbidden(e);
    PGresult *r = s_file_with_opinion(c, req->id, true);
    if (!r)
        return -1;
    if (PQntuples(r) == 0 || strtoll(PQgetvalue(r, 0, 10), NULL, 10) != cs_call_agency(c))
        return cs_err_not_found(e, "opinion file");
    Chiso__Appraisal__OpinionFile *f = s_file_row(c, r, 0);
    const char *p[] = {cs_call_int(c, req->id)};
    if (!cs_call_exec(c, "DELETE FROM appraisal.opinion_files WHERE id = $1", 1, p))
        return -1;
    json_t *o = json_pack("{s:I,s:s,s:s}", "opinion_id", (json_int_t)f->opinion_id,
                          "file_name", f->file_name, "file_sha256", f->file_sha256);
    if (cs_call_audit(c, "appraisal.opinion_file", req->id, "delete", cs_json_dump(c, o), NULL,
                      NULL) != 0)
        return -1;
    *out = &f->base;
    return 0;
}

/* 1 when the caller may read the opinion (see the top of the file), 0 when not, -1 on a
 * database error. */
static int s_may_read(cs_call *c, long long period_id, long long agency_id,
                      long long specialist_agency_id, const char *group)
{
    if (cs_call_has_role(c, "province_admin") || cs_call_has_role(c, "viewer"))
        return 1;
    if (cs_call_has_role(c, "specialist") && cs_call_agency(c) == specialist_agency_id)
        return 1;
    if (cs_call_has_role(c, "appraiser") && cs_call_agency(c) != agency_id) {
        int in = apr_in_council(c, period_id, group);
        if (in != 0)
            return in;
    }
    if (cs_call_has_role(c, "leader")) {
        const char *p[] = {cs_call_int(c, cs_call_user(c)), cs_call_int(c, period_id),
                           cs_call_int(c, agency_id)};
        PGresult *r = cs_call_exec(c, "SELECT " CS_LEADER_OVERSEES_SQL("$1", "$2", "$3"), 3, p);
        if (!r)
            return -1;
        return strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    }
    return 0;
}

int apr_download_opinion_file(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Appraisal__OpinionFileRef *req = (const void *)in;
    if (cs_call_province(c) == 0)
        return cs_err_not_found(cs_call_err(c), "opinion file");
    PGresult *r = s_file_with_opinion(c, req->id, false);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(cs_call_err(c), "opinion file");
    int ok = s_may_read(c, strtoll(PQgetvalue(r, 0, 8), NULL, 10),
                        strtoll(PQgetvalue(r, 0, 9), NULL, 10),
                        strtoll(PQgetvalue(r, 0, 10), NULL, 10), PQgetvalue(r, 0, 11));
    if (ok < 0)
        return -1;
    if (!ok)
        return cs_err_not_found(cs_call_err(c), "opinion file");
    Chiso__Appraisal__OpinionFileDownload *d =
        (void *)cs_call_msg(c, &chiso__appraisal__opinion_file_download__descriptor);
    d->file_sha256 = cs_call_strdup(c, PQgetvalue(r, 0, 3));
    d->file_type = cs_call_strdup(c, PQgetvalue(r, 0, 5));
    d->file_name = cs_call_strdup(c, PQgetvalue(r, 0, 2));
    *out = &d->base;
    return 0;
}
