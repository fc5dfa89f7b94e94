#include "survey_import.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cs_csv.h"
#include "cs_points.h"

/* How many error lines the detail lists after the first error. */
#define MAX_LISTED 20

struct survey_import {
    bool csv;
    survey_row *rows;
    size_t n, cap;
    int n_errors;
    char listed[256];           /* "line 3, line 7, ..." of the errors after the first */
};

survey_import *survey_import_new(bool csv)
{
    survey_import *self = calloc(1, sizeof *self);
    if (!self)
        abort();
    self->csv = csv;
    return self;
}

void survey_import_destroy(survey_import **self_p)
{
    if (!self_p || !*self_p)
        return;
    survey_import *self = *self_p;
    for (size_t i = 0; i < self->n; i++) {
        free(self->rows[i].agency_code);
        free(self->rows[i].leaf_code);
    }
    free(self->rows);
    free(self);
    *self_p = NULL;
}

size_t survey_import_count(const survey_import *self) { return self->n; }

const survey_row *survey_import_row(const survey_import *self, size_t i)
{
    return i < self->n ? &self->rows[i] : NULL;
}

static char *s_strdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        abort();
    return d;
}

/* "Dòng 3" / "Line 3" for CSV, "Mục items[2]" / "Item items[2]" for JSON. */
static void s_where(const survey_import *self, int line, char *vi, char *en, size_t n)
{
    if (self->csv) {
        snprintf(vi, n, "Dòng %d", line);
        snprintf(en, n, "Line %d", line);
    } else {
        snprintf(vi, n, "Mục items[%d]", line - 1);
        snprintf(en, n, "Item items[%d]", line - 1);
    }
}

/* Record one error of a row: the first fills e, the next ones are listed in its detail.
 * The messages are already formatted (they differ by language, so no shared format). */
static void s_fail(survey_import *self, cs_err *e, int line, int status, const char *code,
                   const char *column, const char *msg_vi, const char *msg_en)
{
    char wvi[64], wen[64];
    s_where(self, line, wvi, wen, sizeof wvi);
    self->n_errors++;
    if (!cs_err_isset(e)) {
        cs_err_clear(e);
        e->status = status;
        snprintf(e->code, sizeof e->code, "%s", code);
        if (self->csv)
            snprintf(e->field, sizeof e->field, "line %d", line);
        else
            snprintf(e->field, sizeof e->field, "items[%d]%s%s", line - 1,
                     column ? "." : "", column ? column : "");
        snprintf(e->message_vi, sizeof e->message_vi, "%s: %s", wvi, msg_vi);
        snprintf(e->message_en, sizeof e->message_en, "%s: %s", wen, msg_en);
        snprintf(e->detail, sizeof e->detail, "line=%d", line);
        return;
    }
    if (self->n_errors <= MAX_LISTED + 1) {
        size_t used = strlen(self->listed);
        snprintf(self->listed + used, sizeof self->listed - used, "%s%d",
                 used ? ", " : "", line);
    }
}

/* Put the count and the other lines into the first error's detail. */
static int s_finish(survey_import *self, cs_err *e)
{
    if (self->n_errors == 0)
        return 0;
    if (self->n_errors > 1) {
        char first[64];
        snprintf(first, sizeof first, "%.60s", e->detail);
        snprintf(e->detail, sizeof e->detail, "%s; %d errors in the file; other lines: %s%s",
                 first, self->n_errors, self->listed,
                 self->n_errors > MAX_LISTED + 1 ? ", ..." : "");
    }
    return -1;
}

static void s_push(survey_import *self, int line, const char *agency, const char *leaf,
                   int64_t points)
{
    if (self->n == self->cap) {
        self->cap = self->cap ? self->cap * 2 : 64;
        self->rows = realloc(self->rows, self->cap * sizeof *self->rows);
        if (!self->rows)
            abort();
    }
    self->rows[self->n++] = (survey_row){
        .line = line, .agency_code = s_strdup(agency), .leaf_code = s_strdup(leaf),
        .points = points,
    };
}

/* --- points cells --------------------------------------------------------------------- */

int survey_points_cell(const char *s, int64_t *out, const char **why)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len == 0) {
        *why = "empty";
        return -1;
    }
    char buf[64];
    if (len >= sizeof buf) {
        *why = "number";
        return -1;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (!strcasecmp(buf, "N/A") || !strcasecmp(buf, "NA") || !strcasecmp(buf, "KAD")
        || !strcasecmp(buf, "không áp dụng")) {
        *why = "na";
        return -1;
    }
    /* Decimal comma: exactly one ',' and no '.' becomes the decimal point. */
    char *comma = strchr(buf, ',');
    if (comma) {
        if (strchr(comma + 1, ',') || strchr(buf, '.')) {
            *why = "number";
            return -1;
        }
        *comma = '.';
    }
    const char *p = buf[0] == '-' ? buf + 1 : buf;
    int digits = 0, decimals = 0;
    bool dot = false;
    for (; *p; p++) {
        if (*p == '.' && !dot) {
            dot = true;
        } else if (isdigit((unsigned char)*p)) {
            if (dot)
                decimals++;
            else
                digits++;
        } else {
            *why = "number";
            return -1;
        }
    }
    if (digits == 0 || (dot && decimals == 0)) {
        *why = "number";
        return -1;
    }
    if (decimals > 2) {
        *why = "decimals";
        return -1;
    }
    int64_t v;
    if (cs_points_parse(buf, &v) != 0) {
        *why = "number";
        return -1;
    }
    if (v < 0) {
        *why = "negative";
        return -1;
    }
    *out = v;
    return 0;
}

static void s_points_error(survey_import *self, cs_err *e, int line, const char *why,
                           const char *cell)
{
    char vi[256], en[256];
    const char *code = "survey_points_invalid";
    if (!strcmp(why, "empty")) {
        code = "survey_missing_field";
        snprintf(vi, sizeof vi, "thiếu điểm (points)");
        snprintf(en, sizeof en, "points are missing");
    } else if (!strcmp(why, "na")) {
        code = "survey_points_na";
        snprintf(vi, sizeof vi, "điểm khảo sát không được là N/A (\"%.40s\")", cell);
        snprintf(en, sizeof en, "survey points cannot be N/A (\"%.40s\")", cell);
    } else if (!strcmp(why, "negative")) {
        code = "survey_points_out_of_range";
        snprintf(vi, sizeof vi, "điểm %.40s nhỏ hơn 0", cell);
        snprintf(en, sizeof en, "points %.40s are below 0", cell);
    } else if (!strcmp(why, "decimals")) {
        code = "survey_points_precision";
        snprintf(vi, sizeof vi, "điểm %.40s có quá hai chữ số thập phân", cell);
        snprintf(en, sizeof en, "points %.40s have more than two decimals", cell);
    } else {
        snprintf(vi, sizeof vi, "\"%.40s\" không phải là số điểm hợp lệ", cell);
        snprintf(en, sizeof en, "\"%.40s\" is not a valid number of points", cell);
    }
    s_fail(self, e, line, 400, code, "points", vi, en);
}

/* --- CSV ------------------------------------------------------------------------------ */

static bool s_all_digits(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);
    if (n < min || n > max)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

/* The line of a reader error ("line N" in its field). */
static int s_csv_err_line(const cs_err *ce)
{
    return strncmp(ce->field, "line ", 5) == 0 ? atoi(ce->field + 5) : 1;
}

int survey_import_parse_csv(survey_import *self, const char *text, size_t len, cs_err *e)
{
    if (memchr(text, '\0', len))
        return cs_err_set(e, 400, CS_CSV_INVALID, "csv",
                          "Tệp CSV chứa ký tự NUL", "The CSV file contains a NUL byte");
    /* the shared reader: BOM, ',' or ';' (a decimal-comma spreadsheet saves ';'), quotes */
    cs_csv *rd = cs_csv_new_text(text, len);
    bool header_seen = false;
    int rc;
    cs_err ce;
    cs_err_clear(&ce);
    while ((rc = cs_csv_next(rd, &ce)) == 1) {
        cs_csv_trim(rd);
        int n = (int)cs_csv_nfields(rd), line = (int)cs_csv_line(rd);
        const char *f[4];
        for (int i = 0; i < 4; i++)
            f[i] = cs_csv_field(rd, (size_t)i);
        if (n == 1 && !*f[0])
            continue;               /* a line of spaces only */
        if (!header_seen) {
            if (n != 3 || strcasecmp(f[0], "agency_code") || strcasecmp(f[1], "leaf_code")
                || strcasecmp(f[2], "points")) {
                s_fail(self, e, line, 400, CS_CSV_HEADER, NULL,
                       "thiếu dòng tiêu đề \"agency_code,leaf_code,points\"",
                       "the header line \"agency_code,leaf_code,points\" is missing");
                break;
            }
            header_seen = true;
            continue;
        }
        char joined[64];
        if (n == 4 && cs_csv_separator(rd) == ',' && s_all_digits(f[2], 1, 15) &&
            s_all_digits(f[3], 1, 2)) {
            /* An unquoted decimal comma ("A01,3.1,7,5"): the format has three columns, so
             * a fourth made only of one or two digits can only be the decimals. */
            snprintf(joined, sizeof joined, "%s.%s", f[2], f[3]);
            f[2] = joined;
            n = 3;
        }
        if (n != 3) {
            char vi[128], en[128];
            snprintf(vi, sizeof vi, "cần 3 cột (agency_code,leaf_code,points), có %d", n);
            snprintf(en, sizeof en, "expected 3 columns (agency_code,leaf_code,points), got %d", n);
            s_fail(self, e, line, 400, CS_CSV_INVALID, NULL, vi, en);
            continue;
        }
        if (!*f[0] || !*f[1]) {
            s_fail(self, e, line, 400, "survey_missing_field", !*f[0] ? "agency_code" : "leaf_code",
                   !*f[0] ? "thiếu mã cơ quan (agency_code)" : "thiếu mã tiêu chí (leaf_code)",
                   !*f[0] ? "agency_code is missing" : "leaf_code is missing");
            continue;
        }
        int64_t v;
        const char *why;
        if (survey_points_cell(f[2], &v, &why) != 0) {
            s_points_error(self, e, line, why, f[2]);
            continue;
        }
        s_push(self, line, f[0], f[1], v);
    }
    if (rc < 0)
        s_fail(self, e, s_csv_err_line(&ce), 400, CS_CSV_INVALID, NULL,
               "dấu ngoặc kép không đóng hoặc sai vị trí",
               "an unterminated or misplaced double quote");
    cs_csv_destroy(&rd);
    if (!header_seen && self->n_errors == 0)
        s_fail(self, e, 1, 400, CS_CSV_HEADER, NULL,
               "tệp rỗng: thiếu dòng tiêu đề \"agency_code,leaf_code,points\"",
               "empty file: the header line \"agency_code,leaf_code,points\" is missing");
    if (s_finish(self, e) != 0)
        return -1;
    if (self->n == 0)
        return cs_err_set(e, 400, "survey_empty", "csv",
                          "Tệp không có dòng dữ liệu nào", "The file has no data rows");
    return 0;
}

int survey_import_add(survey_import *self, const char *agency_code, const char *leaf_code,
                      bool has_points, int64_t points, cs_err *e)
{
    int line = (int)self->n + self->n_errors + 1;
    if (!agency_code || !*agency_code) {
        s_fail(self, e, line, 400, "survey_missing_field", "agency_code",
               "thiếu mã cơ quan (agency_code)", "agency_code is missing");
        return -1;
    }
    if (!leaf_code || !*leaf_code) {
        s_fail(self, e, line, 400, "survey_missing_field", "leaf_code",
               "thiếu mã tiêu chí (leaf_code)", "leaf_code is missing");
        return -1;
    }
    if (!has_points) {
        s_points_error(self, e, line, "empty", "");
        return -1;
    }
    if (points < 0) {
        char cell[32];
        s_points_error(self, e, line, "negative", cs_points_format(points, cell));
        return -1;
    }
    s_push(self, line, agency_code, leaf_code, points);
    return 0;
}

/* --- validation ----------------------------------------------------------------------- */

static int s_cmp_rows(const void *a, const void *b)
{
    const survey_row *x = *(const survey_row *const *)a, *y = *(const survey_row *const *)b;
    int c = strcmp(x->agency_code, y->agency_code);
    if (c == 0)
        c = strcmp(x->leaf_code, y->leaf_code);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

int survey_import_validate(survey_import *self, const survey_ref *ref, cs_err *e)
{
    if (self->n_errors)
        return s_finish(self, e);
    if (self->n == 0)
        return cs_err_set(e, 400, "survey_empty", "items",
                          "Không có dòng dữ liệu nào", "There are no rows");
    for (size_t i = 0; i < self->n; i++) {
        survey_row *r = &self->rows[i];
        const survey_ref_agency *ag = NULL;
        for (size_t k = 0; k < ref->n_agencies && !ag; k++)
            if (!strcmp(ref->agencies[k].code, r->agency_code))
                ag = &ref->agencies[k];
        if (!ag) {
            char vi[160], en[160];
            snprintf(vi, sizeof vi, "không có cơ quan mã \"%.60s\" trong tỉnh", r->agency_code);
            snprintf(en, sizeof en, "no agency with code \"%.60s\" in the province", r->agency_code);
            s_fail(self, e, r->line, 400, "survey_unknown_agency", "agency_code", vi, en);
            continue;
        }
        r->agency_id = ag->id;
        bool group_has_set = false;
        const survey_ref_leaf *leaf = NULL;
        for (size_t k = 0; k < ref->n_leaves && !leaf; k++) {
            if (strcmp(ref->leaves[k].group_code, ag->group_code))
                continue;
            group_has_set = true;
            if (!strcmp(ref->leaves[k].leaf_code, r->leaf_code))
                leaf = &ref->leaves[k];
        }
        if (!leaf) {
            char vi[256], en[256];
            if (group_has_set) {
                snprintf(vi, sizeof vi, "\"%.40s\" không phải tiêu chí lá của nội dung 3 trong "
                         "bộ chỉ số của nhóm %.20s", r->leaf_code, ag->group_code);
                snprintf(en, sizeof en, "\"%.40s\" is not a content-3 leaf of the index set of "
                         "group %.20s", r->leaf_code, ag->group_code);
            } else {
                snprintf(vi, sizeof vi, "kỳ đánh giá chưa có bộ chỉ số (nội dung 3) cho nhóm "
                         "%.20s của cơ quan %.40s", ag->group_code, r->agency_code);
                snprintf(en, sizeof en, "the period has no index set (content 3) for group "
                         "%.20s of agency %.40s", ag->group_code, r->agency_code);
            }
            s_fail(self, e, r->line, 400, "survey_unknown_leaf", "leaf_code", vi, en);
            continue;
        }
        r->max_points = leaf->max_points;
        bool na = false;
        for (size_t k = 0; k < ref->n_na && !na; k++)
            na = ref->na[k].agency_id == ag->id && !strcmp(ref->na[k].leaf_code, r->leaf_code);
        if (na) {
            char vi[200], en[200];
            snprintf(vi, sizeof vi, "tiêu chí %.40s không áp dụng (N/A) với cơ quan %.40s",
                     r->leaf_code, r->agency_code);
            snprintf(en, sizeof en, "leaf %.40s is not applicable (N/A) to agency %.40s",
                     r->leaf_code, r->agency_code);
            s_fail(self, e, r->line, 400, "survey_leaf_not_applicable", "leaf_code", vi, en);
            continue;
        }
        if (r->points > leaf->max_points) {
            char vi[200], en[200], pv[32], mx[32];
            cs_points_format(r->points, pv);
            cs_points_format(leaf->max_points, mx);
            snprintf(vi, sizeof vi, "điểm %s vượt quá điểm tối đa %s của tiêu chí %.40s", pv, mx,
                     r->leaf_code);
            snprintf(en, sizeof en, "points %s exceed the maximum %s of leaf %.40s", pv, mx,
                     r->leaf_code);
            s_fail(self, e, r->line, 400, "survey_points_out_of_range", "points", vi, en);
        }
    }

    /* Duplicates: sort pointers by agency+leaf (then line), neighbours compare. */
    survey_row **idx = malloc(self->n * sizeof *idx);
    if (!idx)
        abort();
    for (size_t i = 0; i < self->n; i++)
        idx[i] = &self->rows[i];
    qsort(idx, self->n, sizeof *idx, s_cmp_rows);
    for (size_t i = 1; i < self->n; i++) {
        if (strcmp(idx[i]->agency_code, idx[i - 1]->agency_code)
            || strcmp(idx[i]->leaf_code, idx[i - 1]->leaf_code))
            continue;
        char vi[256], en[256], wvi[64], wen[64];
        s_where(self, idx[i - 1]->line, wvi, wen, sizeof wvi);
        snprintf(vi, sizeof vi, "trùng cơ quan %.40s và tiêu chí %.40s với %s",
                 idx[i]->agency_code, idx[i]->leaf_code, wvi);
        snprintf(en, sizeof en, "agency %.40s and leaf %.40s repeat %s",
                 idx[i]->agency_code, idx[i]->leaf_code, wen);
        s_fail(self, e, idx[i]->line, 400, "survey_duplicate_row", "leaf_code", vi, en);
    }
    free(idx);
    return s_finish(self, e);
}

char *survey_import_canonical(const survey_import *self)
{
    size_t cap = 64, used = 0;
    for (size_t i = 0; i < self->n; i++)
        cap += strlen(self->rows[i].agency_code) + strlen(self->rows[i].leaf_code) + 40;
    char *out = malloc(cap);
    if (!out)
        abort();
    out[0] = '\0';
    for (size_t i = 0; i < self->n; i++) {
        char pv[32];
        used += (size_t)snprintf(out + used, cap - used, "%s,%s,%s\n", self->rows[i].agency_code,
                                 self->rows[i].leaf_code,
                                 cs_points_format(self->rows[i].points, pv));
    }
    return out;
}
