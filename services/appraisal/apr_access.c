#include "apr_access.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int apr_check_value(const apr_leaf *leaf, int64_t v, cs_err *e)
{
    if (leaf->content == 3 || leaf->content == 4)
        return cs_err_set(e, 400, "content_not_appraised", "leaf_code",
                          "Chỉ số %s thuộc nội dung %d, không do Hội đồng thẩm định chấm.",
                          "Leaf %s belongs to content %d, which the council does not appraise.",
                          leaf->code, leaf->content);
    return cs_leaf_check_value(leaf, v, e);
}

bool apr_prefix_covers(const char *prefix, const char *code)
{
    size_t n = strlen(prefix);
    if (n == 0)
        return true;
    return strncmp(prefix, code, n) == 0 && (code[n] == '\0' || code[n] == '.');
}

int apr_require_scope(cs_call *c, long long period_id, long long agency_id, const char *group,
                      const char *leaf_code)
{
    cs_err *e = cs_call_err(c);
    if (!cs_call_has_role(c, "appraiser") || cs_call_province(c) == 0)
        return cs_err_forbidden(e);
    const char *p[] = {cs_call_int(c, cs_call_user(c))};
    PGresult *r = cs_call_exec(c, "SELECT agency_id FROM catalog.users WHERE id = $1", 1, p);
    if (!r)
        return -1;
    if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0) &&
        strtoll(PQgetvalue(r, 0, 0), NULL, 10) == agency_id)
        return cs_err_set(e, 403, "conflict_of_interest", NULL, "%s%.0s", "%.0s%s",
                          "Thành viên Hội đồng không được thẩm định cơ quan của chính mình.",
                          "A council member may not appraise their own agency.");
    const char *q[] = {cs_call_int(c, period_id), p[0], group};
    r = cs_call_exec(c,
                     "SELECT prefix FROM appraisal.council_scopes"
                     " WHERE period_id = $1 AND user_id = $2 AND group_code = $3",
                     3, q);
    if (!r)
        return -1;
    for (int i = 0; i < PQntuples(r); i++)
        if (!leaf_code || apr_prefix_covers(PQgetvalue(r, i, 0), leaf_code))
            return 0;
    return cs_err_set(e, 403, "not_in_scope", "leaf_code",
                      "Chỉ số %s của nhóm %s không thuộc phạm vi thẩm định được phân công.",
                      "Leaf %s of group %s is not in your appraisal scope.",
                      leaf_code ? leaf_code : "*", group);
}

int apr_in_council(cs_call *c, long long period_id, const char *group)
{
    const char *p[] = {cs_call_int(c, period_id), cs_call_int(c, cs_call_user(c)), group};
    PGresult *r = cs_call_exec(c,
                               "SELECT 1 FROM appraisal.council_scopes WHERE period_id = $1"
                               " AND user_id = $2 AND ($3::text IS NULL OR group_code = $3)",
                               3, p);
    if (!r)
        return -1;
    return PQntuples(r) > 0;
}
