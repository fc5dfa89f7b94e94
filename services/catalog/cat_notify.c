/*  The caller's notifications: the reminders before a phase closes (cat_remind.h), as the
 *  web UI shows them. Each user sees their own only; row-level security keeps them to the
 *  province, so another province's id is simply not found. */
#include "catalog.h"

#include "cat_util.h"

#define NOTE_COLS \
    "n.id, n.period_id, pe.code, n.phase, catalog.phase_name_vi(n.phase), n.lead_days," \
    " extract(epoch FROM n.closes_at)::bigint," \
    " to_char(n.closes_at AT TIME ZONE pr.time_zone, 'HH24:MI DD/MM/YYYY'), pr.time_zone," \
    " n.title, n.body, extract(epoch FROM n.created_at)::bigint," \
    " extract(epoch FROM n.read_at)::bigint, n.email_state"
#define NOTE_FROM \
    " FROM catalog.notifications n JOIN catalog.periods pe ON pe.id = n.period_id" \
    " JOIN catalog.provinces pr ON pr.id = n.province_id"

static Chiso__Notification *s_note(cs_call *c, PGresult *r, int i)
{
    Chiso__Notification *n = CAT_NEW(c, Chiso__Notification, chiso__notification__descriptor);
    CAT_SET(n, id, cs_pg_ll(r, i, 0));
    CAT_SET(n, period_id, cs_pg_ll(r, i, 1));
    n->period_code = (char *)cat_val(c, r, i, 2);
    n->phase = (char *)cat_val(c, r, i, 3);
    n->phase_name = (char *)cat_val(c, r, i, 4);
    CAT_SET(n, lead_days, (int32_t)cs_pg_ll(r, i, 5));
    CAT_SET(n, closes_at, cs_pg_ll(r, i, 6));
    n->closes_local = (char *)cat_val(c, r, i, 7);
    n->time_zone = (char *)cat_val(c, r, i, 8);
    n->title = (char *)cat_val(c, r, i, 9);
    n->body = (char *)cat_val(c, r, i, 10);
    CAT_SET(n, created_at, cs_pg_ll(r, i, 11));
    if (!PQgetisnull(r, i, 12))
        CAT_SET(n, read_at, cs_pg_ll(r, i, 12));
    n->email_state = (char *)cat_val(c, r, i, 13);
    return n;
}

int cat_ListNotifications(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__ListNotificationsRequest *rq = (const void *)in;
    if (cs_call_user(c) == 0)
        return cs_err_unauthenticated(cs_call_err(c));
    if (rq->has_limit && (rq->limit < 1 || rq->limit > 200))
        return cs_err_invalid(cs_call_err(c), "limit", "limit phải từ 1 đến 200",
                              "limit must be 1 to 200");
    const char *p[] = {cs_call_int(c, cs_call_user(c)), cat_pbool(rq->has_unread_only &&
                                                                 rq->unread_only),
                       cs_call_int(c, rq->has_limit ? rq->limit : 50)};
    PGresult *r = cs_call_exec(c,
        "SELECT " NOTE_COLS NOTE_FROM
        " WHERE n.user_id = $1 AND (NOT $2::boolean OR n.read_at IS NULL)"
        " ORDER BY n.id DESC LIMIT $3::int", 3, p);
    if (!r)
        return -1;
    Chiso__NotificationList *o =
        CAT_NEW(c, Chiso__NotificationList, chiso__notification_list__descriptor);
    CAT_ROWS(c, o, items, r, s_note);
    /* the unread count of all of them, not only of the page */
    PGresult *u = cs_call_exec(c, "SELECT count(*) FROM catalog.notifications"
                                  " WHERE user_id = $1 AND read_at IS NULL", 1, p);
    if (!u)
        return -1;
    CAT_SET(o, unread, (int32_t)cs_pg_ll(u, 0, 0));
    *out = &o->base;
    return 0;
}

int cat_MarkNotificationRead(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__MarkNotificationReadRequest *rq = (const void *)in;
    if (cs_call_user(c) == 0)
        return cs_err_unauthenticated(cs_call_err(c));
    const char *p[] = {cs_call_int(c, rq->id), cs_call_int(c, cs_call_user(c))};
    /* Reading twice keeps the first time. Someone else's notification does not exist. */
    PGresult *r = cs_call_exec(c,
        "WITH m AS (UPDATE catalog.notifications SET read_at = coalesce(read_at, now())"
        "            WHERE id = $1 AND user_id = $2 RETURNING *)"
        " SELECT " NOTE_COLS " FROM m n JOIN catalog.periods pe ON pe.id = n.period_id"
        " JOIN catalog.provinces pr ON pr.id = n.province_id", 2, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(cs_call_err(c), "notification");
    *out = &s_note(c, r, 0)->base;
    return 0;
}
