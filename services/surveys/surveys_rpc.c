#include "surveys_rpc.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_json.h"
#include "cs_pg.h"
#include "cs_phase.h"
#include "cs_points.h"
#include "survey_import.h"
#include "surveys.pb-c.h"

/* --- helpers -------------------------------------------------------------------------- */

bool surveys_is_writer(cs_call *c)
{
    return cs_call_province(c) != 0
        && (cs_call_has_role(c, "surveyor") || cs_call_has_role(c, "province_admin"));
}

int surveys_load_ref(cs_call *c, long long period_id, survey_ref *ref)
{
    const char *prov = cs_call_int(c, cs_call_province(c));
    const char *pid = cs_call_int(c, period_id);

    const char *p1[] = {prov};
    PGresult *r = cs_call_exec(c,
        "SELECT id, code, group_code FROM catalog.agencies"
        " WHERE province_id = $1 AND active", 1, p1);
    if (!r)
        return -1;
    int n = PQntuples(r);
    survey_ref_agency *ag = cs_call_alloc(c, (size_t)(n + 1) * sizeof *ag);
    for (int i = 0; i < n; i++)
        ag[i] = (survey_ref_agency){PQgetvalue(r, i, 1), cs_pg_ll(r, i, 0), PQgetvalue(r, i, 2)};
    ref->agencies = ag;
    ref->n_agencies = (size_t)n;

    const char *p2[] = {prov, pid};
    r = cs_call_exec(c,
        "SELECT n.group_code, n.code, n.max_points"
        "  FROM catalog.period_leaves n"
        " WHERE n.province_id = $1 AND n.period_id = $2 AND n.content = 3",
        2, p2);
    if (!r)
        return -1;
    n = PQntuples(r);
    survey_ref_leaf *lf = cs_call_alloc(c, (size_t)(n + 1) * sizeof *lf);
    for (int i = 0; i < n; i++)
        lf[i] = (survey_ref_leaf){PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), cs_pg_ll(r, i, 2)};
    ref->leaves = lf;
    ref->n_leaves = (size_t)n;

    /* A leaf the council or the admin declared N/A for the agency takes no survey value. */
    r = cs_call_exec(c,
        "SELECT agency_id, leaf_code FROM appraisal.na_decisions"
        " WHERE province_id = $1 AND period_id = $2 AND not_applicable", 2, p2);
    if (!r)
        return -1;
    n = PQntuples(r);
    survey_ref_na *na = cs_call_alloc(c, (size_t)(n + 1) * sizeof *na);
    for (int i = 0; i < n; i++)
        na[i] = (survey_ref_na){cs_pg_ll(r, i, 0), PQgetvalue(r, i, 1)};
    ref->na = na;
    ref->n_na = (size_t)n;
    return 0;
}

const char *surveys_sha256_hex(cs_call *c, const char *data, size_t len)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)data, len);
    char *hex = cs_call_alloc(c, 2 * sizeof h + 1);
    sodium_bin2hex(hex, 2 * sizeof h + 1, h, sizeof h);
    return hex;
}

int surveys_write_batch(cs_call *c, long long period_id, survey_import *si, const char *source,
                   const char *raw, size_t raw_len, ProtobufCMessage **out)
{
    const char *sha = surveys_sha256_hex(c, raw, raw_len);
    size_t n = survey_import_count(si);
    const char *prov = cs_call_int(c, cs_call_province(c));
    const char *pid = cs_call_int(c, period_id);
    const char *uid = cs_call_int(c, cs_call_user(c));

    const char *pb[] = {prov, pid, source, sha, cs_call_int(c, (long long)n), uid};
    PGresult *r = cs_call_exec(c,
        "INSERT INTO surveys.import_batches"
        "  (province_id, period_id, source, sha256, row_count, imported_by)"
        " VALUES ($1, $2, $3, decode($4, 'hex'), $5, $6)"
        " RETURNING id, extract(epoch FROM imported_at)::bigint", 6, pb);
    if (!r)
        return -1;
    long long batch_id = cs_pg_ll(r, 0, 0);
    long long imported_at = cs_pg_ll(r, 0, 1);
    const char *bid = cs_call_int(c, batch_id);
    const char *reason = cs_call_printf(c, "survey import batch %lld (%s)", batch_id, source);

    int replaced = 0;
    for (size_t i = 0; i < n; i++) {
        const survey_row *row = survey_import_row(si, i);
        const char *aid = cs_call_int(c, row->agency_id);
        /* Insert when new; else lock the row, then replace it. A concurrent import of the
         * same agency+leaf makes DO NOTHING wait for it, so the old value read under the
         * lock is the one replaced. */
        const char *p2[] = {prov, pid, aid, row->leaf_code,
                            cs_call_int(c, (long long)row->points), bid, uid};
        r = cs_call_exec(c,
            "INSERT INTO surveys.leaf_points"
            "  (province_id, period_id, agency_id, leaf_code, points, batch_id, updated_by)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7)"
            " ON CONFLICT (period_id, agency_id, leaf_code) DO NOTHING RETURNING id", 7, p2);
        if (!r)
            return -1;
        bool had = PQntuples(r) == 0;
        long long row_id = had ? 0 : cs_pg_ll(r, 0, 0);
        char oldv[32], newv[32];
        const char *old_json = NULL;
        if (had) {
            const char *p1[] = {pid, aid, row->leaf_code};
            r = cs_call_exec(c,
                "SELECT id, points, batch_id FROM surveys.leaf_points"
                " WHERE period_id = $1 AND agency_id = $2 AND leaf_code = $3 FOR UPDATE", 3, p1);
            if (!r)
                return -1;
            if (PQntuples(r) == 0)
                return cs_err_internal(cs_call_err(c), "leaf_points row vanished under lock");
            row_id = cs_pg_ll(r, 0, 0);
            replaced++;
            old_json = cs_call_printf(c, "{\"points\": %s, \"batch_id\": %lld}",
                                      cs_points_format(cs_pg_ll(r, 0, 1), oldv), cs_pg_ll(r, 0, 2));
            const char *p3[] = {cs_call_int(c, row_id), cs_call_int(c, (long long)row->points),
                                bid, uid};
            if (!cs_call_exec(c,
                    "UPDATE surveys.leaf_points SET points = $2, batch_id = $3, updated_by = $4,"
                    "       updated_at = now() WHERE id = $1", 4, p3))
                return -1;
        }
        const char *new_json = cs_call_printf(c,
            "{\"period_id\": %lld, \"agency_id\": %lld, \"agency_code\": %s, \"leaf_code\": %s,"
            " \"points\": %s, \"batch_id\": %lld}",
            period_id, row->agency_id, cs_json_quote(c, row->agency_code),
            cs_json_quote(c, row->leaf_code), cs_points_format(row->points, newv), batch_id);
        if (cs_call_audit(c, "survey_points", row_id, had ? "replace" : "import",
                          old_json, new_json, reason) != 0)
            return -1;
    }

    const char *pu[] = {bid, cs_call_int(c, replaced)};
    if (!cs_call_exec(c, "UPDATE surveys.import_batches SET replaced = $2 WHERE id = $1", 2, pu))
        return -1;
    const char *batch_json = cs_call_printf(c,
        "{\"period_id\": %lld, \"source\": \"%s\", \"sha256\": \"%s\", \"row_count\": %zu,"
        " \"replaced\": %d}", period_id, source, sha, n, replaced);
    if (cs_call_audit(c, "survey_import_batch", batch_id, "import", NULL, batch_json, NULL) != 0)
        return -1;

    Chiso__Surveys__ImportBatch *b =
        (Chiso__Surveys__ImportBatch *)cs_call_msg(c, &chiso__surveys__import_batch__descriptor);
    b->has_id = true;
    b->id = batch_id;
    b->has_period_id = true;
    b->period_id = period_id;
    b->source = cs_call_strdup(c, source);
    b->sha256 = (char *)sha;
    b->has_row_count = true;
    b->row_count = (int32_t)n;
    b->has_replaced = true;
    b->replaced = replaced;
    b->has_imported_by = true;
    b->imported_by = cs_call_user(c);
    b->has_imported_at = true;
    b->imported_at = imported_at;
    *out = &b->base;
    return 0;
}

/* Role, period and phase, then the file validated as a whole, then the writes. */
static int s_import(cs_call *c, long long period_id, survey_import *si, const char *source,
                    const char *raw, size_t raw_len, ProtobufCMessage **out)
{
    cs_err *e = cs_call_err(c);
    survey_ref ref = {0};
    if (surveys_load_ref(c, period_id, &ref) != 0)
        return -1;
    cs_err ve;
    cs_err_clear(&ve);
    if (survey_import_validate(si, &ref, &ve) != 0) {
        *e = ve;
        return -1;
    }
    return surveys_write_batch(c, period_id, si, source, raw, raw_len, out);
}

static int s_precheck(cs_call *c, bool has_period, long long period_id)
{
    cs_err *e = cs_call_err(c);
    if (!surveys_is_writer(c))
        return cs_err_forbidden(e);
    if (!has_period || period_id <= 0)
        return cs_err_invalid(e, "period_id", "thiếu kỳ đánh giá", "period_id is required");
    return cs_phase_require(c, period_id, 0, "survey");
}

/* --- rpcs ----------------------------------------------------------------------------- */

int surveys_import_points(cs_call *c, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
    const Chiso__Surveys__ImportPointsRequest *in =
        (const Chiso__Surveys__ImportPointsRequest *)in_;
    if (s_precheck(c, in->has_period_id, in->period_id) != 0)
        return -1;

    survey_import *si = survey_import_new(false);
    cs_err pe;
    cs_err_clear(&pe);
    for (size_t i = 0; i < in->n_items; i++) {
        const Chiso__Surveys__SurveyPoint *it = in->items[i];
        survey_import_add(si, it->agency_code, it->leaf_code, it->has_points, it->points, &pe);
    }
    int rc;
    if (cs_err_isset(&pe)) {
        /* validate only folds the item errors already in pe (count and other lines). */
        survey_ref none = {0};
        survey_import_validate(si, &none, &pe);
        *cs_call_err(c) = pe;
        rc = -1;
    } else {
        char *canon = survey_import_canonical(si);
        const char *raw = cs_call_strdup(c, canon);
        free(canon);
        rc = s_import(c, in->period_id, si, "json", raw, strlen(raw), out);
    }
    survey_import_destroy(&si);
    return rc;
}

int surveys_import_csv(cs_call *c, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
    const Chiso__Surveys__ImportCsvRequest *in = (const Chiso__Surveys__ImportCsvRequest *)in_;
    if (s_precheck(c, in->has_period_id, in->period_id) != 0)
        return -1;
    const char *csv = in->csv ? in->csv : "";
    size_t len = strlen(csv);
    survey_import *si = survey_import_new(true);
    cs_err pe;
    cs_err_clear(&pe);
    int rc;
    if (survey_import_parse_csv(si, csv, len, &pe) != 0) {
        *cs_call_err(c) = pe;
        rc = -1;
    } else {
        rc = s_import(c, in->period_id, si, "csv", csv, len, out);
    }
    survey_import_destroy(&si);
    return rc;
}

int surveys_list_points(cs_call *c, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
    const Chiso__Surveys__ListPointsRequest *in = (const Chiso__Surveys__ListPointsRequest *)in_;
    cs_err *e = cs_call_err(c);
    long long agency = in->has_agency_id ? in->agency_id : 0;
    bool all = cs_call_has_role(c, "province_admin") || cs_call_has_role(c, "viewer")
            || cs_call_has_role(c, "leader") || cs_call_has_role(c, "surveyor");
    if (cs_call_province(c) == 0)
        return cs_err_forbidden(e);
    if (!all) {
        /* Agency users read their own agency's values only. */
        long long own = cs_call_agency(c);
        if (own == 0
            || !(cs_call_has_role(c, "agency_editor") || cs_call_has_role(c, "agency_head")))
            return cs_err_forbidden(e);
        if (agency != 0 && agency != own)
            return cs_err_forbidden(e);
        agency = own;
    }
    if (!in->has_period_id || in->period_id <= 0)
        return cs_err_invalid(e, "period_id", "thiếu kỳ đánh giá", "period_id is required");

    const char *prov = cs_call_int(c, cs_call_province(c));
    const char *pid = cs_call_int(c, in->period_id);
    const char *p1[] = {prov, pid};
    PGresult *r = cs_call_exec(c,
        "SELECT 1 FROM catalog.periods WHERE province_id = $1 AND id = $2", 2, p1);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(e, "period");

    const char *p2[] = {prov, pid, cs_call_int(c, agency)};
    r = cs_call_exec(c,
        "SELECT lp.agency_id, a.code, lp.leaf_code, lp.points, lp.batch_id,"
        "       extract(epoch FROM lp.updated_at)::bigint"
        "  FROM surveys.leaf_points lp"
        "  JOIN catalog.agencies a ON a.id = lp.agency_id AND a.province_id = lp.province_id"
        " WHERE lp.province_id = $1 AND lp.period_id = $2 AND ($3::bigint = 0 OR lp.agency_id = $3)"
        " ORDER BY a.code, lp.leaf_code", 3, p2);
    if (!r)
        return -1;
    Chiso__Surveys__PointList *pl =
        (Chiso__Surveys__PointList *)cs_call_msg(c, &chiso__surveys__point_list__descriptor);
    int n = PQntuples(r);
    pl->n_items = (size_t)n;
    pl->items = (Chiso__Surveys__SurveyPoint **)cs_call_array(c, (size_t)n);
    for (int i = 0; i < n; i++) {
        Chiso__Surveys__SurveyPoint *p = (Chiso__Surveys__SurveyPoint *)cs_call_msg(
            c, &chiso__surveys__survey_point__descriptor);
        p->has_agency_id = true;
        p->agency_id = cs_pg_ll(r, i, 0);
        p->agency_code = PQgetvalue(r, i, 1);
        p->leaf_code = PQgetvalue(r, i, 2);
        p->has_points = true;
        p->points = cs_pg_ll(r, i, 3);
        p->has_batch_id = !PQgetisnull(r, i, 4);
        p->batch_id = cs_pg_ll(r, i, 4);
        p->has_updated_at = true;
        p->updated_at = cs_pg_ll(r, i, 5);
        pl->items[i] = p;
    }

    if (all) {
        r = cs_call_exec(c,
            "SELECT id, source, encode(sha256, 'hex'), row_count, replaced, imported_by,"
            "       extract(epoch FROM imported_at)::bigint"
            "  FROM surveys.import_batches WHERE province_id = $1 AND period_id = $2"
            " ORDER BY id", 2, p1);
        if (!r)
            return -1;
        n = PQntuples(r);
        pl->n_batches = (size_t)n;
        pl->batches = (Chiso__Surveys__ImportBatch **)cs_call_array(c, (size_t)n);
        for (int i = 0; i < n; i++) {
            Chiso__Surveys__ImportBatch *b = (Chiso__Surveys__ImportBatch *)cs_call_msg(
                c, &chiso__surveys__import_batch__descriptor);
            b->has_id = true;
            b->id = cs_pg_ll(r, i, 0);
            b->has_period_id = true;
            b->period_id = in->period_id;
            b->source = PQgetvalue(r, i, 1);
            b->sha256 = PQgetvalue(r, i, 2);
            b->has_row_count = true;
            b->row_count = (int32_t)cs_pg_ll(r, i, 3);
            b->has_replaced = true;
            b->replaced = (int32_t)cs_pg_ll(r, i, 4);
            b->has_imported_by = true;
            b->imported_by = cs_pg_ll(r, i, 5);
            b->has_imported_at = true;
            b->imported_at = cs_pg_ll(r, i, 6);
            pl->batches[i] = b;
        }
    }
    *out = &pl->base;
    return 0;
}
