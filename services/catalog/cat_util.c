#include "cat_util.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "cs_text.h"

bool cat_is_sysadmin(const cs_call *c)
{
    return cs_call_has_role(c, "sysadmin");
}

bool cat_is_padmin(const cs_call *c)
{
    return cs_call_province(c) > 0 && cs_call_has_role(c, "province_admin");
}

bool cat_reads_all(const cs_call *c)
{
    return cs_call_province(c) > 0 &&
           (cs_call_has_role(c, "province_admin") || cs_call_has_role(c, "viewer"));
}

int cat_need_province(cs_call *c)
{
    if (cs_call_province(c) > 0)
        return 0;
    if (cs_call_user(c) == 0)
        return cs_err_unauthenticated(cs_call_err(c));
    return cs_err_forbidden(cs_call_err(c));
}

int cat_need_padmin(cs_call *c)
{
    if (cat_need_province(c) < 0)
        return -1;
    return cat_is_padmin(c) ? 0 : cs_err_forbidden(cs_call_err(c));
}

const char *cat_val(cs_call *c, PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col))
        return NULL;
    return cs_call_strdup(c, PQgetvalue(r, row, col));
}

int cat_need_str(cs_call *c, const char *s, const char *field)
{
    if (!cs_text_blank(s))
        return 0;
    return cs_err_set(cs_call_err(c), 400, "required", field,
                      "Thiếu trường bắt buộc «%s».", "The field \"%s\" is required.", field);
}

const char *cat_pbool(bool v)
{
    return v ? "true" : "false";
}

const char *cat_json(cs_call *c, ...)
{
    json_t *o = json_object();
    va_list ap;
    va_start(ap, c);
    for (;;) {
        const char *k = va_arg(ap, const char *);
        if (!k)
            break;
        const char *v = va_arg(ap, const char *);
        json_object_set_new(o, k, v ? json_string(v) : json_null());
    }
    va_end(ap);
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    const char *out = cs_call_strdup(c, s ? s : "{}");
    free(s);
    return out;
}
