#include "sub_rules.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_csv.h"
#include "cs_points.h"

bool sub_content_self_scored(int content)
{
    return content == 1 || content == 2 || content == 5 || content == 6;
}

int sub_check_value(const sub_leaf *leaf, int64_t v, cs_err *e)
{
    return cs_leaf_check_value(leaf, v, e);
}

int sub_parse_score(const char *s, int64_t *out)
{
    char buf[64];
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    /* One decimal comma becomes a point; a thousands separator makes no sense for values
     * of at most 45 points, so a second separator is an error (cs_points_parse says so). */
    char *comma = strchr(buf, ',');
    if (comma) {
        if (strchr(buf, '.'))
            return -1;
        *comma = '.';
    }
    return cs_points_parse(buf, out);
}

/* --- CSV ------------------------------------------------------------------------------ */

struct sub_csv {
    sub_csv_row *rows;
    size_t n, cap;
};

/* Rows "leaf_code,score,note" (an optional header naming leaf_code first) through the
 * shared reader (cs_csv: BOM, ',' or ';' — "1.1;17,5;ghi chú" from a decimal-comma
 * spreadsheet —, quotes, line numbers). */
sub_csv *sub_csv_parse(const char *text, cs_err *e)
{
    sub_csv *self = calloc(1, sizeof *self);
    if (!self)
        abort();
    cs_csv *rd = cs_csv_new_text(text ? text : "", text ? strlen(text) : 0);
    int rc;
    bool first = true;
    while ((rc = cs_csv_next(rd, e)) == 1) {
        cs_csv_trim(rd);
        size_t nf = cs_csv_nfields(rd);
        const char *code = cs_csv_field(rd, 0);
        if (first && strcasecmp(code, "leaf_code") == 0) {
            first = false;
            continue;
        }
        first = false;
        if (nf < 2 || nf > 3) {
            cs_csv_error(rd, e, CS_CSV_INVALID, "cần đúng các cột leaf_code,score,note.",
                         "expected the columns leaf_code,score,note.");
            goto fail;
        }
        if (code[0] == '\0') {
            cs_csv_error(rd, e, CS_CSV_INVALID, "thiếu mã chỉ số.", "the leaf code is missing.");
            goto fail;
        }
        sub_csv_row r = {.line = (int)cs_csv_line(rd)};
        const char *score = cs_csv_field(rd, 1);
        if (score[0] != '\0') {
            if (sub_parse_score(score, &r.score) != 0) {
                cs_csv_error(rd, e, "score_invalid",
                             "điểm không phải là số hợp lệ (tối đa 2 chữ số thập phân).",
                             "the score is not a valid number (at most 2 decimals).");
                goto fail;
            }
            r.has_score = true;
        }
        r.leaf_code = strdup(code);
        r.note = strdup(cs_csv_field(rd, 2));
        if (!r.leaf_code || !r.note)
            abort();
        if (self->n == self->cap) {
            self->cap = self->cap ? self->cap * 2 : 32;
            self->rows = realloc(self->rows, self->cap * sizeof *self->rows);
            if (!self->rows)
                abort();
        }
        self->rows[self->n++] = r;
    }
    if (rc < 0)
        goto fail;
    if (self->n == 0) {
        cs_err_set(e, 400, CS_CSV_EMPTY, "csv", "%s%.0s", "%.0s%s", "Tệp CSV không có dòng điểm nào.",
                   "The CSV file has no score lines.");
        goto fail;
    }
    cs_csv_destroy(&rd);
    return self;
fail:
    cs_csv_destroy(&rd);
    sub_csv_destroy(&self);
    return NULL;
}

void sub_csv_destroy(sub_csv **self_p)
{
    if (!self_p || !*self_p)
        return;
    sub_csv *self = *self_p;
    for (size_t i = 0; i < self->n; i++) {
        free(self->rows[i].leaf_code);
        free(self->rows[i].note);
    }
    free(self->rows);
    free(self);
    *self_p = NULL;
}

size_t sub_csv_count(const sub_csv *self)
{
    return self->n;
}

const sub_csv_row *sub_csv_row_at(const sub_csv *self, size_t i)
{
    return i < self->n ? &self->rows[i] : NULL;
}

/* --- files and dates --------------------------------------------------------------------- */

int sub_check_date(const char *s, const char *field, cs_err *e)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = 0, m = 0, d = 0;
    bool ok = s && strlen(s) == 10 && s[4] == '-' && s[7] == '-';
    for (int i = 0; ok && i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            ok = false;
    if (ok) {
        y = atoi(s);
        m = atoi(s + 5);
        d = atoi(s + 8);
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        ok = y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 &&
             d <= mdays[m - 1] + (m == 2 && leap);
    }
    if (!ok)
        return cs_err_set(e, 400, "invalid_date", field, "%s%.0s", "%.0s%s",
                          "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
                          "Invalid date (format YYYY-MM-DD).");
    return 0;
}
