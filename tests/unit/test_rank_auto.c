/*  test_rank_auto: automatic leaves (services/ranking/rank_auto.c), the late-dossier rate
 *  and the heads' CCHC rating (rank_head.c) at their edges (SPEC §12), the precedence of an
 *  automatic value in rank_leaf_effective, and the shared CSV reader (cs_csv). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include "cs_csv.h"
#include "rank.h"
#include "rank_auto.h"
#include "rank_head.h"

static rank_metric s_ratio_metric(int64_t num, int64_t den)
{
    return (rank_metric){.present = true, .has_numerator = true, .has_denominator = true,
                         .numerator = num, .denominator = den};
}

static rank_metric s_score_metric(const char *score, const char *max)
{
    rank_metric m = {.present = true, .has_score = true, .has_max_score = true};
    assert_int_equal(rank_decimal_parse(score, &m.score), 0);
    assert_int_equal(rank_decimal_parse(max, &m.max_score), 0);
    return m;
}

static void test_ratio(void **state)
{
    (void)state;
    rank_auto_rule r = {.formula = RANK_AUTO_RATIO};
    int64_t v;
    rank_metric m = s_ratio_metric(980, 1000);
    assert_int_equal(rank_auto_value(&r, 700, &m, &v), RANK_AUTO_COMPUTED);
    assert_int_equal(v, 686);                               /* 7 × 0.98 = 6.86 */
    m = s_ratio_metric(1, 8);                               /* 7 × 1/8 = 0.875 -> 0.88 */
    assert_int_equal(rank_auto_value(&r, 700, &m, &v), RANK_AUTO_COMPUTED);
    assert_int_equal(v, 88);
    m = s_ratio_metric(1, 3);                               /* 7/3 = 2.333.. -> 2.33 */
    rank_auto_value(&r, 700, &m, &v);
    assert_int_equal(v, 233);
    m = s_ratio_metric(0, 0);                               /* denominator 0: N/A */
    assert_int_equal(rank_auto_value(&r, 700, &m, &v), RANK_AUTO_NA);
    assert_int_equal(v, 0);
    m = s_ratio_metric(5, 10);
    m.has_denominator = false;                              /* a field the formula reads is null */
    assert_int_equal(rank_auto_value(&r, 700, &m, &v), RANK_AUTO_NA);
    m = (rank_metric){.present = true, .is_null = true};    /* the whole metric null */
    assert_int_equal(rank_auto_value(&r, 700, &m, &v), RANK_AUTO_NA);
    m = (rank_metric){0};                                   /* the feed lacks it */
    assert_int_equal(rank_auto_value(&r, 700, &m, &v), RANK_AUTO_MISSING);
    assert_int_equal(rank_auto_value(&r, 700, NULL, &v), RANK_AUTO_MISSING);
    assert_int_equal(v, 0);
}

static void test_score(void **state)
{
    (void)state;
    rank_auto_rule r = {.formula = RANK_AUTO_SCORE};
    int64_t v;
    rank_metric m = s_score_metric("17.5", "18");           /* 6 × 17.5/18 = 5.8333 -> 5.83 */
    assert_int_equal(rank_auto_value(&r, 600, &m, &v), RANK_AUTO_COMPUTED);
    assert_int_equal(v, 583);
    m = s_score_metric("14.4", "18");                       /* exactly 4.80, no binary error */
    rank_auto_value(&r, 600, &m, &v);
    assert_int_equal(v, 480);
    m = s_score_metric("0.125", "1");                       /* 0.75, decimals of any scale */
    rank_auto_value(&r, 600, &m, &v);
    assert_int_equal(v, 75);
    m = s_score_metric("0", "0");                           /* maxScore 0: N/A */
    assert_int_equal(rank_auto_value(&r, 600, &m, &v), RANK_AUTO_NA);
    m = s_ratio_metric(5, 10);                              /* score reads only score/maxScore */
    assert_int_equal(rank_auto_value(&r, 600, &m, &v), RANK_AUTO_NA);
    rank_decimal d;
    assert_int_equal(rank_decimal_parse("1e5", &d), -1);
    assert_int_equal(rank_decimal_parse("-1", &d), -1);
    assert_int_equal(rank_decimal_parse("1.", &d), -1);
    assert_int_equal(rank_decimal_parse("0.1234567891", &d), -1);
}

static void test_bands(void **state)
{
    (void)state;
    rank_auto_rule r = {.formula = RANK_AUTO_BANDS, .n_bands = 4,
                        .bands = {{8000, 800}, {6000, 600}, {4000, 400}, {0, 0}}};
    int64_t v;
    rank_metric m = s_ratio_metric(800, 1000);              /* exactly on the 80 % edge */
    rank_auto_value(&r, 800, &m, &v);
    assert_int_equal(v, 800);
    m = s_ratio_metric(7999, 10000);                        /* 79.99 % is not 80 % */
    rank_auto_value(&r, 800, &m, &v);
    assert_int_equal(v, 600);
    m = s_ratio_metric(2, 3);                               /* 66.67 %: exact comparison */
    rank_auto_value(&r, 800, &m, &v);
    assert_int_equal(v, 600);
    m = s_ratio_metric(50, 1000);
    rank_auto_value(&r, 800, &m, &v);
    assert_int_equal(v, 0);
    rank_auto_rule none = {.formula = RANK_AUTO_BANDS, .n_bands = 1, .bands = {{5000, 300}}};
    m = s_ratio_metric(1, 10);                              /* no band reached: 0 */
    assert_int_equal(rank_auto_value(&none, 800, &m, &v), RANK_AUTO_COMPUTED);
    assert_int_equal(v, 0);
    m = s_ratio_metric(0, 0);
    assert_int_equal(rank_auto_value(&r, 800, &m, &v), RANK_AUTO_NA);
}

/* N/A > round 2 > round 1 > the computed value (or 0 when missing). */
static void test_precedence(void **state)
{
    (void)state;
    cs_err e;
    rank_leaf l;
    rank_leaf_raw raw = {.content = 2, .max_points = 700, .automatic = true,
                         .auto_status = RANK_AUTO_COMPUTED, .auto_value = 686,
                         .has_self = true, .self = 100};
    assert_int_equal(rank_leaf_effective(&raw, &l, &e), 0);
    assert_int_equal(l.value, 686);                         /* never the agency's own value */
    raw.has_r1 = true, raw.r1 = 650;
    rank_leaf_effective(&raw, &l, &e);
    assert_int_equal(l.value, 650);
    raw.has_r2 = true, raw.r2 = 600;
    rank_leaf_effective(&raw, &l, &e);
    assert_int_equal(l.value, 600);
    raw.auto_status = RANK_AUTO_NA;
    rank_leaf_effective(&raw, &l, &e);
    assert_false(l.applicable);
    assert_int_equal(l.value, 0);
    rank_leaf_raw missing = {.content = 2, .max_points = 700, .automatic = true,
                             .auto_status = RANK_AUTO_MISSING};
    rank_leaf_effective(&missing, &l, &e);
    assert_true(l.applicable);                              /* counts in the maximum */
    assert_int_equal(l.value, 0);
    assert_true(l.no_value);
}

static void s_rate(int64_t r_num, int64_t r_den, rank_dossiers d, bool req, const char *want)
{
    rank_head_band b[8];
    size_t n = rank_head_default(b, 8);
    char code[RANK_HEAD_CODE_LEN], reason[RANK_HEAD_REASON_LEN];
    rank_head_rate(b, n, r_num, r_den, &d, req, req ? NULL : "1.1 = 14.75 < 15.00", code, reason);
    assert_string_equal(code, want);
}

static void test_head_rating(void **state)
{
    (void)state;
    rank_dossiers ok = {.known = true, .on_time = 980, .late = 20};
    s_rate(9000, 10000, ok, true, "excellent");             /* R exactly 90 */
    s_rate(8999, 10000, ok, true, "good");                  /* 89.99 */
    s_rate(8000, 10000, ok, true, "good");
    s_rate(6500, 10000, ok, true, "complete");              /* R exactly 65 */
    s_rate(6499, 10000, ok, true, "not_complete");
    rank_dossiers five = {.known = true, .on_time = 950, .late = 50};   /* exactly 5.00 % */
    s_rate(9500, 10000, five, true, "complete");
    rank_dossiers below = {.known = true, .on_time = 9501, .late = 499}; /* 4.99 % */
    s_rate(9500, 10000, below, true, "excellent");
    rank_dossiers none = {.known = true, .on_time = 0, .late = 0};      /* nothing resolved */
    s_rate(9500, 10000, none, true, "excellent");
    rank_dossiers unknown = {.known = false};                          /* no dossier data */
    s_rate(9500, 10000, unknown, true, RANK_HEAD_PENDING);
    s_rate(8500, 10000, unknown, true, RANK_HEAD_PENDING);   /* good is reached, unknown */
    s_rate(7000, 10000, unknown, true, "complete");          /* late rate not needed there */
    s_rate(9500, 10000, unknown, false, "not_complete");     /* false beats unknown */
    s_rate(9500, 10000, ok, false, "not_complete");          /* required leaf one step short */

    char code[RANK_HEAD_CODE_LEN], reason[RANK_HEAD_REASON_LEN];
    rank_head_band b[8];
    size_t n = rank_head_default(b, 8);
    rank_head_rate(b, n, 9500, 10000, &unknown, true, NULL, code, reason);
    assert_non_null(strstr(reason, "excellent: late_pct unknown"));
    rank_head_rate(b, n, 9500, 10000, &five, true, NULL, code, reason);
    assert_string_equal(reason, "excellent: late_pct >= 5.00; good: late_pct >= 5.00");
}

static void test_late_pct(void **state)
{
    (void)state;
    int64_t pct;
    rank_dossiers d = {.known = true, .on_time = 950, .late = 50};
    assert_int_equal(rank_late(&d, &pct), RANK_LATE_KNOWN);
    assert_int_equal(pct, 500);
    d = (rank_dossiers){.known = true, .on_time = 2, .late = 1};
    rank_late(&d, &pct);
    assert_int_equal(pct, 3333);
    d = (rank_dossiers){.known = true, .on_time = 1, .late = 2};
    rank_late(&d, &pct);
    assert_int_equal(pct, 6667);
    d = (rank_dossiers){.known = true, .on_time = 199999, .late = 1};  /* 0.0005 % -> 0.00 */
    rank_late(&d, &pct);
    assert_int_equal(pct, 0);
    d = (rank_dossiers){.known = true};
    assert_int_equal(rank_late(&d, &pct), RANK_LATE_NA);
    d = (rank_dossiers){.known = false};
    assert_int_equal(rank_late(&d, &pct), RANK_LATE_UNKNOWN);
}

/* A required leaf one step short through rank_compute: the rating and its reason. */
static void test_required_in_compute(void **state)
{
    (void)state;
    rank_config cfg;
    rank_config_default(&cfg);
    rank_leaf leaves[6];
    const int64_t max[6] = {4500, 3500, 1200, 500, 300, 1000};
    const int64_t val[6] = {4475, 3500, 1200, 500, 300, 0};
    for (int k = 0; k < 6; k++)
        leaves[k] = (rank_leaf){.content = k + 1, .max_points = max[k], .applicable = true,
                                .value = val[k], .code = k == 0 ? "1.1" : "x"};
    leaves[0].has_required_min = true;
    leaves[0].required_min = 4500;
    rank_agency a = {.id = 1, .code = "A", .group = "01", .leaves = leaves, .n_leaves = 6,
                     .dossiers = {.known = true, .on_time = 10, .late = 0}};
    rank_outcome *o = NULL;
    cs_err e;
    assert_int_equal(rank_compute(&cfg, &a, 1, NULL, 0, &o, &e), 0);
    const rank_result *r = &o->groups[0].agencies[0];
    assert_false(r->required_done);
    assert_string_equal(r->head_rating, "not_complete");
    assert_non_null(strstr(r->head_reason, "required leaf 1.1 = 44.75 < 45.00"));
    rank_outcome_destroy(&o);
    leaves[0].value = 4500;                                 /* exactly the minimum */
    assert_int_equal(rank_compute(&cfg, &a, 1, NULL, 0, &o, &e), 0);
    assert_string_equal(o->groups[0].agencies[0].head_rating, "excellent");
    rank_outcome_destroy(&o);
    leaves[0].applicable = false;                           /* N/A leaves are not required */
    leaves[0].value = 0;
    assert_int_equal(rank_compute(&cfg, &a, 1, NULL, 0, &o, &e), 0);
    assert_true(o->groups[0].agencies[0].required_done);
    rank_outcome_destroy(&o);
}

/* A stream that gives one byte per read, as a slow pipe may. */
typedef struct {
    const char *text;
    size_t pos;
} s_trickle;

static ssize_t s_trickle_read(void *arg, char *buf, size_t n)
{
    s_trickle *t = arg;
    if (n == 0 || !t->text[t->pos])
        return 0;
    buf[0] = t->text[t->pos++];
    return 1;
}

static void test_csv_stream(void **state)
{
    (void)state;
    cs_err e;
    /* The separator comes after the first read: it is still decided from the whole line. */
    s_trickle t = {"\"agency, code\";period\nA;2025\n", 0};
    cs_csv *csv = cs_csv_new_reader(s_trickle_read, &t);
    assert_int_equal(cs_csv_next(csv, &e), 1);
    assert_int_equal(cs_csv_separator(csv), ';');
    assert_string_equal(cs_csv_field(csv, 0), "agency, code");
    assert_int_equal(cs_csv_next(csv, &e), 1);
    assert_string_equal(cs_csv_field(csv, 1), "2025");
    assert_int_equal(cs_csv_next(csv, &e), 0);
    cs_csv_destroy(&csv);
}

static void test_csv(void **state)
{
    (void)state;
    cs_err e;
    const char *text = "\xEF\xBB\xBF" "agency_code;period;ratio\r\n"
                       "\"A;1\";2025;\"95,5\"\r\n"
                       "\r\n"
                       "\"B \"\"x\"\"\";2025-Q1;\"multi\nline\"\n"
                       "C;2025-03;7";
    cs_csv *csv = cs_csv_new_text(text, strlen(text));
    assert_int_equal(cs_csv_next(csv, &e), 1);
    assert_int_equal(cs_csv_separator(csv), ';');
    assert_int_equal(cs_csv_column(csv, "AGENCY_CODE"), 0);
    assert_int_equal(cs_csv_column(csv, "ratio"), 2);
    assert_int_equal(cs_csv_next(csv, &e), 1);
    assert_string_equal(cs_csv_field(csv, 0), "A;1");
    assert_int_equal(cs_csv_line(csv), 2);
    int64_t v;
    assert_int_equal(cs_csv_decimal(cs_csv_field(csv, 2), 2, &v), 0);
    assert_int_equal(v, 9550);
    assert_int_equal(cs_csv_next(csv, &e), 1);             /* the blank line is skipped */
    assert_string_equal(cs_csv_field(csv, 0), "B \"x\"");
    assert_string_equal(cs_csv_field(csv, 2), "multi\nline");
    assert_int_equal(cs_csv_line(csv), 4);
    assert_int_equal(cs_csv_next(csv, &e), 1);
    assert_int_equal(cs_csv_line(csv), 6);                 /* after a two-line field */
    assert_string_equal(cs_csv_field(csv, 2), "7");
    assert_int_equal(cs_csv_next(csv, &e), 0);
    cs_csv_destroy(&csv);
    assert_null(csv);

    const char *bad = "a,b\n1,\"open\n2,3\n";
    csv = cs_csv_new_text(bad, strlen(bad));
    assert_int_equal(cs_csv_next(csv, &e), 1);
    assert_int_equal(cs_csv_separator(csv), ',');
    assert_int_equal(cs_csv_next(csv, &e), -1);
    assert_string_equal(e.code, CS_CSV_INVALID);
    assert_string_equal(e.field, "line 2");
    cs_csv_destroy(&csv);

    assert_int_equal(cs_csv_uint(" 12 ", &v), 0);
    assert_int_equal(v, 12);
    assert_int_equal(cs_csv_uint("1.5", &v), -1);
    assert_int_equal(cs_csv_uint("-1", &v), -1);
    assert_int_equal(cs_csv_decimal("1.234", 2, &v), -1);
    assert_int_equal(cs_csv_decimal("0,25", 2, &v), 0);
    assert_int_equal(v, 25);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ratio),
        cmocka_unit_test(test_score),
        cmocka_unit_test(test_bands),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_head_rating),
        cmocka_unit_test(test_late_pct),
        cmocka_unit_test(test_required_in_compute),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_csv_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
