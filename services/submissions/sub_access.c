#include "sub_access.h"

#include "cs_access.h"

#include <jansson.h>
#include "submissions.pb-c.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sub_leaf_is_na(cs_call *c, long long period_id, long long agency_id, const char *code)
{
    const char *p[] = {cs_call_int(c, period_id), cs_call_int(c, agency_id), code};
    PGresult *r = cs_call_exec(c,
                               "SELECT 1 FROM appraisal.na_decisions WHERE period_id = $1"
                               " AND agency_id = $2 AND leaf_code = $3 AND not_applicable",
                               3, p);
    if (!r)
        return -1;
    return PQntuples(r) > 0;
}

int sub_require_actor(cs_call *c, long long agency_id, bool head_only)
{
    bool role = cs_call_has_role(c, "agency_head") ||
                (!head_only && cs_call_has_role(c, "agency_editor"));
    if (!role || cs_call_agency(c) != agency_id || agency_id == 0)
        return cs_err_forbidden(cs_call_err(c));
    return 0;
}

int sub_require_actor_leaf(cs_call *c, long long period_id, long long agency_id,
                           const char *leaf_code)
{
    const char *group;
    sub_leaf leaf;
    if (sub_require_actor(c, agency_id, false) != 0 ||
        cs_leaf_agency_group(c, agency_id, &group) != 0)
        return -1;
    return cs_leaf_get(c, period_id, group, leaf_code, "leaf_code", &leaf, NULL);
}

int sub_leaf_lowered(cs_call *c, long long period_id, long long agency_id,
                     const char *leaf_code)
{
    const char *p[] = {cs_call_int(c, period_id), cs_call_int(c, agency_id), leaf_code};
    PGresult *r = cs_call_exec(c,
                               "SELECT 1 FROM appraisal.scores a JOIN submissions.scores s"
                               "    ON s.period_id = a.period_id AND s.agency_id = a.agency_id"
                               "   AND s.leaf_code = a.leaf_code"
                               " WHERE a.period_id = $1 AND a.agency_id = $2 AND a.leaf_code = $3"
                               "   AND a.round = 1 AND a.score < s.score",
                               3, p);
    if (!r)
        return -1;
    return PQntuples(r) > 0;
}

int sub_can_view(cs_call *c, long long period_id, long long agency_id, const char *group,
                 const char *leaf_code)
{
    if (cs_call_province(c) == 0)
        return 0;
    if (cs_call_agency(c) == agency_id && agency_id != 0)
        return 1;
    if (cs_call_has_role(c, "province_admin") || cs_call_has_role(c, "viewer"))
        return 1;
    /* SPEC §1: a leader reads the agencies they oversee, not every agency */
    int lead = cs_leader_oversees(c, period_id, agency_id);
    if (lead != 0)
        return lead;
    if (!cs_call_has_role(c, "appraiser"))
        return 0;
    const char *p[] = {cs_call_int(c, period_id), cs_call_int(c, cs_call_user(c)), group,
                       leaf_code};
    PGresult *r = cs_call_exec(
        c,
        "SELECT 1 FROM appraisal.council_scopes"
        " WHERE period_id = $1 AND user_id = $2 AND group_code = $3"
        "   AND ($4::text IS NULL OR prefix = '' OR $4 = prefix"
        "        OR left($4, length(prefix) + 1) = prefix || '.')",
        4, p);
    if (!r)
        return -1;
    return PQntuples(r) > 0;
}

static const char SQL_STATE[] =
    "SELECT state, coalesce(extract(epoch FROM submitted_at)::bigint, 0)"
    "  FROM submissions.submissions WHERE period_id = $1 AND agency_id = $2";
static const char SQL_STATE_LOCK[] =
    "SELECT state, coalesce(extract(epoch FROM submitted_at)::bigint, 0)"
    "  FROM submissions.submissions WHERE period_id = $1 AND agency_id = $2 FOR UPDATE";

int sub_state_get(cs_call *c, long long period_id, long long agency_id, bool lock,
                  const char **state, long long *submitted_at)
{
    const char *p[] = {cs_call_int(c, period_id), cs_call_int(c, agency_id)};
    PGresult *r = cs_call_exec(c, lock ? SQL_STATE_LOCK : SQL_STATE, 2, p);
    if (!r)
        return -1;
    if (lock && PQntuples(r) == 0) {
        /* No row to lock yet: create it, then lock it, so two first submits at once
         * serialise on it instead of both seeing "no row" (draft). Once the row exists
         * (every save after the agency's first), the lock above is the only statement. */
        const char *w[] = {cs_call_int(c, cs_call_province(c)), p[0], p[1]};
        if (!cs_call_exec(c,
                          "INSERT INTO submissions.submissions (province_id, period_id, agency_id)"
                          " VALUES ($1, $2, $3) ON CONFLICT (period_id, agency_id) DO NOTHING",
                          3, w))
            return -1;
        r = cs_call_exec(c, SQL_STATE_LOCK, 2, p);
        if (!r)
            return -1;
    }
    if (PQntuples(r) == 0) {
        *state = "draft";
        if (submitted_at)
            *submitted_at = 0;
        return 0;
    }
    *state = cs_call_strdup(c, PQgetvalue(r, 0, 0));
    if (submitted_at)
        *submitted_at = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
    return 0;
}

int sub_require_draft(cs_call *c, long long period_id, long long agency_id)
{
    const char *state;
    if (sub_state_get(c, period_id, agency_id, true, &state, NULL) != 0)
        return -1;
    if (strcmp(state, "submitted") == 0)
        return cs_err_set(cs_call_err(c), 409, "already_submitted", NULL, "%s%.0s", "%.0s%s",
                          "Bản tự đánh giá đã được nộp và khóa; hãy rút lại (trước hạn) "
                          "hoặc đề nghị Sở Nội vụ mở lại.",
                          "The self-assessment has been submitted and is locked; withdraw it "
                          "(before the deadline) or ask the province admin to reopen it.");
    return 0;
}

const char *sub_score_json(cs_call *c, long long period_id, long long agency_id,
                           const char *leaf_code, bool has_score, long long score,
                           const char *note)
{
    json_t *o = json_object();
    json_object_set_new(o, "period_id", json_integer(period_id));
    json_object_set_new(o, "agency_id", json_integer(agency_id));
    json_object_set_new(o, "leaf_code", json_string(leaf_code ? leaf_code : ""));
    /* Hundredths shown as points; %.15g keeps two decimals exact for any score here. */
    json_object_set_new(o, "score", has_score ? json_real((double)score / 100.0) : json_null());
    json_object_set_new(o, "note", note ? json_string(note) : json_null());
    return cs_json_dump(c, o);
}

Chiso__Submissions__Evidence *sub_evidence_row(cs_call *c, PGresult *r, int i)
{
    Chiso__Submissions__Evidence *ev =
        (void *)cs_call_msg(c, &chiso__submissions__evidence__descriptor);
    ev->has_id = true;
    ev->id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
    ev->leaf_code = cs_call_strdup(c, PQgetvalue(r, i, 1));
    ev->kind = cs_call_strdup(c, PQgetvalue(r, i, 2));
#define S_OPT(col, dst) if (!PQgetisnull(r, i, col)) dst = cs_call_strdup(c, PQgetvalue(r, i, col))
    S_OPT(3, ev->file_name);
    S_OPT(4, ev->file_type);
    if (!PQgetisnull(r, i, 5)) {
        ev->has_file_size = true;
        ev->file_size = strtoll(PQgetvalue(r, i, 5), NULL, 10);
    }
    S_OPT(6, ev->file_sha256);
    S_OPT(7, ev->number);
    S_OPT(8, ev->issued_on);
    S_OPT(9, ev->issuer);
    S_OPT(10, ev->title);
#undef S_OPT
    ev->has_supplementary = true;
    ev->supplementary = PQgetvalue(r, i, 11)[0] == 't';
    ev->has_created_at = true;
    ev->created_at = strtoll(PQgetvalue(r, i, 12), NULL, 10);
    return ev;
}

