/* The common runtime's pure parts: errors (vi + en), points, configuration defaults. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cs_config.h"
#include "cs_err.h"
#include "cs_points.h"

static void test_err_formats_both_languages(void **state)
{
    (void)state;
    cs_err e;
    cs_err_clear(&e);
    assert_false(cs_err_isset(&e));
    int rc = cs_err_set(&e, 400, "score_out_of_range", "score",
                        "Điểm %s vượt quá tối đa %d.", "Score %s exceeds the maximum %d.",
                        "12.50", 10);
    assert_int_equal(rc, -1);
    assert_true(cs_err_isset(&e));
    assert_int_equal(e.status, 400);
    assert_string_equal(e.code, "score_out_of_range");
    assert_string_equal(e.field, "score");
    assert_string_equal(e.message_vi, "Điểm 12.50 vượt quá tối đa 10.");
    assert_string_equal(e.message_en, "Score 12.50 exceeds the maximum 10.");
    cs_err_detail(&e, "leaf %s", "1.2.3");
    assert_string_equal(e.detail, "leaf 1.2.3");
    cs_err_clear(&e);
    assert_false(cs_err_isset(&e));
    assert_string_equal(e.code, "");
}

static void test_err_set_replaces_previous(void **state)
{
    (void)state;
    cs_err e;
    cs_err_clear(&e);
    cs_err_set(&e, 409, "a", "f", "x", "y");
    cs_err_detail(&e, "old");
    cs_err_set(&e, 404, "b", NULL, "v", "w");
    assert_string_equal(e.code, "b");
    assert_string_equal(e.field, "");
    assert_string_equal(e.detail, "");
}

static void test_err_long_message_truncated_safely(void **state)
{
    (void)state;
    char big[2000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    cs_err e;
    cs_err_set(&e, 400, "x", NULL, "%s", "%s", big);
    assert_int_equal(strlen(e.message_vi), sizeof e.message_vi - 1);
    assert_int_equal(strlen(e.message_en), sizeof e.message_en - 1);
}

static void test_err_helpers(void **state)
{
    (void)state;
    cs_err e;
    assert_int_equal(cs_err_invalid(&e, "code", "mã trống", "empty code"), -1);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.code, "invalid_input");
    assert_string_equal(e.field, "code");
    assert_string_equal(e.message_vi, "Dữ liệu không hợp lệ: mã trống");
    assert_string_equal(e.message_en, "Invalid input: empty code");

    assert_int_equal(cs_err_not_found(&e, "Agency"), -1);
    assert_int_equal(e.status, 404);
    assert_string_equal(e.code, "not_found");
    assert_string_equal(e.message_en, "Agency not found.");
    assert_string_equal(e.message_vi, "Không tìm thấy đối tượng yêu cầu.");

    cs_err_forbidden(&e);
    assert_int_equal(e.status, 403);
    assert_string_equal(e.code, "forbidden");
    assert_string_equal(e.message_vi, "Bạn không có quyền thực hiện thao tác này.");
    assert_string_equal(e.message_en, "You are not allowed to do this.");

    cs_err_unauthenticated(&e);
    assert_int_equal(e.status, 401);
    assert_string_equal(e.code, "unauthenticated");

    cs_err_conflict(&e, "phase_closed", "Giai đoạn đã đóng.", "The phase is closed.");
    assert_int_equal(e.status, 409);
    assert_string_equal(e.code, "phase_closed");
    assert_string_equal(e.message_vi, "Giai đoạn đã đóng.");
    assert_string_equal(e.message_en, "The phase is closed.");

    cs_err_internal(&e, "SQLSTATE XX000");
    assert_int_equal(e.status, 500);
    assert_string_equal(e.code, "internal");
    assert_string_equal(e.detail, "SQLSTATE XX000");
}

static void s_parse_ok(const char *s, int64_t want)
{
    int64_t v = -777;
    if (cs_points_parse(s, &v) != 0)
        fail_msg("\"%s\" refused", s);
    assert_int_equal(v, want);
}

static void s_parse_bad(const char *s)
{
    int64_t v = -777;
    if (cs_points_parse(s, &v) == 0)
        fail_msg("\"%s\" accepted as %lld", s, (long long)v);
    assert_int_equal(v, -777);
}

static void test_points_parse(void **state)
{
    (void)state;
    s_parse_ok("17", 1700);
    s_parse_ok("17.5", 1750);
    s_parse_ok("17.50", 1750);
    s_parse_ok("0", 0);
    s_parse_ok("0.01", 1);
    s_parse_ok("-0.25", -25);
    s_parse_ok("-1.25", -125);
    s_parse_ok("100.00", 10000);
    s_parse_bad("1.234");
    s_parse_bad("abc");
    s_parse_bad("");
    s_parse_bad("1e2");
    s_parse_bad("1.");
    s_parse_bad(".5");
    s_parse_bad("-");
    s_parse_bad("+1");
    s_parse_bad(" 1");
    s_parse_bad("1 ");
    s_parse_bad("1,5");
    s_parse_bad("99999999999999999999");
    s_parse_bad(NULL);
}

static void test_points_format(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(cs_points_format(1750, buf), "17.50");
    assert_string_equal(cs_points_format(0, buf), "0.00");
    assert_string_equal(cs_points_format(1, buf), "0.01");
    assert_string_equal(cs_points_format(-25, buf), "-0.25");
    assert_string_equal(cs_points_format(-100, buf), "-1.00");
    assert_string_equal(cs_points_format(INT64_MIN, buf), "-92233720368547758.08");
    /* format and parse are inverse */
    int64_t v;
    assert_int_equal(cs_points_parse(cs_points_format(-12345, buf), &v), 0);
    assert_int_equal(v, -12345);
}

static void test_points_half_up(void **state)
{
    (void)state;
    /* 4.165 = 41650 / 10000 hundredths -> 417 (half rounds up) */
    assert_int_equal(cs_div_half_up(41650, 100), 417);
    assert_int_equal(cs_div_half_up(41649, 100), 416);
    assert_int_equal(cs_div_half_up(41651, 100), 417);
    assert_int_equal(cs_div_half_up(-41650, 100), -417);
    assert_int_equal(cs_div_half_up(-41649, 100), -416);
    /* a mean of three scores: (10 + 10 + 11) hundredths / 3 = 10.33 -> 10 */
    assert_int_equal(cs_div_half_up(31, 3), 10);
    assert_int_equal(cs_div_half_up(5, 2), 3);
    assert_int_equal(cs_div_half_up(3, 2), 2);
    assert_int_equal(cs_div_half_up(1, 3), 0);
    assert_int_equal(cs_div_half_up(2, 3), 1);
    assert_int_equal(cs_div_half_up(0, 7), 0);
    assert_int_equal(cs_div_half_up(7, 1), 7);
}

static void test_config_defaults(void **state)
{
    (void)state;
    const char *vars[] = {"CHISO_BROKER", "CHISO_DB", "CHISO_HEARTBEAT_MS", "CHISO_LIVENESS",
                          "CHISO_NOSVC_MS", "CHISO_RPC_TIMEOUT_MS", "CHISO_MAX_MSG",
                          "CHISO_PORT", "CHISO_VAR_DIR", "CHISO_WEB_DIR", "CHISO_THREADS",
                          "CHISO_MAX_BODY", "CHISO_MAX_UPLOAD"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
    setenv("CHISO_NOSVC_MS", "-5", 1);      /* nonsense falls back to the default */
    setenv("CHISO_THREADS", "12", 1);
    const cs_config *c = cs_config_get();
    assert_string_equal(c->broker, "tcp://127.0.0.1:5555");
    assert_string_equal(c->db, "dbname=chiso");
    assert_int_equal(c->heartbeat_ms, 500);
    assert_int_equal(c->liveness, 3);
    assert_int_equal(c->nosvc_ms, 1000);
    assert_int_equal(c->rpc_timeout_ms, 15000);
    assert_int_equal(c->max_msg, 33554432);
    assert_int_equal(c->port, 8080);
    assert_string_equal(c->var_dir, "./var");
    assert_string_equal(c->web_dir, "./web");
    assert_int_equal(c->threads, 12);
    assert_int_equal(c->max_body, 1048576);
    assert_int_equal(c->max_upload, 20971520);
    /* read once: later changes do not move it */
    setenv("CHISO_PORT", "9999", 1);
    assert_int_equal(cs_config_get()->port, 8080);
}

static void test_env_helpers(void **state)
{
    (void)state;
    setenv("CS_TEST_X", "", 1);
    assert_string_equal(cs_env("CS_TEST_X", "def"), "def");
    assert_int_equal(cs_env_int("CS_TEST_X", 7), 7);
    setenv("CS_TEST_X", "12abc", 1);
    assert_int_equal(cs_env_int("CS_TEST_X", 7), 7);
    setenv("CS_TEST_X", "-12", 1);
    assert_int_equal(cs_env_int("CS_TEST_X", 7), -12);
    assert_string_equal(cs_env("CS_TEST_X", "def"), "-12");
    unsetenv("CS_TEST_X");
    assert_null(cs_env("CS_TEST_X", NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_err_formats_both_languages),
        cmocka_unit_test(test_err_set_replaces_previous),
        cmocka_unit_test(test_err_long_message_truncated_safely),
        cmocka_unit_test(test_err_helpers),
        cmocka_unit_test(test_points_parse),
        cmocka_unit_test(test_points_format),
        cmocka_unit_test(test_points_half_up),
        cmocka_unit_test(test_config_defaults),
        cmocka_unit_test(test_env_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
