/*  leadership_util: what the leadership handlers share: id arrays, the period and agency
 *  lookups (404 outside the caller's province), the agency list checks. */
#include "leadership_rpc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_pg.h"

size_t leadership_parse_ids(cs_call *c, const char *text, int64_t **ids)
{
    size_t cap = 1;
    for (const char *p = text; *p; p++)
        cap += *p == ',';
    int64_t *out = cs_call_alloc(c, cap * sizeof *out);
    size_t n = 0;
    for (const char *p = text; *p && n < cap;) {
        if ((*p >= '0' && *p <= '9') || *p == '-') {
            char *end;
            out[n++] = strtoll(p, &end, 10);
            p = end;
        } else {
            p++;
        }
    }
    *ids = out;
    return n;
}

const char *leadership_ids_literal(cs_call *c, const int64_t *ids, size_t n)
{
    char *buf = cs_call_alloc(c, n * 22 + 3), *w = buf;
    *w++ = '{';
    for (size_t i = 0; i < n; i++)
        w += sprintf(w, "%s%lld", i ? "," : "", (long long)ids[i]);
    *w++ = '}';
    *w = '\0';
    return buf;
}

int leadership_period(cs_call *c, long long period_id, int *year)
{
    const char *p[] = {cs_call_int(c, cs_call_province(c)), cs_call_int(c, period_id)};
    PGresult *r = cs_call_exec(c,
        "SELECT year FROM catalog.periods WHERE province_id = $1 AND id = $2", 2, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(cs_call_err(c), "period");
    if (year)
        *year = (int)cs_pg_ll(r, 0, 0);
    return 0;
}

const char *leadership_agency_group(cs_call *c, long long agency_id)
{
    const char *p[] = {cs_call_int(c, cs_call_province(c)), cs_call_int(c, agency_id)};
    PGresult *r = cs_call_exec(c,
        "SELECT group_code FROM catalog.agencies WHERE province_id = $1 AND id = $2", 2, p);
    if (!r)
        return NULL;
    if (PQntuples(r) == 0) {
        cs_err_not_found(cs_call_err(c), "agency");
        return NULL;
    }
    return PQgetvalue(r, 0, 0);
}

int leadership_need_id(cs_call *c, bool has, long long v, const char *field)
{
    if (has && v > 0)
        return 0;
    return cs_err_set(cs_call_err(c), 400, "invalid_input", field,
                      "Thiếu hoặc sai mã số %s", "%s is missing or not a valid id", field);
}

const char *leadership_assigned(cs_call *c, long long period_id, long long leader_id)
{
    const char *p[] = {cs_call_int(c, period_id), cs_call_int(c, leader_id)};
    PGresult *r = cs_call_exec(c,
        "SELECT coalesce(array_agg(agency_id ORDER BY agency_id), '{}')::text"
        "  FROM leadership.assignments WHERE period_id = $1 AND leader_id = $2", 2, p);
    return r ? cs_call_strdup(c, PQgetvalue(r, 0, 0)) : NULL;
}

const char *leadership_ids_json(cs_call *c, const char *pg_array)
{
    char *j = cs_call_strdup(c, pg_array);
    size_t n = strlen(j);
    if (n >= 2) {
        j[0] = '[';
        j[n - 1] = ']';
    }
    return j;
}

int leadership_check_agencies(cs_call *c, const int64_t *ids, size_t n, const char *group,
                              const char *list_vi, const char *list_en)
{
    cs_err *e = cs_call_err(c);
    const char *prov = cs_call_int(c, cs_call_province(c));
    for (size_t i = 0; i < n; i++) {
        const char *field = cs_call_printf(c, "agency_ids[%zu]", i);
        long long id = ids[i];
        for (size_t k = 0; k < i; k++)
            if (ids[k] == ids[i])
                return cs_err_set(e, 400, "duplicate_agency", field,
                                  "Cơ quan %lld lặp lại trong %s%.0s",
                                  "Agency %lld appears twice in the %.0s%s",
                                  id, list_vi, list_en);
        const char *pa[] = {prov, cs_call_int(c, id)};
        PGresult *r = cs_call_exec(c,
            "SELECT group_code FROM catalog.agencies WHERE province_id = $1 AND id = $2", 2, pa);
        if (!r)
            return -1;
        if (PQntuples(r) == 0)
            return cs_err_set(e, 400, "unknown_agency", field,
                              "Không có cơ quan %lld trong tỉnh",
                              "There is no agency %lld in the province", id);
        if (group && strcmp(PQgetvalue(r, 0, 0), group) != 0)
            return cs_err_set(e, 400, "agency_other_group", field,
                              "Cơ quan %lld thuộc nhóm %s, không thuộc nhóm %s",
                              "Agency %lld belongs to group %s, not to group %s", id,
                              PQgetvalue(r, 0, 0), group);
    }
    return 0;
}
