/*  rank_published: see rank_published.h. */
#include "rank_published.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_pg.h"
#include "cs_points.h"
#include "rank_snapshot.h"

int rank_published_load(cs_call *c, long long period_id, rank_published *p)
{
    p->view = NULL;
    p->groups = NULL;
    const char *params[1] = {cs_call_int(c, period_id)};
    /* every version's identity; the document of the latest only */
    PGresult *r = cs_call_exec(c,
        "SELECT s.version, s.sha256, extract(epoch FROM s.published_at)::bigint, pr.code,"
        "       CASE WHEN s.version = max(s.version) OVER ()"
        "            THEN convert_from(s.document, 'UTF8') END"
        "  FROM ranking.snapshots s JOIN catalog.provinces pr ON pr.id = s.province_id"
        " WHERE s.period_id = $1 ORDER BY s.version", 1, params);
    if (!r)
        return -1;
    int n = PQntuples(r);
    if (n == 0)
        return 0;
    Chiso__Ranking__PublishedView *v =
        (void *)cs_call_msg(c, &chiso__ranking__published_view__descriptor);
    v->versions = (void *)cs_call_array(c, (size_t)n);
    for (int i = 0; i < n; i++) {
        Chiso__Ranking__PublicVersion *pv =
            (void *)cs_call_msg(c, &chiso__ranking__public_version__descriptor);
        pv->has_version = pv->has_published_at = true;
        pv->version = (int32_t)cs_pg_ll(r, i, 0);
        pv->sha256 = cs_call_strdup(c, PQgetvalue(r, i, 1));
        pv->published_at = cs_pg_ll(r, i, 2);
        pv->url = cs_call_printf(c, "/api/v1/public/provinces/%s/periods/%lld/results/versions/%d",
                                 PQgetvalue(r, i, 3), period_id, pv->version);
        v->versions[v->n_versions++] = pv;
    }
    const Chiso__Ranking__PublicVersion *last = v->versions[n - 1];
    v->has_version = v->has_published_at = v->has_working_differs = true;
    v->version = last->version;
    v->sha256 = last->sha256;
    v->published_at = last->published_at;
    v->url = last->url;
    json_error_t je;
    json_t *doc = json_loads(PQgetvalue(r, n - 1, 4), 0, &je);
    json_t *groups = json_object_get(doc, "groups");
    if (!json_is_object(groups)) {
        json_decref(doc);
        return cs_err_internal(cs_call_err(c), "a published snapshot without groups");
    }
    p->groups = json_incref(groups);
    json_decref(doc);
    p->view = v;
    return 0;
}

void rank_published_free(rank_published *p)
{
    json_decref(p->groups);
    p->groups = NULL;
    p->view = NULL;
}

json_t *rank_published_agency(const rank_published *p, const char *group, const char *code)
{
    json_t *list = json_object_get(json_object_get(p->groups, group), "agencies");
    size_t i;
    json_t *a;
    json_array_foreach(list, i, a) {
        const char *c = json_string_value(json_object_get(a, "code"));
        if (c && code && strcmp(c, code) == 0)
            return a;
    }
    return NULL;
}

/* A two-decimal string of the snapshot as hundredths; false when absent or not one. */
static bool s_points(json_t *o, const char *key, int64_t *v)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && cs_points_parse(s, v) == 0;
}

Chiso__Ranking__AgencyResult *rank_published_msg(cs_call *c, json_t *a, long long agency_id)
{
    Chiso__Ranking__AgencyResult *m =
        (void *)cs_call_msg(c, &chiso__ranking__agency_result__descriptor);
    m->has_agency_id = agency_id > 0;
    m->agency_id = agency_id;
    m->code = cs_call_strdup(c, json_string_value(json_object_get(a, "code")));
    m->name = cs_call_strdup(c, json_string_value(json_object_get(a, "name")));
    m->has_rank = json_is_integer(json_object_get(a, "rank"));
    m->rank = (int32_t)json_integer_value(json_object_get(a, "rank"));
    m->has_tie_pending = true;
    m->tie_pending = json_is_true(json_object_get(a, "tie_pending"));
    m->has_total = s_points(a, "total", &m->total);
    m->has_max = s_points(a, "max", &m->max);
    m->has_quality_pct = s_points(a, "quality_pct", &m->quality_pct);
    m->has_cchc_pct = s_points(a, "cchc_pct", &m->cchc_pct);
    m->band = cs_call_strdup(c, json_string_value(json_object_get(a, "band")));
    m->cchc_band = cs_call_strdup(c, json_string_value(json_object_get(a, "cchc_band")));
    m->head_rating = cs_call_strdup(c, json_string_value(json_object_get(a, "head_rating")));
    /* late_pct: two decimals (known), "n/a" (nothing resolved) or null (no dossier data) */
    json_t *late = json_object_get(a, "late_pct");
    const char *ls = json_string_value(late);
    m->has_late_pct = ls && cs_points_parse(ls, &m->late_pct) == 0;
    m->late_state = (char *)(m->has_late_pct ? "known" : ls ? "n/a" : "unknown");
    json_t *contents = json_object_get(a, "contents");
    m->contents = (void *)cs_call_array(c, RANK_CONTENTS);
    for (int k = 0; k < RANK_CONTENTS; k++) {
        char key[4];
        snprintf(key, sizeof key, "%d", k + 1);
        Chiso__Ranking__ContentSum *cs =
            (void *)cs_call_msg(c, &chiso__ranking__content_sum__descriptor);
        cs->has_content = true;
        cs->content = k + 1;
        cs->has_value = s_points(contents, key, &cs->value);
        m->contents[m->n_contents++] = cs;
    }
    return m;
}

bool rank_published_differs(const rank_data *d, const rank_result *r, json_t *published)
{
    if (!published)
        return true;
    json_t *mine = rank_snapshot_agency(d, r);
    json_t *theirs = json_deep_copy(published);
    json_object_del(mine, "name");
    json_object_del(theirs, "name");
    bool differs = !json_equal(mine, theirs);
    json_decref(mine);
    json_decref(theirs);
    return differs;
}
