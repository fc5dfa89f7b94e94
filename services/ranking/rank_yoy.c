/*  rank_yoy: see rank_yoy.h. */
#include "rank_yoy.h"

#include <stdlib.h>
#include <string.h>
#include "rank_rpc.h"
#include "ranking.pb-c.h"

/* The period and the province's earlier ones (earlier years), oldest first. */
static const char SQL_PERIODS[] =
    "SELECT p.id, p.code, p.year FROM catalog.periods p, catalog.periods t"
    " WHERE t.id = $1 AND (p.year < t.year OR p.id = t.id)"
    " ORDER BY p.year, p.id";

#define MAX_PERIODS 32      /* the comparison keeps the latest ones */

typedef struct {
    rank_report_yoy_agency *agencies;
    rank_report_yoy_cell **cells;
    size_t n, cap;
} s_acc;

/* The row of agency code, created (with n_periods empty cells) when new. */
static size_t s_agency(cs_call *c, s_acc *acc, const char *code, const char *name,
                       size_t n_periods)
{
    for (size_t i = 0; i < acc->n; i++)
        if (strcmp(acc->agencies[i].code, code) == 0)
            return i;       /* periods come newest first: the name is the latest one */
    if (acc->n == acc->cap) {
        size_t cap = acc->cap ? acc->cap * 2 : 64;
        rank_report_yoy_agency *a = cs_call_alloc(c, cap * sizeof *a);
        rank_report_yoy_cell **cl = cs_call_alloc(c, cap * sizeof *cl);
        if (acc->n) {
            memcpy(a, acc->agencies, acc->n * sizeof *a);
            memcpy(cl, acc->cells, acc->n * sizeof *cl);
        }
        acc->agencies = a;
        acc->cells = cl;
        acc->cap = cap;
    }
    acc->cells[acc->n] = cs_call_alloc(c, n_periods * sizeof **acc->cells);
    acc->agencies[acc->n] = (rank_report_yoy_agency){.code = cs_call_strdup(c, code),
                                                     .name = cs_call_strdup(c, name),
                                                     .cells = acc->cells[acc->n]};
    return acc->n++;
}

int rank_yoy_collect(cs_call *c, long long period_id, const char *group, rank_report_yoy *out)
{
    memset(out, 0, sizeof *out);
    const char *params[1] = {cs_call_int(c, period_id)};
    PGresult *pr = cs_call_exec(c, SQL_PERIODS, 1, params);
    if (!pr)
        return -1;
    int np = PQntuples(pr);
    if (np == 0)
        return cs_err_not_found(cs_call_err(c), "period");
    int first = np > MAX_PERIODS ? np - MAX_PERIODS : 0;
    size_t n_periods = (size_t)(np - first);
    const char **labels = cs_call_alloc(c, n_periods * sizeof *labels);
    s_acc acc = {0};
    /* Newest first, so the agencies come in the requested period's ranking order. */
    for (int k = np - 1; k >= first; k--) {
        size_t pk = (size_t)(k - first);
        labels[pk] = cs_call_printf(c, "%s (%s)", PQgetvalue(pr, k, 2), PQgetvalue(pr, k, 1));
        rank_data *d = NULL;
        rank_outcome *o = NULL;
        if (rank_rpc_load_sums(c, atoll(PQgetvalue(pr, k, 0)), group, 0, &d, &o) < 0)
            return -1;
        for (size_t g = 0; g < o->n_groups; g++)
            for (size_t i = 0; i < o->groups[g].n; i++) {
                const rank_result *r = &o->groups[g].agencies[i];
                const rank_data_agency *a = &d->agencies[r->input];
                size_t row = s_agency(c, &acc, a->code, a->name, n_periods);
                acc.cells[row][pk] = (rank_report_yoy_cell){
                    .present = true, .rank = r->rank, .quality_pct = r->quality_pct,
                    .cchc_pct = r->cchc_pct, .band = cs_call_strdup(c, r->band)};
            }
        rank_data_destroy(&d);
        rank_outcome_destroy(&o);
    }
    out->period_labels = labels;
    out->n_periods = n_periods;
    out->agencies = acc.agencies;
    out->n_agencies = acc.n;
    return 0;
}

static bool s_sees_province(cs_call *c)
{
    return cs_call_province(c) > 0 &&
           (cs_call_has_role(c, "province_admin") || cs_call_has_role(c, "viewer") ||
            cs_call_has_role(c, "leader"));
}

int rank_rpc_year_over_year(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Ranking__YoyRequest *req = (const void *)in;
    if (!s_sees_province(c))
        return cs_err_forbidden(cs_call_err(c));
    if (!req->has_period_id || req->period_id <= 0)
        return cs_err_invalid(cs_call_err(c), "period_id", "thiếu mã kỳ đánh giá",
                              "period_id is required");
    const char *group = req->group_code && *req->group_code ? req->group_code : NULL;
    rank_report_yoy y;
    if (rank_yoy_collect(c, req->period_id, group, &y) < 0)
        return -1;
    Chiso__Ranking__YoyReply *rep = (void *)cs_call_msg(c, &chiso__ranking__yoy_reply__descriptor);
    rep->n_periods = y.n_periods;
    rep->periods = cs_call_alloc(c, y.n_periods * sizeof *rep->periods);
    for (size_t k = 0; k < y.n_periods; k++)
        rep->periods[k] = (char *)y.period_labels[k];
    rep->n_agencies = y.n_agencies;
    rep->agencies = (void *)cs_call_array(c, y.n_agencies ? y.n_agencies : 1);
    for (size_t i = 0; i < y.n_agencies; i++) {
        const rank_report_yoy_agency *a = &y.agencies[i];
        Chiso__Ranking__YoyAgency *am =
            (void *)cs_call_msg(c, &chiso__ranking__yoy_agency__descriptor);
        am->code = (char *)a->code;
        am->name = (char *)a->name;
        am->periods = (void *)cs_call_array(c, y.n_periods);
        Chiso__Ranking__YoyPoint *prev = NULL;
        for (size_t k = 0; k < y.n_periods; k++) {
            const rank_report_yoy_cell *cell = &a->cells[k];
            if (!cell->present)
                continue;
            Chiso__Ranking__YoyPoint *p =
                (void *)cs_call_msg(c, &chiso__ranking__yoy_point__descriptor);
            p->period = (char *)y.period_labels[k];
            p->has_rank = true;
            p->rank = cell->rank;
            p->band = (char *)cell->band;
            p->has_quality_pct = true;
            p->quality_pct = cell->quality_pct;
            p->has_cchc_pct = true;
            p->cchc_pct = cell->cchc_pct;
            if (prev) {     /* the change since the agency's previous period */
                p->has_quality_change = p->has_cchc_change = p->has_rank_change = true;
                p->quality_change = p->quality_pct - prev->quality_pct;
                p->cchc_change = p->cchc_pct - prev->cchc_pct;
                p->rank_change = prev->rank - p->rank;
            }
            am->periods[am->n_periods++] = p;
            prev = p;
        }
        rep->agencies[i] = am;
    }
    *out = (ProtobufCMessage *)rep;
    return 0;
}
