/*  rank_national_rpc: the national view's handlers (rank_national.h).
 *
 *  GET /api/v1/national/results[?year=] and /api/v1/national/results.xlsx: the sysadmin
 *  or a national portal key (a province's users see their own province). Read through the SECURITY DEFINER
 *  ranking.national_snapshots() (migration 065): published snapshots only, never the
 *  working results. */
#include <stdlib.h>
#include <string.h>
#include "cs_apikey.h"
#include "cs_service.h"
#include "rank_export_rpc.h"
#include "rank_national.h"
#include "ranking.pb-c.h"

/* Every (province, year) row, figures computed, in the call's arena. */
static int s_rows(cs_call *c, const Chiso__Ranking__NationalRequest *req,
                  rank_national_row **rows, size_t *n)
{
    /* The sysadmin, or a national portal key (a province's key reads its own province's
     * published results through the public routes, not every province's figures). */
    if (!cs_call_has_role(c, "sysadmin")) {
        if (cs_call_user(c) > 0 || !req->api_key)
            return cs_err_forbidden(cs_call_err(c));
        cs_apikey key;
        if (cs_apikey_use(c, req->api_key, &key) < 0)
            return -1;
        if (key.province_id > 0)
            return cs_err_set(cs_call_err(c), 403, "key_not_national", "X-API-Key",
                              "Khóa API của một tỉnh không xem được số liệu toàn quốc.%s",
                              "A province's API key cannot read the national view.%s", "");
    }
    if (req->has_year && (req->year < 2000 || req->year > 2100))
        return cs_err_invalid(cs_call_err(c), "year", "năm phải từ 2000 đến 2100",
                              "year must be 2000 to 2100");
    const char *params[1] = {req->has_year ? cs_call_int(c, req->year) : NULL};
    PGresult *r = cs_call_exec(c,
        "SELECT province_code, province_name, year, period_code, version, sha256, document"
        " FROM ranking.national_snapshots() WHERE $1::int IS NULL OR year = $1"
        " ORDER BY province_code, year", 1, params);
    if (!r)
        return -1;
    *n = (size_t)PQntuples(r);
    *rows = cs_call_alloc(c, (*n ? *n : 1) * sizeof **rows);
    for (size_t i = 0; i < *n; i++) {
        int k = (int)i;
        rank_report rep;
        rank_report_doc *doc = NULL;
        if (rank_report_from_snapshot(PQgetvalue(r, k, 6), (size_t)PQgetlength(r, k, 6), &rep,
                                      &doc, cs_call_err(c)) < 0)
            return -1;
        rank_national_row *x = &(*rows)[i];
        int rc = rank_national_stats(&rep, x);
        rank_report_doc_destroy(&doc);
        if (rc < 0)
            return cs_err_internal(cs_call_err(c), "national view: out of memory");
        x->province_code = cs_call_strdup(c, PQgetvalue(r, k, 0));
        x->province_name = cs_call_strdup(c, PQgetvalue(r, k, 1));
        x->year = atoi(PQgetvalue(r, k, 2));
        x->period_code = cs_call_strdup(c, PQgetvalue(r, k, 3));
        x->version = atoi(PQgetvalue(r, k, 4));
        x->sha256 = cs_call_strdup(c, PQgetvalue(r, k, 5));
    }
    return 0;
}

static Chiso__Ranking__BandCount **s_counts(cs_call *c, const int counts[],
                                            const char *const codes[], size_t *n_out)
{
    Chiso__Ranking__BandCount **out = (void *)cs_call_array(c, RANK_NATIONAL_BANDS + 1);
    for (int k = 0; k <= RANK_NATIONAL_BANDS; k++) {
        Chiso__Ranking__BandCount *b =
            (void *)cs_call_msg(c, &chiso__ranking__band_count__descriptor);
        b->band = (char *)(k < RANK_NATIONAL_BANDS ? codes[k] : "other");
        b->has_count = true;
        b->count = counts[k];
        out[k] = b;
    }
    *n_out = RANK_NATIONAL_BANDS + 1;
    return out;
}

int rank_rpc_national_view(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    rank_national_row *rows;
    size_t n;
    if (s_rows(c, (const void *)in, &rows, &n) < 0)
        return -1;
    Chiso__Ranking__NationalReply *rep =
        (void *)cs_call_msg(c, &chiso__ranking__national_reply__descriptor);
    rep->n_rows = n;
    rep->rows = (void *)cs_call_array(c, n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        const rank_national_row *x = &rows[i];
        Chiso__Ranking__NationalRow *m =
            (void *)cs_call_msg(c, &chiso__ranking__national_row__descriptor);
        m->province_code = (char *)x->province_code;
        m->province_name = (char *)x->province_name;
        m->has_year = m->has_version = m->has_agencies = true;
        m->year = x->year;
        m->period_code = (char *)x->period_code;
        m->version = x->version;
        m->sha256 = (char *)x->sha256;
        m->agencies = x->agencies;
        m->bands = s_counts(c, x->bands, rank_national_band_codes, &m->n_bands);
        m->cchc_bands = s_counts(c, x->cchc_bands, rank_national_cchc_codes, &m->n_cchc_bands);
        m->has_quality_mean = m->has_quality_median = true;
        m->has_cchc_mean = m->has_cchc_median = true;
        m->quality_mean = x->quality_mean;
        m->quality_median = x->quality_median;
        m->cchc_mean = x->cchc_mean;
        m->cchc_median = x->cchc_median;
        rep->rows[i] = m;
    }
    *out = (ProtobufCMessage *)rep;
    return 0;
}

int rank_rpc_national_xlsx(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    rank_national_row *rows;
    size_t n;
    if (s_rows(c, (const void *)in, &rows, &n) < 0)
        return -1;
    rank_buf b = {0};
    if (rank_export_national_xlsx(rows, n, &b, cs_call_err(c)) < 0) {
        rank_buf_free(&b);
        return -1;
    }
    Chiso__Ranking__RawDocument *f =
        (void *)cs_call_msg(c, &chiso__ranking__raw_document__descriptor);
    f->has_content = true;
    f->content.len = b.len;
    f->content.data = cs_call_alloc(c, b.len ? b.len : 1);
    memcpy(f->content.data, b.data, b.len);
    rank_buf_free(&b);
    f->content_type =
        (char *)"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    f->file_name = (char *)"Kết quả Chỉ số CCHC toàn quốc.xlsx";
    f->cache_control = (char *)"private, no-cache";
    *out = (ProtobufCMessage *)f;
    return 0;
}
