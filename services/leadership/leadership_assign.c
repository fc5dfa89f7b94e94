/*  leadership_assign: which agencies a leader oversees in a period (AssignAgencies,
 *  GetAssignment). */
#include "leadership_rpc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_access.h"
#include "cs_json.h"
#include "cs_pg.h"
#include "cs_phase.h"
#include "cs_points.h"
#include "cs_text.h"
#include "leadership.pb-c.h"

/* The reply: the leader's agencies in the period, from the "{1,2}" text of their ids. */
static int s_assignment_reply(cs_call *c, long long period_id, long long user_id,
                              const char *ids, ProtobufCMessage **out)
{
    Chiso__Leadership__Assignment *a = (Chiso__Leadership__Assignment *)cs_call_msg(
        c, &chiso__leadership__assignment__descriptor);
    a->has_period_id = true;
    a->period_id = period_id;
    a->has_user_id = true;
    a->user_id = user_id;
    int64_t *list;
    a->n_agency_ids = leadership_parse_ids(c, ids, &list);
    a->agency_ids = list;
    *out = &a->base;
    return 0;
}

/* --- AssignAgencies ------------------------------------------------------------------- */

int leadership_assign(cs_call *c, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
    const Chiso__Leadership__AssignRequest *in = (const Chiso__Leadership__AssignRequest *)in_;
    cs_err *e = cs_call_err(c);
    if (cs_call_province(c) == 0 || !cs_call_has_role(c, "province_admin"))
        return cs_err_forbidden(e);
    if (leadership_need_id(c, in->has_period_id, in->period_id, "period_id") != 0
        || leadership_need_id(c, in->has_user_id, in->user_id, "user_id") != 0)
        return -1;
    if (leadership_period(c, in->period_id, NULL) != 0)
        return -1;

    const char *prov = cs_call_int(c, cs_call_province(c));
    const char *pid = cs_call_int(c, in->period_id);
    const char *uid = cs_call_int(c, in->user_id);
    const char *pu[] = {prov, uid};
    PGresult *r = cs_call_exec(c,
        "SELECT 'leader' = ANY(roles) AND active FROM catalog.users"
        " WHERE province_id = $1 AND id = $2", 2, pu);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(e, "user");
    if (strcmp(PQgetvalue(r, 0, 0), "t") != 0)
        return cs_err_set(e, 400, "not_a_leader", "user_id",
                          "Người dùng %lld không có vai trò lãnh đạo (leader) đang hoạt động",
                          "User %lld is not an active leader", (long long)in->user_id);

    if (leadership_check_agencies(c, (const int64_t *)in->agency_ids, in->n_agency_ids, NULL,
                                  "danh sách", "list") != 0)
        return -1;

    const char *old_ids = leadership_assigned(c, in->period_id, in->user_id);
    if (!old_ids)
        return -1;
    const char *po[] = {pid, uid};
    if (!cs_call_exec(c, "DELETE FROM leadership.assignments WHERE period_id = $1 AND leader_id = $2",
                      2, po))
        return -1;
    const char *ids = leadership_ids_literal(c, (const int64_t *)in->agency_ids, in->n_agency_ids);
    const char *pi[] = {prov, pid, uid, ids, cs_call_int(c, cs_call_user(c))};
    if (!cs_call_exec(c,
            "INSERT INTO leadership.assignments (province_id, period_id, leader_id, agency_id,"
            "                                    assigned_by)"
            " SELECT $1, $2, $3, a, $5 FROM unnest($4::bigint[]) AS a", 5, pi))
        return -1;
    const char *new_ids = leadership_assigned(c, in->period_id, in->user_id);
    if (!new_ids)
        return -1;
    const char *oj = leadership_ids_json(c, old_ids), *nj = leadership_ids_json(c, new_ids);
    if (cs_call_audit(c, "leader_assignment", in->user_id, "assign",
                      cs_call_printf(c, "{\"period_id\": %lld, \"agency_ids\": %s}",
                                     (long long)in->period_id, oj),
                      cs_call_printf(c, "{\"period_id\": %lld, \"agency_ids\": %s}",
                                     (long long)in->period_id, nj), NULL) != 0)
        return -1;

    return s_assignment_reply(c, in->period_id, in->user_id, new_ids, out);
}

int leadership_get_assignment(cs_call *c, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
    const Chiso__Leadership__AssignmentRef *in = (const Chiso__Leadership__AssignmentRef *)in_;
    cs_err *e = cs_call_err(c);
    if (leadership_need_id(c, in->has_period_id, in->period_id, "period_id") != 0
        || leadership_need_id(c, in->has_user_id, in->user_id, "user_id") != 0)
        return -1;
    bool self = cs_call_has_role(c, "leader") && cs_call_user(c) == in->user_id;
    if (cs_call_province(c) == 0 ||
        !(self || cs_call_has_role(c, "province_admin") || cs_call_has_role(c, "viewer")))
        return cs_err_forbidden(e);
    if (leadership_period(c, in->period_id, NULL) != 0)
        return -1;
    const char *ids = leadership_assigned(c, in->period_id, in->user_id);
    if (!ids)
        return -1;
    return s_assignment_reply(c, in->period_id, in->user_id, ids, out);
}

