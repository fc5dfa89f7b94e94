/*  Self-score and appraisal value rules, the spreadsheet CSV of self scores, evidence
 *  metadata checks (services/submissions/sub_rules.c, services/appraisal/apr_access.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../services/appraisal/apr_access.h"
#include "../../services/submissions/sub_rules.h"
#include "cs_file.h"

static void test_content_self_scored(void **state)
{
    (void)state;
    assert_true(sub_content_self_scored(1));
    assert_true(sub_content_self_scored(2));
    assert_false(sub_content_self_scored(3));
    assert_false(sub_content_self_scored(4));
    assert_true(sub_content_self_scored(5));
    assert_true(sub_content_self_scored(6));
    assert_false(sub_content_self_scored(0));
    assert_false(sub_content_self_scored(7));
}

static void test_value_range_and_step(void **state)
{
    (void)state;
    cs_err e;
    sub_leaf leaf = {.code = "1.1", .content = 1, .max_points = 2000, .step = 25};
    cs_err_clear(&e);
    assert_int_equal(sub_check_value(&leaf, 0, &e), 0);
    assert_int_equal(sub_check_value(&leaf, 2000, &e), 0);    /* max itself */
    assert_int_equal(sub_check_value(&leaf, 1775, &e), 0);
    assert_int_equal(sub_check_value(&leaf, 2025, &e), -1);   /* max + one step */
    assert_string_equal(e.code, "score_out_of_range");
    assert_int_equal(e.status, 400);
    assert_non_null(strstr(e.message_en, "1.1"));
    assert_non_null(strstr(e.message_vi, "20.00"));
    assert_int_equal(sub_check_value(&leaf, -25, &e), -1);
    assert_string_equal(e.code, "score_out_of_range");
    assert_int_equal(sub_check_value(&leaf, 1760, &e), -1);   /* 17.60 is not k x 0.25 */
    assert_string_equal(e.code, "score_not_multiple_of_step");
    assert_non_null(strstr(e.message_en, "0.25"));
}

static void test_value_deductions(void **state)
{
    (void)state;
    cs_err e;
    sub_leaf leaf = {.code = "6.1", .content = 6, .max_points = 200, .step = 25};
    cs_err_clear(&e);
    assert_int_equal(sub_check_value(&leaf, -200, &e), 0);
    assert_int_equal(sub_check_value(&leaf, 0, &e), 0);
    assert_int_equal(sub_check_value(&leaf, 25, &e), -1);     /* deductions are <= 0 */
    assert_string_equal(e.code, "score_out_of_range");
    assert_int_equal(sub_check_value(&leaf, -225, &e), -1);
    assert_int_equal(sub_check_value(&leaf, -110, &e), -1);
    assert_string_equal(e.code, "score_not_multiple_of_step");
}

static void test_parse_score(void **state)
{
    (void)state;
    int64_t v = 0;
    assert_int_equal(sub_parse_score("17,5", &v), 0);
    assert_int_equal(v, 1750);
    assert_int_equal(sub_parse_score(" 17.25 ", &v), 0);
    assert_int_equal(v, 1725);
    assert_int_equal(sub_parse_score("-1,25", &v), 0);
    assert_int_equal(v, -125);
    assert_int_equal(sub_parse_score("20", &v), 0);
    assert_int_equal(v, 2000);
    assert_int_equal(sub_parse_score("1,234", &v), -1);  /* three decimals */
    assert_int_equal(sub_parse_score("1.000,5", &v), -1); /* thousands separator */
    assert_int_equal(sub_parse_score("abc", &v), -1);
    assert_int_equal(sub_parse_score("", &v), -1);
    assert_int_equal(sub_parse_score("1e2", &v), -1);
}

static void test_csv_spreadsheet_export(void **state)
{
    (void)state;
    cs_err e;
    cs_err_clear(&e);
    /* BOM, header, CRLF, a quoted decimal comma, a quoted note with a comma and quotes,
     * an empty score (clear), a blank line. */
    const char *text = "\xEF\xBB\xBFleaf_code,score,note\r\n"
                       "1.1,\"17,5\",\"Đã hoàn thành, \"\"đúng hạn\"\"\"\r\n"
                       "\r\n"
                       "2.1,3.25,\r\n"
                       "2.2,,chưa có số liệu\r\n";
    sub_csv *csv = sub_csv_parse(text, &e);
    assert_non_null(csv);
    assert_int_equal(sub_csv_count(csv), 3);
    const sub_csv_row *r = sub_csv_row_at(csv, 0);
    assert_string_equal(r->leaf_code, "1.1");
    assert_true(r->has_score);
    assert_int_equal(r->score, 1750);
    assert_string_equal(r->note, "Đã hoàn thành, \"đúng hạn\"");
    assert_int_equal(r->line, 2);
    r = sub_csv_row_at(csv, 1);
    assert_int_equal(r->score, 325);
    assert_int_equal(r->line, 4);
    assert_string_equal(r->note, "");
    r = sub_csv_row_at(csv, 2);
    assert_false(r->has_score);
    assert_string_equal(r->note, "chưa có số liệu");
    assert_null(sub_csv_row_at(csv, 3));
    sub_csv_destroy(&csv);
    assert_null(csv);
    sub_csv_destroy(&csv); /* tolerates NULL */
}

static void test_csv_semicolon(void **state)
{
    (void)state;
    cs_err e;
    cs_err_clear(&e);
    sub_csv *csv = sub_csv_parse("1.1;17,5;ghi chú\n1.2;2;\n", &e);
    assert_non_null(csv);
    assert_int_equal(sub_csv_count(csv), 2);
    assert_int_equal(sub_csv_row_at(csv, 0)->score, 1750);
    assert_string_equal(sub_csv_row_at(csv, 0)->note, "ghi chú");
    assert_int_equal(sub_csv_row_at(csv, 1)->score, 200);
    sub_csv_destroy(&csv);
}

static void test_csv_errors_name_the_line(void **state)
{
    (void)state;
    cs_err e;
    cs_err_clear(&e);
    assert_null(sub_csv_parse("leaf_code,score,note\n1.1,17.5,ok\n1.2,abc,x\n", &e));
    assert_string_equal(e.code, "score_invalid");
    assert_non_null(strstr(e.message_en, "Line 3"));
    assert_non_null(strstr(e.message_vi, "Dòng 3"));
    cs_err_clear(&e);
    assert_null(sub_csv_parse("1.1,2,a,extra\n", &e));
    assert_string_equal(e.code, "csv_invalid");
    assert_non_null(strstr(e.message_en, "Line 1"));
    cs_err_clear(&e);
    assert_null(sub_csv_parse("1.1,\"17,5\n", &e)); /* quote never closed */
    assert_string_equal(e.code, "csv_invalid");
    cs_err_clear(&e);
    assert_null(sub_csv_parse("leaf_code,score,note\n", &e));
    assert_string_equal(e.code, "csv_empty");
    cs_err_clear(&e);
    assert_null(sub_csv_parse("", &e));
    cs_err_clear(&e);
    assert_null(sub_csv_parse("1.1\n", &e)); /* no score column */
    assert_string_equal(e.code, "csv_invalid");
}

static void test_file_names(void **state)
{
    (void)state;
    cs_err e;
    cs_err_clear(&e);
    assert_int_equal(cs_file_check_name("Báo cáo CCHC 2025.pdf", &e), 0);
    assert_int_equal(cs_file_check_name("../../etc/passwd", &e), -1);
    assert_string_equal(e.code, "invalid_file_name");
    assert_int_equal(cs_file_check_name("a/b.pdf", &e), -1);
    assert_int_equal(cs_file_check_name("a\\b.pdf", &e), -1);
    assert_int_equal(cs_file_check_name("..", &e), -1);
    assert_int_equal(cs_file_check_name(".hidden", &e), -1);
    assert_int_equal(cs_file_check_name("C:evil.pdf", &e), -1);
    assert_int_equal(cs_file_check_name("a\nb.pdf", &e), -1);
    assert_int_equal(cs_file_check_name("bad\xC3(.pdf", &e), -1); /* invalid UTF-8 */
    assert_int_equal(cs_file_check_name("", &e), -1);
    assert_int_equal(cs_file_check_name(NULL, &e), -1);
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(cs_file_check_name(longname, &e), -1);
}

static void test_sha256_and_dates(void **state)
{
    (void)state;
    cs_err e;
    cs_err_clear(&e);
    const char *h = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    assert_int_equal(cs_file_check_sha256(h, &e), 0);
    assert_int_equal(cs_file_check_sha256("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", &e), -1);
    assert_int_equal(cs_file_check_sha256("abc", &e), -1);
    assert_int_equal(sub_check_date("2025-11-14", "issued_on", &e), 0);
    assert_int_equal(sub_check_date("2024-02-29", "issued_on", &e), 0);
    assert_int_equal(sub_check_date("2025-02-29", "issued_on", &e), -1);
    assert_string_equal(e.code, "invalid_date");
    assert_string_equal(e.field, "issued_on");
    assert_int_equal(sub_check_date("14/11/2025", "issued_on", &e), -1);
    assert_int_equal(sub_check_date("2025-13-01", "issued_on", &e), -1);
}

static void test_appraisal_values_and_scopes(void **state)
{
    (void)state;
    cs_err e;
    cs_err_clear(&e);
    apr_leaf leaf = {.code = "2.4.1", .content = 2, .max_points = 300, .step = 50};
    assert_int_equal(apr_check_value(&leaf, 250, &e), 0);
    assert_int_equal(apr_check_value(&leaf, 275, &e), -1);
    assert_string_equal(e.code, "score_not_multiple_of_step");
    assert_int_equal(apr_check_value(&leaf, 350, &e), -1);
    assert_string_equal(e.code, "score_out_of_range");
    apr_leaf survey = {.code = "3.1", .content = 3, .max_points = 600, .step = 1};
    assert_int_equal(apr_check_value(&survey, 100, &e), -1);
    assert_string_equal(e.code, "content_not_appraised");
    apr_leaf ded = {.code = "6.2", .content = 6, .max_points = 100, .step = 25};
    assert_int_equal(apr_check_value(&ded, -100, &e), 0);
    assert_int_equal(apr_check_value(&ded, 25, &e), -1);

    assert_true(apr_prefix_covers("", "1.1"));
    assert_true(apr_prefix_covers("2.4", "2.4"));
    assert_true(apr_prefix_covers("2.4", "2.4.1"));
    assert_false(apr_prefix_covers("2.4", "2.41"));   /* not a textual prefix match */
    assert_false(apr_prefix_covers("2.4", "2.5.1"));
    assert_false(apr_prefix_covers("2.4.1", "2.4"));
}

/* Random text from the characters that matter to the parser: it either parses or fails
 * with a code, never crashes, leaks (ASan builds) or returns rows it cannot account for. */
static void test_csv_random_input(void **state)
{
    (void)state;
    static const char alphabet[] = "\"\",,;;\n\r\n 0123456789.,-abc\xC3\xA1\xEF\xBB\xBF";
    unsigned seed = 20251114u;
    char buf[96];
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)(rand_r(&seed) % (sizeof buf - 1));
        for (size_t i = 0; i < n; i++)
            buf[i] = alphabet[rand_r(&seed) % (sizeof alphabet - 1)];
        buf[n] = '\0';
        cs_err e;
        cs_err_clear(&e);
        sub_csv *csv = sub_csv_parse(buf, &e);
        if (!csv) {
            assert_int_equal(e.status, 400);
            assert_true(e.code[0] != '\0');
            continue;
        }
        assert_true(sub_csv_count(csv) > 0);
        for (size_t i = 0; i < sub_csv_count(csv); i++) {
            const sub_csv_row *r = sub_csv_row_at(csv, i);
            assert_true(r->leaf_code[0] != '\0');
            assert_true(r->line >= 1);
        }
        sub_csv_destroy(&csv);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_content_self_scored),
        cmocka_unit_test(test_value_range_and_step),
        cmocka_unit_test(test_value_deductions),
        cmocka_unit_test(test_parse_score),
        cmocka_unit_test(test_csv_spreadsheet_export),
        cmocka_unit_test(test_csv_semicolon),
        cmocka_unit_test(test_csv_errors_name_the_line),
        cmocka_unit_test(test_file_names),
        cmocka_unit_test(test_sha256_and_dates),
        cmocka_unit_test(test_appraisal_values_and_scopes),
        cmocka_unit_test(test_csv_random_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
