#include "response_import.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cs_csv.h"
#include "survey_import.h"

#define MAX_COLUMNS 201

struct response_import {
    int n_questions;
    response_row *rows;
    size_t n, cap;
    int n_errors;
    char listed[256];
};

response_import *response_import_new(int n_questions)
{
    response_import *self = calloc(1, sizeof *self);
    if (!self)
        abort();
    self->n_questions = n_questions;
    return self;
}

void response_import_destroy(response_import **self_p)
{
    if (!self_p || !*self_p)
        return;
    response_import *self = *self_p;
    for (size_t i = 0; i < self->n; i++) {
        free(self->rows[i].agency_code);
        free(self->rows[i].values);
    }
    free(self->rows);
    free(self);
    *self_p = NULL;
}

size_t response_import_count(const response_import *self) { return self->n; }

const response_row *response_import_row(const response_import *self, size_t i)
{
    return i < self->n ? &self->rows[i] : NULL;
}

/* The first error fills e; the lines of the next ones go to its detail. */
static void s_fail(response_import *self, cs_err *e, int line, const char *code,
                   const char *msg_vi, const char *msg_en)
{
    self->n_errors++;
    if (!cs_err_isset(e)) {
        cs_err_clear(e);
        e->status = 400;
        snprintf(e->code, sizeof e->code, "%s", code);
        snprintf(e->field, sizeof e->field, "line %d", line);
        snprintf(e->message_vi, sizeof e->message_vi, "Dòng %d: %s", line, msg_vi);
        snprintf(e->message_en, sizeof e->message_en, "Line %d: %s", line, msg_en);
        snprintf(e->detail, sizeof e->detail, "line=%d", line);
        return;
    }
    size_t used = strlen(self->listed);
    if (used < sizeof self->listed - 16)
        snprintf(self->listed + used, sizeof self->listed - used, "%s%d", used ? ", " : "", line);
}

/* The header: agency_code then q1..qN in order. */
static bool s_header_ok(const char **f, int n, int n_questions)
{
    if (n != n_questions + 1 || strcasecmp(f[0], "agency_code") != 0)
        return false;
    for (int i = 1; i < n; i++) {
        char want[16];
        snprintf(want, sizeof want, "q%d", i);
        if (strcasecmp(f[i], want) != 0)
            return false;
    }
    return true;
}

int response_import_parse_csv(response_import *self, const char *text, size_t len, cs_err *e)
{
    if (memchr(text, '\0', len))
        return cs_err_set(e, 400, CS_CSV_INVALID, "csv",
                          "Tệp CSV chứa ký tự NUL", "The CSV file contains a NUL byte");
    const char **f = malloc(MAX_COLUMNS * sizeof *f);
    if (!f)
        abort();
    /* the shared reader: BOM, ',' or ';', quotes, line numbers */
    cs_csv *rd = cs_csv_new_text(text, len);
    bool header_seen = false;
    int nq = self->n_questions, rc;
    cs_err ce;
    cs_err_clear(&ce);
    while ((rc = cs_csv_next(rd, &ce)) == 1) {
        cs_csv_trim(rd);
        int n = (int)cs_csv_nfields(rd), line = (int)cs_csv_line(rd);
        for (int i = 0; i < n && i < MAX_COLUMNS; i++)
            f[i] = cs_csv_field(rd, (size_t)i);
        if (n == 1 && !*f[0])
            continue;
        if (n > MAX_COLUMNS)
            n = MAX_COLUMNS + 1;
        if (!header_seen) {
            if (!s_header_ok(f, n, nq)) {
                char vi[160], en[160];
                snprintf(vi, sizeof vi, "thiếu dòng tiêu đề \"agency_code,q1,...,q%d\"", nq);
                snprintf(en, sizeof en, "the header line \"agency_code,q1,...,q%d\" is missing", nq);
                s_fail(self, e, line, CS_CSV_HEADER, vi, en);
                break;
            }
            header_seen = true;
            continue;
        }
        if (n != nq + 1) {
            char vi[128], en[128];
            snprintf(vi, sizeof vi, "cần %d cột, có %d", nq + 1, n);
            snprintf(en, sizeof en, "expected %d columns, got %d", nq + 1, n);
            s_fail(self, e, line, CS_CSV_INVALID, vi, en);
            continue;
        }
        if (!*f[0]) {
            s_fail(self, e, line, "survey_missing_field", "thiếu mã cơ quan (agency_code)",
                   "agency_code is missing");
            continue;
        }
        int *values = malloc((size_t)nq * sizeof *values);
        if (!values)
            abort();
        int bad = 0;
        for (int i = 0; i < nq && !bad; i++) {
            const char *v = f[i + 1];
            if (strlen(v) == 1 && v[0] >= '1' && v[0] <= '5')
                values[i] = v[0] - '0';
            else
                bad = i + 1;
        }
        if (bad) {
            char vi[160], en[160];
            snprintf(vi, sizeof vi, "câu trả lời q%d \"%.20s\" phải là một số từ 1 đến 5", bad,
                     f[bad]);
            snprintf(en, sizeof en, "answer q%d \"%.20s\" must be a number from 1 to 5", bad,
                     f[bad]);
            s_fail(self, e, line, "survey_answers_invalid", vi, en);
            free(values);
            continue;
        }
        if (self->n == self->cap) {
            self->cap = self->cap ? self->cap * 2 : 64;
            self->rows = realloc(self->rows, self->cap * sizeof *self->rows);
            if (!self->rows)
                abort();
        }
        char *code = strdup(f[0]);
        if (!code)
            abort();
        self->rows[self->n++] = (response_row){line, code, values};
    }
    if (rc < 0)
        s_fail(self, e, strncmp(ce.field, "line ", 5) == 0 ? atoi(ce.field + 5) : 1,
               CS_CSV_INVALID, "dấu ngoặc kép không đóng hoặc sai vị trí",
               "an unterminated or misplaced double quote");
    cs_csv_destroy(&rd);
    free(f);
    if (!header_seen && self->n_errors == 0) {
        char vi[160], en[160];
        snprintf(vi, sizeof vi, "tệp rỗng: thiếu dòng tiêu đề \"agency_code,q1,...,q%d\"", nq);
        snprintf(en, sizeof en, "empty file: the header line \"agency_code,q1,...,q%d\" is missing",
                 nq);
        s_fail(self, e, 1, CS_CSV_HEADER, vi, en);
    }
    if (self->n_errors) {
        if (self->n_errors > 1) {
            char first[64];
            snprintf(first, sizeof first, "%.60s", e->detail);
            snprintf(e->detail, sizeof e->detail, "%s; %d errors in the file; other lines: %s",
                     first, self->n_errors, self->listed);
        }
        return -1;
    }
    if (self->n == 0)
        return cs_err_set(e, 400, "survey_empty", "csv",
                          "Tệp không có dòng dữ liệu nào", "The file has no data rows");
    return 0;
}
