/*  rank_report_snapshot: see rank_report.h (rank_report_from_snapshot). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "cs_points.h"
#include "rank_report.h"

struct rank_report_doc {
    json_t *root;
    rank_report_group *groups;
    rank_report_row *rows;
};

/* A points value of the document: a two-decimal string ("91.50"). */
static int s_pts(const json_t *v, int64_t *out)
{
    const char *s = json_string_value(v);
    return s && cs_points_parse(s, out) == 0 ? 0 : -1;
}

static int s_row(const json_t *a, rank_report_row *r)
{
    memset(r, 0, sizeof *r);
    r->code = json_string_value(json_object_get(a, "code"));
    r->name = json_string_value(json_object_get(a, "name"));
    r->band = json_string_value(json_object_get(a, "band"));
    r->cchc_band = json_string_value(json_object_get(a, "cchc_band"));
    r->head_rating = json_string_value(json_object_get(a, "head_rating"));
    json_t *rank = json_object_get(a, "rank");
    if (!r->code || !json_is_integer(rank) || s_pts(json_object_get(a, "total"), &r->total) ||
        s_pts(json_object_get(a, "max"), &r->max) ||
        s_pts(json_object_get(a, "quality_pct"), &r->quality_pct) ||
        s_pts(json_object_get(a, "cchc_pct"), &r->cchc_pct))
        return -1;
    r->rank = (int)json_integer_value(rank);
    r->tie_pending = json_is_true(json_object_get(a, "tie_pending"));
    json_t *late = json_object_get(a, "late_pct");
    if (late && !json_is_null(late)) {
        if (s_pts(late, &r->late_pct))
            return -1;
        r->has_late_pct = true;
    }
    json_t *contents = json_object_get(a, "contents");
    for (int k = 0; k < RANK_CONTENTS; k++) {
        char key[4] = {(char)('1' + k), 0};
        json_t *v = json_object_get(contents, key);
        if (v && s_pts(v, &r->contents[k]))
            return -1;
    }
    return 0;
}

int rank_report_from_snapshot(const char *bytes, size_t len, rank_report *rep,
                              rank_report_doc **doc_p, cs_err *e)
{
    *doc_p = NULL;
    rank_report_doc *doc = calloc(1, sizeof *doc);
    if (!doc)
        return cs_err_internal(e, "snapshot report: out of memory");
    doc->root = json_loadb(bytes, len, 0, NULL);
    json_t *groups = json_object_get(doc->root, "groups");
    if (!json_is_object(groups)) {
        rank_report_doc_destroy(&doc);
        return cs_err_internal(e, "snapshot report: not a snapshot document");
    }
    size_t n_groups = json_object_size(groups), n_rows = 0;
    const char *code;
    json_t *g;
    json_object_foreach(groups, code, g)
        n_rows += json_array_size(json_object_get(g, "agencies"));
    doc->groups = calloc(n_groups ? n_groups : 1, sizeof *doc->groups);
    doc->rows = calloc(n_rows ? n_rows : 1, sizeof *doc->rows);
    if (!doc->groups || !doc->rows) {
        rank_report_doc_destroy(&doc);
        return cs_err_internal(e, "snapshot report: out of memory");
    }
    /* Groups in code order (the document's keys are sorted: canonical JSON). */
    size_t gi = 0, ri = 0;
    json_object_foreach(groups, code, g) {
        json_t *ags = json_object_get(g, "agencies");
        rank_report_group *rg = &doc->groups[gi++];
        *rg = (rank_report_group){
            .code = code, .name = code, .rows = &doc->rows[ri], .n = json_array_size(ags),
            .good_or_better = (int)json_integer_value(json_object_get(g, "good_or_better")),
            .excellent_quota = (int)json_integer_value(json_object_get(g, "excellent_quota")),
            .publication_blocked_by_tie =
                json_is_true(json_object_get(g, "publication_blocked_by_tie"))};
        size_t i;
        json_t *a;
        json_array_foreach(ags, i, a) {
            if (s_row(a, &doc->rows[ri++]) < 0) {
                rank_report_doc_destroy(&doc);
                return cs_err_internal(e, "snapshot report: a malformed agency");
            }
        }
    }
    memset(rep, 0, sizeof *rep);
    rep->groups = doc->groups;
    rep->n_groups = n_groups;
    rep->year = (int)json_integer_value(json_object_get(doc->root, "year"));
    rep->snapshot_version = (int)json_integer_value(json_object_get(doc->root, "version"));
    *doc_p = doc;
    return 0;
}

void rank_report_doc_destroy(rank_report_doc **doc_p)
{
    rank_report_doc *doc = *doc_p;
    if (!doc)
        return;
    json_decref(doc->root);
    free(doc->groups);
    free(doc->rows);
    free(doc);
    *doc_p = NULL;
}

void rank_report_name_groups(rank_report *rep, const char *(*name_of)(void *arg, const char *code),
                             void *arg)
{
    for (size_t g = 0; g < rep->n_groups; g++) {
        rank_report_group *rg = (rank_report_group *)&rep->groups[g];
        const char *n = name_of(arg, rg->code);
        if (n)
            rg->name = n;
    }
}
