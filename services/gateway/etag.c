/*  etag: see etag.h. */
#include "etag.h"

#include <string.h>

bool gw_etag_valid(const char *tag)
{
    size_t n = tag ? strlen(tag) : 0;
    if (n == 0 || n > 128)
        return false;
    for (const char *p = tag; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              *p == '.' || *p == '_' || *p == '-'))
            return false;
    return true;
}

static const char *s_skip_ows(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

bool gw_etag_none_match(const char *inm, const char *tag)
{
    if (!inm || !gw_etag_valid(tag))
        return false;
    size_t tlen = strlen(tag);
    const char *p = s_skip_ows(inm);
    if (*p == '*')
        return *s_skip_ows(p + 1) == '\0';
    for (;;) {
        if (p[0] == 'W' && p[1] == '/')
            p += 2;                         /* weak comparison: the W/ prefix is ignored */
        if (*p != '"')
            return false;
        const char *end = strchr(p + 1, '"');
        if (!end)
            return false;
        if ((size_t) (end - p - 1) == tlen && memcmp(p + 1, tag, tlen) == 0)
            return true;
        p = s_skip_ows(end + 1);
        if (*p == '\0')
            return false;
        if (*p != ',')
            return false;
        p = s_skip_ows(p + 1);
    }
}
