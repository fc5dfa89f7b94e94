/*  portal_dossiers: the dossier-count CSV (hồ sơ) of a batch, through cs_csv.
 *
 *  Header (any order, case-insensitive; other columns are ignored): agency_code, period,
 *  on_time, late required; province, procedure, received, online optional. Columns whose
 *  name ends in "ratio" are checked as decimals (a decimal comma is fine) and not stored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cs_csv.h"
#include "portal_batch.h"

enum { C_PROVINCE, C_AGENCY, C_PERIOD, C_PROCEDURE, C_RECEIVED, C_ON_TIME, C_LATE, C_ONLINE,
       C_N };
static const char *const s_cols[C_N] = {"province", "agency_code", "period", "procedure",
                                        "received", "on_time", "late", "online"};
static const bool s_required[C_N] = {false, true, true, false, false, true, true, false};

typedef struct {
    long col[C_N];
    long *ratio;            /* columns named *ratio */
    size_t n_ratio;
} s_header;

static int s_header_read(cs_csv *csv, s_header *h, cs_err *e)
{
    memset(h, 0, sizeof *h);
    int rc = cs_csv_next(csv, e);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return cs_err_set(e, 400, CS_CSV_EMPTY, "line 1", "Tệp CSV trống.%s",
                          "The CSV file is empty.%s", "");
    for (int k = 0; k < C_N; k++) {
        h->col[k] = cs_csv_column(csv, s_cols[k]);
        if (h->col[k] < 0 && k == C_AGENCY)
            h->col[k] = cs_csv_column(csv, "agency");
        if (h->col[k] < 0 && s_required[k])
            return cs_err_set(e, 400, CS_CSV_HEADER, "line 1",
                              "Dòng 1: thiếu cột «%s» (cần agency_code, period, on_time, late).",
                              "Line 1: the column \"%s\" is missing (agency_code, period, on_time, late are required).",
                              s_cols[k]);
    }
    size_t n = cs_csv_nfields(csv);
    h->ratio = calloc(n ? n : 1, sizeof *h->ratio);
    for (size_t i = 0; i < n; i++) {
        const char *f = cs_csv_field(csv, i);
        size_t l = strlen(f);
        if (l >= 5 && strcasecmp(f + l - 5, "ratio") == 0)
            h->ratio[h->n_ratio++] = (long)i;
    }
    return 0;
}

static const char *s_f(const cs_csv *csv, long col)
{
    return col < 0 ? NULL : cs_csv_field(csv, (size_t)col);
}

int portal_dossiers_province(const portal_src *src, char code[64], cs_err *e)
{
    code[0] = '\0';
    if (src->rewind(src->arg) < 0)
        return cs_err_internal(e, "feed source cannot be read again");
    cs_csv *csv = cs_csv_new_reader(src->read, src->arg);
    s_header h;
    int rc = s_header_read(csv, &h, e);
    if (rc == 0 && h.col[C_PROVINCE] >= 0) {
        int k = cs_csv_next(csv, e);
        if (k < 0)
            rc = -1;
        else if (k == 1)
            snprintf(code, 64, "%s", s_f(csv, h.col[C_PROVINCE]));
    }
    free(h.ratio);
    cs_csv_destroy(&csv);
    return rc;
}

typedef struct {
    int64_t received, on_time, late, online;
    bool has_received, has_online;
} s_counts;

/* Check one row; 0, or -1 after recording its error. */
static int s_row(cs_csv *csv, const s_header *h, const portal_meta *m, const pc_agencies *ags,
                 pc_errors *errs, long long *agency, s_counts *n)
{
    char where[32];
    snprintf(where, sizeof where, "line %ld", cs_csv_line(csv));
    const char *prov = s_f(csv, h->col[C_PROVINCE]);
    if (prov && strcmp(prov, m->province_code) != 0) {
        pc_error(errs, where, "wrong_province", "dòng thuộc tỉnh khác với tỉnh của lô",
                 "the row belongs to another province than the batch");
        return -1;
    }
    *agency = pc_agencies_find(ags, s_f(csv, h->col[C_AGENCY]));
    if (!*agency) {
        pc_error(errs, where, "unknown_agency", "mã cơ quan không có trong tỉnh (và chưa được ánh xạ)",
                 "unknown agency code in the province (and no mapping)");
        return -1;
    }
    if (!pc_period_year(s_f(csv, h->col[C_PERIOD]))) {
        pc_error(errs, where, "invalid_period", "kỳ phải là YYYY, YYYY-Qn hoặc YYYY-MM",
                 "the period must be YYYY, YYYY-Qn or YYYY-MM");
        return -1;
    }
    const char *rec = s_f(csv, h->col[C_RECEIVED]), *onl = s_f(csv, h->col[C_ONLINE]);
    n->has_received = rec && *rec;
    n->has_online = onl && *onl;
    if (cs_csv_uint(s_f(csv, h->col[C_ON_TIME]), &n->on_time) < 0 ||
        cs_csv_uint(s_f(csv, h->col[C_LATE]), &n->late) < 0 ||
        (n->has_received && cs_csv_uint(rec, &n->received) < 0) ||
        (n->has_online && cs_csv_uint(onl, &n->online) < 0)) {
        pc_error(errs, where, CS_CSV_BAD_NUMBER, "số hồ sơ phải là số nguyên không âm",
                 "dossier counts must be non-negative integers");
        return -1;
    }
    for (size_t i = 0; i < h->n_ratio; i++) {
        int64_t v;
        const char *f = cs_csv_field(csv, (size_t)h->ratio[i]);
        if (*f && cs_csv_decimal(f, 9, &v) < 0) {
            pc_error(errs, where, CS_CSV_BAD_NUMBER, "tỷ lệ phải là số (dấu phẩy thập phân được chấp nhận)",
                     "a ratio must be a number (a decimal comma is fine)");
            return -1;
        }
    }
    if (n->has_received && (n->on_time + n->late > n->received ||
                            (n->has_online && n->online > n->received))) {
        pc_error(errs, where, "counts_exceed_received",
                 "số hồ sơ đúng hạn + trễ hạn (hoặc trực tuyến) lớn hơn số hồ sơ tiếp nhận",
                 "on time + late (or online) is greater than received");
        return -1;
    }
    return 0;
}

/* A run: consecutive lines of one agency and period, held until it ends (another agency
 * or period, S_RUN_MAX lines, the end of the file) and then written as one row of
 * portal.dossier_runs. Its procedures are in a small hash table, so a procedure doubled
 * within the run is reported as its line is read. */
#define S_RUN_MAX 512
#define S_RUN_SLOTS 1024                /* a power of two, twice S_RUN_MAX */

enum { R_PROC, R_RECEIVED, R_ON_TIME, R_LATE, R_ONLINE, R_LINE, R_N };

typedef struct {
    long long agency;
    char period[8];
    long first_line;
    int n;
    pc_array col[R_N];
    char *pool;                         /* the procedures, NUL-separated */
    size_t pool_len, pool_cap;
    size_t off[S_RUN_MAX];
    uint16_t slot[S_RUN_SLOTS];         /* 0: empty, else index + 1 */
} s_run;

static uint32_t s_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Add the procedure to the run's table; false when it is there already. */
static bool s_run_proc(s_run *r, const char *proc)
{
    size_t i = s_hash(proc) & (S_RUN_SLOTS - 1);
    for (; r->slot[i]; i = (i + 1) & (S_RUN_SLOTS - 1))
        if (strcmp(r->pool + r->off[r->slot[i] - 1], proc) == 0)
            return false;
    size_t n = strlen(proc) + 1;
    pc_grow(&r->pool, &r->pool_cap, r->pool_len, n, 4096);
    memcpy(r->pool + r->pool_len, proc, n);
    r->off[r->n] = r->pool_len;
    r->pool_len += n;
    r->slot[i] = (uint16_t)(r->n + 1);
    return true;
}

static void s_run_add(s_run *r, const cs_csv *csv, const s_header *h, const s_counts *n)
{
    if (n->has_received)
        pc_array_int(&r->col[R_RECEIVED], n->received);
    else
        pc_array_raw(&r->col[R_RECEIVED], NULL);
    pc_array_int(&r->col[R_ON_TIME], n->on_time);
    pc_array_int(&r->col[R_LATE], n->late);
    if (n->has_online)
        pc_array_int(&r->col[R_ONLINE], n->online);
    else
        pc_array_raw(&r->col[R_ONLINE], NULL);
    const char *proc = s_f(csv, h->col[C_PROCEDURE]);
    pc_array_text(&r->col[R_PROC], proc ? proc : "");
    pc_array_int(&r->col[R_LINE], cs_csv_line(csv));
    r->n++;
}

/* Write the run (when write) and empty it. 0 / -1. */
static int s_run_end(s_run *r, pc_copy *c, const portal_meta *m, long long batch_id, bool write,
                     cs_err *e)
{
    int rc = 0;
    if (r->n && write) {
        pc_copy_int(c, m->province_id), pc_copy_sep(c);
        pc_copy_int(c, batch_id), pc_copy_sep(c);
        pc_copy_int(c, r->agency), pc_copy_sep(c);
        pc_copy_text(c, r->period), pc_copy_sep(c);
        pc_copy_int(c, r->first_line);
        for (int k = 0; k < R_N; k++)
            pc_copy_sep(c), pc_copy_array(c, &r->col[k]);
        rc = pc_copy_row_end(c, e);
    }
    for (int k = 0; k < R_N; k++)
        pc_array_reset(&r->col[k]);
    r->n = 0;
    r->pool_len = 0;
    memset(r->slot, 0, sizeof r->slot);
    return rc;
}

static void s_run_free(s_run *r)
{
    for (int k = 0; k < R_N; k++)
        pc_array_free(&r->col[k]);
    free(r->pool);
}

/* A doubled (agency, period, procedure) in two runs of one record (a file not sorted by
 * agency and period), found by the database after the COPY. */
static int s_duplicates(PGconn *db, long long batch_id, pc_errors *errs, cs_err *e)
{
    char sid[24];
    snprintf(sid, sizeof sid, "%lld", batch_id);
    const char *p[] = {sid};
    PGresult *r = PQexecParams(db,
        "SELECT min(line), max(line) FROM portal.dossiers WHERE batch_id = $1"
        " GROUP BY agency_id, period, procedure HAVING count(*) > 1 ORDER BY 1 LIMIT 20",
        1, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        cs_err_internal(e, "dossier duplicates");
        cs_err_detail(e, "%s", PQresultErrorMessage(r));
        PQclear(r);
        return -1;
    }
    for (int i = 0; i < PQntuples(r); i++) {
        char where[32];
        snprintf(where, sizeof where, "line %s", PQgetvalue(r, i, 1));
        pc_error(errs, where, "duplicate_row", "cơ quan, kỳ và thủ tục này đã có ở dòng trước",
                 "this agency, period and procedure already appear on an earlier line");
    }
    PQclear(r);
    return 0;
}

int portal_ingest_dossiers(PGconn *db, const portal_meta *m, const portal_src *src,
                           long long batch_id, portal_outcome *out, cs_err *e)
{
    if (src->rewind(src->arg) < 0)
        return cs_err_internal(e, "feed source cannot be read again");
    pc_agencies ags;
    if (pc_agencies_load(&ags, db, e) < 0)
        return -1;
    pc_records recs = {0};
    pc_errors errs;
    memset(&errs, 0, sizeof errs);
    pc_copy c = {0};
    s_run *run = calloc(1, sizeof *run);
    if (!run)
        abort();
    bool split = false;                 /* some record came in more than one run */
    cs_csv *csv = cs_csv_new_reader(src->read, src->arg);
    s_header h;
    int rc = -1;
    if (s_header_read(csv, &h, e) < 0)
        goto out;
    if (pc_copy_begin(&c, db, "dossier_runs",
                      "province_id, batch_id, agency_id, period, first_line, procedures,"
                      " received, on_time, late, online, lines", e) < 0)
        goto out;
    int k;
    while ((k = cs_csv_next(csv, e)) == 1) {
        long long agency;
        s_counts n;
        if (s_row(csv, &h, m, &ags, &errs, &agency, &n) < 0)
            continue;
        const char *period = s_f(csv, h.col[C_PERIOD]);
        if (run->n && (run->agency != agency || strcmp(run->period, period) != 0 ||
                       run->n == S_RUN_MAX) &&
            s_run_end(run, &c, m, batch_id, errs.count == 0, e) < 0)
            goto out;
        bool added;
        pc_records_add(&recs, agency, period, s_f(csv, h.col[C_AGENCY]), cs_csv_line(csv),
                       &added);
        if (run->n == 0) {
            split |= !added;
            run->agency = agency;
            snprintf(run->period, sizeof run->period, "%s", period);
            run->first_line = cs_csv_line(csv);
        }
        const char *proc = s_f(csv, h.col[C_PROCEDURE]);
        if (!s_run_proc(run, proc ? proc : "")) {
            char where[32];
            snprintf(where, sizeof where, "line %ld", cs_csv_line(csv));
            pc_error(&errs, where, "duplicate_row", "cơ quan, kỳ và thủ tục này đã có ở dòng trước",
                     "this agency, period and procedure already appear on an earlier line");
            continue;
        }
        out->lines++;
        s_run_add(run, csv, &h, &n);
    }
    if (k < 0) {
        /* a broken quote ends the reading: reported with what was found before it */
        pc_error(&errs, e->field, e->code, e->message_vi, e->message_en);
    }
    if (s_run_end(run, &c, m, batch_id, errs.count == 0, e) < 0)
        goto out;
    if (pc_copy_end(&c, errs.count == 0, e) < 0 && errs.count == 0)
        goto out;
    if (errs.count == 0 && split && s_duplicates(db, batch_id, &errs, e) < 0)
        goto out;
    if (errs.count) {
        rc = pc_errors_result(&errs, e);
        goto out;
    }
    rc = portal_batch_records(db, m, batch_id, &recs, out, e);
out:
    if (c.open)
        pc_copy_end(&c, false, e);
    free(h.ratio);
    cs_csv_destroy(&csv);
    s_run_free(run);
    free(run);
    pc_records_free(&recs);
    pc_agencies_free(&ags);
    return rc;
}
