/*  portal_json: a streaming reader of the 766 document's top level. The document can be
 *  far larger than memory should hold, so only its structure is scanned here —
 *  {"province": "...", "records": [ {...}, {...} ], ...} — and each record's text is handed,
 *  one at a time, to jansson. */
#include "portal_json.h"

#include <stdlib.h>
#include <string.h>

#define S_CHUNK      65536
#define S_VALUE_MAX  (4 << 20)      /* one record: 4 MiB at most */

void pj_open(pj_reader *r, const portal_src *src)
{
    memset(r, 0, sizeof *r);
    r->src = src;
    r->buf = malloc(S_CHUNK);
    if (!r->buf)
        abort();
}

void pj_close(pj_reader *r)
{
    free(r->buf);
    free(r->val);
    memset(r, 0, sizeof *r);
}

static int s_peek(pj_reader *r)
{
    if (r->pos >= r->len) {
        if (r->eof)
            return -1;
        ssize_t k = r->src->read(r->src->arg, r->buf, S_CHUNK);
        if (k <= 0) {
            r->eof = true;
            return k < 0 ? -2 : -1;
        }
        r->len = (size_t)k;
        r->pos = 0;
    }
    return (unsigned char)r->buf[r->pos];
}

static int s_get(pj_reader *r)
{
    int ch = s_peek(r);
    if (ch >= 0) {
        r->pos++;
        r->offset++;
    }
    return ch;
}

int pj_ws(pj_reader *r)
{
    int ch;
    while ((ch = s_peek(r)) == ' ' || ch == '\t' || ch == '\n' || ch == '\r')
        s_get(r);
    return ch;
}

/* Append n bytes to r->val (kept NUL-terminated). -1 past S_VALUE_MAX. */
static int s_keep(pj_reader *r, const char *p, size_t n)
{
    if (r->val_len + n + 1 > r->val_cap) {
        if (r->val_len + n + 1 > S_VALUE_MAX)
            return -1;
        size_t cap = r->val_cap ? r->val_cap : 1024;
        while (cap < r->val_len + n + 1)
            cap *= 2;
        char *g = realloc(r->val, cap);
        if (!g)
            abort();
        r->val = g;
        r->val_cap = cap;
    }
    memcpy(r->val + r->val_len, p, n);
    r->val_len += n;
    r->val[r->val_len] = '\0';
    return 0;
}

int pj_expect(pj_reader *r, char want)
{
    if (pj_ws(r) != want)
        return -1;
    s_get(r);
    return 0;
}

/* One JSON value's text into r->val (a string, number, literal, object or array, nested
 * brackets matched outside strings). Its syntax is left to jansson. 0 / -1.
 * The bytes are scanned within the chunk in hand and copied a span at a time: this scan
 * runs over every byte of a feed (114 MiB for the national 766 bench), and a call per
 * byte was a tenth of the ingest's CPU. */
int pj_value(pj_reader *r)
{
    r->val_len = 0;
    if (r->val)
        r->val[0] = '\0';
    if (pj_ws(r) < 0)
        return -1;
    int depth = 0;
    bool str = false, esc = false;
    for (;;) {
        if (r->pos >= r->len && s_peek(r) < 0)
            return depth == 0 && !str && r->val_len > 0 ? 0 : -1;
        const char *b = r->buf + r->pos;
        size_t n = r->len - r->pos, i = 0;
        bool done = false, bad = false;
        for (; i < n && !done; i++) {
            char ch = b[i];
            if (str) {
                if (esc)
                    esc = false;
                else if (ch == '\\')
                    esc = true;
                else if (ch == '"') {
                    str = false;
                    done = depth == 0;
                }
                continue;
            }
            if (depth == 0 && r->val_len + i > 0 &&
                (ch == ',' || ch == '}' || ch == ']' || ch == ':' || ch == ' ' || ch == '\n' ||
                 ch == '\r' || ch == '\t'))
                break;                      /* the value ended before this byte */
            if (ch == '"')
                str = true;
            else if (ch == '{' || ch == '[')
                depth++;
            else if (ch == '}' || ch == ']') {
                bad = --depth < 0;
                done = depth <= 0;
            }
        }
        if (s_keep(r, b, i) < 0)
            return -1;
        r->pos += i;
        r->offset += (long long)i;
        if (bad)
            return -1;
        if (done || i < n)
            return 0;
    }
}
