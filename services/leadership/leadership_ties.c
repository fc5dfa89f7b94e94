/*  leadership_ties: leaders' orders of tied agencies (RecordTiebreak, ListTiebreaks). */
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

/* --- tie-breaks ----------------------------------------------------------------------- */

/* One recorded order as its message (the arena owns the strings). */
static Chiso__Leadership__Tiebreak *s_tiebreak(cs_call *c, long long id, long long period_id,
                                               const char *group, int64_t *ids, size_t n,
                                               const char *reason, long long by, long long at,
                                               bool current)
{
    Chiso__Leadership__Tiebreak *t = (Chiso__Leadership__Tiebreak *)cs_call_msg(
        c, &chiso__leadership__tiebreak__descriptor);
    t->has_id = true;
    t->id = id;
    t->has_period_id = true;
    t->period_id = period_id;
    t->group_code = (char *)group;
    t->n_agency_ids = n;
    t->agency_ids = ids;
    t->reason = (char *)reason;
    t->has_decided_by = true;
    t->decided_by = by;
    t->has_decided_at = true;
    t->decided_at = at;
    t->has_current = true;
    t->current = current;
    return t;
}

int leadership_record_tiebreak(cs_call *c, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
    const Chiso__Leadership__TiebreakRequest *in =
        (const Chiso__Leadership__TiebreakRequest *)in_;
    cs_err *e = cs_call_err(c);
    if (cs_call_province(c) == 0 || !cs_call_has_role(c, "leader"))
        return cs_err_forbidden(e);
    if (leadership_need_id(c, in->has_period_id, in->period_id, "period_id") != 0)
        return -1;
    if (cs_text_blank(in->group_code))
        return cs_err_invalid(e, "group_code", "thiếu mã nhóm", "group_code is required");
    if (cs_text_blank(in->reason))
        return cs_err_invalid(e, "reason", "thiếu lý do", "a reason is required");
    if (in->n_agency_ids < 2)
        return cs_err_set(e, 400, "tiebreak_too_short", "agency_ids",
                          "Thứ tự cần ít nhất hai cơ quan", "An order needs at least two agencies");
    /* Not bound to the leadership phase: a tie shows itself only once results are
     * computed, so a leader may order one at any time before publication (SPEC §12; after
     * it, an order counts for the next version only). The period must exist. */
    if (leadership_period(c, in->period_id, NULL) != 0)
        return -1;

    const char *prov = cs_call_int(c, cs_call_province(c));
    const char *pid = cs_call_int(c, in->period_id);
    const char *pg[] = {prov, in->group_code};
    PGresult *r = cs_call_exec(c,
        "SELECT 1 FROM catalog.agency_groups WHERE province_id = $1 AND code = $2", 2, pg);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_set(e, 400, "unknown_group", "group_code",
                          "Không có nhóm cơ quan \"%s\" trong tỉnh",
                          "There is no agency group \"%s\" in the province", in->group_code);

    /* The order ranks agencies of this group in this period: the period must score the
     * group (an index set assigned to it). */
    const char *pp[] = {prov, pid, in->group_code};
    r = cs_call_exec(c,
        "SELECT 1 FROM catalog.period_index_sets"
        " WHERE province_id = $1 AND period_id = $2 AND group_code = $3", 3, pp);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_set(e, 400, "group_not_in_period", "group_code",
                          "Kỳ đánh giá không đánh giá nhóm \"%s\" (chưa gán bộ chỉ số)",
                          "The period does not assess group \"%s\" (no index set assigned)",
                          in->group_code);

    if (leadership_check_agencies(c, (const int64_t *)in->agency_ids, in->n_agency_ids,
                                  in->group_code, "thứ tự", "order") != 0)
        return -1;

    /* The order this one supersedes, for the audit trail: the latest of the same tie (the
     * same set of agencies). Orders of other ties of the group stay as they are. */
    const char *ids = leadership_ids_literal(c, (const int64_t *)in->agency_ids, in->n_agency_ids);
    r = cs_call_exec(c,
        "SELECT id, array_to_json(agency_ids)::text FROM leadership.tiebreaks"
        " WHERE province_id = $1 AND period_id = $2 AND group_code = $3"
        "   AND agency_ids @> $4::bigint[] AND agency_ids <@ $4::bigint[]"
        " ORDER BY id DESC LIMIT 1", 4, (const char *[]){prov, pid, in->group_code, ids});
    if (!r)
        return -1;
    const char *old_json = PQntuples(r) == 0 ? NULL
        : cs_call_printf(c, "{\"tiebreak_id\": %lld, \"agency_ids\": %s}", cs_pg_ll(r, 0, 0),
                         PQgetvalue(r, 0, 1));

    const char *pi[] = {prov, pid, in->group_code, ids, in->reason,
                        cs_call_int(c, cs_call_user(c))};
    r = cs_call_exec(c,
        "INSERT INTO leadership.tiebreaks (province_id, period_id, group_code, agency_ids,"
        "                                  reason, decided_by)"
        " VALUES ($1, $2, $3, $4::bigint[], $5, $6)"
        " RETURNING id, extract(epoch FROM decided_at)::bigint", 6, pi);
    if (!r)
        return -1;
    long long tid = cs_pg_ll(r, 0, 0);
    long long at = cs_pg_ll(r, 0, 1);
    const char *jids = leadership_ids_json(c, ids);
    if (cs_call_audit(c, "tiebreak", tid, "record", old_json,
                      cs_call_printf(c,
                          "{\"period_id\": %lld, \"group_code\": %s, \"agency_ids\": %s}",
                          (long long)in->period_id, cs_json_quote(c, in->group_code), jids),
                      in->reason) != 0)
        return -1;

    int64_t *copy = cs_call_alloc(c, (in->n_agency_ids + 1) * sizeof *copy);
    memcpy(copy, in->agency_ids, in->n_agency_ids * sizeof *copy);
    Chiso__Leadership__Tiebreak *t =
        s_tiebreak(c, tid, in->period_id, cs_call_strdup(c, in->group_code), copy,
                   in->n_agency_ids, cs_call_strdup(c, in->reason), cs_call_user(c), at, true);
    *out = &t->base;
    return 0;
}

int leadership_list_tiebreaks(cs_call *c, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
    const Chiso__Leadership__ListTiebreaksRequest *in =
        (const Chiso__Leadership__ListTiebreaksRequest *)in_;
    cs_err *e = cs_call_err(c);
    if (cs_call_province(c) == 0
        || !(cs_call_has_role(c, "province_admin") || cs_call_has_role(c, "viewer")
             || cs_call_has_role(c, "leader")))
        return cs_err_forbidden(e);
    if (leadership_need_id(c, in->has_period_id, in->period_id, "period_id") != 0)
        return -1;
    if (leadership_period(c, in->period_id, NULL) != 0)
        return -1;
    const char *p[] = {cs_call_int(c, cs_call_province(c)), cs_call_int(c, in->period_id),
                       in->group_code ? in->group_code : ""};
    PGresult *r = cs_call_exec(c,
        "SELECT id, group_code, agency_ids::text, reason, decided_by,"
        "       extract(epoch FROM decided_at)::bigint,"
        /* current: the latest order of its tie (the same set of agencies) */
        "       id = max(id) OVER (PARTITION BY group_code,"
        "                          (SELECT array_agg(x ORDER BY x) FROM unnest(agency_ids) x))"
        "  FROM leadership.tiebreaks"
        " WHERE province_id = $1 AND period_id = $2 AND ($3 = '' OR group_code = $3)"
        " ORDER BY group_code, id DESC", 3, p);
    if (!r)
        return -1;
    int n = PQntuples(r);
    Chiso__Leadership__TiebreakList *tl = (Chiso__Leadership__TiebreakList *)cs_call_msg(
        c, &chiso__leadership__tiebreak_list__descriptor);
    tl->n_items = (size_t)n;
    tl->items = (Chiso__Leadership__Tiebreak **)cs_call_array(c, (size_t)n);
    for (int i = 0; i < n; i++) {
        int64_t *ids;
        size_t n_ids = leadership_parse_ids(c, PQgetvalue(r, i, 2), &ids);
        tl->items[i] = s_tiebreak(c, cs_pg_ll(r, i, 0), in->period_id, PQgetvalue(r, i, 1), ids,
                                  n_ids, PQgetvalue(r, i, 3), cs_pg_ll(r, i, 4),
                                  cs_pg_ll(r, i, 5), strcmp(PQgetvalue(r, i, 6), "t") == 0);
    }
    *out = &tl->base;
    return 0;
}
