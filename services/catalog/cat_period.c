/*  Periods (config JSON kept as given; ranking reads it), the index set of each group
 *  (which freezes the set), phase windows, per-agency extensions, and the audit list. */
#include "catalog.h"

#include <string.h>
#include <jansson.h>
#include "cat_util.h"
#include "cs_phase.h"
#include "../ranking/rank_data.h"   /* rank_data_config: SVC_USES_catalog */

#define PERIOD_COLS "id, code, name, year, config::text, extract(epoch FROM created_at)::bigint"
#define PHASE_COLS "period_id, phase, extract(epoch FROM opens_at)::bigint," \
                   " extract(epoch FROM closes_at)::bigint"
#define EXT_COLS "period_id, agency_id, phase, extract(epoch FROM closes_at)::bigint, reason," \
                 " granted_by, extract(epoch FROM granted_at)::bigint"

static Chiso__Period *s_period(cs_call *c, PGresult *r, int i)
{
    Chiso__Period *p = CAT_NEW(c, Chiso__Period, chiso__period__descriptor);
    CAT_SET(p, id, cs_pg_ll(r, i, 0));
    p->code = (char *)cat_val(c, r, i, 1);
    p->name = (char *)cat_val(c, r, i, 2);
    CAT_SET(p, year, (int32_t)cs_pg_ll(r, i, 3));
    p->config = (char *)cat_val(c, r, i, 4);
    CAT_SET(p, created_at, cs_pg_ll(r, i, 5));
    return p;
}

static Chiso__Phase *s_phase(cs_call *c, PGresult *r, int i)
{
    Chiso__Phase *p = CAT_NEW(c, Chiso__Phase, chiso__phase__descriptor);
    CAT_SET(p, period_id, cs_pg_ll(r, i, 0));
    p->phase = (char *)cat_val(c, r, i, 1);
    CAT_SET(p, opens_at, cs_pg_ll(r, i, 2));
    CAT_SET(p, closes_at, cs_pg_ll(r, i, 3));
    return p;
}

static Chiso__Extension *s_ext(cs_call *c, PGresult *r, int i)
{
    Chiso__Extension *x = CAT_NEW(c, Chiso__Extension, chiso__extension__descriptor);
    CAT_SET(x, period_id, cs_pg_ll(r, i, 0));
    CAT_SET(x, agency_id, cs_pg_ll(r, i, 1));
    x->phase = (char *)cat_val(c, r, i, 2);
    CAT_SET(x, closes_at, cs_pg_ll(r, i, 3));
    x->reason = (char *)cat_val(c, r, i, 4);
    CAT_SET(x, granted_by, cs_pg_ll(r, i, 5));
    CAT_SET(x, granted_at, cs_pg_ll(r, i, 6));
    return x;
}

/* The period row, or NULL with 404 (another province's period does not exist here). */
static PGresult *s_period_get(cs_call *c, long long id)
{
    const char *p[] = {cs_call_int(c, id)};
    PGresult *r = cs_call_exec(c, "SELECT " PERIOD_COLS " FROM catalog.periods WHERE id = $1", 1, p);
    if (r && PQntuples(r) == 0) {
        cs_err_not_found(cs_call_err(c), "period");
        return NULL;
    }
    return r;
}

/* {"reminders": {"lead_days": [7, 3, 1]}}: 1 to 10 distinct whole days, 1 to 90 each
 * (catalog.reminder_lead_days reads it; absent: 7, 3, 1). */
static int s_check_reminders(const json_t *r, cs_err *e)
{
    if (!r)
        return 0;
    const json_t *days = json_is_object(r) ? json_object_get(r, "lead_days") : NULL;
    size_t n = json_array_size(days);
    bool ok = json_is_object(r) && json_object_size(r) == 1 && json_is_array(days) && n >= 1 &&
              n <= 10;
    for (size_t i = 0; ok && i < n; i++) {
        const json_t *d = json_array_get(days, i);
        ok = json_is_integer(d) && json_integer_value(d) >= 1 && json_integer_value(d) <= 90;
        for (size_t k = 0; ok && k < i; k++)
            ok = json_integer_value(json_array_get(days, k)) != json_integer_value(d);
    }
    if (ok)
        return 0;
    return cs_err_set(e, 400, "invalid_config", "reminders.lead_days",
                      "reminders.lead_days phải là danh sách 1–10 số ngày khác nhau, từ 1 đến 90.%s",
                      "reminders.lead_days must be a list of 1-10 distinct days, 1 to 90.%s", "");
}

/* A configuration must be a JSON object that ranking can read: checked when it is set (a
 * quota of 120 % is a 400 here, not an error when results are read), by ranking's own
 * parser (rank_data_config, linked in: SVC_USES_catalog in the Makefile). */
static int s_check_config(cs_call *c, const char *config)
{
    cs_err *e = cs_call_err(c);
    json_error_t je;
    json_t *j = json_loads(config, JSON_REJECT_DUPLICATES, &je);
    if (!j)
        return cs_err_set(e, 400, "invalid_config", "config", "Cấu hình không phải JSON hợp lệ.%s",
                          "The configuration is not valid JSON.%s", "");
    if (!json_is_object(j)) {
        json_decref(j);
        return cs_err_set(e, 400, "invalid_config", "config",
                          "Cấu hình phải là một đối tượng JSON.%s",
                          "The configuration must be a JSON object.%s", "");
    }
    rank_config cfg;
    int rc = rank_data_config(j, &cfg, e);
    if (rc == 0)
        rc = s_check_reminders(json_object_get(j, "reminders"), e);
    json_decref(j);
    return rc;
}

/* The default schedule of seed 002 (Decision 02050/QĐ-UBND) for a period of year y, in the
 * province's time zone. Which phase runs when is the decree's; the opening of the
 * self-assessment and survey (1/11) and the appeal window (to 15/01) are this system's
 * defaults. */
static int s_default_phases(cs_call *c, long long period_id, int year)
{
    static const struct { const char *phase; int m1, d1, m2, d2; } sched[] = {
        {"self_assessment", 11, 1, 12, 15}, {"survey", 11, 1, 12, 15},
        {"appraisal_1", 12, 15, 12, 19}, {"explanation", 12, 19, 12, 21},
        {"appraisal_2", 12, 21, 12, 25}, {"leadership", 12, 15, 12, 25},
        {"publication", 12, 25, 12, 31}, {"appeal", 12, 31, 13, 15},
    };
    for (size_t i = 0; i < sizeof sched / sizeof sched[0]; i++) {
        bool next = sched[i].m2 == 13;
        const char *p[9] = {cs_call_int(c, cs_call_province(c)), cs_call_int(c, period_id),
                            sched[i].phase, cs_call_int(c, year), cs_call_int(c, sched[i].m1),
                            cs_call_int(c, sched[i].d1), cs_call_int(c, next ? year + 1 : year),
                            cs_call_int(c, next ? 1 : sched[i].m2), cs_call_int(c, sched[i].d2)};
        if (!cs_call_exec(c,
                "INSERT INTO catalog.phases (province_id, period_id, phase, opens_at, closes_at)"
                " SELECT $1, $2, $3, make_timestamptz($4::int, $5::int, $6::int, 0, 0, 0, pr.time_zone),"
                "        make_timestamptz($7::int, $8::int, $9::int, 0, 0, 0, pr.time_zone)"
                "   FROM catalog.provinces pr WHERE pr.id = $1", 9, p))
            return -1;
    }
    return 0;
}

int cat_CreatePeriod(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Period *rq = (const Chiso__Period *)in;
    cs_err *e = cs_call_err(c);
    if (cat_need_padmin(c) < 0)
        return -1;
    if (cat_need_str(c, rq->code, "code") < 0 || cat_need_str(c, rq->name, "name") < 0)
        return -1;
    if (strlen(rq->code) > 32)
        return cs_err_invalid(e, "code", "mã dài quá 32 ký tự", "the code is longer than 32 characters");
    if (!rq->has_year || rq->year < 2000 || rq->year > 2100)
        return cs_err_set(e, 400, "invalid_input", "year", "Năm phải từ 2000 đến 2100.%s",
                          "The year must be 2000 to 2100.%s", "");
    const char *config = rq->config && rq->config[0] ? rq->config : "{}";
    /* The configuration must be a JSON object; a syntax error is a 400 from PostgreSQL. */
    const char *pj[] = {config};
    PGresult *r = cs_call_exec(c, "SELECT jsonb_typeof($1::jsonb) = 'object'", 1, pj);
    if (!r) {
        cs_err_set(e, 400, "invalid_config", "config", "Cấu hình không phải JSON hợp lệ.%s",
                   "The configuration is not valid JSON.%s", "");
        return -1;
    }
    if (!cs_pg_bool(r, 0, 0))
        return cs_err_set(e, 400, "invalid_config", "config",
                          "Cấu hình phải là một đối tượng JSON.%s",
                          "The configuration must be a JSON object.%s", "");
    if (s_check_config(c, config) < 0)
        return -1;
    const char *p[] = {cs_call_int(c, cs_call_province(c)), rq->code, rq->name,
                       cs_call_int(c, rq->year), config};
    r = cs_call_exec(c, "INSERT INTO catalog.periods (province_id, code, name, year, config)"
                        " VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING " PERIOD_COLS, 5, p);
    if (!r) {
        if (e->status == 409)
            cs_err_set(e, 409, "duplicate_code", "code", "Mã kỳ đánh giá «%s» đã có.",
                       "The period code \"%s\" already exists.", rq->code);
        return -1;
    }
    Chiso__Period *o = s_period(c, r, 0);
    if (cs_call_audit(c, "period", o->id, "create", NULL,
                      cat_json(c, "code", o->code, "name", o->name, "config", o->config, NULL),
                      NULL) < 0)
        return -1;
    if (rq->has_default_phases && rq->default_phases) {
        if (s_default_phases(c, o->id, rq->year) < 0)
            return -1;
        const char *pp[] = {cs_call_int(c, o->id)};
        r = cs_call_exec(c, "SELECT " PHASE_COLS " FROM catalog.phases WHERE period_id = $1"
                            " ORDER BY opens_at, phase", 1, pp);
        if (!r)
            return -1;
        o->n_phases = (size_t)PQntuples(r);
        o->phases = (Chiso__Phase **)cs_call_array(c, o->n_phases);
        for (size_t i = 0; i < o->n_phases; i++)
            o->phases[i] = s_phase(c, r, (int)i);
        if (cs_call_audit(c, "period", o->id, "default_phases", NULL,
                          cat_json(c, "year", cs_call_int(c, rq->year), NULL), NULL) < 0)
            return -1;
    }
    *out = &o->base;
    return 0;
}

int cat_SetPeriodConfig(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__SetPeriodConfigRequest *rq = (const Chiso__SetPeriodConfigRequest *)in;
    cs_err *e = cs_call_err(c);
    if (cat_need_padmin(c) < 0)
        return -1;
    PGresult *r = s_period_get(c, rq->period_id);
    if (!r)
        return -1;
    const char *old = cat_val(c, r, 0, 4);
    const char *config = rq->config && rq->config[0] ? rq->config : "{}";
    if (s_check_config(c, config) < 0)
        return -1;
    const char *p[] = {cs_call_int(c, rq->period_id), config};
    /* Editable until publication: a published snapshot was computed with this one. */
    r = cs_call_exec(c, "SELECT EXISTS (SELECT 1 FROM ranking.snapshots WHERE period_id = $1)",
                     1, p);
    if (!r)
        return -1;
    if (cs_pg_bool(r, 0, 0))
        return cs_err_conflict(e, "period_published",
                               "Kết quả kỳ đánh giá đã được công bố: không thể sửa cấu hình.",
                               "The period's results are published: its configuration cannot change.");
    r = cs_call_exec(c, "UPDATE catalog.periods SET config = $2::jsonb WHERE id = $1"
                        " RETURNING " PERIOD_COLS, 2, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(e, "period");
    Chiso__Period *o = s_period(c, r, 0);
    if (cs_call_audit(c, "period", o->id, "set_config", cat_json(c, "config", old, NULL),
                      cat_json(c, "config", o->config, NULL), NULL) < 0)
        return -1;
    *out = &o->base;
    return 0;
}

int cat_ListPeriods(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__ListPeriodsRequest *rq = (const Chiso__ListPeriodsRequest *)in;
    if (cat_need_province(c) < 0)
        return -1;
    const char *p[] = {rq->has_year && rq->year ? cs_call_int(c, rq->year) : NULL};
    PGresult *r = cs_call_exec(c, "SELECT " PERIOD_COLS " FROM catalog.periods"
                                  " WHERE ($1::int IS NULL OR year = $1) ORDER BY year DESC, code",
                               1, p);
    if (!r)
        return -1;
    Chiso__PeriodList *o = CAT_NEW(c, Chiso__PeriodList, chiso__period_list__descriptor);
    CAT_ROWS(c, o, items, r, s_period);
    *out = &o->base;
    return 0;
}

int cat_GetPeriod(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__CatalogGetRequest *rq = (const Chiso__CatalogGetRequest *)in;
    if (cat_need_province(c) < 0)
        return -1;
    PGresult *r = s_period_get(c, rq->id);
    if (!r)
        return -1;
    Chiso__Period *o = s_period(c, r, 0);
    const char *p[] = {cs_call_int(c, rq->id)};
    r = cs_call_exec(c, "SELECT period_id, group_code, index_set_id FROM catalog.period_index_sets"
                        " WHERE period_id = $1 ORDER BY group_code", 1, p);
    if (!r)
        return -1;
    o->n_index_sets = (size_t)PQntuples(r);
    o->index_sets = (Chiso__PeriodIndexSet **)cs_call_array(c, o->n_index_sets);
    for (size_t i = 0; i < o->n_index_sets; i++) {
        Chiso__PeriodIndexSet *x = CAT_NEW(c, Chiso__PeriodIndexSet,
                                           chiso__period_index_set__descriptor);
        CAT_SET(x, period_id, cs_pg_ll(r, (int)i, 0));
        x->group_code = (char *)cat_val(c, r, (int)i, 1);
        CAT_SET(x, index_set_id, cs_pg_ll(r, (int)i, 2));
        o->index_sets[i] = x;
    }
    r = cs_call_exec(c, "SELECT " PHASE_COLS " FROM catalog.phases WHERE period_id = $1"
                        " ORDER BY opens_at, phase", 1, p);
    if (!r)
        return -1;
    o->n_phases = (size_t)PQntuples(r);
    o->phases = (Chiso__Phase **)cs_call_array(c, o->n_phases);
    for (size_t i = 0; i < o->n_phases; i++)
        o->phases[i] = s_phase(c, r, (int)i);
    *out = &o->base;
    return 0;
}

int cat_SetPeriodIndexSet(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__SetPeriodIndexSetRequest *rq = (const Chiso__SetPeriodIndexSetRequest *)in;
    cs_err *e = cs_call_err(c);
    if (cat_need_padmin(c) < 0)
        return -1;
    if (!s_period_get(c, rq->period_id))
        return -1;
    if (cat_need_str(c, rq->group_code, "group_code") < 0)
        return -1;
    const char *pg[] = {rq->group_code};
    PGresult *r = cs_call_exec(c, "SELECT 1 FROM catalog.agency_groups WHERE code = $1", 1, pg);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(e, "agency group");
    const char *ps[] = {cs_call_int(c, rq->index_set_id)};
    r = cs_call_exec(c, "SELECT group_code, code FROM catalog.index_sets WHERE id = $1 FOR UPDATE",
                     1, ps);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(e, "index set");
    if (strcmp(PQgetvalue(r, 0, 0), rq->group_code) != 0)
        return cs_err_set(e, 400, "group_mismatch", "index_set_id",
                          "Bộ chỉ số «%s» dành cho nhóm «%s», không phải nhóm «%s».",
                          "The index set \"%s\" is for group \"%s\", not \"%s\".",
                          PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 0), rq->group_code);
    const char *pid = cs_call_int(c, rq->period_id);
    const char *pold[] = {pid, rq->group_code};
    r = cs_call_exec(c, "SELECT index_set_id FROM catalog.period_index_sets"
                        " WHERE period_id = $1 AND group_code = $2", 2, pold);
    if (!r)
        return -1;
    const char *old = PQntuples(r) ? cat_val(c, r, 0, 0) : NULL;
    /* The group -> index set mapping is locked once the self-assessment has opened: the
     * agencies are scoring against it. */
    r = cs_call_exec(c, "SELECT 1 FROM catalog.phases WHERE period_id = $1"
                        " AND phase = 'self_assessment' AND opens_at <= now()", 1, pold);
    if (!r)
        return -1;
    if (PQntuples(r) > 0)
        return cs_err_conflict(e, "index_sets_locked",
                               "Giai đoạn tự đánh giá đã mở: không thể đổi bộ chỉ số của nhóm.",
                               "The self-assessment has opened: a group's index set cannot change.");
    const char *p[] = {cs_call_int(c, cs_call_province(c)), pid, rq->group_code,
                       cs_call_int(c, rq->index_set_id)};
    if (!cs_call_exec(c,
            "INSERT INTO catalog.period_index_sets (province_id, period_id, group_code, index_set_id)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT (period_id, group_code)"
            " DO UPDATE SET index_set_id = EXCLUDED.index_set_id", 4, p))
        return -1;
    /* From now on the period is scored against exactly this version. */
    if (!cs_call_exec(c, "UPDATE catalog.index_sets SET frozen = true WHERE id = $1", 1, ps))
        return -1;
    if (cs_call_audit(c, "period", rq->period_id, "set_index_set",
                      old ? cat_json(c, "group_code", rq->group_code, "index_set_id", old, NULL) : NULL,
                      cat_json(c, "group_code", rq->group_code,
                               "index_set_id", cs_call_int(c, rq->index_set_id), NULL), NULL) < 0)
        return -1;
    Chiso__PeriodIndexSet *o = CAT_NEW(c, Chiso__PeriodIndexSet, chiso__period_index_set__descriptor);
    CAT_SET(o, period_id, rq->period_id);
    o->group_code = cs_call_strdup(c, rq->group_code);
    CAT_SET(o, index_set_id, rq->index_set_id);
    *out = &o->base;
    return 0;
}

static int s_bad_phase(cs_call *c, const char *phase)
{
    return cs_err_set(cs_call_err(c), 400, "invalid_phase", "phase",
                      "Giai đoạn «%s» không hợp lệ.", "Invalid phase \"%s\".", phase ? phase : "");
}

int cat_SetPhase(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__SetPhaseRequest *rq = (const Chiso__SetPhaseRequest *)in;
    cs_err *e = cs_call_err(c);
    if (cat_need_padmin(c) < 0)
        return -1;
    if (!s_period_get(c, rq->period_id))
        return -1;
    if (!cs_phase_valid(rq->phase))
        return s_bad_phase(c, rq->phase);
    if (!rq->has_opens_at || !rq->has_closes_at)
        return cs_err_set(e, 400, "required", rq->has_opens_at ? "closes_at" : "opens_at",
                          "Cần cả thời điểm mở và đóng (opens_at, closes_at).%s",
                          "Both opens_at and closes_at are required.%s", "");
    if (cs_time_check(e, "opens_at", rq->opens_at) < 0 ||
        cs_time_check(e, "closes_at", rq->closes_at) < 0)
        return -1;
    if (rq->opens_at >= rq->closes_at)
        return cs_err_set(e, 400, "invalid_window", "closes_at",
                          "Thời điểm đóng phải sau thời điểm mở.%s",
                          "closes_at must be after opens_at.%s", "");
    const char *pid = cs_call_int(c, rq->period_id);
    const char *po[] = {pid, rq->phase};
    PGresult *r = cs_call_exec(c, "SELECT " PHASE_COLS " FROM catalog.phases"
                                  " WHERE period_id = $1 AND phase = $2", 2, po);
    if (!r)
        return -1;
    const char *old = NULL;
    if (PQntuples(r))
        old = cat_json(c, "opens_at", PQgetvalue(r, 0, 2), "closes_at", PQgetvalue(r, 0, 3), NULL);
    const char *p[] = {cs_call_int(c, cs_call_province(c)), pid, rq->phase,
                       cs_call_int(c, rq->opens_at), cs_call_int(c, rq->closes_at)};
    r = cs_call_exec(c,
        "INSERT INTO catalog.phases (province_id, period_id, phase, opens_at, closes_at)"
        " VALUES ($1, $2, $3, to_timestamp($4), to_timestamp($5))"
        " ON CONFLICT (period_id, phase) DO UPDATE SET opens_at = EXCLUDED.opens_at,"
        "   closes_at = EXCLUDED.closes_at RETURNING " PHASE_COLS, 5, p);
    if (!r)
        return -1;
    Chiso__Phase *o = s_phase(c, r, 0);
    if (cs_call_audit(c, "phase", rq->period_id, old ? "update" : "create", old,
                      cat_json(c, "phase", rq->phase,
                               "opens_at", cs_call_int(c, rq->opens_at),
                               "closes_at", cs_call_int(c, rq->closes_at), NULL), NULL) < 0)
        return -1;
    *out = &o->base;
    return 0;
}

int cat_ListPhases(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__ListPhasesRequest *rq = (const Chiso__ListPhasesRequest *)in;
    if (cat_need_province(c) < 0)
        return -1;
    if (!s_period_get(c, rq->period_id))
        return -1;
    const char *p[] = {cs_call_int(c, rq->period_id)};
    PGresult *r = cs_call_exec(c, "SELECT " PHASE_COLS " FROM catalog.phases WHERE period_id = $1"
                                  " ORDER BY opens_at, phase", 1, p);
    if (!r)
        return -1;
    Chiso__PhaseList *o = CAT_NEW(c, Chiso__PhaseList, chiso__phase_list__descriptor);
    CAT_ROWS(c, o, items, r, s_phase);
    /* Agency users see their own agency's extensions only. */
    long long own = cat_reads_all(c) ? 0 : cs_call_agency(c);
    bool all = cat_reads_all(c) || cs_call_has_role(c, "appraiser") || cs_call_has_role(c, "leader");
    const char *px[] = {p[0], all ? NULL : cs_call_int(c, own)};
    r = cs_call_exec(c, "SELECT " EXT_COLS " FROM catalog.phase_extensions WHERE period_id = $1"
                        " AND ($2::bigint IS NULL OR agency_id = $2) ORDER BY phase, agency_id", 2, px);
    if (!r)
        return -1;
    o->n_extensions = (size_t)PQntuples(r);
    o->extensions = (Chiso__Extension **)cs_call_array(c, o->n_extensions);
    for (size_t i = 0; i < o->n_extensions; i++)
        o->extensions[i] = s_ext(c, r, (int)i);
    *out = &o->base;
    return 0;
}

int cat_GrantExtension(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__GrantExtensionRequest *rq = (const Chiso__GrantExtensionRequest *)in;
    cs_err *e = cs_call_err(c);
    if (cat_need_padmin(c) < 0)
        return -1;
    if (!s_period_get(c, rq->period_id))
        return -1;
    const char *pa[] = {cs_call_int(c, rq->agency_id)};
    PGresult *r = cs_call_exec(c, "SELECT 1 FROM catalog.agencies WHERE id = $1", 1, pa);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(e, "agency");
    if (!cs_phase_valid(rq->phase))
        return s_bad_phase(c, rq->phase);
    if (cat_need_str(c, rq->reason, "reason") < 0)
        return -1;
    if (!rq->has_closes_at)
        return cat_need_str(c, NULL, "closes_at");
    if (rq->has_closes_at && cs_time_check(e, "closes_at", rq->closes_at) < 0)
        return -1;
    const char *pid = cs_call_int(c, rq->period_id);
    const char *pp[] = {pid, rq->phase};
    r = cs_call_exec(c, "SELECT extract(epoch FROM closes_at)::bigint FROM catalog.phases"
                        " WHERE period_id = $1 AND phase = $2", 2, pp);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_phase_not_scheduled(e, rq->phase);
    if (rq->closes_at <= cs_pg_ll(r, 0, 0))
        return cs_err_set(e, 400, "invalid_extension", "closes_at",
                          "Hạn gia hạn phải sau thời điểm đóng của giai đoạn.%s",
                          "An extension must end after the phase closes.%s", "");
    const char *pk[] = {pid, rq->phase, pa[0]};
    r = cs_call_exec(c, "SELECT " EXT_COLS " FROM catalog.phase_extensions"
                        " WHERE period_id = $1 AND phase = $2 AND agency_id = $3", 3, pk);
    if (!r)
        return -1;
    const char *old = PQntuples(r) ? cat_json(c, "closes_at", PQgetvalue(r, 0, 3),
                                              "reason", PQgetvalue(r, 0, 4), NULL)
                                   : NULL;
    const char *p[] = {cs_call_int(c, cs_call_province(c)), pid, rq->phase, pa[0],
                       cs_call_int(c, rq->closes_at), rq->reason, cs_call_int(c, cs_call_user(c))};
    r = cs_call_exec(c,
        "INSERT INTO catalog.phase_extensions"
        " (province_id, period_id, phase, agency_id, closes_at, reason, granted_by)"
        " VALUES ($1, $2, $3, $4, to_timestamp($5), $6, $7)"
        " ON CONFLICT (period_id, phase, agency_id) DO UPDATE SET closes_at = EXCLUDED.closes_at,"
        "   reason = EXCLUDED.reason, granted_by = EXCLUDED.granted_by, granted_at = now()"
        " RETURNING " EXT_COLS, 7, p);
    if (!r)
        return -1;
    Chiso__Extension *o = s_ext(c, r, 0);
    if (cs_call_audit(c, "phase_extension", rq->agency_id, old ? "update" : "grant", old,
                      cat_json(c, "period_id", pid, "phase", rq->phase,
                               "closes_at", cs_call_int(c, rq->closes_at), NULL),
                      rq->reason) < 0)
        return -1;
    *out = &o->base;
    return 0;
}

int cat_ListAudit(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__ListAuditRequest *rq = (const Chiso__ListAuditRequest *)in;
    if (cat_need_province(c) < 0)
        return -1;
    if (!cat_reads_all(c))
        return cs_err_forbidden(cs_call_err(c));
    int limit = rq->has_limit && rq->limit > 0 ? rq->limit : 100;
    if (limit > 1000)
        limit = 1000;
    const char *p[] = {rq->entity && rq->entity[0] ? rq->entity : NULL,
                       rq->has_entity_id ? cs_call_int(c, rq->entity_id) : NULL,
                       cs_call_int(c, limit)};
    PGresult *r = cs_call_exec(c,
        "SELECT id, extract(epoch FROM at)::bigint, user_id, login, service, entity, entity_id,"
        "       action, old_value::text, new_value::text, reason FROM core.audit"
        " WHERE ($1::text IS NULL OR entity = $1) AND ($2::bigint IS NULL OR entity_id = $2)"
        " ORDER BY id DESC LIMIT $3", 3, p);
    if (!r)
        return -1;
    Chiso__AuditList *o = CAT_NEW(c, Chiso__AuditList, chiso__audit_list__descriptor);
    o->n_items = (size_t)PQntuples(r);
    o->items = (Chiso__AuditEntry **)cs_call_array(c, o->n_items);
    for (size_t i = 0; i < o->n_items; i++) {
        int k = (int)i;
        Chiso__AuditEntry *a = CAT_NEW(c, Chiso__AuditEntry, chiso__audit_entry__descriptor);
        CAT_SET(a, id, cs_pg_ll(r, k, 0));
        CAT_SET(a, at, cs_pg_ll(r, k, 1));
        CAT_SET(a, user_id, cs_pg_ll(r, k, 2));
        a->login = (char *)cat_val(c, r, k, 3);
        a->service = (char *)cat_val(c, r, k, 4);
        a->entity = (char *)cat_val(c, r, k, 5);
        if (!PQgetisnull(r, k, 6))
            CAT_SET(a, entity_id, cs_pg_ll(r, k, 6));
        a->action = (char *)cat_val(c, r, k, 7);
        a->old_value = (char *)cat_val(c, r, k, 8);
        a->new_value = (char *)cat_val(c, r, k, 9);
        a->reason = (char *)cat_val(c, r, k, 10);
        o->items[i] = a;
    }
    *out = &o->base;
    return 0;
}
