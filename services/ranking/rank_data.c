/*  rank_data: see rank_data.h. */
#include "rank_data.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cs_points.h"

static char *s_dup(const json_t *v)
{
    const char *s = json_string_value(v);
    return s ? strdup(s) : NULL;
}

static int s_bad_doc(cs_err *e, const char *what)
{
    return cs_err_internal(e, what);
}

/* A config number (integer or with up to two decimals) as hundredths. Config parsing is
 * the only place a real is accepted: it is rounded to hundredths once and checked. */
static int s_cfg_hundredths(const json_t *v, const char *key, int64_t *out, cs_err *e)
{
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        if (i < -100000000 || i > 100000000)
            goto bad;
        *out = (int64_t)i * 100;
        return 0;
    }
    if (json_is_real(v)) {
        double x = json_real_value(v) * 100.0;
        if (!isfinite(x) || fabs(x) > 1e10 || fabs(x - llround(x)) > 1e-6)
            goto bad;
        *out = (int64_t)llround(x);
        return 0;
    }
bad:
    return cs_err_set(e, 400, "invalid_config", key,
                      "Cấu hình kỳ đánh giá không hợp lệ: %s phải là số có tối đa hai chữ số thập phân.",
                      "Invalid period configuration: %s must be a number with at most two decimals.",
                      key);
}

/* 0 when `arr` is a list of 1 to RANK_MAX_BANDS bands; else 400 naming the key. */
static int s_cfg_band_list(const json_t *arr, const char *key, cs_err *e)
{
    if (json_is_array(arr) && json_array_size(arr) > 0 && json_array_size(arr) <= RANK_MAX_BANDS)
        return 0;
    return cs_err_set(e, 400, "invalid_config", key,
                      "Cấu hình kỳ đánh giá không hợp lệ: %s phải là danh sách từ 1 đến 8 mức.",
                      "Invalid period configuration: %s must be a list of 1 to 8 bands.", key);
}

/* A band's code (1 to 31 bytes), or NULL with 400 naming the key. Quality bands and heads'
 * bands share the bound. */
_Static_assert(RANK_CODE_LEN == RANK_HEAD_CODE_LEN, "band codes share one length bound");
static const char *s_cfg_band_code(const json_t *band, const char *key, cs_err *e)
{
    const char *code = json_string_value(json_object_get(band, "code"));
    if (code && *code && strlen(code) < RANK_CODE_LEN)
        return code;
    cs_err_set(e, 400, "invalid_config", key,
               "Cấu hình kỳ đánh giá không hợp lệ: mỗi mức của %s cần mã (tối đa 31 ký tự).",
               "Invalid period configuration: every band of %s needs a code (at most 31 characters).",
               key);
    return NULL;
}

static int s_cfg_bands(const json_t *arr, const char *key, bool quality, rank_band *bands,
                       size_t *n, cs_err *e)
{
    if (s_cfg_band_list(arr, key, e) != 0)
        return -1;
    size_t i;
    json_t *b;
    json_array_foreach(arr, i, b) {
        const char *code = s_cfg_band_code(b, key, e);
        if (!code)
            return -1;
        rank_band *out = &bands[i];
        memset(out, 0, sizeof *out);
        strcpy(out->code, code);
        json_t *min = json_object_get(b, "min_pct");
        if (min && s_cfg_hundredths(min, key, &out->min_pct, e) < 0)
            return -1;
        if (quality) {
            out->not_disciplined = json_is_true(json_object_get(b, "not_disciplined"));
            out->quota = json_is_true(json_object_get(b, "quota"));
            out->good_or_better = json_is_true(json_object_get(b, "good_or_better"));
        }
    }
    *n = json_array_size(arr);
    return 0;
}

/* The heads' rating scheme: [{"code", "min_pct", "late_below_pct", "required"}]; a band
 * without late_below_pct has no late-rate condition. */
static int s_cfg_head_bands(const json_t *arr, rank_config *cfg, cs_err *e)
{
    const char *key = "ranking.head_bands";
    if (s_cfg_band_list(arr, key, e) != 0)
        return -1;
    size_t i;
    json_t *b;
    json_array_foreach(arr, i, b) {
        const char *code = s_cfg_band_code(b, key, e);
        if (!code)
            return -1;
        rank_head_band *h = &cfg->head_bands[i];
        memset(h, 0, sizeof *h);
        strcpy(h->code, code);
        json_t *v;
        if ((v = json_object_get(b, "min_pct")) && s_cfg_hundredths(v, key, &h->min_pct, e) < 0)
            return -1;
        if ((v = json_object_get(b, "late_below_pct"))) {
            h->late_rule = true;
            if (s_cfg_hundredths(v, key, &h->late_below_pct, e) < 0)
                return -1;
        }
        h->required = json_is_true(json_object_get(b, "required"));
    }
    cfg->n_head_bands = json_array_size(arr);
    return 0;
}

int rank_data_config(const json_t *config, rank_config *cfg, cs_err *e)
{
    rank_config_default(cfg);
    const json_t *r = json_object_get(config, "ranking");
    if (!r)
        return 0;
    if (!json_is_object(r))
        return cs_err_set(e, 400, "invalid_config", "ranking",
                          "Cấu hình kỳ đánh giá không hợp lệ: %s phải là đối tượng JSON.",
                          "Invalid period configuration: %s must be a JSON object.", "ranking");
    json_t *v;
    if ((v = json_object_get(r, "bands")) &&
        s_cfg_bands(v, "ranking.bands", true, cfg->bands, &cfg->n_bands, e) < 0)
        return -1;
    if ((v = json_object_get(r, "cchc_bands")) &&
        s_cfg_bands(v, "ranking.cchc_bands", false, cfg->cchc_bands, &cfg->n_cchc_bands, e) < 0)
        return -1;
    if ((v = json_object_get(r, "head_bands")) && s_cfg_head_bands(v, cfg, e) < 0)
        return -1;
    if ((v = json_object_get(r, "quota_percent")) &&
        s_cfg_hundredths(v, "ranking.quota_percent", &cfg->quota_pct, e) < 0)
        return -1;
    if ((v = json_object_get(r, "quota_base"))) {
        const char *s = json_string_value(v);
        if (s && strcmp(s, "good_or_better") == 0)
            cfg->quota_base = RANK_QUOTA_BASE_GOOD;
        else if (s && strcmp(s, "group") == 0)
            cfg->quota_base = RANK_QUOTA_BASE_GROUP;
        else
            return cs_err_set(e, 400, "invalid_config", "ranking.quota_base",
                              "Cấu hình kỳ đánh giá không hợp lệ: %s phải là good_or_better hoặc group.",
                              "Invalid period configuration: %s must be good_or_better or group.",
                              "ranking.quota_base");
    }
    if ((v = json_object_get(r, "content_max"))) {
        const char *k;
        json_t *m;
        json_object_foreach(v, k, m) {
            int c = atoi(k);
            if (c < 1 || c > RANK_CONTENTS - 1)
                return cs_err_set(e, 400, "invalid_config", "ranking.content_max",
                                  "Cấu hình kỳ đánh giá không hợp lệ: %s chỉ nhận nội dung 1 đến 5.",
                                  "Invalid period configuration: %s accepts contents 1 to 5 only.",
                                  "ranking.content_max");
            if (s_cfg_hundredths(m, "ranking.content_max", &cfg->content_max[c - 1], e) < 0)
                return -1;
        }
    }
    if (rank_config_check(cfg, e) < 0) {
        /* Same error, but the code says where it came from. */
        snprintf(e->code, sizeof e->code, "%s", "invalid_config");
        return -1;
    }
    return 0;
}

/* A nullable integer of the document. */
static bool s_opt(const json_t *o, const char *key, int64_t *out)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        return false;
    *out = (int64_t)json_integer_value(v);
    return true;
}

/* The metric as the current 766 record has it (present = false when the feed lacks it). */
static void s_metric(const json_t *metrics, const char *code, rank_auto_info *ai)
{
    const json_t *m = code ? json_object_get(metrics, code) : NULL;
    rank_metric *out = &ai->m;
    memset(out, 0, sizeof *out);
    if (!json_is_object(m))
        return;
    out->present = true;
    out->is_null = json_is_true(json_object_get(m, "null"));
    out->has_numerator = s_opt(m, "num", &out->numerator);
    out->has_denominator = s_opt(m, "den", &out->denominator);
    ai->score = s_dup(json_object_get(m, "score"));
    ai->max_score = s_dup(json_object_get(m, "max_score"));
    ai->periods = s_dup(json_object_get(m, "periods"));
    /* stored as numeric by the ingest (non-negative, checked there) */
    out->has_score = ai->score && rank_decimal_parse(ai->score, &out->score) == 0;
    out->has_max_score = ai->max_score && rank_decimal_parse(ai->max_score, &out->max_score) == 0;
}

/* An automatic leaf's rule and value from the agency's current 766 record. */
static int s_leaf_auto(const json_t *au, const json_t *portal, rank_leaf_info *li, cs_err *e)
{
    rank_auto_info *ai = calloc(1, sizeof *ai);
    li->auto_info = ai;
    ai->metric = s_dup(json_object_get(au, "metric"));
    if (!ai->metric ||
        rank_formula_parse(json_string_value(json_object_get(au, "formula")), &ai->rule.formula) < 0)
        return s_bad_doc(e, "ranking document: automatic leaf without metric or formula");
    const json_t *bands = json_object_get(au, "bands");
    for (size_t k = 0; k < json_array_size(bands) && k < RANK_AUTO_MAX_BANDS; k++) {
        const json_t *b = json_array_get(bands, k);
        ai->rule.bands[k].min_pct = (int64_t)json_integer_value(json_object_get(b, "min_pct"));
        ai->rule.bands[k].points = (int64_t)json_integer_value(json_object_get(b, "points"));
        ai->rule.n_bands = k + 1;
    }
    ai->batch_id = (long long)json_integer_value(json_object_get(portal, "batch"));
    s_metric(json_object_get(portal, "metrics"), ai->metric, ai);
    rank_leaf_raw *r = &li->raw;
    r->automatic = true;
    r->auto_status = rank_auto_value(&ai->rule, r->max_points, &ai->m, &r->auto_value);
    return 0;
}

static int s_leaf(const json_t *l, const json_t *portal, rank_leaf_info *li, rank_leaf *leaf,
                  cs_err *e)
{
    li->code = s_dup(json_object_get(l, "code"));
    li->title = s_dup(json_object_get(l, "title"));
    li->na_reason = s_dup(json_object_get(l, "na_reason"));
    li->note = s_dup(json_object_get(l, "note"));
    li->r1_comment = s_dup(json_object_get(l, "r1c"));
    li->r2_comment = s_dup(json_object_get(l, "r2c"));
    if (!li->code)
        return s_bad_doc(e, "ranking document: leaf without code");
    rank_leaf_raw *r = &li->raw;
    r->content = (int)json_integer_value(json_object_get(l, "content"));
    r->max_points = (int64_t)json_integer_value(json_object_get(l, "max"));
    r->not_applicable = json_is_true(json_object_get(l, "na"));
    r->has_self = s_opt(l, "self", &r->self);
    r->has_r1 = s_opt(l, "r1", &r->r1);
    r->has_r2 = s_opt(l, "r2", &r->r2);
    r->has_survey = s_opt(l, "survey", &r->survey);
    const json_t *ls = json_object_get(l, "leaders");
    size_t n = json_array_size(ls), k = 0;
    li->leaders = calloc(n ? n : 1, sizeof *li->leaders);
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_array_get(ls, i);
        if (json_is_integer(v))
            li->leaders[k++] = (int64_t)json_integer_value(v);
    }
    r->leader_scores = li->leaders;
    r->n_leader_scores = k;
    r->code = li->code;
    r->has_required_min = s_opt(l, "required_min", &r->required_min);
    const json_t *au = json_object_get(l, "auto");
    if (json_is_object(au) && s_leaf_auto(au, portal, li, e) < 0)
        return -1;
    return rank_leaf_effective(r, leaf, e);
}

static int s_agency(const json_t *a, rank_data_agency *da, const rank_config *cfg, cs_err *e)
{
    da->id = (long long)json_integer_value(json_object_get(a, "id"));
    da->code = s_dup(json_object_get(a, "code"));
    da->name = s_dup(json_object_get(a, "name"));
    da->group = s_dup(json_object_get(a, "group"));
    da->disciplined = json_is_true(json_object_get(a, "disciplined"));
    if (!da->code || !da->group)
        return s_bad_doc(e, "ranking document: agency without code or group");
    /* The index set's own content maxima win over the configuration's. */
    memcpy(da->content_max, cfg->content_max, sizeof da->content_max);
    const json_t *cm = json_object_get(a, "content_max");
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)cm, k, v) {
        int c = atoi(k);
        if (c >= 1 && c <= RANK_CONTENTS - 1 && json_is_integer(v))
            da->content_max[c - 1] = (int64_t)json_integer_value(v);
    }
    const json_t *leaves = json_object_get(a, "leaves");
    da->n_leaves = json_array_size(leaves);
    da->info = calloc(da->n_leaves ? da->n_leaves : 1, sizeof *da->info);
    da->leaves = calloc(da->n_leaves ? da->n_leaves : 1, sizeof *da->leaves);
    const json_t *portal = json_object_get(a, "portal");
    for (size_t i = 0; i < da->n_leaves; i++)
        if (s_leaf(json_array_get(leaves, i), portal, &da->info[i], &da->leaves[i], e) < 0)
            return -1;
    const json_t *ps = json_object_get(a, "presum");
    if (json_is_object(ps)) {
        const json_t *gm = json_object_get(a, "group_max"), *nm = json_object_get(a, "na_max");
        da->has_presum = true;
        for (int k = 0; k < RANK_CONTENTS; k++) {
            char key[4];
            snprintf(key, sizeof key, "%d", k + 1);
            da->presum[k] = (int64_t)json_integer_value(json_object_get(ps, key));
            da->presum_max[k] = (int64_t)json_integer_value(json_object_get(gm, key)) -
                                (int64_t)json_integer_value(json_object_get(nm, key));
        }
    }
    const json_t *dos = json_object_get(a, "dossiers");
    if (json_is_object(dos) && s_opt(dos, "on_time", &da->dossiers.on_time) &&
        s_opt(dos, "late", &da->dossiers.late)) {
        da->dossiers.known = true;
        da->dossier_batch_id = (long long)json_integer_value(json_object_get(dos, "batch"));
    }
    return 0;
}

int rank_data_from_json(const char *json, rank_data **out, cs_err *e)
{
    *out = NULL;
    json_error_t jerr;
    json_t *root = json_loads(json, 0, &jerr);
    if (!root)
        return s_bad_doc(e, "ranking document: not JSON");
    const json_t *period = json_object_get(root, "period");
    if (!json_is_object(period)) {
        json_decref(root);
        return cs_err_not_found(e, "period");
    }
    rank_data *d = calloc(1, sizeof *d);
    d->period_id = (long long)json_integer_value(json_object_get(period, "id"));
    d->year = (int)json_integer_value(json_object_get(period, "year"));
    const json_t *ver = json_object_get(root, "version");
    d->input_version = json_is_integer(ver) ? (long long)json_integer_value(ver) : -1;
    int rc = rank_data_config(json_object_get(period, "config"), &d->cfg, e);

    const json_t *ags = json_object_get(root, "agencies");
    d->n_agencies = json_array_size(ags);
    d->agencies = calloc(d->n_agencies ? d->n_agencies : 1, sizeof *d->agencies);
    d->inputs = calloc(d->n_agencies ? d->n_agencies : 1, sizeof *d->inputs);
    for (size_t i = 0; rc == 0 && i < d->n_agencies; i++) {
        rank_data_agency *da = &d->agencies[i];
        rc = s_agency(json_array_get(ags, i), da, &d->cfg, e);
        d->inputs[i] = (rank_agency){.id = da->id, .code = da->code, .group = da->group,
                                     .disciplined = da->disciplined, .leaves = da->leaves,
                                     .n_leaves = da->n_leaves, .content_max = da->content_max,
                                     .dossiers = da->dossiers,
                                     .presum = da->has_presum ? da->presum : NULL,
                                     .presum_max = da->has_presum ? da->presum_max : NULL};
    }

    const json_t *tbs = json_object_get(root, "tiebreaks");
    size_t nt = json_array_size(tbs);
    d->tiebreaks = calloc(nt ? nt : 1, sizeof *d->tiebreaks);
    d->tiebreak_ids = calloc(nt ? nt : 1, sizeof *d->tiebreak_ids);
    for (size_t t = 0; rc == 0 && t < nt; t++) {
        const json_t *tb = json_array_get(tbs, t);
        const json_t *ids = json_object_get(tb, "ids");
        size_t m = json_array_size(ids);
        long long *v = calloc(m ? m : 1, sizeof *v);
        for (size_t k = 0; k < m; k++)
            v[k] = (long long)json_integer_value(json_array_get(ids, k));
        d->tiebreak_ids[d->n_tiebreaks] = (long long)json_integer_value(json_object_get(tb, "id"));
        d->tiebreaks[d->n_tiebreaks++] = (rank_tiebreak){
            .group = s_dup(json_object_get(tb, "group")), .agency_ids = v, .n = m};
        if (!d->tiebreaks[t].group)
            rc = s_bad_doc(e, "ranking document: tiebreak without group");
    }
    json_decref(root);
    if (rc < 0) {
        rank_data_destroy(&d);
        return -1;
    }
    *out = d;
    return 0;
}

void rank_data_destroy(rank_data **self_p)
{
    if (!self_p || !*self_p)
        return;
    rank_data *d = *self_p;
    for (size_t i = 0; i < d->n_agencies; i++) {
        rank_data_agency *a = &d->agencies[i];
        for (size_t k = 0; a->info && k < a->n_leaves; k++) {
            rank_leaf_info *li = &a->info[k];
            free(li->code);
            free(li->title);
            free(li->na_reason);
            free(li->note);
            free(li->r1_comment);
            free(li->r2_comment);
            free(li->leaders);
            if (li->auto_info) {
                free(li->auto_info->metric);
                free(li->auto_info->score);
                free(li->auto_info->max_score);
                free(li->auto_info->periods);
                free(li->auto_info);
            }
        }
        free(a->info);
        free(a->leaves);
        free(a->code);
        free(a->name);
        free(a->group);
    }
    for (size_t t = 0; t < d->n_tiebreaks; t++) {
        free((char *)d->tiebreaks[t].group);
        free((long long *)d->tiebreaks[t].agency_ids);
    }
    free(d->tiebreaks);
    free(d->tiebreak_ids);
    free(d->agencies);
    free(d->inputs);
    free(d);
    *self_p = NULL;
}

long rank_data_find(const rank_data *d, long long agency_id)
{
    for (size_t i = 0; i < d->n_agencies; i++)
        if (d->agencies[i].id == agency_id)
            return (long)i;
    return -1;
}
