#include "cs_leaf.h"

#include <stdlib.h>
#include "cs_points.h"

int cs_leaf_check_value(const cs_leaf *leaf, int64_t v, cs_err *e)
{
    char lo[32], hi[32], step[32];
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

int cs_leaf_agency_group(cs_call *c, long long agency_id, const char **group)
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

int cs_leaf_get(cs_call *c, long long period_id, const char *group, const char *code,
                const char *field, cs_leaf *leaf, bool *evidence_required)
{
    const char *p[] = {cs_call_int(c, period_id), group, code ? code : ""};
    PGresult *r = cs_call_exec(
        c,
        "SELECT n.content, n.max_points, n.step, n.evidence_required, n.auto ->> 'metric'"
        "  FROM catalog.period_leaves n"
        " WHERE n.period_id = $1 AND n.group_code = $2 AND n.code = $3",
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
    leaf->automatic = !PQgetisnull(r, 0, 4);
    leaf->auto_metric = leaf->automatic ? cs_call_strdup(c, PQgetvalue(r, 0, 4)) : NULL;
    if (evidence_required)
        *evidence_required = PQgetvalue(r, 0, 3)[0] == 't';
    return 0;
}
