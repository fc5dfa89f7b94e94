/*  test_rank: the ranking arithmetic (services/ranking/rank.c) against the worked examples
 *  of tests/examples/ (exact JSON after whitespace normalisation) and the boundaries of
 *  SPEC §5 and §10. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_points.h"
#include "rank.h"
#include "rank_data.h"

/* --- scenario loading ----------------------------------------------------------------- */

static int64_t s_pts(const json_t *v)
{
    if (json_is_integer(v))
        return (int64_t)json_integer_value(v) * 100;
    /* Reals: through their shortest decimal text, so 3.59 is 359 and never 358.99... */
    char *txt = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(12));
    assert_non_null(txt);
    int64_t out = 0;
    assert_int_equal(cs_points_parse(txt, &out), 0);
    free(txt);
    return out;
}

typedef struct {
    rank_config cfg;
    rank_agency *agencies;
    size_t n;
    rank_leaf **leaves;
    rank_tiebreak *tiebreaks;
    size_t n_tiebreaks;
    long long **tb_ids;
    json_t *root;
} scenario;

static bool s_in(const json_t *arr, const char *code)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
        if (json_is_string(v) && strcmp(json_string_value(v), code) == 0)
            return true;
    return false;
}

/* A feed decimal (scenario number) through its shortest text. */
static rank_decimal s_dec(const json_t *v)
{
    char *txt = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
    rank_decimal d;
    assert_int_equal(rank_decimal_parse(txt, &d), 0);
    free(txt);
    return d;
}

/* An automatic leaf's value from the scenario's portal metrics (SPEC §12). */
static void s_auto(const json_t *au, const json_t *metrics, rank_leaf_raw *raw)
{
    rank_auto_rule rule;
    memset(&rule, 0, sizeof rule);
    assert_int_equal(rank_formula_parse(json_string_value(json_object_get(au, "formula")),
                                        &rule.formula), 0);
    json_t *bands = json_object_get(au, "bands");
    for (size_t k = 0; k < json_array_size(bands); k++) {
        rule.bands[k].min_pct = s_pts(json_array_get(json_array_get(bands, k), 0));
        rule.bands[k].points = s_pts(json_array_get(json_array_get(bands, k), 1));
        rule.n_bands = k + 1;
    }
    const char *metric = json_string_value(json_object_get(au, "metric"));
    json_t *m = json_object_get(metrics, metric);
    rank_metric rm;
    memset(&rm, 0, sizeof rm);
    rm.present = m != NULL;
    rm.is_null = json_is_null(m);
    json_t *v;
    if ((v = json_object_get(m, "numerator")) && !json_is_null(v))
        rm.has_numerator = true, rm.numerator = (int64_t)json_integer_value(v);
    if ((v = json_object_get(m, "denominator")) && !json_is_null(v))
        rm.has_denominator = true, rm.denominator = (int64_t)json_integer_value(v);
    if ((v = json_object_get(m, "score")) && !json_is_null(v))
        rm.has_score = true, rm.score = s_dec(v);
    if ((v = json_object_get(m, "maxScore")) && !json_is_null(v))
        rm.has_max_score = true, rm.max_score = s_dec(v);
    raw->automatic = true;
    raw->auto_status = rank_auto_value(&rule, raw->max_points, &rm, &raw->auto_value);
}

static void s_scenario_load(scenario *sc, const char *path)
{
    memset(sc, 0, sizeof *sc);
    json_error_t jerr;
    sc->root = json_load_file(path, 0, &jerr);
    if (!sc->root)
        fail_msg("%s: %s", path, jerr.text);
    rank_config_default(&sc->cfg);
    json_t *cm = json_object_get(sc->root, "content_max");
    const char *key;
    json_t *val;
    json_object_foreach(cm, key, val)
        sc->cfg.content_max[atoi(key) - 1] = s_pts(val);

    json_t *indices = json_object_get(sc->root, "indices");
    json_t *ags = json_object_get(sc->root, "agencies");
    sc->n = json_array_size(ags);
    sc->agencies = calloc(sc->n, sizeof *sc->agencies);
    sc->leaves = calloc(sc->n, sizeof *sc->leaves);
    for (size_t i = 0; i < sc->n; i++) {
        json_t *a = json_array_get(ags, i);
        const char *group = json_string_value(json_object_get(a, "group"));
        json_t *idx = json_object_get(indices, group);
        json_t *scores = json_object_get(a, "scores");
        json_t *na = json_object_get(a, "na");
        size_t nl = json_array_size(idx);
        sc->leaves[i] = calloc(nl ? nl : 1, sizeof(rank_leaf));
        for (size_t k = 0; k < nl; k++) {
            json_t *leaf = json_array_get(idx, k);
            const char *code = json_string_value(json_object_get(leaf, "code"));
            json_t *s = json_object_get(scores, code);
            rank_leaf_raw raw = {
                .content = (int)json_integer_value(json_object_get(leaf, "content")),
                .max_points = s_pts(json_object_get(leaf, "max")),
                .not_applicable = s_in(na, code),
            };
            json_t *v;
            raw.code = code;
            if ((v = json_object_get(leaf, "required_min"))) {
                raw.has_required_min = true;
                raw.required_min = s_pts(v);
            }
            if ((v = json_object_get(leaf, "auto")))
                s_auto(v, json_object_get(json_object_get(a, "portal"), "metrics"), &raw);
            if ((v = json_object_get(s, "self")))   { raw.has_self = true;   raw.self = s_pts(v); }
            if ((v = json_object_get(s, "r1")))     { raw.has_r1 = true;     raw.r1 = s_pts(v); }
            if ((v = json_object_get(s, "r2")))     { raw.has_r2 = true;     raw.r2 = s_pts(v); }
            if ((v = json_object_get(s, "survey"))) { raw.has_survey = true; raw.survey = s_pts(v); }
            int64_t lead[16];
            json_t *ls = json_object_get(s, "leader");
            raw.n_leader_scores = json_array_size(ls);
            assert_true(raw.n_leader_scores <= 16);
            for (size_t m = 0; m < raw.n_leader_scores; m++)
                lead[m] = s_pts(json_array_get(ls, m));
            raw.leader_scores = lead;
            cs_err e;
            cs_err_clear(&e);
            assert_int_equal(rank_leaf_effective(&raw, &sc->leaves[i][k], &e), 0);
        }
        sc->agencies[i] = (rank_agency){
            .id = (long long)i + 1,
            .code = json_string_value(json_object_get(a, "code")),
            .group = group,
            .disciplined = json_is_true(json_object_get(a, "disciplined")),
            .leaves = sc->leaves[i],
            .n_leaves = nl,
        };
        json_t *dos = json_object_get(json_object_get(a, "portal"), "dossiers");
        if (json_is_object(dos))
            sc->agencies[i].dossiers = (rank_dossiers){
                .known = true,
                .on_time = (int64_t)json_integer_value(json_object_get(dos, "on_time")),
                .late = (int64_t)json_integer_value(json_object_get(dos, "late"))};
    }

    json_t *tbs = json_object_get(sc->root, "tiebreaks");
    size_t total = 0;
    json_object_foreach(tbs, key, val)
        total += json_array_size(val);
    sc->tiebreaks = calloc(total ? total : 1, sizeof *sc->tiebreaks);
    sc->tb_ids = calloc(total ? total : 1, sizeof *sc->tb_ids);
    json_object_foreach(tbs, key, val) {
        size_t t;
        json_t *order;
        json_array_foreach(val, t, order) {
            size_t m = json_array_size(order);
            long long *ids = calloc(m ? m : 1, sizeof *ids);
            for (size_t q = 0; q < m; q++) {
                const char *code = json_string_value(json_array_get(order, q));
                for (size_t i = 0; i < sc->n; i++)
                    if (strcmp(sc->agencies[i].code, code) == 0)
                        ids[q] = sc->agencies[i].id;
                assert_true(ids[q] != 0);
            }
            sc->tb_ids[sc->n_tiebreaks] = ids;
            sc->tiebreaks[sc->n_tiebreaks++] = (rank_tiebreak){.group = key, .agency_ids = ids, .n = m};
        }
    }
}

static void s_scenario_free(scenario *sc)
{
    for (size_t i = 0; i < sc->n; i++)
        free(sc->leaves[i]);
    for (size_t t = 0; t < sc->n_tiebreaks; t++)
        free(sc->tb_ids[t]);
    free(sc->tb_ids);
    free(sc->tiebreaks);
    free(sc->leaves);
    free(sc->agencies);
    json_decref(sc->root);
}

static json_t *s_pts_json(int64_t v)
{
    char buf[32];
    return json_string(cs_points_format(v, buf));
}

/* The outcome in exactly the shape of *.expected.json. */
static json_t *s_outcome_json(const rank_outcome *o)
{
    json_t *root = json_object();
    for (size_t g = 0; g < o->n_groups; g++) {
        const rank_group *gr = &o->groups[g];
        json_t *jg = json_object();
        json_object_set_new(jg, "good_or_better", json_integer(gr->good_or_better));
        json_object_set_new(jg, "excellent_quota", json_integer(gr->excellent_quota));
        json_object_set_new(jg, "publication_blocked_by_tie",
                            json_boolean(gr->publication_blocked_by_tie));
        json_t *list = json_array();
        for (size_t i = 0; i < gr->n; i++) {
            const rank_result *r = &gr->agencies[i];
            json_t *ja = json_object();
            json_object_set_new(ja, "code", json_string(r->code));
            json_object_set_new(ja, "rank", json_integer(r->rank));
            json_object_set_new(ja, "tie_pending", json_boolean(r->tie_pending));
            json_object_set_new(ja, "total", s_pts_json(r->total));
            json_object_set_new(ja, "max", s_pts_json(r->max));
            json_object_set_new(ja, "quality_pct", s_pts_json(r->quality_pct));
            json_object_set_new(ja, "cchc_pct", s_pts_json(r->cchc_pct));
            json_t *jc = json_object();
            for (int k = 0; k < RANK_CONTENTS; k++) {
                char key[4];
                snprintf(key, sizeof key, "%d", k + 1);
                json_object_set_new(jc, key, s_pts_json(r->contents[k]));
            }
            json_object_set_new(ja, "contents", jc);
            json_object_set_new(ja, "band", json_string(r->band));
            json_object_set_new(ja, "cchc_band", json_string(r->cchc_band));
            json_object_set_new(ja, "late_pct", r->late_state == RANK_LATE_KNOWN
                                                    ? s_pts_json(r->late_pct)
                                                : r->late_state == RANK_LATE_NA
                                                    ? json_string("n/a")
                                                    : json_null());
            json_object_set_new(ja, "head_rating", json_string(r->head_rating));
            json_array_append_new(list, ja);
        }
        json_object_set_new(jg, "agencies", list);
        json_object_set_new(root, gr->group, jg);
    }
    return root;
}

static const char *s_examples_dir(void)
{
    const char *env = getenv("CHISO_EXAMPLES");
    if (env && *env)
        return env;
    static char dir[1024];
    /* Next to this source: tests/unit/../examples (make runs from the tree's root). */
    snprintf(dir, sizeof dir, "%s", __FILE__);
    snprintf(dir + strlen(dirname(dir)), sizeof dir - strlen(dir), "/../examples");
    return dir;
}

/* The same agencies with every leaf that has no required_min summed beforehand (as the
 * database does for rank_sums.c): presum / presum_max, the required leaves kept in order. */
typedef struct {
    rank_agency *agencies;
    rank_leaf **kept;
    int64_t (*sums)[2][RANK_CONTENTS];
} presummed;

static void s_presum(const scenario *sc, presummed *ps)
{
    ps->agencies = calloc(sc->n ? sc->n : 1, sizeof *ps->agencies);
    ps->kept = calloc(sc->n ? sc->n : 1, sizeof *ps->kept);
    ps->sums = calloc(sc->n ? sc->n : 1, sizeof *ps->sums);
    for (size_t i = 0; i < sc->n; i++) {
        const rank_agency *a = &sc->agencies[i];
        ps->agencies[i] = *a;
        ps->kept[i] = calloc(a->n_leaves ? a->n_leaves : 1, sizeof **ps->kept);
        size_t k = 0;
        for (size_t j = 0; j < a->n_leaves; j++) {
            const rank_leaf *l = &a->leaves[j];
            if (l->has_required_min) {
                ps->kept[i][k++] = *l;
            } else if (l->applicable) {
                ps->sums[i][0][l->content - 1] += l->value;
                ps->sums[i][1][l->content - 1] += l->max_points;
            }
        }
        ps->agencies[i].leaves = ps->kept[i];
        ps->agencies[i].n_leaves = k;
        ps->agencies[i].presum = ps->sums[i][0];
        ps->agencies[i].presum_max = ps->sums[i][1];
    }
}

static void s_presum_free(const scenario *sc, presummed *ps)
{
    for (size_t i = 0; i < sc->n; i++)
        free(ps->kept[i]);
    free(ps->kept);
    free(ps->sums);
    free(ps->agencies);
}

static void test_examples(void **state)
{
    (void)state;
    const char *dir = s_examples_dir();
    DIR *d = opendir(dir);
    if (!d)
        fail_msg("cannot open %s", dir);
    int checked = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        const char *suffix = ".scenario.json";
        if (len <= strlen(suffix) || strcmp(de->d_name + len - strlen(suffix), suffix) != 0)
            continue;
        char scen[2048], expf[2048];
        snprintf(scen, sizeof scen, "%s/%s", dir, de->d_name);
        snprintf(expf, sizeof expf, "%s/%.*s.expected.json", dir,
                 (int)(len - strlen(suffix)), de->d_name);
        scenario sc;
        s_scenario_load(&sc, scen);
        rank_outcome *o = NULL;
        cs_err e;
        cs_err_clear(&e);
        assert_int_equal(rank_compute(&sc.cfg, sc.agencies, sc.n, sc.tiebreaks, sc.n_tiebreaks,
                                      &o, &e), 0);
        json_t *got = s_outcome_json(o);
        json_error_t jerr;
        json_t *want = json_load_file(expf, 0, &jerr);
        if (!want)
            fail_msg("%s: %s", expf, jerr.text);
        /* Byte-exact after whitespace normalisation: compact dumps, key order kept. */
        char *gs = json_dumps(got, JSON_COMPACT | JSON_PRESERVE_ORDER);
        char *ws = json_dumps(want, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (strcmp(gs, ws) != 0)
            fail_msg("%s differs:\n got  %s\n want %s", de->d_name, gs, ws);
        /* The same bytes when the leaves come summed (rank_sums.c's path). */
        presummed ps;
        s_presum(&sc, &ps);
        rank_outcome *o2 = NULL;
        assert_int_equal(rank_compute(&sc.cfg, ps.agencies, sc.n, sc.tiebreaks, sc.n_tiebreaks,
                                      &o2, &e), 0);
        json_t *got2 = s_outcome_json(o2);
        char *gs2 = json_dumps(got2, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (strcmp(gs2, ws) != 0)
            fail_msg("%s differs when presummed:\n got  %s\n want %s", de->d_name, gs2, ws);
        free(gs2);
        json_decref(got2);
        rank_outcome_destroy(&o2);
        s_presum_free(&sc, &ps);
        free(gs);
        free(ws);
        json_decref(got);
        json_decref(want);
        rank_outcome_destroy(&o);
        assert_null(o);
        s_scenario_free(&sc);
        checked++;
    }
    closedir(d);
    assert_true(checked >= 5);
}

/* --- a small builder for boundary cases --------------------------------------------- */

/* One agency with a leaf per content 1..6 of maxima 45/35/12/5/3/10, values given. */
typedef struct {
    rank_leaf leaves[8];
    rank_agency a;
} one;

static void s_one(one *o, long long id, const char *code, const char *group,
                  int64_t c1, int64_t c2, int64_t c3, int64_t c4, int64_t c5, int64_t c6)
{
    const int64_t max[6] = {4500, 3500, 1200, 500, 300, 1000};
    const int64_t val[6] = {c1, c2, c3, c4, c5, c6};
    memset(o, 0, sizeof *o);
    for (int k = 0; k < 6; k++)
        o->leaves[k] = (rank_leaf){.content = k + 1, .max_points = max[k], .applicable = true,
                                   .value = val[k]};
    o->a = (rank_agency){.id = id, .code = code, .group = group, .leaves = o->leaves, .n_leaves = 6};
}

static rank_outcome *s_run(const rank_config *cfg, one *os, size_t n, const rank_tiebreak *tb,
                           size_t ntb)
{
    rank_agency *as = calloc(n ? n : 1, sizeof *as);
    for (size_t i = 0; i < n; i++)
        as[i] = os[i].a;
    rank_outcome *o = NULL;
    cs_err e;
    cs_err_clear(&e);
    assert_int_equal(rank_compute(cfg, as, n, tb, ntb, &o, &e), 0);
    free(as);
    return o;
}

static const rank_result *s_find(const rank_outcome *o, const char *code)
{
    for (size_t g = 0; g < o->n_groups; g++)
        for (size_t i = 0; i < o->groups[g].n; i++)
            if (strcmp(o->groups[g].agencies[i].code, code) == 0)
                return &o->groups[g].agencies[i];
    fail_msg("no agency %s", code);
    return NULL;
}

static void test_leaf_effective(void **state)
{
    (void)state;
    cs_err e;
    cs_err_clear(&e);
    rank_leaf l;
    /* Round 2 beats round 1 beats self. */
    rank_leaf_raw r = {.content = 1, .max_points = 2000, .has_self = true, .self = 1800,
                       .has_r1 = true, .r1 = 1600, .has_r2 = true, .r2 = 1750};
    assert_int_equal(rank_leaf_effective(&r, &l, &e), 0);
    assert_int_equal(l.value, 1750);
    assert_false(l.not_appraised);
    r.has_r2 = false;
    assert_int_equal(rank_leaf_effective(&r, &l, &e), 0);
    assert_int_equal(l.value, 1600);
    r.has_r1 = false;
    assert_int_equal(rank_leaf_effective(&r, &l, &e), 0);
    assert_int_equal(l.value, 1800);
    assert_true(l.not_appraised);
    r.has_self = false;
    assert_int_equal(rank_leaf_effective(&r, &l, &e), 0);
    assert_int_equal(l.value, 0);
    assert_true(l.no_value);
    /* A round-1 zero is a value, not "nothing". */
    r.has_self = true;
    r.has_r1 = true;
    r.r1 = 0;
    assert_int_equal(rank_leaf_effective(&r, &l, &e), 0);
    assert_int_equal(l.value, 0);
    assert_false(l.no_value);
    /* Content 3 ignores the self score. */
    rank_leaf_raw s = {.content = 3, .max_points = 600, .has_self = true, .self = 600,
                       .has_survey = true, .survey = 359};
    assert_int_equal(rank_leaf_effective(&s, &l, &e), 0);
    assert_int_equal(l.value, 359);
    /* Content 4: mean half-up: (4.5+4+4)/3 = 4.1666 -> 4.17; (4.5+4.25)/2 = 4.375 -> 4.38;
     * (4.25+4+4)/3 = 4.0833 -> 4.08; (0.25+0)/2 = 0.125 -> 0.13. */
    int64_t a1[] = {450, 400, 400}, a2[] = {450, 425}, a3[] = {425, 400, 400}, a4[] = {25, 0};
    struct { int64_t *v; size_t n; int64_t want; } cases[] = {
        {a1, 3, 417}, {a2, 2, 438}, {a3, 3, 408}, {a4, 2, 13}};
    for (size_t i = 0; i < 4; i++) {
        rank_leaf_raw ld = {.content = 4, .max_points = 500, .leader_scores = cases[i].v,
                            .n_leader_scores = cases[i].n};
        assert_int_equal(rank_leaf_effective(&ld, &l, &e), 0);
        assert_int_equal(l.value, cases[i].want);
    }
    /* N/A: no value. */
    rank_leaf_raw na = {.content = 2, .max_points = 600, .not_applicable = true,
                        .has_self = true, .self = 600};
    assert_int_equal(rank_leaf_effective(&na, &l, &e), 0);
    assert_false(l.applicable);
    assert_int_equal(l.value, 0);
    /* Bad input. */
    rank_leaf_raw bad = {.content = 7, .max_points = 100};
    assert_int_equal(rank_leaf_effective(&bad, &l, &e), -1);
    assert_string_equal(e.code, "invalid_input");
    cs_err_clear(&e);
    bad.content = 1;
    bad.max_points = 0;
    assert_int_equal(rank_leaf_effective(&bad, &l, &e), -1);
}

static void test_threshold_exact(void **state)
{
    (void)state;
    rank_config cfg;
    rank_config_default(&cfg);
    /* M = 94 (N/A of 6 points in content 2): 84.59/94 = 89.989..% is good, 84.60/94 = 90 %. */
    one os[2];
    s_one(&os[0], 1, "U1", "02", 4200, 2900, 909, 450, 0, 0);
    s_one(&os[1], 2, "U2", "02", 4200, 2900, 910, 450, 0, 0);
    for (int i = 0; i < 2; i++) {
        os[i].leaves[6] = (rank_leaf){.content = 2, .max_points = 600, .applicable = false, .value = 0};
        os[i].leaves[1].max_points = 2900;
        os[i].a.n_leaves = 7;
    }
    cfg.quota_pct = 5000;   /* floor(50 % × 2) = 1, so the band is the threshold's alone */
    rank_outcome *o = s_run(&cfg, os, 2, NULL, 0);
    const rank_result *u1 = s_find(o, "U1"), *u2 = s_find(o, "U2");
    assert_int_equal(u1->max, 9400);
    assert_int_equal(u1->total, 8459);
    assert_int_equal(u1->quality_pct, 8999);
    assert_string_equal(u1->band, "good");
    assert_int_equal(u2->quality_pct, 9000);
    assert_string_equal(u2->band, "excellent");
    assert_int_equal(o->groups[0].good_or_better, 2);
    assert_int_equal(o->groups[0].excellent_quota, 1);
    rank_outcome_destroy(&o);
    rank_config_default(&cfg);

    /* Quota 0 when G < 5: the excellent candidate is rated good, nothing is blocked. */
    s_one(&os[0], 1, "A", "01", 4500, 3500, 1200, 500, 0, 0);
    o = s_run(&cfg, os, 1, NULL, 0);
    assert_int_equal(o->groups[0].excellent_quota, 0);
    assert_string_equal(o->groups[0].agencies[0].band, "good");
    assert_false(o->groups[0].publication_blocked_by_tie);
    rank_outcome_destroy(&o);
}

static void test_exactly_75_and_quota(void **state)
{
    (void)state;
    rank_config cfg;
    rank_config_default(&cfg);
    /* Five at exactly 75.00 % and one at 74.99 %: G = 5 (75 counts), quota = 1. And one at
     * 95 % which is therefore the one excellent. */
    one os[7];
    const char *codes[] = {"E", "G1", "G2", "G3", "G4", "G5", "L"};
    s_one(&os[0], 1, codes[0], "01", 4500, 3500, 1000, 500, 0, 0);
    for (int i = 1; i <= 5; i++)
        s_one(&os[i], i + 1, codes[i], "01", 3500 + i * 25, 2800 - i * 25, 800, 400, 0, 0);
    s_one(&os[6], 7, codes[6], "01", 3500, 2799, 800, 400, 0, 0);
    rank_outcome *o = s_run(&cfg, os, 7, NULL, 0);
    const rank_group *g = &o->groups[0];
    assert_int_equal(g->good_or_better, 6);
    assert_int_equal(g->excellent_quota, 1);
    assert_string_equal(s_find(o, "E")->band, "excellent");
    assert_string_equal(s_find(o, "G1")->band, "good");
    assert_int_equal(s_find(o, "G1")->quality_pct, 7500);
    assert_string_equal(s_find(o, "L")->band, "complete");
    assert_int_equal(s_find(o, "L")->quality_pct, 7499);
    /* C1 breaks the equal-Q ties: G5 (C1 36.25) before G1 (35.25). */
    assert_int_equal(s_find(o, "G5")->rank, 2);
    assert_int_equal(s_find(o, "G1")->rank, 6);
    rank_outcome_destroy(&o);
}

static void test_na_and_caps(void **state)
{
    (void)state;
    rank_config cfg;
    rank_config_default(&cfg);
    one os[1];
    s_one(&os[0], 1, "B", "01", 4500, 3500, 1200, 500, 300, 0);
    /* Bonus leaves worth 2 + 2 + 2 give at most 3; a deduction of -1.5. */
    os[0].leaves[4] = (rank_leaf){.content = 5, .max_points = 200, .applicable = true, .value = 200};
    os[0].leaves[6] = (rank_leaf){.content = 5, .max_points = 200, .applicable = true, .value = 200};
    os[0].leaves[7] = (rank_leaf){.content = 5, .max_points = 200, .applicable = true, .value = 200};
    os[0].leaves[5].value = -150;
    os[0].a.n_leaves = 8;
    rank_outcome *o = s_run(&cfg, os, 1, NULL, 0);
    const rank_result *r = &o->groups[0].agencies[0];
    assert_int_equal(r->contents[4], 300);
    assert_int_equal(r->contents[5], -150);
    assert_int_equal(r->total, 9850);
    assert_int_equal(r->max, 10000);
    rank_outcome_destroy(&o);

    /* A content whose leaves are all N/A: neither in the sum nor in the maximum; R too. */
    s_one(&os[0], 1, "N", "01", 4000, 3000, 1000, 400, 0, 0);
    os[0].leaves[1].applicable = false;
    os[0].leaves[1].value = 0;
    o = s_run(&cfg, os, 1, NULL, 0);
    r = &o->groups[0].agencies[0];
    assert_int_equal(r->max, 6500);
    assert_int_equal(r->caps[1], 0);
    assert_int_equal(r->contents[1], 0);
    assert_int_equal(r->total, 5400);
    assert_int_equal(r->quality_pct, 8308);     /* 54/65 = 83.0769 */
    assert_int_equal(r->cchc_den, 2000);
    assert_int_equal(r->cchc_pct, 7000);        /* 14/20 */
    assert_string_equal(r->cchc_band, "kha");
    rank_outcome_destroy(&o);

    /* Everything N/A: M = 0, Q = R = 0, the lowest bands, no division by zero. */
    s_one(&os[0], 1, "Z", "01", 0, 0, 0, 0, 0, 0);
    for (int k = 0; k < 6; k++)
        os[0].leaves[k].applicable = false;
    o = s_run(&cfg, os, 1, NULL, 0);
    r = &o->groups[0].agencies[0];
    assert_int_equal(r->max, 0);
    assert_int_equal(r->quality_pct, 0);
    assert_string_equal(r->band, "not_complete");
    assert_string_equal(r->cchc_band, "yeu");
    rank_outcome_destroy(&o);
}

static void test_negative_total(void **state)
{
    (void)state;
    rank_config cfg;
    rank_config_default(&cfg);
    one os[1];
    s_one(&os[0], 1, "NEG", "01", 100, 200, 0, 0, 0, -1000);
    rank_outcome *o = s_run(&cfg, os, 1, NULL, 0);
    const rank_result *r = &o->groups[0].agencies[0];
    assert_int_equal(r->total, 0);
    assert_int_equal(r->contents[5], -1000);
    assert_int_equal(r->cchc_num, 0);
    assert_int_equal(r->cchc_pct, 0);
    assert_int_equal(r->quality_pct, 0);
    rank_outcome_destroy(&o);
}

static void test_ties(void **state)
{
    (void)state;
    rank_config cfg;
    rank_config_default(&cfg);
    /* Ten agencies: two tied excellent candidates on top (T1, T0 listed by code), G = 10,
     * quota 2: both fit. Then the same with quota 1: blocked, nobody below is excellent. */
    one os[10];
    char codes[10][8];
    s_one(&os[0], 1, "T1", "03", 4400, 3500, 1100, 500, 0, 0);
    s_one(&os[1], 2, "T0", "03", 4400, 3500, 1100, 500, 0, 0);
    s_one(&os[2], 3, "C", "03", 4300, 3500, 1100, 500, 0, 0);
    for (int i = 3; i < 10; i++) {
        snprintf(codes[i], sizeof codes[i], "L%d", i);
        s_one(&os[i], i + 1, codes[i], "03", 3500 + i * 25, 2800, 800, 400, 0, 0);
    }
    rank_outcome *o = s_run(&cfg, os, 10, NULL, 0);
    const rank_group *g = &o->groups[0];
    assert_int_equal(g->excellent_quota, 2);
    assert_string_equal(g->agencies[0].code, "T0");
    assert_string_equal(g->agencies[1].code, "T1");
    assert_int_equal(g->agencies[0].rank, 1);
    assert_int_equal(g->agencies[1].rank, 1);
    assert_true(g->agencies[1].tie_pending);
    assert_int_equal(g->agencies[2].rank, 3);
    assert_string_equal(g->agencies[0].band, "excellent");
    assert_string_equal(g->agencies[1].band, "excellent");
    assert_string_equal(s_find(o, "C")->band, "good");
    assert_false(g->publication_blocked_by_tie);
    rank_outcome_destroy(&o);

    /* Quota 1 (15 % of 10): the cut falls inside the tie. */
    cfg.quota_pct = 1500;
    o = s_run(&cfg, os, 10, NULL, 0);
    g = &o->groups[0];
    assert_int_equal(g->excellent_quota, 1);
    assert_true(g->publication_blocked_by_tie);
    assert_string_equal(s_find(o, "T0")->band, "good");
    assert_string_equal(s_find(o, "T1")->band, "good");
    assert_string_equal(s_find(o, "C")->band, "good");
    /* The tie the cut falls inside is named, nobody else. */
    assert_true(s_find(o, "T0")->blocks_publication);
    assert_true(s_find(o, "T1")->blocks_publication);
    assert_false(s_find(o, "C")->blocks_publication);
    rank_outcome_destroy(&o);

    /* An order naming more agencies than the tie (T1, T0 and C) is kept but applies to
     * nothing: the tie stays pending and publication blocked. */
    long long wider[] = {1, 2, 3};
    rank_tiebreak tw[] = {{.group = "03", .agency_ids = wider, .n = 3}};
    o = s_run(&cfg, os, 10, tw, 1);
    assert_true(o->groups[0].publication_blocked_by_tie);
    assert_true(s_find(o, "T1")->tie_pending);
    assert_int_equal(o->n_tiebreaks, 1);
    assert_false(o->tiebreak_applies[0]);
    rank_outcome_destroy(&o);

    /* A leader's order resolves it: T1 first, excellent; no block. An order of another
     * group, or one missing a member, does not. */
    long long other[] = {1, 2}, partial[] = {1}, order[] = {1, 2};
    rank_tiebreak tb[] = {{.group = "03", .agency_ids = order, .n = 2},
                          {.group = "01", .agency_ids = other, .n = 2},
                          {.group = "03", .agency_ids = partial, .n = 1}};
    o = s_run(&cfg, os, 10, tb, 3);
    g = &o->groups[0];
    assert_false(g->publication_blocked_by_tie);
    assert_string_equal(g->agencies[0].code, "T1");
    assert_int_equal(g->agencies[0].rank, 1);
    assert_int_equal(g->agencies[1].rank, 2);
    assert_false(g->agencies[0].tie_pending);
    assert_string_equal(g->agencies[0].band, "excellent");
    assert_string_equal(g->agencies[1].band, "good");
    assert_true(o->tiebreak_applies[0]);
    assert_false(o->tiebreak_applies[1]);
    assert_false(o->tiebreak_applies[2]);
    rank_outcome_destroy(&o);

    /* Two orders of the same tie: the later counts, the earlier no longer applies. */
    long long rev[] = {2, 1};
    rank_tiebreak t2[] = {{.group = "03", .agency_ids = order, .n = 2},
                          {.group = "03", .agency_ids = rev, .n = 2}};
    o = s_run(&cfg, os, 10, t2, 2);
    assert_string_equal(o->groups[0].agencies[0].code, "T0");
    assert_false(o->tiebreak_applies[0]);
    assert_true(o->tiebreak_applies[1]);
    rank_outcome_destroy(&o);
    o = s_run(&cfg, os, 10, &tb[1], 2);
    assert_true(o->groups[0].publication_blocked_by_tie);
    rank_outcome_destroy(&o);
}

static void test_empty_and_groups(void **state)
{
    (void)state;
    rank_config cfg;
    rank_config_default(&cfg);
    rank_outcome *o = s_run(&cfg, NULL, 0, NULL, 0);
    assert_int_equal(o->n_groups, 0);
    rank_outcome_destroy(&o);
    one os[3];
    s_one(&os[0], 1, "X", "03", 4000, 3000, 1000, 400, 0, 0);
    s_one(&os[1], 2, "Y", "01", 4000, 3000, 1000, 400, 0, 0);
    s_one(&os[2], 3, "Z", "02", 4000, 3000, 1000, 400, 0, 0);
    o = s_run(&cfg, os, 3, NULL, 0);
    assert_int_equal(o->n_groups, 3);
    assert_string_equal(o->groups[0].group, "01");
    assert_string_equal(o->groups[2].group, "03");
    assert_int_equal(o->groups[1].agencies[0].rank, 1);
    rank_outcome_destroy(&o);
}

static void test_other_scheme(void **state)
{
    (void)state;
    /* Seed 004 style: 90 / 75 / 50, quota on the whole group. */
    rank_config cfg;
    rank_config_default(&cfg);
    cfg.bands[2].min_pct = 5000;
    cfg.quota_base = RANK_QUOTA_BASE_GROUP;
    one os[1];
    s_one(&os[0], 1, "Q", "01", 2500, 2000, 600, 400, 0, 0);     /* 55 % */
    rank_outcome *o = s_run(&cfg, os, 1, NULL, 0);
    assert_string_equal(o->groups[0].agencies[0].band, "complete");
    rank_outcome_destroy(&o);
    /* Invalid schemes are refused. */
    cs_err e;
    cs_err_clear(&e);
    cfg.bands[3].min_pct = 100;
    rank_outcome *bad = NULL;
    assert_int_equal(rank_compute(&cfg, &os[0].a, 1, NULL, 0, &bad, &e), -1);
    assert_null(bad);
    rank_config_default(&cfg);
    cfg.quota_pct = 10001;
    assert_int_equal(rank_config_check(&cfg, &e), -1);
}

static void test_frac_cmp(void **state)
{
    (void)state;
    assert_int_equal(rank_frac_cmp(8459, 9400, 8999, 10000), -1);   /* 89.989.. < 89.99 */
    assert_int_equal(rank_frac_cmp(1, 3, 2, 6), 0);
    assert_int_equal(rank_frac_cmp(INT64_MAX / 2, 3, INT64_MAX / 2, 2), -1);
}

/* --- rank_data: the service's document and the period configuration ---------------------- */

static void test_config_json(void **state)
{
    (void)state;
    cs_err e;
    cs_err_clear(&e);
    rank_config cfg;
    /* No "ranking" key: the defaults of seed 002. */
    json_t *c = json_loads("{\"other\": 1}", 0, NULL);
    assert_int_equal(rank_data_config(c, &cfg, &e), 0);
    assert_int_equal(cfg.n_bands, 4);
    assert_int_equal(cfg.bands[0].min_pct, 9000);
    assert_int_equal(cfg.quota_pct, 2000);
    json_decref(c);
    assert_int_equal(rank_data_config(NULL, &cfg, &e), 0);

    /* Seed 004 style: 90 / 75 / 50, quota 15.5 % of the whole group. */
    c = json_loads("{\"ranking\": {\"bands\": ["
                   "{\"code\": \"excellent\", \"min_pct\": 90, \"not_disciplined\": true,"
                   " \"quota\": true, \"good_or_better\": true},"
                   "{\"code\": \"good\", \"min_pct\": 75, \"good_or_better\": true},"
                   "{\"code\": \"complete\", \"min_pct\": 50},"
                   "{\"code\": \"not_complete\", \"min_pct\": 0}],"
                   " \"quota_percent\": 15.5, \"quota_base\": \"group\","
                   " \"content_max\": {\"5\": 5}}}", 0, NULL);
    assert_int_equal(rank_data_config(c, &cfg, &e), 0);
    assert_int_equal(cfg.bands[2].min_pct, 5000);
    assert_true(cfg.bands[0].quota);
    assert_false(cfg.bands[1].quota);
    assert_int_equal(cfg.quota_pct, 1550);
    assert_int_equal(cfg.quota_base, RANK_QUOTA_BASE_GROUP);
    assert_int_equal(cfg.content_max[4], 500);
    assert_int_equal(cfg.n_cchc_bands, 4);
    json_decref(c);

    /* Refused: three decimals, a last band with a threshold, a bad base, a bad content. */
    const char *bad[] = {
        "{\"ranking\": {\"quota_percent\": 20.125}}",
        "{\"ranking\": {\"bands\": [{\"code\": \"x\", \"min_pct\": 10}]}}",
        "{\"ranking\": {\"bands\": []}}",
        "{\"ranking\": {\"quota_base\": \"all\"}}",
        "{\"ranking\": {\"content_max\": {\"6\": 3}}}",
        "{\"ranking\": {\"cchc_bands\": [{\"min_pct\": 0}]}}",
        "{\"ranking\": 3}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cs_err_clear(&e);
        c = json_loads(bad[i], 0, NULL);
        assert_non_null(c);
        if (rank_data_config(c, &cfg, &e) != -1)
            fail_msg("accepted %s", bad[i]);
        assert_int_equal(e.status, 400);
        assert_string_equal(e.code, "invalid_config");
        assert_true(e.message_vi[0] && e.message_en[0]);
        json_decref(c);
    }
}

static void test_data_json(void **state)
{
    (void)state;
    cs_err e;
    cs_err_clear(&e);
    rank_data *d = NULL;
    /* Period missing: 404. */
    assert_int_equal(rank_data_from_json("{\"period\": null, \"agencies\": []}", &d, &e), -1);
    assert_int_equal(e.status, 404);
    assert_null(d);
    cs_err_clear(&e);
    assert_int_equal(rank_data_from_json("not json", &d, &e), -1);
    cs_err_clear(&e);

    /* Two agencies of one group, an index set whose content 1 gives 10 points. A2's leaf
     * 2.1 is N/A; A1's 1.1 has rounds 1 and 2; leaders 4.5/4/4 -> 4.17. A tie order naming
     * both is recorded but they are not tied. */
    const char *doc =
        "{\"period\": {\"id\": 7, \"year\": 2025, \"config\": {}},"
        " \"tiebreaks\": [{\"group\": \"01\", \"ids\": [12, 11]}],"
        " \"agencies\": ["
        "  {\"id\": 11, \"code\": \"A1\", \"name\": \"Một\", \"group\": \"01\", \"disciplined\": false,"
        "   \"content_max\": {\"1\": 1000},"
        "   \"leaves\": ["
        "    {\"code\": \"1.1\", \"content\": 1, \"title\": \"t\", \"max\": 1000, \"na\": false,"
        "     \"self\": 1000, \"r1\": 600, \"r1c\": \"thiếu\", \"r2\": 800, \"r2c\": \"bổ sung\"},"
        "    {\"code\": \"2.1\", \"content\": 2, \"title\": \"t\", \"max\": 500, \"na\": false, \"self\": 500},"
        "    {\"code\": \"4.1\", \"content\": 4, \"title\": \"t\", \"max\": 500, \"na\": false,"
        "     \"leaders\": [450, 400, 400]}]},"
        "  {\"id\": 12, \"code\": \"A2\", \"name\": \"Hai\", \"group\": \"01\", \"disciplined\": true,"
        "   \"content_max\": {\"1\": 1000},"
        "   \"leaves\": ["
        "    {\"code\": \"1.1\", \"content\": 1, \"title\": \"t\", \"max\": 1000, \"na\": false, \"self\": 1000},"
        "    {\"code\": \"2.1\", \"content\": 2, \"title\": \"t\", \"max\": 500, \"na\": true,"
        "     \"na_reason\": \"không giao\", \"self\": 500},"
        "    {\"code\": \"4.1\", \"content\": 4, \"title\": \"t\", \"max\": 500, \"na\": false, \"leaders\": null}]}]}";
    assert_int_equal(rank_data_from_json(doc, &d, &e), 0);
    assert_int_equal(d->period_id, 7);
    assert_int_equal(d->n_agencies, 2);
    assert_int_equal(rank_data_find(d, 12), 1);
    assert_int_equal(rank_data_find(d, 99), -1);
    const rank_data_agency *a1 = &d->agencies[0], *a2 = &d->agencies[1];
    assert_int_equal(a1->leaves[0].value, 800);
    assert_string_equal(a1->info[0].r2_comment, "bổ sung");
    assert_int_equal(a1->leaves[2].value, 417);
    assert_false(a2->leaves[1].applicable);
    assert_true(a2->disciplined);
    assert_true(a2->leaves[2].no_value);
    assert_int_equal(d->n_tiebreaks, 1);

    rank_outcome *o = NULL;
    assert_int_equal(rank_compute(&d->cfg, d->inputs, d->n_agencies, d->tiebreaks,
                                  d->n_tiebreaks, &o, &e), 0);
    const rank_group *g = &o->groups[0];
    /* A2: T = 10, M = 10 + 0 + 5 = 15 (N/A 2.1 out; content 1 capped by the index set's 10);
     * A1: T = 8 + 5 + 4.17 = 17.17, M = 20. */
    assert_string_equal(g->agencies[0].code, "A1");
    assert_int_equal(g->agencies[0].total, 1717);
    assert_int_equal(g->agencies[0].max, 2000);
    assert_int_equal(g->agencies[1].total, 1000);
    assert_int_equal(g->agencies[1].max, 1500);
    assert_int_equal(g->agencies[1].quality_pct, 6667);
    rank_outcome_destroy(&o);
    rank_data_destroy(&d);
    assert_null(d);

    /* The same two agencies as rank_sums.c sends them: the leaves summed per content
     * ("presum"), the group's maxima and the N/A ones; the same totals. */
    const char *sums =
        "{\"version\": 42, \"period\": {\"id\": 7, \"year\": 2025, \"config\": {}},"
        " \"tiebreaks\": [],"
        " \"agencies\": ["
        "  {\"id\": 11, \"code\": \"A1\", \"group\": \"01\", \"content_max\": {\"1\": 1000},"
        "   \"leaves\": [], \"presum\": {\"1\": 800, \"2\": 500, \"4\": 417},"
        "   \"group_max\": {\"1\": 1000, \"2\": 500, \"4\": 500}, \"na_max\": {}},"
        "  {\"id\": 12, \"code\": \"A2\", \"group\": \"01\", \"content_max\": {\"1\": 1000},"
        "   \"leaves\": [], \"presum\": {\"1\": 1000, \"2\": 0, \"4\": 0},"
        "   \"group_max\": {\"1\": 1000, \"2\": 500, \"4\": 500}, \"na_max\": {\"2\": 500}}]}";
    assert_int_equal(rank_data_from_json(sums, &d, &e), 0);
    assert_int_equal(d->input_version, 42);
    assert_true(d->agencies[1].has_presum);
    assert_int_equal(d->agencies[1].presum_max[1], 0);
    assert_int_equal(rank_compute(&d->cfg, d->inputs, d->n_agencies, d->tiebreaks,
                                  d->n_tiebreaks, &o, &e), 0);
    g = &o->groups[0];
    assert_string_equal(g->agencies[0].code, "A1");
    assert_int_equal(g->agencies[0].total, 1717);
    assert_int_equal(g->agencies[0].max, 2000);
    assert_int_equal(g->agencies[1].total, 1000);
    assert_int_equal(g->agencies[1].max, 1500);
    rank_outcome_destroy(&o);
    rank_data_destroy(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_examples),
        cmocka_unit_test(test_leaf_effective),
        cmocka_unit_test(test_threshold_exact),
        cmocka_unit_test(test_exactly_75_and_quota),
        cmocka_unit_test(test_na_and_caps),
        cmocka_unit_test(test_negative_total),
        cmocka_unit_test(test_ties),
        cmocka_unit_test(test_empty_and_groups),
        cmocka_unit_test(test_other_scheme),
        cmocka_unit_test(test_frac_cmp),
        cmocka_unit_test(test_config_json),
        cmocka_unit_test(test_data_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
