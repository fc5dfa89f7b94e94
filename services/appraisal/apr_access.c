#include "apr_access.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_points.h"

int apr_check_value(const apr_leaf *leaf, int64_t v, cs_err *e)
{
    char lo[32], hi[32], step[32];
    if (leaf->content == 3 || leaf->content == 4)
        return cs_err_set(e, 400, "content_not_appraised", "leaf_code",
                          "Chỉ số %s thuộc nội dung %d, không do Hội đồng thẩm định chấm.",
                          "Leaf %s belongs to content %d, which the council does not appraise.",
                          leaf->code, leaf->content);
    int64_t min = leaf->content == 6 ? -leaf->max_points : 0;
    int64_t max = leaf->content == 6 ? 0 : leaf->max_points;
    if (v < min || v > max)
        return cs_err_set(e, 400, "score_out_of_range", "score",
                          "Điểm của chỉ số %s phải trong khoảng %s đến %s.",
                          "The score of leaf %s must be between %s and %s.", leaf->code,
                          cs_points_format(min, lo), cs_points_format(max, hi));
    if (leaf->step > 0 && v % leaf->step != 0)
        return cs_err_set(e, 400, "score_not_multiple_of_step", "score",
                          "Điểm của chỉ số %s phải là bội số của %s.",
                          "The score of leaf %s must be a multiple of %s.", leaf->code,
                          cs_points_format(leaf->step, step));
    return 0;
}

bool apr_prefix_covers(const char *prefix, const char *code)
{
    size_t n = strlen(prefix);
    if (n == 0)
        return true;
    return strncmp(prefix, code, n) == 0 && (code[n] == '\0' || code[n] == '.');
}

int apr_agency_group(cs_call *c, long long agency_id, const char **group)
{
    const char *p[] = {cs_call_int(c, agency_id)};
    PGresult *r = cs_call_exec(c, "SELECT group_code FROM catalog.agencies WHERE id = $1", 1, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(cs_call_err(c), "agency");
    *group = cs_call_strdup(c, PQgetvalue(r, 0, 0));
    return 0;
}

int apr_period_exists(cs_call *c, long long period_id)
{
    const char *p[] = {cs_call_int(c, period_id)};
    PGresult *r = cs_call_exec(c, "SELECT 1 FROM catalog.periods WHERE id = $1", 1, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(cs_call_err(c), "period");
    return 0;
}

int apr_leaf_get(cs_call *c, long long period_id, const char *group, const char *code,
                 const char *field, apr_leaf *leaf)
{
    const char *p[] = {cs_call_int(c, period_id), group, code ? code : ""};
    PGresult *r = cs_call_exec(
        c,
        "SELECT n.content, n.max_points, n.step"
        "  FROM catalog.period_index_sets s"
        "  JOIN catalog.index_nodes n ON n.index_set_id = s.index_set_id AND n.is_leaf"
        " WHERE s.period_id = $1 AND s.group_code = $2 AND n.code = $3",
        3, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_set(cs_call_err(c), 400, "unknown_leaf", field,
                          "Chỉ số \"%s\" không có trong bộ chỉ số của kỳ đánh giá cho nhóm %s.",
                          "Leaf \"%s\" is not in the period's index set for group %s.",
                          code ? code : "", group);
    leaf->code = cs_call_strdup(c, code);
    leaf->content = atoi(PQgetvalue(r, 0, 0));
    leaf->max_points = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
    leaf->step = strtoll(PQgetvalue(r, 0, 2), NULL, 10);
    return 0;
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

const char *apr_json(cs_call *c, void *json_object_stolen)
{
    json_t *o = json_object_stolen;
    char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
    json_decref(o);
    const char *out = cs_call_strdup(c, s ? s : "{}");
    free(s);
    return out;
}

void apr_err_at(cs_err *e, const char *where_vi, const char *where_en, const char *field)
{
    char vi[sizeof e->message_vi + 160], en[sizeof e->message_en + 160];
    snprintf(vi, sizeof vi, "%.150s: %s", where_vi, e->message_vi);
    snprintf(en, sizeof en, "%.150s: %s", where_en, e->message_en);
    snprintf(e->message_vi, sizeof e->message_vi, "%.511s", vi);
    snprintf(e->message_en, sizeof e->message_en, "%.511s", en);
    if (field)
        snprintf(e->field, sizeof e->field, "%s", field);
    if (!e->detail[0])
        snprintf(e->detail, sizeof e->detail, "%s", where_en);
}

bool apr_blank(const char *s)
{
    if (!s)
        return true;
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}
