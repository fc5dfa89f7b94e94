/*  rank_publish: approval, publication and the published snapshots (SPEC §9, §12).
 *
 *  compute -> a leader approves the latest computation (Approve) -> the province admin
 *  publishes (Publish): the results are read again, must still be what was computed (and,
 *  for the first version, approved), and no group may be blocked by a pending tie. The
 *  document (rank_snapshot.h) is frozen as version n in ranking.snapshots, which nobody can
 *  change; the public reads it through SECURITY DEFINER functions, byte for byte. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "cs_pg.h"
#include "cs_text.h"
#include "rank_rpc.h"
#include "rank_snapshot.h"
#include "ranking.pb-c.h"

#define S_PUBLIC_PREFIX "/api/v1/public/provinces/"

static int s_period_arg(cs_call *c, bool has, long long id)
{
    if (!has || id <= 0)
        return cs_err_invalid(cs_call_err(c), "period_id", "thiếu mã kỳ đánh giá",
                              "period_id is required");
    return 0;
}

/* The public path of a version (0: the latest). */
static char *s_public_path(cs_call *c, const char *province, long long period, int version)
{
    if (version > 0)
        return cs_call_printf(c, S_PUBLIC_PREFIX "%s/periods/%lld/results/versions/%d", province,
                              period, version);
    return cs_call_printf(c, S_PUBLIC_PREFIX "%s/periods/%lld/results", province, period);
}

/* The latest computation of the period: its id and summary. 409 not_computed if none. */
static int s_latest_computation(cs_call *c, long long period_id, long long *id,
                                const char **summary)
{
    const char *p[1] = {cs_call_int(c, period_id)};
    PGresult *r = cs_call_exec(c,
        "SELECT id, summary::text FROM ranking.computations WHERE period_id = $1"
        " ORDER BY id DESC LIMIT 1", 1, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_conflict(cs_call_err(c), "not_computed",
                               "Kỳ đánh giá chưa được tính điểm: hãy tính điểm trước.",
                               "The period's results have not been computed yet: compute first.");
    *id = cs_pg_ll(r, 0, 0);
    *summary = cs_call_strdup(c, PQgetvalue(r, 0, 1));
    return 0;
}

/* The results as they are now must be those of computation `id` (same ranks, totals,
 * bands): what a leader approves and what is published are the same numbers. */
static int s_same_as_computed(cs_call *c, long long id, const rank_outcome *o)
{
    const char *p[2] = {cs_call_int(c, id), rank_rpc_summary(c, o)};
    PGresult *r = cs_call_exec(c,
        "SELECT summary = $2::jsonb FROM ranking.computations WHERE id = $1", 2, p);
    if (!r)
        return -1;
    if (PQntuples(r) != 1 || !cs_pg_bool(r, 0, 0)) {
        cs_err_set(cs_call_err(c), 409, "results_changed", NULL,
                   "Dữ liệu đã thay đổi sau lần tính điểm %lld: hãy tính điểm lại%s.",
                   "The data changed after computation %lld: compute again%s.", id,
                   " (and have the new results approved)");
        return -1;
    }
    return 0;
}

/* --- Approve -------------------------------------------------------------------------- */

static Chiso__Ranking__Approval *s_approval_msg(cs_call *c, PGresult *r, int i,
                                                long long latest)
{
    Chiso__Ranking__Approval *a = (void *)cs_call_msg(c, &chiso__ranking__approval__descriptor);
    a->has_id = a->has_period_id = a->has_computation_id = true;
    a->has_approved_by = a->has_approved_at = a->has_current = true;
    a->id = cs_pg_ll(r, i, 0);
    a->period_id = cs_pg_ll(r, i, 1);
    a->computation_id = cs_pg_ll(r, i, 2);
    a->approved_by = cs_pg_ll(r, i, 3);
    a->approved_at = cs_pg_ll(r, i, 4);
    a->note = cs_call_strdup(c, PQgetvalue(r, i, 5));
    a->current = a->computation_id == latest;
    return a;
}

#define S_APPROVAL_COLS \
    "id, period_id, computation_id, approved_by, extract(epoch FROM approved_at)::bigint, note"

int rank_rpc_approve(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Ranking__ApproveRequest *req = (const void *)in;
    if (cs_call_province(c) <= 0 || cs_call_user(c) <= 0 || !cs_call_has_role(c, "leader"))
        return cs_err_forbidden(cs_call_err(c));
    if (s_period_arg(c, req->has_period_id, req->period_id) < 0)
        return -1;
    if (cs_text_blank(req->note))
        return cs_err_invalid(cs_call_err(c), "note", "cần ghi chú phê duyệt",
                              "an approval note is required");
    long long comp;
    const char *summary;
    if (s_latest_computation(c, req->period_id, &comp, &summary) < 0)
        return -1;
    rank_data *d;
    rank_outcome *o;
    if (rank_rpc_load_sums(c, req->period_id, NULL, 0, &d, &o) < 0)
        return -1;
    int rc = s_same_as_computed(c, comp, o);
    rank_data_destroy(&d);
    rank_outcome_destroy(&o);
    if (rc < 0)
        return -1;
    const char *p[5] = {cs_call_int(c, cs_call_province(c)), cs_call_int(c, req->period_id),
                        cs_call_int(c, comp), cs_call_int(c, cs_call_user(c)), req->note};
    PGresult *r = cs_call_exec(c,
        "INSERT INTO ranking.approvals (province_id, period_id, computation_id, approved_by, note)"
        " VALUES ($1, $2, $3, $4, $5) RETURNING " S_APPROVAL_COLS, 5, p);
    if (!r)
        return -1;
    Chiso__Ranking__Approval *a = s_approval_msg(c, r, 0, comp);
    const char *audit = cs_call_printf(c, "{\"period_id\":%lld,\"computation_id\":%lld}",
                                       (long long)req->period_id, comp);
    if (cs_call_audit(c, "ranking.approval", a->id, "approve", NULL, audit, req->note) < 0)
        return -1;
    *out = (ProtobufCMessage *)a;
    return 0;
}

/* --- Publish ---------------------------------------------------------------------------- */

/* 409 naming every group blocked by a pending tie and the agencies of that tie. */
static int s_refuse_ties(cs_call *c, const rank_outcome *o)
{
    char list[400] = "";
    size_t n = 0;
    for (size_t g = 0; g < o->n_groups; g++) {
        const rank_group *rg = &o->groups[g];
        if (!rg->publication_blocked_by_tie)
            continue;
        n += (size_t)snprintf(list + n, n < sizeof list ? sizeof list - n : 0, "%s%s:",
                              n ? "; " : "", rg->group);
        bool first = true;
        for (size_t i = 0; i < rg->n; i++) {
            if (!rg->agencies[i].blocks_publication)
                continue;
            n += (size_t)snprintf(list + n, n < sizeof list ? sizeof list - n : 0, "%s%s",
                                  first ? " " : ", ", rg->agencies[i].code);
            first = false;
        }
        if (n >= sizeof list)
            break;
    }
    if (n == 0)
        return 0;
    cs_err_set(cs_call_err(c), 409, "publication_blocked_by_tie", NULL,
               "Chưa thể công bố: đồng hạng chưa được lãnh đạo quyết định thứ tự (nhóm %s).",
               "Cannot publish: a tie awaits a leader's order (group %s).", list);
    cs_err_detail(cs_call_err(c), "%s", list);
    return -1;
}

typedef struct {
    int version;                /* the next version */
    const char *province;       /* code */
    int year;
} s_target;

/* Lock the period (one publication at a time) and learn what the next version is. */
static int s_target_of(cs_call *c, long long period_id, s_target *t)
{
    const char *p[1] = {cs_call_int(c, period_id)};
    PGresult *r = cs_call_exec(c,
        "SELECT pr.code, pe.year,"
        "       (SELECT coalesce(max(s.version), 0) + 1 FROM ranking.snapshots s"
        "         WHERE s.period_id = pe.id)"
        " FROM catalog.periods pe JOIN catalog.provinces pr ON pr.id = pe.province_id"
        " WHERE pe.id = $1 FOR UPDATE OF pe", 1, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(cs_call_err(c), "period");
    t->province = cs_call_strdup(c, PQgetvalue(r, 0, 0));
    t->year = (int)cs_pg_ll(r, 0, 1);
    t->version = (int)cs_pg_ll(r, 0, 2);
    return 0;
}

#define S_SNAPSHOT_COLS \
    "s.id, s.period_id, s.version, s.sha256, s.computation_id, s.approval_id, a.approved_by," \
    " extract(epoch FROM a.approved_at)::bigint, a.note, s.published_by," \
    " extract(epoch FROM s.published_at)::bigint, s.reason, s.confirmed_pending::text," \
    " s.confirm_reason, octet_length(s.document), pr.code"
#define S_SNAPSHOT_FROM \
    " FROM ranking.snapshots s LEFT JOIN ranking.approvals a ON a.id = s.approval_id" \
    " JOIN catalog.provinces pr ON pr.id = s.province_id"

static Chiso__Ranking__SnapshotInfo *s_snapshot_msg(cs_call *c, PGresult *r, int i)
{
    Chiso__Ranking__SnapshotInfo *m =
        (void *)cs_call_msg(c, &chiso__ranking__snapshot_info__descriptor);
    m->has_id = m->has_period_id = m->has_version = m->has_computation_id = true;
    m->has_published_by = m->has_published_at = m->has_size = true;
    m->id = cs_pg_ll(r, i, 0);
    m->period_id = cs_pg_ll(r, i, 1);
    m->version = (int32_t)cs_pg_ll(r, i, 2);
    m->sha256 = cs_call_strdup(c, PQgetvalue(r, i, 3));
    m->computation_id = cs_pg_ll(r, i, 4);
    if (!PQgetisnull(r, i, 5)) {
        m->has_approval_id = m->has_approved_by = m->has_approved_at = true;
        m->approval_id = cs_pg_ll(r, i, 5);
        m->approved_by = cs_pg_ll(r, i, 6);
        m->approved_at = cs_pg_ll(r, i, 7);
        m->approval_note = cs_call_strdup(c, PQgetvalue(r, i, 8));
    }
    m->published_by = cs_pg_ll(r, i, 9);
    m->published_at = cs_pg_ll(r, i, 10);
    if (!PQgetisnull(r, i, 11))
        m->reason = cs_call_strdup(c, PQgetvalue(r, i, 11));
    if (!PQgetisnull(r, i, 12)) {
        json_t *codes = json_loads(PQgetvalue(r, i, 12), 0, NULL);
        size_t n = json_array_size(codes);
        m->confirmed_pending_heads = cs_call_alloc(c, (n ? n : 1) * sizeof(char *));
        for (size_t k = 0; k < n; k++)
            m->confirmed_pending_heads[m->n_confirmed_pending_heads++] =
                cs_call_strdup(c, json_string_value(json_array_get(codes, k)));
        json_decref(codes);
    }
    if (!PQgetisnull(r, i, 13))
        m->confirm_reason = cs_call_strdup(c, PQgetvalue(r, i, 13));
    m->size = (int32_t)cs_pg_ll(r, i, 14);
    m->province_code = cs_call_strdup(c, PQgetvalue(r, i, 15));
    m->public_url = s_public_path(c, m->province_code, m->period_id, m->version);
    return m;
}

/* The head's rating waits for data (SPEC §12): rank_head gave it pending_data. */
static bool s_head_pending(const rank_result *r)
{
    return strcmp(r->head_rating, RANK_HEAD_PENDING) == 0;
}

/* Agencies whose head's rating waits for data, as a JSON array of codes in the arena; *n
 * their number. */
static const char *s_pending_heads(cs_call *c, const rank_outcome *o, size_t *n)
{
    json_t *codes = json_array();
    for (size_t g = 0; g < o->n_groups; g++)
        for (size_t i = 0; i < o->groups[g].n; i++)
            if (s_head_pending(&o->groups[g].agencies[i]))
                json_array_append_new(codes, json_string(o->groups[g].agencies[i].code));
    *n = json_array_size(codes);
    char *s = json_dumps(codes, JSON_COMPACT);
    json_decref(codes);
    const char *out = cs_call_strdup(c, s ? s : "[]");
    free(s);
    return out;
}

/* The first version needs the leader's approval of exactly these results; a later one
 * (an upheld appeal, a correction) needs a reason. The approval id, or 0 when none. */
static int s_approval_for(cs_call *c, long long period_id, long long comp, int version,
                          const char *reason, long long *approval_id)
{
    *approval_id = 0;
    const char *p[2] = {cs_call_int(c, period_id), cs_call_int(c, comp)};
    PGresult *r = cs_call_exec(c,
        "SELECT id FROM ranking.approvals WHERE period_id = $1 AND computation_id = $2"
        " ORDER BY id DESC LIMIT 1", 2, p);
    if (!r)
        return -1;
    if (PQntuples(r) > 0)
        *approval_id = cs_pg_ll(r, 0, 0);
    if (version == 1 && *approval_id == 0)
        return cs_err_conflict(cs_call_err(c), "not_approved",
                               "Kết quả chưa được lãnh đạo UBND tỉnh phê duyệt.",
                               "The results have not been approved by a leader yet.");
    if (version > 1 && cs_text_blank(reason))
        return cs_err_invalid(cs_call_err(c), "reason",
                              "cần lý do cho phiên bản công bố mới (khiếu nại, đính chính)",
                              "a new published version needs a reason (appeal, correction)");
    return 0;
}

/* The next version waits until every appeal item is answered: 409 naming the agencies. */
static int s_refuse_open_appeals(cs_call *c, long long period_id)
{
    const char *p[1] = {cs_call_int(c, period_id)};
    PGresult *r = cs_call_exec(c,
        "SELECT string_agg(DISTINCT g.code || ' ' || i.leaf_code, ', ')"
        "  FROM appraisal.appeal_items i JOIN catalog.agencies g ON g.id = i.agency_id"
        " WHERE i.period_id = $1 AND i.decision IS NULL", 1, p);
    if (!r)
        return -1;
    if (PQgetisnull(r, 0, 0))
        return 0;
    cs_err_set(cs_call_err(c), 409, "appeals_pending", NULL,
               "Chưa thể công bố: còn khiếu nại chưa được trả lời (%s).",
               "Cannot publish: appeals await their answers (%s).", PQgetvalue(r, 0, 0));
    cs_err_detail(cs_call_err(c), "%s", PQgetvalue(r, 0, 0));
    return -1;
}

int rank_rpc_publish(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Ranking__PublishRequest *req = (const void *)in;
    if (cs_call_province(c) <= 0 || cs_call_user(c) <= 0 ||
        !cs_call_has_role(c, "province_admin"))
        return cs_err_forbidden(cs_call_err(c));
    if (s_period_arg(c, req->has_period_id, req->period_id) < 0)
        return -1;
    bool confirm = req->has_confirm_pending_heads && req->confirm_pending_heads;
    if (confirm && cs_text_blank(req->reason))
        return cs_err_invalid(cs_call_err(c), "reason",
                              "cần lý do khi xác nhận công bố người đứng đầu chưa đủ dữ liệu",
                              "confirming heads that lack data needs a reason");
    s_target t = {0, NULL, 0};
    if (s_target_of(c, req->period_id, &t) < 0)
        return -1;
    long long comp, approval;
    const char *summary;
    if (s_latest_computation(c, req->period_id, &comp, &summary) < 0)
        return -1;
    if (s_approval_for(c, req->period_id, comp, t.version, req->reason, &approval) < 0)
        return -1;

    if (s_refuse_open_appeals(c, req->period_id) < 0)
        return -1;

    rank_data *d;
    rank_outcome *o;
    if (rank_rpc_load_sums(c, req->period_id, NULL, 0, &d, &o) < 0)
        return -1;
    size_t n_pending = 0, len = 0;
    const char *pending = s_pending_heads(c, o, &n_pending);
    char sha[65];
    char *doc = NULL;
    int rc = s_same_as_computed(c, comp, o);
    if (rc == 0)
        rc = s_refuse_ties(c, o);
    if (rc == 0 && n_pending > 0 && !confirm) {
        cs_err_set(cs_call_err(c), 409, "heads_pending_data", "confirm_pending_heads",
                   "Chưa thể công bố: người đứng đầu của %zu cơ quan chưa đủ dữ liệu để xếp loại (%s); "
                   "hãy xác nhận rõ kèm lý do.",
                   "Cannot publish: the heads of %zu agencies lack data for their rating (%s); "
                   "confirm explicitly with a reason.", n_pending, pending);
        cs_err_detail(cs_call_err(c), "%s", pending);
        rc = -1;
    }
    if (rc == 0) {
        doc = rank_snapshot_document(t.province, t.year, t.version, d, o, &len, sha);
        if (!doc)
            rc = cs_err_internal(cs_call_err(c), "snapshot document is not canonical JSON");
    }
    rank_data_destroy(&d);
    rank_outcome_destroy(&o);
    if (rc < 0)
        return -1;
    const char *document = cs_call_strdup(c, doc);
    free(doc);

    const char *p[10] = {
        cs_call_int(c, cs_call_province(c)), cs_call_int(c, req->period_id),
        cs_call_int(c, t.version), document, sha, cs_call_int(c, comp),
        approval ? cs_call_int(c, approval) : NULL, cs_call_int(c, cs_call_user(c)),
        cs_text_blank(req->reason) ? NULL : req->reason,
        n_pending > 0 ? pending : NULL};
    PGresult *r = cs_call_exec(c,
        "WITH s AS (INSERT INTO ranking.snapshots (province_id, period_id, version, document,"
        "   sha256, computation_id, approval_id, published_by, reason, confirmed_pending,"
        "   confirm_reason)"
        " VALUES ($1, $2, $3, convert_to($4, 'UTF8'), $5, $6, $7, $8, $9, $10::jsonb,"
        "         CASE WHEN $10::jsonb IS NULL THEN NULL ELSE $9 END) RETURNING *)"
        " SELECT " S_SNAPSHOT_COLS
        " FROM s LEFT JOIN ranking.approvals a ON a.id = s.approval_id"
        " JOIN catalog.provinces pr ON pr.id = s.province_id", 10, p);
    if (!r)
        return -1;
    Chiso__Ranking__SnapshotInfo *m = s_snapshot_msg(c, r, 0);
    const char *audit = cs_call_printf(c,
        "{\"period_id\":%lld,\"version\":%d,\"sha256\":\"%s\",\"computation_id\":%lld,"
        "\"approval_id\":%s}", (long long)req->period_id, t.version, sha, comp,
        approval ? cs_call_int(c, approval) : "null");
    if (n_pending > 0 &&
        cs_call_audit(c, "ranking.snapshot", m->id, "confirm_pending_heads", NULL,
                      cs_call_printf(c, "{\"agencies\":%s}", pending), req->reason) < 0)
        return -1;
    if (cs_call_audit(c, "ranking.snapshot", m->id, "publish", NULL, audit, req->reason) < 0)
        return -1;
    *out = (ProtobufCMessage *)m;
    return 0;
}

/* --- the province's own view ------------------------------------------------------------ */

int rank_rpc_list_snapshots(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Ranking__SnapshotsRequest *req = (const void *)in;
    if (cs_call_province(c) <= 0)
        return cs_err_forbidden(cs_call_err(c));
    if (s_period_arg(c, req->has_period_id, req->period_id) < 0)
        return -1;
    const char *p[1] = {cs_call_int(c, req->period_id)};
    PGresult *pr = cs_call_exec(c, "SELECT 1 FROM catalog.periods WHERE id = $1", 1, p);
    if (!pr)
        return -1;
    if (PQntuples(pr) == 0)
        return cs_err_not_found(cs_call_err(c), "period");
    PGresult *r = cs_call_exec(c,
        "SELECT " S_SNAPSHOT_COLS S_SNAPSHOT_FROM " WHERE s.period_id = $1 ORDER BY s.version",
        1, p);
    if (!r)
        return -1;
    Chiso__Ranking__Snapshots *res = (void *)cs_call_msg(c, &chiso__ranking__snapshots__descriptor);
    int n = PQntuples(r);
    res->n_snapshots = (size_t)n;
    res->snapshots = (void *)cs_call_array(c, (size_t)n);
    for (int i = 0; i < n; i++)
        res->snapshots[i] = s_snapshot_msg(c, r, i);
    res->has_published = true;
    res->published = n > 0;
    /* Approvals are the council's and leaders' working record: not for agencies. */
    bool overseer = cs_call_has_role(c, "province_admin") || cs_call_has_role(c, "viewer") ||
                    cs_call_has_role(c, "leader");
    if (overseer) {
        PGresult *a = cs_call_exec(c,
            "SELECT " S_APPROVAL_COLS ", (SELECT max(id) FROM ranking.computations"
            " WHERE period_id = $1) FROM ranking.approvals WHERE period_id = $1 ORDER BY id",
            1, p);
        if (!a)
            return -1;
        int na = PQntuples(a);
        res->n_approvals = (size_t)na;
        res->approvals = (void *)cs_call_array(c, (size_t)na);
        for (int i = 0; i < na; i++)
            res->approvals[i] = s_approval_msg(c, a, i, cs_pg_ll(a, i, 6));
    }
    *out = (ProtobufCMessage *)res;
    return 0;
}

/* --- public reads (no login): published snapshots only ---------------------------------- */

int rank_rpc_public_provinces(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    (void)in;
    PGresult *r = cs_call_exec(c, "SELECT code, name, periods FROM ranking.public_provinces()",
                               0, NULL);
    if (!r)
        return -1;
    Chiso__Ranking__PublicProvinceList *res =
        (void *)cs_call_msg(c, &chiso__ranking__public_province_list__descriptor);
    int n = PQntuples(r);
    res->n_provinces = (size_t)n;
    res->provinces = (void *)cs_call_array(c, (size_t)n);
    for (int i = 0; i < n; i++) {
        Chiso__Ranking__PublicProvince *p =
            (void *)cs_call_msg(c, &chiso__ranking__public_province__descriptor);
        p->code = cs_call_strdup(c, PQgetvalue(r, i, 0));
        p->name = cs_call_strdup(c, PQgetvalue(r, i, 1));
        p->has_periods = true;
        p->periods = (int32_t)cs_pg_ll(r, i, 2);
        res->provinces[i] = p;
    }
    *out = (ProtobufCMessage *)res;
    return 0;
}

static int s_not_published(cs_call *c)
{
    return cs_err_set(cs_call_err(c), 404, "not_published", NULL,
                      "Chưa có kết quả được công bố.", "Nothing has been published here.");
}

static int s_code_arg(cs_call *c, const char *code)
{
    if (!code || !*code || strlen(code) > 64)
        return cs_err_invalid(cs_call_err(c), "province_code", "thiếu mã tỉnh",
                              "province_code is required");
    return 0;
}

int rank_rpc_public_periods(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Ranking__PublicPeriodsRequest *req = (const void *)in;
    if (s_code_arg(c, req->province_code) < 0)
        return -1;
    const char *p[1] = {req->province_code};
    PGresult *r = cs_call_exec(c,
        "SELECT province_name, period_id, code, name, year, version, sha256, published_at"
        " FROM ranking.public_periods($1)", 1, p);
    if (!r)
        return -1;
    int n = PQntuples(r);
    if (n == 0)
        return s_not_published(c);
    Chiso__Ranking__PublicPeriodList *res =
        (void *)cs_call_msg(c, &chiso__ranking__public_period_list__descriptor);
    res->province_code = cs_call_strdup(c, req->province_code);
    res->province_name = cs_call_strdup(c, PQgetvalue(r, 0, 0));
    res->periods = (void *)cs_call_array(c, (size_t)n);
    res->n_periods = 0;
    Chiso__Ranking__PublicPeriod *cur = NULL;
    for (int i = 0; i < n; i++) {
        long long pid = cs_pg_ll(r, i, 1);
        if (!cur || cur->period_id != pid) {
            cur = (void *)cs_call_msg(c, &chiso__ranking__public_period__descriptor);
            cur->has_period_id = cur->has_year = cur->has_latest_version = true;
            cur->period_id = pid;
            cur->code = cs_call_strdup(c, PQgetvalue(r, i, 2));
            cur->name = cs_call_strdup(c, PQgetvalue(r, i, 3));
            cur->year = (int32_t)cs_pg_ll(r, i, 4);
            cur->latest_url = s_public_path(c, req->province_code, pid, 0);
            cur->versions = (void *)cs_call_array(c, (size_t)n);
            res->periods[res->n_periods++] = cur;
        }
        Chiso__Ranking__PublicVersion *v =
            (void *)cs_call_msg(c, &chiso__ranking__public_version__descriptor);
        v->has_version = v->has_published_at = true;
        v->version = (int32_t)cs_pg_ll(r, i, 5);
        v->sha256 = cs_call_strdup(c, PQgetvalue(r, i, 6));
        v->published_at = cs_pg_ll(r, i, 7);
        v->url = s_public_path(c, req->province_code, pid, v->version);
        cur->versions[cur->n_versions++] = v;
        cur->latest_version = v->version;
    }
    *out = (ProtobufCMessage *)res;
    return 0;
}

int rank_rpc_public_snapshot(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Ranking__PublicSnapshotRequest *req = (const void *)in;
    if (s_code_arg(c, req->province_code) < 0)
        return -1;
    if (!req->has_period_id || req->period_id <= 0)
        return s_period_arg(c, false, 0);
    if (req->has_version && req->version <= 0)
        return cs_err_invalid(cs_call_err(c), "version", "phiên bản phải từ 1",
                              "version must be 1 or more");
    const char *p[3] = {req->province_code, cs_call_int(c, req->period_id),
                        req->has_version ? cs_call_int(c, req->version) : NULL};
    PGresult *r = cs_call_exec(c,
        "SELECT version, convert_from(document, 'UTF8'), sha256, latest"
        " FROM ranking.public_snapshot($1, $2, $3)", 3, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return s_not_published(c);
    Chiso__Ranking__RawDocument *doc =
        (void *)cs_call_msg(c, &chiso__ranking__raw_document__descriptor);
    const char *bytes = PQgetvalue(r, 0, 1);
    doc->content_type = "application/json; charset=utf-8";
    doc->has_content = true;
    doc->content.len = (size_t)PQgetlength(r, 0, 1);
    doc->content.data = cs_call_alloc(c, doc->content.len + 1);
    memcpy(doc->content.data, bytes, doc->content.len);
    doc->etag = cs_call_strdup(c, PQgetvalue(r, 0, 2));
    /* no file_name: shown inline in a browser, not offered as a download */
    /* A numbered version never changes; "latest" moves when a new version is published. */
    doc->cache_control = req->has_version ? "public, max-age=31536000, immutable"
                                          : "public, max-age=60, must-revalidate";
    *out = (ProtobufCMessage *)doc;
    return 0;
}
