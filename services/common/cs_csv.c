/*  cs_csv: see cs_csv.h. A byte-at-a-time state machine over a refillable buffer, so a text
 *  and a stream go through the same code and only the current record is held. */
#include "cs_csv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define S_CHUNK      65536
#define S_RECORD_MAX (1 << 20)      /* one record: 1 MiB at most */
#define S_FIELDS_MAX 4096

struct cs_csv {
    /* source */
    const char *text;
    size_t text_len, text_pos;
    cs_csv_read_fn fn;
    void *arg;
    char *buf;
    size_t buf_len, buf_pos;
    bool eof;
    /* state */
    char sep;                       /* 0 until decided */
    bool bom_checked;
    long line;                      /* current line of the reader */
    long rec_line;
    /* the current record: fields as offsets into rec */
    char *rec;
    size_t rec_len, rec_cap;
    size_t *off;
    size_t n, cap;
    /* the header, kept for cs_csv_column */
    char **header;
    size_t n_header;
};

static cs_csv *s_new(void)
{
    cs_csv *self = calloc(1, sizeof *self);
    if (!self)
        abort();
    self->line = 1;
    return self;
}

cs_csv *cs_csv_new_text(const char *text, size_t len)
{
    cs_csv *self = s_new();
    self->text = text ? text : "";
    self->text_len = text ? len : 0;
    return self;
}

cs_csv *cs_csv_new_reader(cs_csv_read_fn fn, void *arg)
{
    cs_csv *self = s_new();
    self->fn = fn;
    self->arg = arg;
    self->buf = malloc(S_CHUNK);
    if (!self->buf)
        abort();
    return self;
}

void cs_csv_destroy(cs_csv **self_p)
{
    if (!self_p || !*self_p)
        return;
    cs_csv *self = *self_p;
    for (size_t i = 0; i < self->n_header; i++)
        free(self->header[i]);
    free(self->header);
    free(self->buf);
    free(self->rec);
    free(self->off);
    free(self);
    *self_p = NULL;
}

/* Next byte, -1 at the end, -2 on a read error. */
static int s_peek(cs_csv *self)
{
    if (self->text)
        return self->text_pos < self->text_len ? (unsigned char)self->text[self->text_pos] : -1;
    if (self->buf_pos >= self->buf_len) {
        if (self->eof)
            return -1;
        ssize_t k = self->fn(self->arg, self->buf, S_CHUNK);
        if (k < 0)
            return -2;
        if (k == 0) {
            self->eof = true;
            return -1;
        }
        self->buf_len = (size_t)k;
        self->buf_pos = 0;
    }
    return (unsigned char)self->buf[self->buf_pos];
}

static void s_skip(cs_csv *self)
{
    if (self->text)
        self->text_pos++;
    else
        self->buf_pos++;
}

static int s_get(cs_csv *self)
{
    int ch = s_peek(self);
    if (ch >= 0)
        s_skip(self);
    return ch;
}

static int s_put(cs_csv *self, char ch)
{
    if (self->rec_len + 2 > self->rec_cap) {
        if (self->rec_cap >= S_RECORD_MAX)
            return -1;
        size_t cap = self->rec_cap ? self->rec_cap * 2 : 256;
        char *g = realloc(self->rec, cap);
        if (!g)
            abort();
        self->rec = g;
        self->rec_cap = cap;
    }
    self->rec[self->rec_len++] = ch;
    return 0;
}

static int s_field_start(cs_csv *self)
{
    if (self->n == self->cap) {
        if (self->cap >= S_FIELDS_MAX)
            return -1;
        size_t cap = self->cap ? self->cap * 2 : 16;
        size_t *g = realloc(self->off, cap * sizeof *g);
        if (!g)
            abort();
        self->off = g;
        self->cap = cap;
    }
    self->off[self->n++] = self->rec_len;
    return 0;
}

static int s_err_line(cs_err *e, long line, const char *code, const char *vi, const char *en)
{
    char field[32];
    snprintf(field, sizeof field, "line %ld", line);
    /* both formats take the same arguments: each prints its own language's text */
    return cs_err_set(e, 400, code, field, "Dòng %ld: %s%.0s", "Line %ld: %.0s%s", line, vi, en);
}

int cs_csv_error(const cs_csv *self, cs_err *e, const char *code, const char *vi, const char *en)
{
    return s_err_line(e, self->rec_line, code, vi, en);
}

/* Read more into the buffer behind what is still unread: the separator's look-ahead needs
 * the whole first line, and a pipe or a socket gives what it has (a first read of a few
 * bytes is legal). 1 when something more came, 0 at the end, on an error (the record reader
 * meets it again) or when the buffer is full. */
static int s_fill_more(cs_csv *self)
{
    if (self->eof)
        return 0;
    if (self->buf_pos > 0) {
        memmove(self->buf, self->buf + self->buf_pos, self->buf_len - self->buf_pos);
        self->buf_len -= self->buf_pos;
        self->buf_pos = 0;
    }
    if (self->buf_len >= S_CHUNK)
        return 0;
    ssize_t k = self->fn(self->arg, self->buf + self->buf_len, S_CHUNK - self->buf_len);
    if (k == 0)
        self->eof = true;
    if (k <= 0)
        return 0;
    self->buf_len += (size_t)k;
    return 1;
}

/* Decide the separator from the first line: whichever of ',' and ';' comes first outside
 * quotes (neither: ','). Looks ahead without consuming; a stream is read on until the first
 * line is whole (or 64 KiB of it: a longer header is not expected). */
static void s_detect(cs_csv *self)
{
    self->sep = ',';
    if (!self->text && s_peek(self) < 0)
        return;
    bool q = false;
    size_t i = 0;   /* from the first unread byte; s_fill_more keeps that byte where it is */
    for (;;) {
        const char *p = self->text ? self->text + self->text_pos : self->buf + self->buf_pos;
        size_t n = self->text ? self->text_len - self->text_pos : self->buf_len - self->buf_pos;
        for (; i < n && (q || p[i] != '\n'); i++) {
            if (p[i] == '"')
                q = !q;
            else if (!q && (p[i] == ',' || p[i] == ';')) {
                self->sep = p[i];
                return;
            }
        }
        if (i < n || self->text || !s_fill_more(self))
            return;
    }
}

/* One physical record into rec/off. 1, 0 at the end (nothing read), -1. */
static int s_record(cs_csv *self, cs_err *e)
{
    self->rec_len = 0;
    self->n = 0;
    int ch = s_peek(self);
    if (ch == -1)
        return 0;
    self->rec_line = self->line;
    if (s_field_start(self) < 0)
        goto too_large;
    bool quoted = false, after_quote = false;
    for (;;) {
        ch = s_get(self);
        if (ch == -2)
            return s_err_line(e, self->line, CS_CSV_INVALID, "không đọc được tệp",
                              "the file could not be read");
        if (quoted) {
            if (ch == -1)
                return s_err_line(e, self->rec_line, CS_CSV_INVALID,
                                  "dấu ngoặc kép không được đóng", "unterminated quote");
            if (ch == '"') {
                if (s_peek(self) == '"') {
                    s_skip(self);
                    if (s_put(self, '"') < 0)
                        goto too_large;
                } else {
                    quoted = false;
                    after_quote = true;
                }
                continue;
            }
            if (ch == '\n')
                self->line++;
            if (s_put(self, (char)ch) < 0)
                goto too_large;
            continue;
        }
        if (ch == -1 || ch == '\n' || (ch == '\r' && (s_peek(self) == '\n' || s_peek(self) == -1))) {
            if (ch == '\r')
                s_get(self);
            if (ch != -1)
                self->line++;
            break;
        }
        if (ch == self->sep) {
            if (s_put(self, '\0') < 0 || s_field_start(self) < 0)
                goto too_large;
            after_quote = false;
            continue;
        }
        if (after_quote && (ch == ' ' || ch == '\t'))
            continue;
        if (after_quote)
            return s_err_line(e, self->rec_line, CS_CSV_INVALID,
                              "có ký tự sau dấu ngoặc kép đóng", "text after a closing quote");
        if (ch == '"' && self->rec_len == self->off[self->n - 1]) {
            quoted = true;
            continue;
        }
        if (s_put(self, (char)ch) < 0)
            goto too_large;
    }
    if (s_put(self, '\0') < 0)
        goto too_large;
    return 1;
too_large:
    return s_err_line(e, self->rec_line, CS_CSV_TOO_LARGE, "dòng quá dài (quá 1 MiB)",
                      "the record is too long (over 1 MiB)");
}

int cs_csv_next(cs_csv *self, cs_err *e)
{
    if (!self->bom_checked) {
        self->bom_checked = true;
        if (s_peek(self) == 0xEF) {
            s_skip(self);
            if (s_get(self) != 0xBB || s_get(self) != 0xBF)
                return s_err_line(e, 1, CS_CSV_INVALID, "dấu BOM không hợp lệ", "invalid BOM");
        }
    }
    if (!self->sep)
        s_detect(self);
    for (;;) {
        int rc = s_record(self, e);
        if (rc <= 0)
            return rc;
        /* a blank line is no record */
        if (self->n == 1 && self->rec[0] == '\0')
            continue;
        if (!self->header) {
            self->n_header = self->n;
            self->header = calloc(self->n, sizeof *self->header);
            for (size_t i = 0; i < self->n; i++)
                self->header[i] = strdup(self->rec + self->off[i]);
        }
        return 1;
    }
}

size_t cs_csv_nfields(const cs_csv *self)
{
    return self->n;
}

const char *cs_csv_field(const cs_csv *self, size_t i)
{
    return i < self->n ? self->rec + self->off[i] : "";
}

void cs_csv_trim(cs_csv *self)
{
    for (size_t i = 0; i < self->n; i++) {
        char *f = self->rec + self->off[i];
        size_t k = 0;
        while (f[k] == ' ' || f[k] == '\t')
            k++;
        self->off[i] += k;
        f += k;
        size_t len = strlen(f);
        while (len > 0 && (f[len - 1] == ' ' || f[len - 1] == '\t'))
            f[--len] = '\0';
    }
}

long cs_csv_line(const cs_csv *self)
{
    return self->rec_line;
}

char cs_csv_separator(const cs_csv *self)
{
    return self->sep ? self->sep : ',';
}

long cs_csv_column(const cs_csv *self, const char *name)
{
    for (size_t i = 0; i < self->n_header; i++) {
        const char *h = self->header[i];
        while (*h == ' ' || *h == '\t')
            h++;
        size_t n = strlen(h);
        while (n > 0 && (h[n - 1] == ' ' || h[n - 1] == '\t'))
            n--;
        if (n == strlen(name) && strncasecmp(h, name, n) == 0)
            return (long)i;
    }
    return -1;
}

/* Digits with an optional decimal mark; spaces around. */
int cs_csv_decimal(const char *s, int max_decimals, int64_t *out)
{
    if (!s || max_decimals < 0 || max_decimals > 9)
        return -1;
    while (*s == ' ' || *s == '\t')
        s++;
    int64_t v = 0;
    int digits = 0, decimals = -1;
    for (; *s && *s != ' ' && *s != '\t'; s++) {
        if ((*s == '.' || *s == ',') && decimals < 0 && digits > 0) {
            decimals = 0;
            continue;
        }
        if (!isdigit((unsigned char)*s))
            return -1;
        if (decimals >= 0 && ++decimals > max_decimals)
            return -1;
        if (++digits > 17)
            return -1;
        v = v * 10 + (*s - '0');
    }
    while (*s == ' ' || *s == '\t')
        s++;
    int pad = max_decimals - (decimals < 0 ? 0 : decimals);
    /* v < 10^digits: scaled, it must stay below 10^18 (fuzz_cs_csv: 17 digits scaled by
     * 10^7 overflowed int64) */
    if (*s || digits == 0 || decimals == 0 || digits + pad > 18)
        return -1;
    for (int k = 0; k < pad; k++)
        v *= 10;
    *out = v;
    return 0;
}

int cs_csv_uint(const char *s, int64_t *out)
{
    return cs_csv_decimal(s, 0, out);
}
