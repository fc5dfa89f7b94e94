/* Survey import: CSV parsing (header, decimal comma, quotes, N/A, decimals), validation
 * against reference data (agency, content-3 leaf, N/A, range, duplicates, all lines named),
 * and the Likert conversion max·(mean−1)/4 rounded half-up to 0.01. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/surveys/likert.h"
#include "../../services/surveys/response_import.h"
#include "../../services/surveys/survey_import.h"

static const survey_ref_agency AGENCIES[] = {
    {"SNV", 11, "01"}, {"STC", 12, "01"}, {"XA1", 31, "03"},
};
static const survey_ref_leaf LEAVES[] = {
    {"01", "3.1", 600}, {"01", "3.2", 600}, {"03", "3.1", 400},
};
static const survey_ref_na NA[] = { {12, "3.2"} };
static const survey_ref REF = {AGENCIES, 3, LEAVES, 3, NA, 1};

/* Parse + validate a CSV; returns the result, e filled. */
static int s_csv(const char *text, survey_import **out, cs_err *e)
{
    cs_err_clear(e);
    survey_import *si = survey_import_new(true);
    int rc = survey_import_parse_csv(si, text, strlen(text), e);
    if (rc == 0)
        rc = survey_import_validate(si, &REF, e);
    if (out)
        *out = si;
    else
        survey_import_destroy(&si);
    return rc;
}

static void test_valid_csv(void **state)
{
    (void)state;
    cs_err e;
    survey_import *si = NULL;
    const char *ok = "\xEF\xBB\xBF" "agency_code,leaf_code,points\r\n"
                     "SNV,3.1,5.5\r\n"
                     "SNV,3.2,\"4,25\"\n"
                     "\n"
                     "STC,3.1,3,5\n"
                     " XA1 , 3.1 , 4 \n";
    assert_int_equal(s_csv(ok, &si, &e), 0);
    assert_int_equal(survey_import_count(si), 4);
    const survey_row *r = survey_import_row(si, 0);
    assert_string_equal(r->agency_code, "SNV");
    assert_int_equal(r->points, 550);
    assert_int_equal(r->agency_id, 11);
    assert_int_equal(r->line, 2);
    assert_int_equal(survey_import_row(si, 1)->points, 425);
    assert_int_equal(survey_import_row(si, 2)->points, 350);   /* unquoted decimal comma */
    assert_int_equal(survey_import_row(si, 2)->line, 5);
    assert_int_equal(survey_import_row(si, 3)->points, 400);   /* = max of group 03 */
    assert_int_equal(survey_import_row(si, 3)->max_points, 400);
    char *canon = survey_import_canonical(si);
    assert_string_equal(canon, "SNV,3.1,5.50\nSNV,3.2,4.25\nSTC,3.1,3.50\nXA1,3.1,4.00\n");
    free(canon);
    survey_import_destroy(&si);
    assert_null(si);
}

static void test_semicolon_csv(void **state)
{
    (void)state;
    cs_err e;
    survey_import *si = NULL;
    assert_int_equal(s_csv("Agency_Code;Leaf_Code;Points\nSNV;3.1;5,75\n", &si, &e), 0);
    assert_int_equal(survey_import_row(si, 0)->points, 575);
    survey_import_destroy(&si);
}

/* One bad file per kind: the code, and the line named in field, message and detail. */
static void s_refused(const char *csv, const char *code, int line)
{
    cs_err e;
    assert_int_equal(s_csv(csv, NULL, &e), -1);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.code, code);
    char want[32];
    snprintf(want, sizeof want, "line %d", line);
    assert_string_equal(e.field, want);
    snprintf(want, sizeof want, "Line %d:", line);
    assert_non_null(strstr(e.message_en, want));
    snprintf(want, sizeof want, "Dòng %d:", line);
    assert_non_null(strstr(e.message_vi, want));
}

static void test_refusals(void **state)
{
    (void)state;
    const char *h = "agency_code,leaf_code,points\n";
    char buf[256];
#define BAD(rows, code, line) \
    (snprintf(buf, sizeof buf, "%s%s", h, rows), s_refused(buf, code, line))
    s_refused("SNV,3.1,5\n", "csv_header", 1);
    s_refused("\n\nagency,leaf,points\nSNV,3.1,5\n", "csv_header", 3);
    BAD("SNV,3.1,5\nXXX,3.1,5\n", "survey_unknown_agency", 3);
    BAD("SNV,1.1,5\n", "survey_unknown_leaf", 2);
    BAD("XA1,3.2,1\n", "survey_unknown_leaf", 2);          /* 3.2 is not in group 03's set */
    BAD("SNV,3.1,6.01\n", "survey_points_out_of_range", 2);
    BAD("SNV,3.1,-1\n", "survey_points_out_of_range", 2);
    BAD("SNV,3.1,5.125\n", "survey_points_precision", 2);
    BAD("SNV,3.1,\"5,125\"\n", "survey_points_precision", 2);
    BAD("SNV,3.1,N/A\n", "survey_points_na", 2);
    BAD("STC,3.2,1\n", "survey_leaf_not_applicable", 2);
    BAD("SNV,3.1,abc\n", "survey_points_invalid", 2);
    BAD("SNV,3.1,1e2\n", "survey_points_invalid", 2);
    BAD("SNV,3.1,\n", "survey_missing_field", 2);
    BAD(",3.1,1\n", "survey_missing_field", 2);
    BAD("SNV,3.1\n", "csv_invalid", 2);
    BAD("SNV,3.1,1,2,3\n", "csv_invalid", 2);
    BAD("SNV,\"3.1,1\n", "csv_invalid", 2);
    BAD("SNV,3.1,1\nSTC,3.1,2\nSNV,3.1,3\n", "survey_duplicate_row", 4);
#undef BAD
    cs_err e;
    assert_int_equal(s_csv(h, NULL, &e), -1);
    assert_string_equal(e.code, "survey_empty");
    assert_int_equal(s_csv("", NULL, &e), -1);
    assert_string_equal(e.code, "csv_header");
}

/* Every bad line is counted; the first one is the error, the others are listed. */
static void test_all_lines_named(void **state)
{
    (void)state;
    cs_err e;
    assert_int_equal(s_csv("agency_code,leaf_code,points\nSNV,3.1,1\nSNV,3.1,x\nXXX,3.1,1\n"
                           "SNV,3.2,9\n", NULL, &e), -1);
    assert_string_equal(e.code, "survey_points_invalid");
    assert_string_equal(e.field, "line 3");
    assert_string_equal(e.detail, "line=3");     /* the only format error */
    /* format errors stop before the reference checks: line 4 and 5 come later */
    assert_int_equal(s_csv("agency_code,leaf_code,points\nXXX,3.1,1\nSNV,3.2,9\nSNV,3.1,1\n"
                           "SNV,3.1,2\n", NULL, &e), -1);
    assert_string_equal(e.code, "survey_unknown_agency");
    assert_non_null(strstr(e.detail, "3 errors"));
    assert_non_null(strstr(e.detail, "3, 5"));
}

static void test_json_items(void **state)
{
    (void)state;
    cs_err e;
    cs_err_clear(&e);
    survey_import *si = survey_import_new(false);
    assert_int_equal(survey_import_add(si, "SNV", "3.1", true, 600, &e), 0);
    assert_int_equal(survey_import_add(si, "SNV", "3.2", false, 0, &e), -1);
    assert_int_equal(survey_import_add(si, "STC", "3.1", true, 100, &e), 0);
    assert_int_equal(survey_import_validate(si, &REF, &e), -1);
    assert_string_equal(e.code, "survey_missing_field");
    assert_string_equal(e.field, "items[1].points");
    assert_non_null(strstr(e.message_en, "items[1]"));
    survey_import_destroy(&si);

    cs_err_clear(&e);
    si = survey_import_new(false);
    assert_int_equal(survey_import_add(si, "SNV", "3.1", true, 100, &e), 0);
    assert_int_equal(survey_import_add(si, "SNV", "3.2", true, 601, &e), 0);
    assert_int_equal(survey_import_validate(si, &REF, &e), -1);
    assert_string_equal(e.code, "survey_points_out_of_range");
    assert_string_equal(e.field, "items[1].points");
    survey_import_destroy(&si);
    survey_import_destroy(&si);   /* tolerates NULL */
}

static void test_points_cell(void **state)
{
    (void)state;
    int64_t v = -7;
    const char *why = NULL;
    assert_int_equal(survey_points_cell("0", &v, &why), 0);
    assert_int_equal(v, 0);
    assert_int_equal(survey_points_cell(" 12,5 ", &v, &why), 0);
    assert_int_equal(v, 1250);
    assert_int_equal(survey_points_cell("1.2.3", &v, &why), -1);
    assert_string_equal(why, "number");
    assert_int_equal(survey_points_cell("1,2,3", &v, &why), -1);
    assert_int_equal(survey_points_cell("1.", &v, &why), -1);
    assert_int_equal(survey_points_cell("n/a", &v, &why), -1);
    assert_string_equal(why, "na");
    assert_int_equal(survey_points_cell("99999999999999999999", &v, &why), -1);
}

static void test_likert(void **state)
{
    (void)state;
    cs_err e;
    int64_t v;
    /* all answers 5 -> max, all 1 -> 0 */
    assert_int_equal(likert_mean_points(600, 50, 10, &v, &e), 0);
    assert_int_equal(v, 600);
    assert_int_equal(likert_mean_points(600, 10, 10, &v, &e), 0);
    assert_int_equal(v, 0);
    /* mean 3 -> half of max */
    assert_int_equal(likert_mean_points(500, 9, 3, &v, &e), 0);
    assert_int_equal(v, 250);
    /* 6·(11/3 − 1)/4 = 4.0 exactly: sum 11 of 3 answers */
    assert_int_equal(likert_mean_points(600, 11, 3, &v, &e), 0);
    assert_int_equal(v, 400);
    /* 5·(10/3 − 1)/4 = 2.91666.. -> 2.92 */
    assert_int_equal(likert_mean_points(500, 10, 3, &v, &e), 0);
    assert_int_equal(v, 292);
    /* 1·(7/6 − 1)/4 = 0.041666.. -> 0.04 */
    assert_int_equal(likert_mean_points(100, 7, 6, &v, &e), 0);
    assert_int_equal(v, 4);
    /* 1·(9/8 − 1)/4 = 0.03125 -> 0.03; exactly half a hundredth rounds up:
     * 1·(3/2 − 1)/4 = 0.125 -> 0.13 */
    assert_int_equal(likert_mean_points(100, 9, 8, &v, &e), 0);
    assert_int_equal(v, 3);
    assert_int_equal(likert_mean_points(100, 3, 2, &v, &e), 0);
    assert_int_equal(v, 13);
    /* out-of-range input refused */
    assert_int_equal(likert_mean_points(600, 0, 0, &v, &e), -1);
    assert_string_equal(e.code, "likert_invalid");
    assert_int_equal(likert_mean_points(600, 9, 10, &v, &e), -1);
    assert_int_equal(likert_mean_points(600, 51, 10, &v, &e), -1);
    assert_int_equal(likert_mean_points(0, 10, 10, &v, &e), -1);
    /* share-satisfied: 12 · 2/3 = 8.00; 5 · 1/3 = 1.666.. -> 1.67 */
    assert_int_equal(likert_share_points(1200, 2, 3, &v, &e), 0);
    assert_int_equal(v, 800);
    assert_int_equal(likert_share_points(500, 1, 3, &v, &e), 0);
    assert_int_equal(v, 167);
    assert_int_equal(likert_share_points(500, 4, 3, &v, &e), -1);
}

/* Half-up, checked by its definition for many inputs: r is the result for the exact value
 * v = max·(sum−n)/(4n) hundredths iff r − 1/2 <= v < r + 1/2, i.e. in integers
 * (2r − 1)·4n <= 2·max·(sum−n) < (2r + 1)·4n. */
static void test_likert_exhaustive(void **state)
{
    (void)state;
    static const int64_t maxima[] = {100, 125, 400, 500, 600, 1200, 333};
    cs_err e;
    for (size_t m = 0; m < sizeof maxima / sizeof maxima[0]; m++)
        for (int64_t n = 1; n <= 40; n++)
            for (int64_t sum = n; sum <= 5 * n; sum++) {
                int64_t r = -1;
                assert_int_equal(likert_mean_points(maxima[m], sum, n, &r, &e), 0);
                int64_t twice = 2 * maxima[m] * (sum - n);
                assert_true((2 * r - 1) * 4 * n <= twice);
                assert_true(twice < (2 * r + 1) * 4 * n);
                assert_true(r >= 0 && r <= maxima[m]);
            }
}

static int s_responses(const char *csv, int nq, response_import **out, cs_err *e)
{
    cs_err_clear(e);
    response_import *ri = response_import_new(nq);
    int rc = response_import_parse_csv(ri, csv, strlen(csv), e);
    if (out)
        *out = ri;
    else
        response_import_destroy(&ri);
    return rc;
}

static void test_response_import(void **state)
{
    (void)state;
    cs_err e;
    response_import *ri = NULL;
    assert_int_equal(s_responses("agency_code,q1,q2\r\nA1,5,4\r\n\r\n\"A2\",1,3\n", 2, &ri, &e), 0);
    assert_int_equal(response_import_count(ri), 2);
    const response_row *r = response_import_row(ri, 1);
    assert_string_equal(r->agency_code, "A2");
    assert_int_equal(r->line, 4);
    assert_int_equal(r->values[0], 1);
    assert_int_equal(r->values[1], 3);
    response_import_destroy(&ri);
    assert_null(ri);
    assert_int_equal(s_responses("Agency_Code;Q1\nA1;2\n", 1, NULL, &e), 0);

    struct { const char *csv; const char *code; const char *field; } bad[] = {
        {"agency_code,q1\nA1,5\n", "csv_header", "line 1"},          /* 2 questions */
        {"agency_code,q2,q1\nA1,5,4\n", "csv_header", "line 1"},
        {"", "csv_header", "line 1"},
        {"agency_code,q1,q2\n", "survey_empty", "csv"},
        {"agency_code,q1,q2\nA1,5,4\nA1,6,4\n", "survey_answers_invalid", "line 3"},
        {"agency_code,q1,q2\nA1,0,4\n", "survey_answers_invalid", "line 2"},
        {"agency_code,q1,q2\nA1,4.5,4\n", "survey_answers_invalid", "line 2"},
        {"agency_code,q1,q2\nA1,,4\n", "survey_answers_invalid", "line 2"},
        {"agency_code,q1,q2\nA1,4\n", "csv_invalid", "line 2"},
        {"agency_code,q1,q2\n,4,4\n", "survey_missing_field", "line 2"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(s_responses(bad[i].csv, 2, NULL, &e), -1);
        assert_string_equal(e.code, bad[i].code);
        assert_string_equal(e.field, bad[i].field);
        assert_int_equal(e.status, 400);
    }
    assert_int_equal(s_responses("agency_code,q1,q2\nA1,9,4\nA1,4\nA2,1,1\nA3,x,1\n", 2, NULL, &e),
                     -1);
    assert_string_equal(e.field, "line 2");
    assert_non_null(strstr(e.detail, "3 errors"));
    assert_non_null(strstr(e.detail, "3, 5"));
}

/* Random text over the characters that matter to the parsers: every call ends in 0, or -1
 * with a 400 error naming a line or the file; nothing crashes or leaks (run under ASan). */
static void test_random_input(void **state)
{
    (void)state;
    static const char alphabet[] = "agency_code,leaf_code,points;q1q2\"\r\n 0123456789.,-N/AA1SNV";
    unsigned seed = 12345;
    char buf[256];
    for (int round = 0; round < 5000; round++) {
        size_t len = 0;
        /* Half the inputs start with a valid header, so the row parser is reached too. */
        if (round % 2) {
            const char *h = round % 4 == 1 ? "agency_code,leaf_code,points\n" : "agency_code,q1,q2\n";
            len = strlen(h);
            memcpy(buf, h, len);
        }
        seed = seed * 1103515245u + 12345u;
        size_t extra = (seed >> 16) % 120;
        for (size_t i = 0; i < extra; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[len++] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        buf[len] = '\0';
        cs_err e;
        cs_err_clear(&e);
        survey_import *si = survey_import_new(true);
        int rc = survey_import_parse_csv(si, buf, len, &e);
        if (rc == 0)
            rc = survey_import_validate(si, &REF, &e);
        if (rc != 0) {
            assert_int_equal(e.status, 400);
            assert_true(strncmp(e.field, "line ", 5) == 0 || strcmp(e.field, "csv") == 0);
        }
        survey_import_destroy(&si);
        cs_err_clear(&e);
        response_import *ri = response_import_new(2);
        if (response_import_parse_csv(ri, buf, len, &e) != 0)
            assert_int_equal(e.status, 400);
        response_import_destroy(&ri);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_csv),
        cmocka_unit_test(test_semicolon_csv),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_all_lines_named),
        cmocka_unit_test(test_json_items),
        cmocka_unit_test(test_points_cell),
        cmocka_unit_test(test_likert),
        cmocka_unit_test(test_likert_exhaustive),
        cmocka_unit_test(test_response_import),
        cmocka_unit_test(test_random_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
