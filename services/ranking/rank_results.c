/*  rank_results: ListResults, the working results of a period as the province's overseers
 *  view them, served from rank_cache while no input of the period changed (rank_cache.h):
 *  viewing the ranking does not compute it again. A view of one group is computed. */
#include <jansson.h>
#include "rank_cache.h"
#include "rank_published.h"
#include "rank_rpc.h"
#include "ranking.pb-c.h"

/* After publication the working results say, per agency, whether they still match the
 * latest version; the view, whether anything differs (also an agency added or gone, when
 * every group is shown). */
static void s_mark_published(const rank_published *pub, const rank_data *d,
                             const rank_outcome *o, Chiso__Ranking__Results *res, bool all)
{
    size_t n_working = 0;
    bool any = false;
    for (size_t g = 0; g < o->n_groups; g++) {
        const rank_group *rg = &o->groups[g];
        for (size_t i = 0; i < rg->n; i++) {
            const rank_result *r = &rg->agencies[i];
            bool differs = rank_published_differs(
                d, r, rank_published_agency(pub, rg->group, r->code));
            Chiso__Ranking__AgencyResult *m = res->groups[g]->agencies[i];
            m->has_differs_from_published = true;
            m->differs_from_published = differs;
            any = any || differs;
            n_working++;
        }
    }
    if (all) {
        size_t n_published = 0;
        const char *k;
        json_t *v;
        json_object_foreach(pub->groups, k, v)
            n_published += json_array_size(json_object_get(v, "agencies"));
        any = any || n_published != n_working;
    }
    pub->view->working_differs = any;
}

/* The results of d/o with the published marks (all: every group shown). */
static Chiso__Ranking__Results *s_view(cs_call *c, long long period_id, const rank_data *d,
                                       const rank_outcome *o, bool all)
{
    rank_published pub;
    if (rank_published_load(c, period_id, &pub) < 0)
        return NULL;
    Chiso__Ranking__Results *res = rank_rpc_results_msg(c, d, o);
    if (pub.view)
        s_mark_published(&pub, d, o, res, all);
    res->published = pub.view;
    rank_published_free(&pub);
    return res;
}

int rank_rpc_cache_view(cs_call *c, long long period_id, const rank_data *d,
                        const rank_outcome *o)
{
    if (d->input_version < 0)
        return 0;
    /* read after the data: a publication in between makes the stored version older than
     * what it shows, so the entry is only ever missed, never served stale */
    Chiso__Ranking__Results *res = s_view(c, period_id, d, o, true);
    if (!res)
        return -1;
    rank_cache_put(cs_call_province(c), period_id, d->input_version, &res->base);
    return 0;
}

int rank_rpc_list_results(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Ranking__ResultsRequest *req = (const void *)in;
    if (!rank_rpc_sees_province(c))
        return cs_err_forbidden(cs_call_err(c));
    if (rank_rpc_period_arg(c, req->has_period_id, req->period_id) < 0)
        return -1;
    const char *group = req->group_code && *req->group_code ? req->group_code : NULL;
    if (!group) {
        long long version = rank_cache_version(c, req->period_id);
        if (version < 0)
            return -1;
        *out = rank_cache_get(c, &chiso__ranking__results__descriptor, cs_call_province(c),
                              req->period_id, version);
        if (*out)
            return 0;
    }
    rank_data *d;
    rank_outcome *o;
    if (rank_rpc_load_sums(c, req->period_id, group, 0, &d, &o) < 0)
        return -1;
    Chiso__Ranking__Results *res = s_view(c, req->period_id, d, o, !group);
    if (res && !group && d->input_version >= 0)
        rank_cache_put(cs_call_province(c), req->period_id, d->input_version, &res->base);
    rank_data_destroy(&d);
    rank_outcome_destroy(&o);
    if (!res)
        return -1;
    *out = (ProtobufCMessage *)res;
    return 0;
}
