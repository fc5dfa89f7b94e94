/*  cs_jcs: see cs_jcs.h. */
#include "cs_jcs.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *buf;
    size_t len, cap;
    bool bad;
} s_out;

static void s_put(s_out *o, const char *s, size_t n)
{
    if (o->len + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 256;
        while (o->len + n + 1 > cap)
            cap *= 2;
        char *b = realloc(o->buf, cap);
        if (!b)
            abort();
        o->buf = b;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

/* Next code point of a UTF-8 string; -1 when malformed (overlong, surrogate, truncated). */
static long s_utf8_next(const unsigned char **p, const unsigned char *end)
{
    const unsigned char *s = *p;
    unsigned c = s[0];
    int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
    if (n < 0 || end - s <= n)
        return -1;
    long cp = n == 0 ? c : n == 1 ? (c & 0x1F) : n == 2 ? (c & 0x0F) : (c & 0x07);
    for (int i = 1; i <= n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return -1;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    static const long min[4] = {0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    *p = s + n + 1;
    return cp;
}

static void s_string(s_out *o, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    s_put(o, "\"", 1);
    while (p < end) {
        const unsigned char *start = p;
        long cp = s_utf8_next(&p, end);
        if (cp < 0) {
            o->bad = true;
            return;
        }
        char esc[8];
        switch (cp) {
        case '"': s_put(o, "\\\"", 2); break;
        case '\\': s_put(o, "\\\\", 2); break;
        case '\b': s_put(o, "\\b", 2); break;
        case '\f': s_put(o, "\\f", 2); break;
        case '\n': s_put(o, "\\n", 2); break;
        case '\r': s_put(o, "\\r", 2); break;
        case '\t': s_put(o, "\\t", 2); break;
        default:
            if (cp < 0x20) {
                snprintf(esc, sizeof esc, "\\u%04lx", cp);
                s_put(o, esc, 6);
            } else {
                s_put(o, (const char *)start, (size_t)(p - start));
            }
        }
    }
    s_put(o, "\"", 1);
}

/* Compare two UTF-8 keys by UTF-16 code units (RFC 8785 §3.2.3). UTF-8 byte order equals
 * code point order; the two differ only where a supplementary character (a surrogate pair,
 * 0xD800..) meets U+E000..U+FFFF, so compare code points mapped to their first unit. */
static long s_unit(long cp)
{
    return cp >= 0x10000 ? 0xD800 + ((cp - 0x10000) >> 10) : cp;
}

static long s_unit2(long cp)
{
    return cp >= 0x10000 ? 0xDC00 + ((cp - 0x10000) & 0x3FF) : -1;
}

static int s_keycmp(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    const unsigned char *p = (const unsigned char *)x, *pe = p + strlen(x);
    const unsigned char *q = (const unsigned char *)y, *qe = q + strlen(y);
    while (p < pe && q < qe) {
        long cx = s_utf8_next(&p, pe), cy = s_utf8_next(&q, qe);
        if (cx < 0 || cy < 0)
            return strcmp(x, y);    /* invalid keys are refused later anyway */
        long ux = s_unit(cx), uy = s_unit(cy);
        if (ux != uy)
            return ux < uy ? -1 : 1;
        ux = s_unit2(cx);
        uy = s_unit2(cy);
        if (ux != uy)
            return ux < uy ? -1 : 1;
    }
    return (p < pe) - (q < qe);
}

static void s_value(s_out *o, const json_t *v)
{
    char num[32];
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        size_t n = json_object_size(v), i = 0;
        const char **keys = malloc((n ? n : 1) * sizeof *keys);
        if (!keys)
            abort();
        const char *k;
        json_t *m;
        json_object_foreach((json_t *)v, k, m)
            keys[i++] = k;
        qsort(keys, n, sizeof *keys, s_keycmp);
        s_put(o, "{", 1);
        for (i = 0; i < n && !o->bad; i++) {
            if (i)
                s_put(o, ",", 1);
            s_string(o, keys[i], strlen(keys[i]));
            s_put(o, ":", 1);
            s_value(o, json_object_get(v, keys[i]));
        }
        s_put(o, "}", 1);
        free(keys);
        break;
    }
    case JSON_ARRAY:
        s_put(o, "[", 1);
        for (size_t i = 0; i < json_array_size(v) && !o->bad; i++) {
            if (i)
                s_put(o, ",", 1);
            s_value(o, json_array_get(v, i));
        }
        s_put(o, "]", 1);
        break;
    case JSON_STRING:
        s_string(o, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER: {
        /* JCS numbers are IEEE doubles: beyond 2^53 an integer is not exact. */
        json_int_t x = json_integer_value(v);
        if (x > 9007199254740991LL || x < -9007199254740991LL) {
            o->bad = true;
            break;
        }
        int n = snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, x);
        s_put(o, num, (size_t)n);
        break;
    }
    case JSON_TRUE: s_put(o, "true", 4); break;
    case JSON_FALSE: s_put(o, "false", 5); break;
    case JSON_NULL: s_put(o, "null", 4); break;
    default:
        o->bad = true;
    }
}

char *cs_jcs_dump(const json_t *v, size_t *len)
{
    s_out o = {0};
    if (!v)
        return NULL;
    s_value(&o, v);
    if (o.bad) {
        free(o.buf);
        return NULL;
    }
    if (len)
        *len = o.len;
    return o.buf;
}
