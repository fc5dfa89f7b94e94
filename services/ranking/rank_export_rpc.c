/*  rank_export_rpc: see rank_export_rpc.h. */
#include "rank_export_rpc.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "rank_draw.h"
#include "rank_report.h"
#include "rank_rpc.h"
#include "rank_yoy.h"
#include "ranking.pb-c.h"

#define TYPE_XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define TYPE_PDF "application/pdf"
#define TYPE_CSV "text/csv; charset=utf-8"
#define TYPE_SVG "image/svg+xml"

/* What the report prints beyond the results: names of the province, period and groups. */
static const char SQL_META[] =
    "SELECT pr.name, p.code, p.name, p.year,"
    "       COALESCE((SELECT json_object_agg(g.code, g.name) FROM catalog.agency_groups g), '{}')"
    " FROM catalog.periods p JOIN catalog.provinces pr ON pr.id = p.province_id"
    " WHERE p.id = $1";

static bool s_sees_province(cs_call *c)
{
    return cs_call_province(c) > 0 &&
           (cs_call_has_role(c, "province_admin") || cs_call_has_role(c, "viewer") ||
            cs_call_has_role(c, "leader"));
}

/* The group's display name from the {code: name} JSON text, in the arena. */
static const char *s_group_name(cs_call *c, const char *groups_json, const char *code)
{
    json_t *root = json_loads(groups_json, 0, NULL);
    const char *name = json_string_value(json_object_get(root, code));
    const char *out = cs_call_strdup(c, name ? name : code);
    json_decref(root);
    return out;
}

static void s_leaf(const rank_leaf_info *li, const rank_leaf *l, rank_report_leaf *out)
{
    const rank_leaf_raw *r = &li->raw;
    *out = (rank_report_leaf){
        .code = li->code, .title = li->title, .content = r->content,
        .max_points = r->max_points, .not_applicable = r->not_applicable,
        .has_self = r->has_self, .self = r->self, .has_r1 = r->has_r1, .r1 = r->r1,
        .has_r2 = r->has_r2, .r2 = r->r2, .has_survey = r->has_survey, .survey = r->survey,
        .has_leaders = r->n_leader_scores > 0, .n_leaders = r->n_leader_scores,
        .effective = l->value};
    if (out->has_leaders)
        out->leaders_mean = l->value;   /* content 4's value is the leaders' mean */
}

static void s_row(cs_call *c, const rank_data *d, const rank_result *r, rank_report_row *out)
{
    const rank_data_agency *a = &d->agencies[r->input];
    *out = (rank_report_row){
        .id = r->id, .code = a->code, .name = a->name, .rank = r->rank,
        .tie_pending = r->tie_pending, .total = r->total, .max = r->max,
        .quality_pct = r->quality_pct, .cchc_pct = r->cchc_pct, .band = r->band,
        .cchc_band = r->cchc_band, .n_leaves = a->n_leaves};
    memcpy(out->contents, r->contents, sizeof out->contents);
    rank_report_leaf *leaves = cs_call_alloc(c, (a->n_leaves ? a->n_leaves : 1) * sizeof *leaves);
    for (size_t k = 0; k < a->n_leaves; k++) {
        s_leaf(&a->info[k], &a->leaves[k], &leaves[k]);
        out->n_shortcomings += rank_leaf_lost(&a->leaves[k]) > 0;
    }
    out->leaves = leaves;
}

/* The working results of a period as a report, in the call's arena. *data and *outcome
 * hold what the report borrows: the caller destroys them after rendering. */
static int s_working_report(cs_call *c, long long period_id, const char *group, bool with_yoy,
                            rank_report *rep, rank_data **data, rank_outcome **outcome)
{
    if (rank_rpc_load(c, period_id, group, 0, data, outcome) < 0)
        return -1;
    const char *params[1] = {cs_call_int(c, period_id)};
    PGresult *m = cs_call_exec(c, SQL_META, 1, params);
    if (!m)
        return -1;
    if (PQntuples(m) != 1)
        return cs_err_not_found(cs_call_err(c), "period");
    const rank_data *d = *data;
    const rank_outcome *o = *outcome;
    time_t utc = time(NULL) / 60 * 60;     /* the minute printed */
    time_t now = utc + 7 * 3600;           /* printed in Vietnam's time (UTC+7, no DST) */
    struct tm tm;
    gmtime_r(&now, &tm);
    char when[32];
    strftime(when, sizeof when, "%H:%M %d/%m/%Y", &tm);
    *rep = (rank_report){
        .province_name = cs_call_strdup(c, PQgetvalue(m, 0, 0)),
        .period_code = cs_call_strdup(c, PQgetvalue(m, 0, 1)),
        .period_name = cs_call_strdup(c, PQgetvalue(m, 0, 2)),
        .year = atoi(PQgetvalue(m, 0, 3)),
        .generated_at = cs_call_strdup(c, when),
        .made_at = (long long)utc,
        .n_groups = o->n_groups};
    rank_report_group *groups = cs_call_alloc(c, (o->n_groups ? o->n_groups : 1) * sizeof *groups);
    for (size_t g = 0; g < o->n_groups; g++) {
        const rank_group *rg = &o->groups[g];
        rank_report_row *rows = cs_call_alloc(c, (rg->n ? rg->n : 1) * sizeof *rows);
        for (size_t i = 0; i < rg->n; i++)
            s_row(c, d, &rg->agencies[i], &rows[i]);
        groups[g] = (rank_report_group){
            .code = rg->group, .name = s_group_name(c, PQgetvalue(m, 0, 4), rg->group),
            .good_or_better = rg->good_or_better, .excellent_quota = rg->excellent_quota,
            .publication_blocked_by_tie = rg->publication_blocked_by_tie, .rows = rows,
            .n = rg->n};
    }
    rep->groups = groups;
    /* The comparison with earlier years, when the province has any. */
    if (with_yoy) {
        rank_report_yoy *y = cs_call_alloc(c, sizeof *y);
        if (rank_yoy_collect(c, period_id, group, y) < 0)
            return -1;
        rep->yoy = y->n_periods > 1 ? y : NULL;
    }
    return 0;
}

/* The reply: the bytes (copied into the arena), their type, name and SHA-256 as entity
 * tag. Working results change with every score saved: always revalidate. */
static Chiso__Ranking__RawDocument *s_file(cs_call *c, rank_buf *b, const char *type,
                                         const char *name)
{
    Chiso__Ranking__RawDocument *f = (void *)cs_call_msg(c, &chiso__ranking__raw_document__descriptor);
    f->has_content = true;
    f->content.len = b->len;
    f->content.data = cs_call_alloc(c, b->len ? b->len : 1);
    if (b->len)
        memcpy(f->content.data, b->data, b->len);
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    crypto_hash_sha256(h, b->data ? b->data : (const unsigned char *)"", b->len);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    f->etag = cs_call_strdup(c, hex);
    f->content_type = cs_call_strdup(c, type);
    f->file_name = cs_call_strdup(c, name);
    f->cache_control = cs_call_strdup(c, "private, no-cache");
    return f;
}

typedef struct {
    cs_call *c;
    json_t *names;
} s_names;

static const char *s_name_of(void *arg, const char *code)
{
    s_names *n = arg;
    return cs_call_strdup(n->c, json_string_value(json_object_get(n->names, code)));
}

/* A published snapshot as a report. The province's users read its snapshots (row-level
 * security); with a province code, anyone reads through ranking.public_snapshot, which
 * returns published rows only. *doc owns what the report borrows. */
static int s_snapshot_report(cs_call *c, const Chiso__Ranking__ExportRequest *req,
                             rank_report *rep, rank_report_doc **doc)
{
    const char *pid = cs_call_int(c, req->period_id), *ver = cs_call_int(c, req->version);
    PGresult *s, *m;
    if (req->province_code && *req->province_code) {
        const char *p3[3] = {req->province_code, pid, ver};
        s = cs_call_exec(c, "SELECT convert_from(document, 'UTF8'), sha256, published_at"
                            " FROM ranking.public_snapshot($1, $2, $3)", 3, p3);
        m = s ? cs_call_exec(c, "SELECT province_name, code, name, year,"
                                "  COALESCE((SELECT json_object_agg(g.code, g.name)"
                                "            FROM ranking.public_group_names($1) g), '{}')"
                                " FROM ranking.public_periods($1) WHERE period_id = $2 LIMIT 1",
                             2, p3) : NULL;
    } else {
        if (cs_call_province(c) <= 0)
            return cs_err_forbidden(cs_call_err(c));
        const char *p2[2] = {pid, ver};
        s = cs_call_exec(c, "SELECT convert_from(document, 'UTF8'), sha256,"
                            "  extract(epoch FROM published_at)::bigint"
                            " FROM ranking.snapshots WHERE period_id = $1 AND version = $2", 2, p2);
        m = s ? cs_call_exec(c, SQL_META, 1, p2) : NULL;
    }
    if (!s || !m)
        return -1;
    if (PQntuples(s) != 1 || PQntuples(m) != 1)
        return cs_err_set(cs_call_err(c), 404, "not_published", "version",
                          "Không có phiên bản công bố này của kỳ đánh giá.%s",
                          "No such published version of the period.%s", "");
    if (rank_report_from_snapshot(PQgetvalue(s, 0, 0), (size_t)PQgetlength(s, 0, 0), rep, doc,
                                  cs_call_err(c)) < 0)
        return -1;
    rep->snapshot_sha256 = cs_call_strdup(c, PQgetvalue(s, 0, 1));
    rep->made_at = atoll(PQgetvalue(s, 0, 2));
    rep->province_name = cs_call_strdup(c, PQgetvalue(m, 0, 0));
    rep->period_code = cs_call_strdup(c, PQgetvalue(m, 0, 1));
    rep->period_name = cs_call_strdup(c, PQgetvalue(m, 0, 2));
    rep->year = atoi(PQgetvalue(m, 0, 3));
    s_names n = {c, json_loads(PQgetvalue(m, 0, 4), 0, NULL)};
    rank_report_name_groups(rep, s_name_of, &n);
    json_decref(n.names);
    return 0;
}

typedef int (*s_renderer)(const rank_report *r, rank_buf *out, cs_err *e);

static int s_export(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out,
                    s_renderer render, const char *what, const char *ext, const char *type)
{
    const Chiso__Ranking__ExportRequest *req = (const void *)in;
    bool snapshot = req->has_version;
    /* The working results are the overseers'; a published version is everyone's it was
     * published to (checked in s_snapshot_report). */
    if (!snapshot && !s_sees_province(c))
        return cs_err_forbidden(cs_call_err(c));
    if (!req->has_period_id || req->period_id <= 0)
        return cs_err_invalid(cs_call_err(c), "period_id", "thiếu mã kỳ đánh giá",
                              "period_id is required");
    if (snapshot && req->version <= 0)
        return cs_err_invalid(cs_call_err(c), "version", "phiên bản phải là số dương",
                              "version must be positive");
    const char *group = req->group_code && *req->group_code ? req->group_code : NULL;
    rank_data *d = NULL;
    rank_outcome *o = NULL;
    rank_report_doc *doc = NULL;
    rank_report rep;
    rank_buf b = {0};
    int rc = snapshot ? s_snapshot_report(c, req, &rep, &doc)
                      : s_working_report(c, req->period_id, group, true, &rep, &d, &o);
    if (rc == 0)
        rc = render(&rep, &b, cs_call_err(c));
    if (rc == 0) {
        char *name = rank_report_file_name(&rep, what, ext);
        Chiso__Ranking__RawDocument *f = s_file(c, &b, type, name);
        /* A published version never changes. */
        if (snapshot)
            f->cache_control = cs_call_strdup(c, req->province_code && *req->province_code
                                                     ? "public, max-age=86400"
                                                     : "private, max-age=86400");
        *out = (ProtobufCMessage *)f;
        free(name);
    }
    rank_buf_free(&b);
    rank_data_destroy(&d);
    rank_outcome_destroy(&o);
    rank_report_doc_destroy(&doc);
    return rc;
}

int rank_rpc_export_xlsx(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    return s_export(c, in, out, rank_export_xlsx, "Kết quả Chỉ số CCHC", "xlsx", TYPE_XLSX);
}

int rank_rpc_export_pdf(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    return s_export(c, in, out, rank_export_pdf, "Phụ lục kết quả Chỉ số CCHC", "pdf", TYPE_PDF);
}

int rank_rpc_export_csv(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    return s_export(c, in, out, rank_export_csv, "Kết quả Chỉ số CCHC", "csv", TYPE_CSV);
}

int rank_rpc_results_chart(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Ranking__ExportRequest *req = (const void *)in;
    if (!s_sees_province(c))
        return cs_err_forbidden(cs_call_err(c));
    if (!req->has_period_id || req->period_id <= 0)
        return cs_err_invalid(cs_call_err(c), "period_id", "thiếu mã kỳ đánh giá",
                              "period_id is required");
    static const char *const kinds[] = {"bands", "ranks", "contents"};
    int kind = -1;
    for (int k = 0; k < 3; k++)
        if (req->chart && strcmp(req->chart, kinds[k]) == 0)
            kind = k;
    if (kind < 0)
        return cs_err_invalid(cs_call_err(c), "chart",
                              "biểu đồ phải là bands, ranks hoặc contents",
                              "chart must be bands, ranks or contents");
    const char *group = req->group_code && *req->group_code ? req->group_code : NULL;
    rank_data *d = NULL;
    rank_outcome *o = NULL;
    rank_report rep;
    rank_buf b = {0};
    int rc = s_working_report(c, req->period_id, group, false, &rep, &d, &o);
    if (rc == 0 && rep.n_groups == 0)
        rc = group ? cs_err_not_found(cs_call_err(c), "group")
                   : cs_err_not_found(cs_call_err(c), "results");
    if (rc == 0)
        rc = rank_chart_svg(&rep, &rep.groups[0], (rank_chart_kind)kind, &b, cs_call_err(c));
    if (rc == 0)
        *out = (ProtobufCMessage *)s_file(c, &b, TYPE_SVG, NULL);
    rank_buf_free(&b);
    rank_data_destroy(&d);
    rank_outcome_destroy(&o);
    return rc;
}
