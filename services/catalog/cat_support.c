/*  Support grants (SPEC §1; deploy/migrations/017_support_grants.sql): a province admin lets
 *  the installation's sysadmins act inside its province for a bounded time, with a reason,
 *  and may revoke that at any moment. The grant itself is checked by every service in the
 *  transaction of each support request (cs_db_tx_as); here are only its creation, list and
 *  revocation, each in the province's audit trail. A sysadmin acting under a grant cannot
 *  grant, extend or revoke: that is the province's decision. */
#include "catalog.h"

#include <string.h>
#include "cat_util.h"

#define SUPPORT_HOURS_MAX (7 * 24)
#define GRANT_COLS \
    "g.id, g.province_id, g.reason, g.granted_by, gu.login," \
    " extract(epoch FROM g.created_at)::bigint, extract(epoch FROM g.expires_at)::bigint," \
    " extract(epoch FROM g.revoked_at)::bigint, ru.login," \
    " (g.revoked_at IS NULL AND g.expires_at > clock_timestamp())"
#define GRANT_JOIN \
    " LEFT JOIN catalog.users gu ON gu.id = g.granted_by" \
    " LEFT JOIN catalog.users ru ON ru.id = g.revoked_by"

static Chiso__SupportGrant *s_grant(cs_call *c, PGresult *r, int i)
{
    Chiso__SupportGrant *g = CAT_NEW(c, Chiso__SupportGrant, chiso__support_grant__descriptor);
    CAT_SET(g, id, cs_pg_ll(r, i, 0));
    CAT_SET(g, province_id, cs_pg_ll(r, i, 1));
    g->reason = (char *)cat_val(c, r, i, 2);
    CAT_SET(g, granted_by, cs_pg_ll(r, i, 3));
    g->granted_by_login = (char *)cat_val(c, r, i, 4);
    CAT_SET(g, created_at, cs_pg_ll(r, i, 5));
    CAT_SET(g, expires_at, cs_pg_ll(r, i, 6));
    if (!PQgetisnull(r, i, 7))
        CAT_SET(g, revoked_at, cs_pg_ll(r, i, 7));
    g->revoked_by_login = (char *)cat_val(c, r, i, 8);
    CAT_SET(g, live, cs_pg_bool(r, i, 9));
    return g;
}

/* The province's own admin, not a sysadmin under a grant. */
static int s_need_owner(cs_call *c)
{
    if (cat_need_padmin(c) < 0)
        return -1;
    if (cs_call_support(c))
        return cs_err_set(cs_call_err(c), 403, "support_cannot_grant", NULL,
                          "Quyền hỗ trợ do quản trị tỉnh cấp hoặc thu hồi, không phải quản trị "
                          "hệ thống.%s",
                          "Support access is granted or revoked by the province's admin, not "
                          "by the sysadmin.%s", "");
    return 0;
}

static char *s_grant_json(cs_call *c, PGresult *r)
{
    return (char *)cat_json(c, "reason", PQgetvalue(r, 0, 2), "expires_at", PQgetvalue(r, 0, 6),
                            NULL);
}

int cat_CreateSupportGrant(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__CreateSupportGrantRequest *rq = (const void *)in;
    cs_err *e = cs_call_err(c);
    if (s_need_owner(c) < 0)
        return -1;
    if (!rq->reason || strlen(rq->reason) < 3 || strlen(rq->reason) > 500 ||
        cat_need_str(c, rq->reason, "reason") < 0)
        return cs_err_invalid(e, "reason", "lý do (3 đến 500 ký tự) là bắt buộc",
                              "a reason (3 to 500 characters) is required");
    if (!rq->has_hours || rq->hours < 1 || rq->hours > SUPPORT_HOURS_MAX)
        return cs_err_invalid(e, "hours", "thời hạn từ 1 đến 168 giờ (7 ngày)",
                              "hours must be 1 to 168 (7 days)");
    const char *p[] = {cs_call_int(c, cs_call_province(c)), rq->reason,
                       cs_call_int(c, cs_call_user(c)), cs_call_int(c, rq->hours)};
    PGresult *r = cs_call_exec(c,
        "WITH g AS (INSERT INTO catalog.support_grants"
        "             (province_id, reason, granted_by, expires_at)"
        "           VALUES ($1, btrim($2), $3, now() + make_interval(hours => $4::int))"
        "           RETURNING *)"
        " SELECT " GRANT_COLS " FROM g" GRANT_JOIN, 4, p);
    if (!r)
        return -1;
    Chiso__SupportGrant *g = s_grant(c, r, 0);
    if (cs_call_audit(c, "support_grant", g->id, "grant", NULL, s_grant_json(c, r),
                      rq->reason) < 0)
        return -1;
    *out = &g->base;
    return 0;
}

int cat_ListSupportGrants(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    (void)in;
    if (cat_need_province(c) < 0)
        return -1;
    if (!cat_reads_all(c))
        return cs_err_forbidden(cs_call_err(c));
    PGresult *r = cs_call_exec(c,
        "SELECT " GRANT_COLS " FROM catalog.support_grants g" GRANT_JOIN
        " ORDER BY g.id DESC LIMIT 200", 0, NULL);
    if (!r)
        return -1;
    Chiso__SupportGrantList *o =
        CAT_NEW(c, Chiso__SupportGrantList, chiso__support_grant_list__descriptor);
    CAT_ROWS(c, o, items, r, s_grant);
    *out = &o->base;
    return 0;
}

int cat_RevokeSupportGrant(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__RevokeSupportGrantRequest *rq = (const void *)in;
    if (s_need_owner(c) < 0)
        return -1;
    const char *p[] = {cs_call_int(c, rq->id), cs_call_int(c, cs_call_user(c))};
    /* Revoking twice keeps the first revocation; an expired grant is revoked all the same. */
    PGresult *r = cs_call_exec(c,
        "WITH g AS (UPDATE catalog.support_grants"
        "              SET revoked_at = coalesce(revoked_at, now()),"
        "                  revoked_by = coalesce(revoked_by, $2)"
        "            WHERE id = $1 RETURNING *, (revoked_at = now()) AS now_revoked)"
        " SELECT " GRANT_COLS ", g.now_revoked FROM g" GRANT_JOIN, 2, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(cs_call_err(c), "support grant");
    Chiso__SupportGrant *g = s_grant(c, r, 0);
    if (cs_pg_bool(r, 0, 10) &&
        cs_call_audit(c, "support_grant", g->id, "revoke", s_grant_json(c, r), NULL, NULL) < 0)
        return -1;
    *out = &g->base;
    return 0;
}
