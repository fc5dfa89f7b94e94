/*  Appeals (khiếu nại) after publication (SPEC §9, §12): an agency head lodges an appeal on
 *  named leaves with reasons within the `appeal` phase; the council answers each leaf
 *  (upheld with a new value, or rejected with a reason); the agency reads the answers. An
 *  upheld value counts in the results from the next published version (ranking reads
 *  appraisal.appeal_items); publication of that version waits until every item is answered.
 *  Evidence files go through submissions' evidence upload, which accepts them in the appeal
 *  phase for a leaf under an open appeal; they are listed here with the item. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "apr_access.h"
#include "apr_handlers.h"
#include "cs_json.h"
#include "cs_pg.h"
#include "cs_phase.h"
#include "cs_text.h"

#define S_UPHELD "upheld"
#define S_REJECTED "rejected"

static bool s_overseer(cs_call *c)
{
    return cs_call_has_role(c, "province_admin") || cs_call_has_role(c, "viewer") ||
           cs_call_has_role(c, "leader") || cs_call_has_role(c, "appraiser");
}

/* The appeal as a message: its items with answers and the evidence uploaded since. */
static Chiso__Appraisal__Appeal *s_appeal(cs_call *c, long long id)
{
    const char *p[1] = {cs_call_int(c, id)};
    PGresult *r = cs_call_exec(c,
        "SELECT a.id, a.period_id, a.agency_id, g.code, a.version, a.lodged_by,"
        "       extract(epoch FROM a.lodged_at)::bigint"
        "  FROM appraisal.appeals a JOIN catalog.agencies g ON g.id = a.agency_id"
        " WHERE a.id = $1", 1, p);
    if (!r)
        return NULL;
    if (PQntuples(r) == 0) {
        cs_err_not_found(cs_call_err(c), "appeal");
        return NULL;
    }
    Chiso__Appraisal__Appeal *a = (void *)cs_call_msg(c, &chiso__appraisal__appeal__descriptor);
    a->has_id = a->has_period_id = a->has_agency_id = a->has_version = true;
    a->has_lodged_by = a->has_lodged_at = a->has_answered = true;
    a->id = cs_pg_ll(r, 0, 0);
    a->period_id = cs_pg_ll(r, 0, 1);
    a->agency_id = cs_pg_ll(r, 0, 2);
    a->agency_code = cs_call_strdup(c, PQgetvalue(r, 0, 3));
    a->version = (int32_t)cs_pg_ll(r, 0, 4);
    a->lodged_by = cs_pg_ll(r, 0, 5);
    a->lodged_at = cs_pg_ll(r, 0, 6);
    PGresult *it = cs_call_exec(c,
        "SELECT i.id, i.leaf_code, i.reason, i.decision, i.new_value, i.answer, i.answered_by,"
        "       extract(epoch FROM i.answered_at)::bigint,"
        "       (SELECT json_agg(json_build_object('id', e.id, 'name', e.file_name,"
        "                        'sha', e.file_sha256, 'size', e.file_size) ORDER BY e.id)"
        "          FROM submissions.evidence e JOIN appraisal.appeals ap ON ap.id = i.appeal_id"
        "         WHERE e.period_id = i.period_id AND e.agency_id = i.agency_id"
        "           AND e.leaf_code = i.leaf_code AND e.kind = 'file'"
        "           AND e.created_at >= ap.lodged_at)::text"
        "  FROM appraisal.appeal_items i WHERE i.appeal_id = $1 ORDER BY i.leaf_code", 1, p);
    if (!it)
        return NULL;
    int n = PQntuples(it);
    a->items = (void *)cs_call_array(c, (size_t)n);
    a->answered = true;
    for (int i = 0; i < n; i++) {
        Chiso__Appraisal__AppealItem *m =
            (void *)cs_call_msg(c, &chiso__appraisal__appeal_item__descriptor);
        m->has_id = true;
        m->id = cs_pg_ll(it, i, 0);
        m->leaf_code = cs_call_strdup(c, PQgetvalue(it, i, 1));
        m->reason = cs_call_strdup(c, PQgetvalue(it, i, 2));
        if (PQgetisnull(it, i, 3)) {
            a->answered = false;
        } else {
            m->decision = cs_call_strdup(c, PQgetvalue(it, i, 3));
            m->has_new_value = !PQgetisnull(it, i, 4);
            m->new_value = cs_pg_ll(it, i, 4);
            if (!PQgetisnull(it, i, 5))
                m->answer = cs_call_strdup(c, PQgetvalue(it, i, 5));
            m->has_answered_by = m->has_answered_at = true;
            m->answered_by = cs_pg_ll(it, i, 6);
            m->answered_at = cs_pg_ll(it, i, 7);
        }
        if (!PQgetisnull(it, i, 8)) {
            json_t *ev = json_loads(PQgetvalue(it, i, 8), 0, NULL);
            size_t ne = json_array_size(ev);
            m->evidence = (void *)cs_call_array(c, ne);
            for (size_t k = 0; k < ne; k++) {
                json_t *o = json_array_get(ev, k);
                Chiso__Appraisal__AppealEvidence *e =
                    (void *)cs_call_msg(c, &chiso__appraisal__appeal_evidence__descriptor);
                e->has_id = e->has_file_size = true;
                e->id = (int64_t)json_integer_value(json_object_get(o, "id"));
                e->file_name = cs_call_strdup(c, json_string_value(json_object_get(o, "name")));
                e->file_sha256 = cs_call_strdup(c, json_string_value(json_object_get(o, "sha")));
                e->file_size = (int64_t)json_integer_value(json_object_get(o, "size"));
                m->evidence[m->n_evidence++] = e;
            }
            json_decref(ev);
        }
        a->items[a->n_items++] = m;
    }
    return a;
}

int apr_lodge_appeal(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Appraisal__LodgeAppealRequest *req = (const void *)in;
    cs_err *e = cs_call_err(c);
    if (cs_call_province(c) <= 0 || !cs_call_has_role(c, "agency_head") ||
        !req->has_agency_id || cs_call_agency(c) != req->agency_id)
        return cs_err_forbidden(e);
    if (!req->has_period_id || req->period_id <= 0)
        return cs_err_invalid(e, "period_id", "thiếu mã kỳ đánh giá", "period_id is required");
    if (req->n_items == 0)
        return cs_err_invalid(e, "items", "khiếu nại cần ít nhất một chỉ số",
                              "an appeal names at least one leaf");
    const char *group;
    if (cs_leaf_agency_group(c, req->agency_id, &group) != 0 ||
        cs_phase_period_exists(c, req->period_id) != 0)
        return -1;
    const char *pp[1] = {cs_call_int(c, req->period_id)};
    PGresult *r = cs_call_exec(c,
        "SELECT max(version) FROM ranking.snapshots WHERE period_id = $1", 1, pp);
    if (!r)
        return -1;
    if (PQgetisnull(r, 0, 0))
        return cs_err_conflict(e, "not_published",
                               "Kết quả chưa được công bố: chưa thể khiếu nại.",
                               "The results are not published yet: nothing to appeal.");
    const char *version = cs_call_strdup(c, PQgetvalue(r, 0, 0));
    if (cs_phase_require(c, req->period_id, req->agency_id, "appeal") != 0)
        return -1;

    json_t *items = json_array();
    for (size_t i = 0; i < req->n_items; i++) {
        const Chiso__Appraisal__AppealItemRequest *it = req->items[i];
        const char *field = cs_call_printf(c, "items[%zu]", i);
        apr_leaf leaf;
        bool ev;
        if (!it->leaf_code || cs_leaf_get(c, req->period_id, group, it->leaf_code, field, &leaf,
                                          &ev) != 0) {
            json_decref(items);
            if (!cs_err_isset(e))
                cs_err_invalid(e, field, "thiếu mã chỉ số", "leaf_code is required");
            return -1;
        }
        if (cs_text_blank(it->reason)) {
            json_decref(items);
            return cs_err_invalid(e, field, "cần lý do khiếu nại cho từng chỉ số",
                                  "every leaf of an appeal needs a reason");
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(req->items[k]->leaf_code, it->leaf_code) == 0) {
                json_decref(items);
                return cs_err_set(e, 400, "duplicate_leaf", field,
                                  "Chỉ số %s xuất hiện hai lần.", "Leaf %s appears twice.",
                                  it->leaf_code);
            }
        const char *q[3] = {pp[0], cs_call_int(c, req->agency_id), it->leaf_code};
        r = cs_call_exec(c,
            "SELECT 1 FROM appraisal.appeal_items WHERE period_id = $1 AND agency_id = $2"
            " AND leaf_code = $3 AND decision IS NULL", 3, q);
        if (!r) {
            json_decref(items);
            return -1;
        }
        if (PQntuples(r) > 0) {
            json_decref(items);
            return cs_err_set(e, 409, "appeal_pending", field,
                              "Chỉ số %s đang được khiếu nại và chưa có trả lời.",
                              "Leaf %s is already under an appeal awaiting its answer.",
                              it->leaf_code);
        }
        json_array_append_new(items, json_pack("{s:s,s:s}", "leaf_code", it->leaf_code,
                                               "reason", it->reason));
    }
    const char *pa[5] = {cs_call_int(c, cs_call_province(c)), pp[0],
                         cs_call_int(c, req->agency_id), version,
                         cs_call_int(c, cs_call_user(c))};
    r = cs_call_exec(c,
        "INSERT INTO appraisal.appeals (province_id, period_id, agency_id, version, lodged_by)"
        " VALUES ($1, $2, $3, $4, $5) RETURNING id", 5, pa);
    if (!r) {
        json_decref(items);
        return -1;
    }
    long long id = cs_pg_ll(r, 0, 0);
    for (size_t i = 0; i < req->n_items; i++) {
        const char *pi[6] = {pa[0], cs_call_int(c, id), pp[0], pa[2], req->items[i]->leaf_code,
                             req->items[i]->reason};
        if (!cs_call_exec(c,
                "INSERT INTO appraisal.appeal_items (province_id, appeal_id, period_id, agency_id,"
                " leaf_code, reason) VALUES ($1, $2, $3, $4, $5, $6)", 6, pi)) {
            json_decref(items);
            return -1;
        }
    }
    json_t *o = json_pack("{s:I,s:I,s:s,s:o}", "period_id", (json_int_t)req->period_id,
                          "agency_id", (json_int_t)req->agency_id, "version", version,
                          "items", items);
    if (cs_call_audit(c, "appraisal.appeal", id, "lodge", NULL, cs_json_dump(c, o), NULL) != 0)
        return -1;
    Chiso__Appraisal__Appeal *a = s_appeal(c, id);
    if (!a)
        return -1;
    *out = (ProtobufCMessage *)a;
    return 0;
}

int apr_list_appeals(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Appraisal__ListAppealsRequest *req = (const void *)in;
    cs_err *e = cs_call_err(c);
    if (cs_call_province(c) <= 0)
        return cs_err_forbidden(e);
    if (!req->has_period_id || req->period_id <= 0)
        return cs_err_invalid(e, "period_id", "thiếu mã kỳ đánh giá", "period_id is required");
    long long agency = req->has_agency_id ? req->agency_id : 0;
    /* An agency reads its own appeals and their answers; the overseers and the council all. */
    if (!s_overseer(c)) {
        if (cs_call_agency(c) <= 0 || (agency && agency != cs_call_agency(c)))
            return cs_err_forbidden(e);
        agency = cs_call_agency(c);
    }
    if (cs_phase_period_exists(c, req->period_id) != 0)
        return -1;
    const char *p[2] = {cs_call_int(c, req->period_id), agency ? cs_call_int(c, agency) : NULL};
    PGresult *r = cs_call_exec(c,
        "SELECT id FROM appraisal.appeals WHERE period_id = $1"
        " AND ($2::bigint IS NULL OR agency_id = $2) ORDER BY id", 2, p);
    if (!r)
        return -1;
    Chiso__Appraisal__Appeals *res = (void *)cs_call_msg(c, &chiso__appraisal__appeals__descriptor);
    int n = PQntuples(r);
    res->appeals = (void *)cs_call_array(c, (size_t)n);
    res->has_open_items = true;
    for (int i = 0; i < n; i++) {
        Chiso__Appraisal__Appeal *a = s_appeal(c, cs_pg_ll(r, i, 0));
        if (!a)
            return -1;
        for (size_t k = 0; k < a->n_items; k++)
            res->open_items += a->items[k]->decision == NULL;
        res->appeals[res->n_appeals++] = a;
    }
    *out = (ProtobufCMessage *)res;
    return 0;
}

int apr_answer_appeal(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Appraisal__AnswerAppealRequest *req = (const void *)in;
    cs_err *e = cs_call_err(c);
    if (cs_call_province(c) <= 0 || cs_call_user(c) <= 0 ||
        !(cs_call_has_role(c, "province_admin") || cs_call_has_role(c, "appraiser")))
        return cs_err_forbidden(e);
    if (!req->has_appeal_id || req->appeal_id <= 0 || cs_text_blank(req->leaf_code))
        return cs_err_invalid(e, "leaf_code", "thiếu khiếu nại hoặc mã chỉ số",
                              "appeal_id and leaf_code are required");
    const char *p[2] = {cs_call_int(c, req->appeal_id), req->leaf_code};
    PGresult *r = cs_call_exec(c,
        "SELECT a.period_id, a.agency_id, i.decision IS NOT NULL, i.id"
        "  FROM appraisal.appeals a JOIN appraisal.appeal_items i ON i.appeal_id = a.id"
        " WHERE a.id = $1 AND i.leaf_code = $2", 2, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(e, "appeal item");
    long long period = cs_pg_ll(r, 0, 0), agency = cs_pg_ll(r, 0, 1), item = cs_pg_ll(r, 0, 3);
    const char *group;
    if (cs_leaf_agency_group(c, agency, &group) != 0)
        return -1;
    /* The council answers within its scope (never its own agency); the admin any leaf. */
    if (!cs_call_has_role(c, "province_admin") &&
        apr_require_scope(c, period, agency, group, req->leaf_code) != 0)
        return -1;
    /* the answer itself is read once the caller may give it */
    bool upheld = req->decision && strcmp(req->decision, S_UPHELD) == 0;
    bool rejected = req->decision && strcmp(req->decision, S_REJECTED) == 0;
    if (!upheld && !rejected)
        return cs_err_invalid(e, "decision", "quyết định phải là upheld hoặc rejected",
                              "decision must be upheld or rejected");
    if (upheld && !req->has_new_value)
        return cs_err_invalid(e, "new_value", "chấp nhận khiếu nại cần điểm mới",
                              "an upheld appeal needs the new value");
    if (rejected && (req->has_new_value || cs_text_blank(req->answer)))
        return cs_err_invalid(e, "answer", "bác khiếu nại cần lý do (và không có điểm mới)",
                              "a rejected appeal needs a reason (and no new value)");
    if (cs_pg_bool(r, 0, 2))
        return cs_err_conflict(e, "already_answered", "Chỉ số này của khiếu nại đã được trả lời.",
                               "This leaf of the appeal has already been answered.");
    if (upheld) {
        apr_leaf leaf;
        bool ev;
        if (cs_leaf_get(c, period, group, req->leaf_code, "leaf_code", &leaf, &ev) != 0 ||
            apr_check_value(&leaf, req->new_value, e) != 0)
            return -1;
    }
    const char *pu[5] = {cs_call_int(c, item), req->decision,
                         upheld ? cs_call_int(c, req->new_value) : NULL,
                         cs_text_blank(req->answer) ? NULL : req->answer,
                         cs_call_int(c, cs_call_user(c))};
    r = cs_call_exec(c,
        "UPDATE appraisal.appeal_items SET decision = $2, new_value = $3, answer = $4,"
        "       answered_by = $5, answered_at = clock_timestamp()"
        " WHERE id = $1 AND decision IS NULL RETURNING id", 5, pu);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_conflict(e, "already_answered", "Chỉ số này của khiếu nại đã được trả lời.",
                               "This leaf of the appeal has already been answered.");
    json_t *o = json_pack("{s:I,s:s,s:s}", "appeal_id", (json_int_t)req->appeal_id, "leaf_code",
                          req->leaf_code, "decision", req->decision);
    if (upheld)
        json_object_set_new(o, "new_value", json_integer(req->new_value));
    if (cs_call_audit(c, "appraisal.appeal_item", item, "answer", NULL, cs_json_dump(c, o),
                      req->answer) != 0)
        return -1;
    Chiso__Appraisal__Appeal *a = s_appeal(c, req->appeal_id);
    if (!a)
        return -1;
    *out = (ProtobufCMessage *)a;
    return 0;
}
