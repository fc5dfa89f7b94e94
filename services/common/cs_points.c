#include "cs_points.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>

int cs_points_parse(const char *s, int64_t *out)
{
    if (!s || !*s)
        return -1;
    bool neg = false;
    if (*s == '-') {
        neg = true;
        s++;
    }
    int64_t whole = 0;
    int digits = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++) {
        if (whole > (INT64_MAX / 100 - 9) / 10)
            return -1;
        whole = whole * 10 + (*s - '0');
    }
    if (digits == 0)
        return -1;
    int64_t frac = 0;
    if (*s == '.') {
        s++;
        int fd = 0;
        for (; *s >= '0' && *s <= '9'; s++, fd++) {
            if (fd >= 2)
                return -1;
            frac = frac * 10 + (*s - '0');
        }
        if (fd == 0)
            return -1;
        if (fd == 1)
            frac *= 10;
    }
    if (*s)
        return -1;
    int64_t v = whole * 100 + frac;
    *out = neg ? -v : v;
    return 0;
}

char *cs_points_format(int64_t v, char *buf)
{
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    snprintf(buf, 32, "%s%" PRIu64 ".%02" PRIu64, v < 0 ? "-" : "", a / 100, a % 100);
    return buf;
}

int64_t cs_div_half_up(int64_t num, int64_t den)
{
    assert(den > 0);
    /* Half-up on the magnitude: 4.165 -> 4.17, -4.165 -> -4.17. */
    if (num < 0)
        return -cs_div_half_up(-num, den);
    return (2 * num + den) / (2 * den);
}
