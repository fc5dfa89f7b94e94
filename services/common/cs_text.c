#include "cs_text.h"

#include <stdint.h>

bool cs_text_blank(const char *s)
{
    if (!s)
        return true;
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

/* The code point at s[*i] (valid UTF-8 assumed; a stray byte stands for itself), moving
 * *i past it. */
static uint32_t s_next(const char *s, size_t n, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t c = u[*i];
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    if (*i + len > n)
        len = 1;
    if (len > 1) {
        c &= 0xFFu >> (len + 1);
        for (size_t k = 1; k < len; k++)
            c = (c << 6) | (u[*i + k] & 0x3F);
    }
    *i += len;
    return c;
}

static bool s_space(uint32_t c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200B) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000 || c == 0xFEFF || c == 0x180E;
}

bool cs_text_only_spaces(const char *s, size_t n)
{
    if (!s || n == 0)
        return false;
    for (size_t i = 0; i < n;)
        if (!s_space(s_next(s, n, &i)))
            return false;
    return true;
}

bool cs_text_has_bidi(const char *s, size_t n)
{
    for (size_t i = 0; s && i < n;) {
        uint32_t c = s_next(s, n, &i);
        if (c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
            (c >= 0x2066 && c <= 0x2069))
            return true;
    }
    return false;
}

size_t cs_text_chars(const char *s, size_t n)
{
    size_t chars = 0;
    for (size_t i = 0; s && i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            chars++;
    return chars;
}
