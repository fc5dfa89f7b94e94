/*  The appraisal council of a period: members and their scopes (leaf-code prefixes x agency
 *  groups), set by the province admin. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "apr_access.h"
#include "apr_handlers.h"
#include "appraisal.pb-c.h"
#include "cs_json.h"
#include "cs_phase.h"

/* The scopes of one member as a JSON array, for the audit trail. */
static const char *s_scopes_json(cs_call *c, long long period_id, long long user_id)
{
    const char *p[] = {cs_call_int(c, period_id), cs_call_int(c, user_id)};
    PGresult *r = cs_call_exec(c,
                               "SELECT prefix, group_code FROM appraisal.council_scopes"
                               " WHERE period_id = $1 AND user_id = $2 ORDER BY group_code, prefix",
                               2, p);
    if (!r)
        return NULL;
    json_t *a = json_array();
    for (int i = 0; i < PQntuples(r); i++)
        json_array_append_new(a, json_pack("{s:s,s:s}", "prefix", PQgetvalue(r, i, 0),
                                           "group_code", PQgetvalue(r, i, 1)));
    return cs_json_dump(c, json_pack("{s:I,s:I,s:o}", "period_id", (json_int_t)period_id, "user_id",
                                 (json_int_t)user_id, "scopes", a));
}

/* Members (all, or one user) with their scopes, from the arena. */
static int s_members(cs_call *c, long long period_id, long long user_id,
                     Chiso__Appraisal__CouncilMember ***members, size_t *n)
{
    const char *p[] = {cs_call_int(c, period_id), user_id ? cs_call_int(c, user_id) : NULL};
    PGresult *r = cs_call_exec(
        c,
        "SELECT s.user_id, u.login, u.full_name, u.agency_id, s.prefix, s.group_code"
        "  FROM appraisal.council_scopes s JOIN catalog.users u ON u.id = s.user_id"
        " WHERE s.period_id = $1 AND ($2::bigint IS NULL OR s.user_id = $2)"
        " ORDER BY s.user_id, s.group_code, s.prefix",
        2, p);
    if (!r)
        return -1;
    int rows = PQntuples(r);
    *members = (void *)cs_call_array(c, (size_t)rows + 1);
    *n = 0;
    Chiso__Appraisal__CouncilMember *m = NULL;
    for (int i = 0; i < rows; i++) {
        long long uid = strtoll(PQgetvalue(r, i, 0), NULL, 10);
        if (!m || m->user_id != uid) {
            m = (void *)cs_call_msg(c, &chiso__appraisal__council_member__descriptor);
            m->has_user_id = true;
            m->user_id = uid;
            m->login = cs_call_strdup(c, PQgetvalue(r, i, 1));
            m->full_name = cs_call_strdup(c, PQgetvalue(r, i, 2));
            if (!PQgetisnull(r, i, 3)) {
                m->has_agency_id = true;
                m->agency_id = strtoll(PQgetvalue(r, i, 3), NULL, 10);
            }
            m->scopes = (void *)cs_call_array(c, (size_t)rows);
            (*members)[(*n)++] = m;
        }
        Chiso__Appraisal__Scope *s = (void *)cs_call_msg(c, &chiso__appraisal__scope__descriptor);
        s->prefix = cs_call_strdup(c, PQgetvalue(r, i, 4));
        s->group_code = cs_call_strdup(c, PQgetvalue(r, i, 5));
        m->scopes[m->n_scopes++] = s;
    }
    return 0;
}

int apr_set_council(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Appraisal__SetCouncilRequest *req = (const void *)in;
    cs_err *e = cs_call_err(c);
    if (!cs_call_has_role(c, "province_admin") || cs_call_province(c) == 0)
        return cs_err_forbidden(e);
    if (cs_phase_period_exists(c, req->period_id) != 0)
        return -1;
    const char *p[] = {cs_call_int(c, req->user_id)};
    PGresult *r = cs_call_exec(c, "SELECT login, 'appraiser' = ANY(roles) FROM catalog.users"
                                  " WHERE id = $1 AND province_id IS NOT NULL", 1, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(e, "user");
    if (PQgetvalue(r, 0, 1)[0] != 't' && req->n_scopes > 0)
        return cs_err_set(e, 400, "not_an_appraiser", "user_id",
                          "Người dùng %s không có vai trò thẩm định (appraiser).",
                          "User %s does not have the appraiser role.", PQgetvalue(r, 0, 0));
    /* Normalise prefixes ("2.4." is "2.4") and check the groups exist. */
    const char **prefix = (void *)cs_call_array(c, req->n_scopes + 1);
    for (size_t i = 0; i < req->n_scopes; i++) {
        const Chiso__Appraisal__Scope *s = req->scopes[i];
        char *pre = cs_call_strdup(c, s->prefix ? s->prefix : "");
        size_t n = strlen(pre);
        while (n > 0 && (pre[n - 1] == '.' || pre[n - 1] == ' '))
            pre[--n] = '\0';
        if (n > 64 || strpbrk(pre, " \t\r\n"))
            return cs_err_invalid(e, cs_call_printf(c, "scopes[%zu].prefix", i),
                                  "tiền tố mã chỉ số không hợp lệ", "invalid leaf-code prefix");
        prefix[i] = pre;
        const char *g[] = {s->group_code ? s->group_code : ""};
        PGresult *gr = cs_call_exec(c, "SELECT 1 FROM catalog.agency_groups WHERE code = $1", 1, g);
        if (!gr)
            return -1;
        if (PQntuples(gr) == 0)
            return cs_err_set(e, 400, "unknown_group", cs_call_printf(c, "scopes[%zu].group_code", i),
                              "Nhóm cơ quan \"%s\" không tồn tại.", "Agency group \"%s\" does not exist.",
                              g[0]);
    }
    const char *old_json = s_scopes_json(c, req->period_id, req->user_id);
    if (!old_json)
        return -1;
    const char *d[] = {cs_call_int(c, req->period_id), p[0]};
    if (!cs_call_exec(c, "DELETE FROM appraisal.council_scopes WHERE period_id = $1 AND user_id = $2",
                      2, d))
        return -1;
    for (size_t i = 0; i < req->n_scopes; i++) {
        const char *w[] = {cs_call_int(c, cs_call_province(c)), d[0], d[1], prefix[i],
                           req->scopes[i]->group_code};
        if (!cs_call_exec(c,
                          "INSERT INTO appraisal.council_scopes (province_id, period_id, user_id,"
                          " prefix, group_code) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                          5, w))
            return -1;
    }
    const char *new_json = s_scopes_json(c, req->period_id, req->user_id);
    if (!new_json || cs_call_audit(c, "appraisal.council", req->user_id, "set", old_json,
                                   new_json, NULL) != 0)
        return -1;
    Chiso__Appraisal__CouncilMember **m;
    size_t n;
    if (s_members(c, req->period_id, req->user_id, &m, &n) != 0)
        return -1;
    if (n == 0) {
        Chiso__Appraisal__CouncilMember *empty =
            (void *)cs_call_msg(c, &chiso__appraisal__council_member__descriptor);
        empty->has_user_id = true;
        empty->user_id = req->user_id;
        empty->login = cs_call_strdup(c, PQgetvalue(r, 0, 0));
        *out = &empty->base;
    } else
        *out = &m[0]->base;
    return 0;
}

int apr_list_council(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Appraisal__PeriodRef *req = (const void *)in;
    if (cs_call_province(c) == 0 ||
        !(cs_call_has_role(c, "province_admin") || cs_call_has_role(c, "viewer") ||
          cs_call_has_role(c, "leader") || cs_call_has_role(c, "appraiser")))
        return cs_err_forbidden(cs_call_err(c));
    if (cs_phase_period_exists(c, req->period_id) != 0)
        return -1;
    Chiso__Appraisal__Council *co = (void *)cs_call_msg(c, &chiso__appraisal__council__descriptor);
    co->has_period_id = true;
    co->period_id = req->period_id;
    if (s_members(c, req->period_id, 0, &co->members, &co->n_members) != 0)
        return -1;
    *out = &co->base;
    return 0;
}
