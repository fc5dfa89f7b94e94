#include "sub_rules.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static int s_csv_error(cs_err *e, int line, const char *why_vi, const char *why_en)
{
    cs_err_set(e, 400, "invalid_csv", "csv", "Dòng %d: %s%.0s", "Line %d: %.0s%s", line, why_vi,
               why_en);
    cs_err_detail(e, "line %d", line);
    return -1;
}

/* Split one record starting at *p into up to 3 fields (more is an error). Handles quoted
 * fields with "" escapes, which may span lines. Advances *p past the record and *line
 * past the lines it used. Returns the number of fields, or -1 on a malformed quote. */
static int s_record(const char **p, char sep, char *fields[3], int *extra, int *line)
{
    const char *s = *p;
    int nf = 0;
    *extra = 0;
    for (;;) {
        size_t cap = 64, len = 0;
        char *f = malloc(cap);
        if (!f)
            abort();
        if (*s == '"') {
            s++;
            for (;;) {
                if (*s == '\0') {
                    free(f);
                    goto malformed;
                }
                if (*s == '"') {
                    if (s[1] == '"') {
                        s += 2;
                        if (len + 1 >= cap && !(f = realloc(f, cap *= 2)))
                            abort();
                        f[len++] = '"';
                        continue;
                    }
                    s++;
                    break;
                }
                if (*s == '\n')
                    (*line)++;
                if (len + 1 >= cap && !(f = realloc(f, cap *= 2)))
                    abort();
                f[len++] = *s++;
            }
            /* Only spaces may follow a closing quote before the separator. */
            while (*s == ' ' || *s == '\t')
                s++;
            if (*s != sep && *s != '\n' && *s != '\r' && *s != '\0') {
                free(f);
                goto malformed;
            }
        } else {
            while (*s && *s != sep && *s != '\n' && *s != '\r') {
                if (len + 1 >= cap && !(f = realloc(f, cap *= 2)))
                    abort();
                f[len++] = *s++;
            }
        }
        f[len] = '\0';
        if (nf < 3)
            fields[nf++] = f;
        else {
            free(f);
            (*extra)++;
        }
        if (*s == sep) {
            s++;
            continue;
        }
        break;
    }
    if (*s == '\r')
        s++;
    if (*s == '\n')
        s++;
    *p = s;
    return nf;
malformed:
    /* The fields taken so far are the caller's only on success. */
    for (int i = 0; i < nf; i++) {
        free(fields[i]);
        fields[i] = NULL;
    }
    return -1;
}

static char *s_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* The separator of the file: ';' when the first line has a ';' outside quotes and no ','
 * before it (a spreadsheet export in a Vietnamese locale: "1.1;17,5;ghi chú"), else ','
 * (where a ';' can only be inside a note, after the first two commas). */
static char s_separator(const char *s)
{
    bool q = false, comma = false;
    for (; *s && (q || *s != '\n'); s++) {
        if (*s == '"')
            q = !q;
        else if (!q && *s == ',')
            comma = true;
        else if (!q && *s == ';')
            return comma ? ',' : ';';
    }
    return ',';
}

sub_csv *sub_csv_parse(const char *text, cs_err *e)
{
    sub_csv *self = calloc(1, sizeof *self);
    if (!self)
        abort();
    const char *p = text ? text : "";
    if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
        p += 3;
    char sep = s_separator(p);
    int line = 1;
    while (*p) {
        int start = line;
        char *f[3] = {NULL, NULL, NULL};
        int extra;
        int nf = s_record(&p, sep, f, &extra, &line);
        line++;
        if (nf < 0) {
            s_csv_error(e, start, "dấu ngoặc kép không đúng.", "malformed quotes.");
            goto fail;
        }
        char *code = s_trim(f[0] ? f[0] : (char *)"");
        bool blank = nf == 1 && code[0] == '\0';
        bool header = self->n == 0 && start == 1 && strcasecmp(code, "leaf_code") == 0;
        if (blank || header) {
            for (int i = 0; i < 3; i++)
                free(f[i]);
            continue;
        }
        if (nf < 2 || extra > 0) {
            for (int i = 0; i < 3; i++)
                free(f[i]);
            s_csv_error(e, start, "cần đúng các cột leaf_code,score,note.",
                        "expected the columns leaf_code,score,note.");
            goto fail;
        }
        if (code[0] == '\0') {
            for (int i = 0; i < 3; i++)
                free(f[i]);
            s_csv_error(e, start, "thiếu mã chỉ số.", "the leaf code is missing.");
            goto fail;
        }
        sub_csv_row r = {.line = start};
        char *score = s_trim(f[1]);
        if (score[0] != '\0') {
            if (sub_parse_score(score, &r.score) != 0) {
                for (int i = 0; i < 3; i++)
                    free(f[i]);
                s_csv_error(e, start, "điểm không phải là số hợp lệ (tối đa 2 chữ số thập phân).",
                            "the score is not a valid number (at most 2 decimals).");
                strcpy(e->code, "score_invalid");
                goto fail;
            }
            r.has_score = true;
        }
        r.leaf_code = strdup(code);
        r.note = strdup(f[2] ? s_trim(f[2]) : "");
        for (int i = 0; i < 3; i++)
            free(f[i]);
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
    if (self->n == 0) {
        cs_err_set(e, 400, "invalid_csv", "csv", "%s%.0s", "%.0s%s", "Tệp CSV không có dòng điểm nào.",
                   "The CSV file has no score lines.");
        goto fail;
    }
    return self;
fail:
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

static bool s_valid_utf8(const unsigned char *s)
{
    while (*s) {
        int n = *s < 0x80 ? 0 : (*s & 0xE0) == 0xC0 ? 1 : (*s & 0xF0) == 0xE0 ? 2
                : (*s & 0xF8) == 0xF0 ? 3 : -1;
        if (n < 0 || (n == 1 && *s < 0xC2))
            return false;
        unsigned cp = n == 0 ? *s : n == 1 ? (*s & 0x1Fu) : n == 2 ? (*s & 0x0Fu) : (*s & 0x07u);
        s++;
        for (int i = 0; i < n; i++, s++) {
            if ((*s & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (*s & 0x3Fu);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
    }
    return true;
}

int sub_check_file_name(const char *name, cs_err *e)
{
    size_t n = name ? strlen(name) : 0;
    bool ok = n > 0 && n <= 255 && name[0] != '.' && s_valid_utf8((const unsigned char *)name);
    for (size_t i = 0; ok && i < n; i++) {
        unsigned char ch = (unsigned char)name[i];
        if (ch < 0x20 || ch == 0x7F || ch == '/' || ch == '\\' || ch == ':')
            ok = false;
    }
    if (!ok)
        return cs_err_set(e, 400, "invalid_file_name", "file_name", "%s%.0s", "%.0s%s",
                          "Tên tệp không hợp lệ (không được chứa đường dẫn hay ký tự điều khiển).",
                          "Invalid file name (no paths or control characters).");
    return 0;
}

int sub_check_sha256(const char *s, cs_err *e)
{
    size_t n = s ? strlen(s) : 0;
    bool ok = n == 64;
    for (size_t i = 0; ok && i < n; i++)
        ok = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f');
    if (!ok)
        return cs_err_invalid(e, "file_sha256", "mã SHA-256 của tệp không hợp lệ",
                              "the file's SHA-256 is not valid");
    return 0;
}

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
