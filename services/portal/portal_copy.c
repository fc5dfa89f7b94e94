/*  portal_copy: see portal_copy.h. */
#include "portal_copy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PC_FLUSH (256 * 1024)

/* --- COPY ---------------------------------------------------------------------------- */

static int s_db_err(cs_err *e, PGconn *db, const char *what)
{
    cs_err_internal(e, what);
    cs_err_detail(e, "%s: %s", what, PQerrorMessage(db));
    return -1;
}

static int s_run(PGconn *db, const char *sql, cs_err *e)
{
    PGresult *r = PQexec(db, sql);
    ExecStatusType st = PQresultStatus(r);
    PQclear(r);
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : s_db_err(e, db, sql);
}

int pc_copy_begin(pc_copy *c, PGconn *db, const char *table, const char *columns, cs_err *e)
{
    memset(c, 0, sizeof *c);
    c->db = db;
    snprintf(c->table, sizeof c->table, "%s", table);
    snprintf(c->columns, sizeof c->columns, "%s", columns);
    /* table and columns are this module's constants, never input */
    char sql[512];
    /* the staging rows are read once, right away: stored as the real table stores them
     * (its compression, its storage), not compressed twice with the default pglz */
    snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS pg_temp.in_%s;"
                              " CREATE TEMP TABLE in_%s (LIKE portal.%s INCLUDING COMPRESSION"
                              " INCLUDING STORAGE) ON COMMIT DROP",
             table, table, table);
    if (s_run(db, sql, e) < 0)
        return -1;
    snprintf(sql, sizeof sql, "COPY pg_temp.in_%s (%s) FROM STDIN", table, columns);
    PGresult *r = PQexec(db, sql);
    bool ok = PQresultStatus(r) == PGRES_COPY_IN;
    PQclear(r);
    if (!ok)
        return s_db_err(e, db, "COPY could not start");
    c->open = true;
    return 0;
}

void pc_grow(char **buf, size_t *cap, size_t len, size_t more, size_t first)
{
    if (len + more + 1 <= *cap)
        return;
    size_t n = *cap ? *cap : first;
    while (n < len + more + 1)
        n *= 2;
    char *g = realloc(*buf, n);
    if (!g)
        abort();
    *buf = g;
    *cap = n;
}

static void s_grow(pc_copy *c, size_t more)
{
    pc_grow(&c->buf, &c->cap, c->len, more, 4096);
}

void pc_copy_raw(pc_copy *c, const char *s)
{
    size_t n = strlen(s);
    s_grow(c, n);
    memcpy(c->buf + c->len, s, n);
    c->len += n;
}

void pc_copy_text(pc_copy *c, const char *s)
{
    if (!s) {
        pc_copy_raw(c, "\\N");
        return;
    }
    s_grow(c, 2 * strlen(s));
    for (; *s; s++) {
        char ch = *s;
        const char *esc = ch == '\\' ? "\\\\" : ch == '\t' ? "\\t" : ch == '\n' ? "\\n"
                        : ch == '\r' ? "\\r" : NULL;
        if (esc) {
            memcpy(c->buf + c->len, esc, 2);
            c->len += 2;
        } else {
            c->buf[c->len++] = ch;
        }
    }
}

void pc_copy_int(pc_copy *c, long long v)
{
    char b[32];
    snprintf(b, sizeof b, "%lld", v);
    pc_copy_raw(c, b);
}

void pc_copy_sep(pc_copy *c)
{
    pc_copy_raw(c, "\t");
}

static int s_flush(pc_copy *c, cs_err *e)
{
    if (c->len && PQputCopyData(c->db, c->buf, (int)c->len) != 1)
        return s_db_err(e, c->db, "COPY data");
    c->len = 0;
    return 0;
}

int pc_copy_row_end(pc_copy *c, cs_err *e)
{
    pc_copy_raw(c, "\n");
    return c->len >= PC_FLUSH ? s_flush(c, e) : 0;
}

int pc_copy_end(pc_copy *c, bool ok, cs_err *e)
{
    int rc = 0;
    if (c->open) {
        if (ok && s_flush(c, e) < 0)
            ok = false, rc = -1;
        if (PQputCopyEnd(c->db, ok ? NULL : "ingest refused") != 1 && rc == 0)
            rc = s_db_err(e, c->db, "COPY end");
        PGresult *r;
        while ((r = PQgetResult(c->db))) {
            if (ok && rc == 0 && PQresultStatus(r) != PGRES_COMMAND_OK) {
                cs_err_internal(e, "COPY failed");
                cs_err_detail(e, "COPY: %s", PQresultErrorMessage(r));
                rc = -1;
            }
            PQclear(r);
        }
        c->open = false;
        if (ok && rc == 0) {
            char sql[1024];
            snprintf(sql, sizeof sql, "INSERT INTO portal.%s (%s) SELECT %s FROM pg_temp.in_%s;"
                                      " DROP TABLE pg_temp.in_%s",
                     c->table, c->columns, c->columns, c->table, c->table);
            rc = s_run(c->db, sql, e);
        }
    }
    free(c->buf);
    c->buf = NULL;
    c->len = c->cap = 0;
    return ok ? rc : -1;
}

/* --- array literals ------------------------------------------------------------------ */

static void s_array_sep(pc_array *a, size_t more)
{
    pc_grow(&a->buf, &a->cap, a->len, more + 1, 256);
    if (a->len)
        a->buf[a->len++] = ',';
}

void pc_array_raw(pc_array *a, const char *s)
{
    if (!s)
        s = "NULL";
    size_t n = strlen(s);
    s_array_sep(a, n);
    memcpy(a->buf + a->len, s, n + 1);
    a->len += n;
}

void pc_array_text(pc_array *a, const char *s)
{
    if (!s) {
        pc_array_raw(a, NULL);
        return;
    }
    /* every element quoted, so "NULL", commas and braces stay text */
    s_array_sep(a, 2 * strlen(s) + 2);
    a->buf[a->len++] = '"';
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            a->buf[a->len++] = '\\';
        a->buf[a->len++] = *s;
    }
    a->buf[a->len++] = '"';
    a->buf[a->len] = '\0';
}

void pc_array_int(pc_array *a, long long v)
{
    char b[32];
    snprintf(b, sizeof b, "%lld", v);
    pc_array_raw(a, b);
}

void pc_array_reset(pc_array *a)
{
    a->len = 0;
    if (a->buf)
        a->buf[0] = '\0';
}

void pc_array_free(pc_array *a)
{
    free(a->buf);
    memset(a, 0, sizeof *a);
}

void pc_copy_array(pc_copy *c, const pc_array *a)
{
    pc_copy_raw(c, "{");
    if (a->len)
        pc_copy_text(c, a->buf);
    pc_copy_raw(c, "}");
}

/* --- row errors ---------------------------------------------------------------------- */

void pc_error(pc_errors *x, const char *where, const char *code, const char *vi, const char *en)
{
    if (x->count++ == 0)
        cs_err_set(&x->first, 400, code, where, "%s: %s%.0s", "%s: %.0s%s", where, vi, en);
    if (x->count <= PC_ERRORS_SHOWN) {
        size_t n = strlen(x->detail);
        snprintf(x->detail + n, sizeof x->detail - n, "%s%s: %s (%s)", n ? "; " : "", where,
                 en, code);
    }
}

int pc_errors_result(pc_errors *x, cs_err *e)
{
    *e = x->first;
    if (x->count > PC_ERRORS_SHOWN)
        cs_err_detail(e, "%ld bad rows, nothing stored; first %d: %s", x->count, PC_ERRORS_SHOWN,
                      x->detail);
    else
        cs_err_detail(e, "%ld bad row%s, nothing stored: %s", x->count, x->count > 1 ? "s" : "",
                      x->detail);
    return -1;
}

/* --- agencies ------------------------------------------------------------------------ */

typedef struct {
    const char *code;
    long long id;
    long order;
} s_entry;

static int s_entry_cmp(const void *x, const void *y)
{
    const s_entry *a = x, *b = y;
    int c = strcmp(a->code, b->code);
    return c ? c : (a->order > b->order) - (a->order < b->order);
}

int pc_agencies_load(pc_agencies *a, PGconn *db, cs_err *e)
{
    memset(a, 0, sizeof *a);
    PGresult *r = PQexec(db,
        "SELECT portal_code, agency_id, 0 AS o FROM portal.agency_map"
        " UNION ALL SELECT code, id, 1 FROM catalog.agencies ORDER BY 3");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return s_db_err(e, db, "agency codes");
    }
    size_t n = (size_t)PQntuples(r);
    s_entry *es = calloc(n ? n : 1, sizeof *es);
    for (size_t i = 0; i < n; i++)
        es[i] = (s_entry){PQgetvalue(r, (int)i, 0), strtoll(PQgetvalue(r, (int)i, 1), NULL, 10),
                          (long)i};
    /* by code; for one code the mapping row (read first) wins over the agency's own code */
    qsort(es, n, sizeof *es, s_entry_cmp);
    a->codes = calloc(n ? n : 1, sizeof *a->codes);
    a->ids = calloc(n ? n : 1, sizeof *a->ids);
    for (size_t i = 0; i < n; i++) {
        if (a->n && strcmp(a->codes[a->n - 1], es[i].code) == 0)
            continue;
        a->codes[a->n] = strdup(es[i].code);
        a->ids[a->n++] = es[i].id;
    }
    free(es);
    PQclear(r);
    return 0;
}

long long pc_agencies_find(const pc_agencies *a, const char *code)
{
    size_t lo = 0, hi = a->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(a->codes[mid], code);
        if (c == 0)
            return a->ids[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

void pc_agencies_free(pc_agencies *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->codes[i]);
    free(a->codes);
    free(a->ids);
    memset(a, 0, sizeof *a);
}

/* --- records ------------------------------------------------------------------------- */

static size_t s_hash(long long id, const char *period, size_t cap)
{
    unsigned long long h = (unsigned long long)id * 1099511628211ULL;
    for (const char *p = period; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    return (size_t)(h & (cap - 1));
}

pc_record *pc_records_add(pc_records *r, long long agency_id, const char *period,
                          const char *portal_code, long where, bool *added)
{
    if ((r->n + 1) * 2 > r->cap) {
        pc_records old = *r;
        r->cap = old.cap ? old.cap * 2 : 1024;
        r->slots = calloc(r->cap, sizeof *r->slots);
        if (!r->slots)
            abort();
        r->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.slots[i].agency_id) {
                bool a;
                pc_records_add(r, old.slots[i].agency_id, old.slots[i].period,
                               old.slots[i].portal_code, old.slots[i].where, &a);
            }
        free(old.slots);
    }
    size_t i = s_hash(agency_id, period, r->cap);
    while (r->slots[i].agency_id) {
        if (r->slots[i].agency_id == agency_id && strcmp(r->slots[i].period, period) == 0) {
            *added = false;
            return &r->slots[i];
        }
        i = (i + 1) & (r->cap - 1);
    }
    pc_record *s = &r->slots[i];
    s->agency_id = agency_id;
    snprintf(s->period, sizeof s->period, "%s", period);
    snprintf(s->portal_code, sizeof s->portal_code, "%s", portal_code);
    s->where = where;
    r->n++;
    *added = true;
    return s;
}

void pc_records_free(pc_records *r)
{
    free(r->slots);
    memset(r, 0, sizeof *r);
}

int pc_period_year(const char *p)
{
    size_t n = p ? strlen(p) : 0;
    for (int i = 0; i < 4; i++)
        if (n < 4 || p[i] < '0' || p[i] > '9')
            return 0;
    int year = atoi(p);
    if (year < 2000 || year > 2100)
        return 0;
    if (n == 4)
        return year;
    if (n == 7 && p[4] == '-' && p[5] == 'Q' && p[6] >= '1' && p[6] <= '4')
        return year;
    if (n == 7 && p[4] == '-' && p[5] >= '0' && p[5] <= '1' && p[6] >= '0' && p[6] <= '9') {
        int m = (p[5] - '0') * 10 + (p[6] - '0');
        return m >= 1 && m <= 12 ? year : 0;
    }
    return 0;
}
