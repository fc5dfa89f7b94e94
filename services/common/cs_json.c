#include "cs_json.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cs_json_dump(cs_call *c, void *json_object_stolen)
{
    json_t *o = json_object_stolen;
    char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
    json_decref(o);
    const char *out = cs_call_strdup(c, s ? s : "{}");
    free(s);
    return out;
}

const char *cs_json_quote(cs_call *c, const char *s)
{
    if (!s)
        return "null";
    /* Worst case: every byte a control character, 6 bytes each, plus quotes and NUL. */
    char *out = cs_call_alloc(c, strlen(s) * 6 + 3), *w = out;
    *w++ = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            *w++ = '\\';
            *w++ = (char)*p;
        } else if (*p < 0x20) {
            w += sprintf(w, "\\u%04x", *p);
        } else {
            *w++ = (char)*p;
        }
    }
    *w++ = '"';
    *w = '\0';
    return out;
}
