/*  cs_log_request: one JSON line per request, the same fields whether it is printed
 *  directly (plain identifiers) or through jansson (anything that needs escaping). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>
#include "cs_log.h"

/* The line cs_log_request writes to stderr for these arguments, parsed. */
static json_t *s_logged(const char *id, const char *rpc, int status, const char *code, double ms)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(f), STDERR_FILENO) >= 0);
    cs_log_request(id, rpc, status, code, ms);
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    rewind(f);
    char line[4096] = {0};
    assert_non_null(fgets(line, sizeof line, f));
    assert_int_equal(line[strlen(line) - 1], '\n');
    assert_int_equal(fgetc(f), EOF);                   /* one line, nothing else */
    fclose(f);
    json_error_t err;
    json_t *o = json_loads(line, 0, &err);
    assert_non_null(o);
    return o;
}

static void s_check(json_t *o, const char *level, const char *id, const char *rpc, int status,
                    const char *code, double ms)
{
    assert_string_equal(json_string_value(json_object_get(o, "level")), level);
    assert_string_equal(json_string_value(json_object_get(o, "service")), "unit");
    assert_string_equal(json_string_value(json_object_get(o, "msg")), "request");
    assert_string_equal(json_string_value(json_object_get(o, "request_id")), id);
    assert_string_equal(json_string_value(json_object_get(o, "rpc")), rpc);
    assert_int_equal(json_integer_value(json_object_get(o, "status")), status);
    if (code)
        assert_string_equal(json_string_value(json_object_get(o, "code")), code);
    else
        assert_null(json_object_get(o, "code"));
    assert_float_equal(json_number_value(json_object_get(o, "ms")), ms, 0.0005);
    const char *ts = json_string_value(json_object_get(o, "ts"));
    assert_non_null(ts);
    assert_int_equal(strlen(ts), 24);                  /* 2026-12-07T17:31:22.123Z */
    assert_int_equal(ts[23], 'Z');
    json_decref(o);
}

static void test_plain_line(void **state)
{
    (void) state;
    s_check(s_logged("feba9e48ab197735114bd817", "PublicSnapshot", 200, NULL, 0.0421), "info",
            "feba9e48ab197735114bd817", "PublicSnapshot", 200, NULL, 0.042);
    s_check(s_logged("r1", "SaveScore", 409, "phase_closed", 12.5), "info", "r1", "SaveScore",
            409, "phase_closed", 12.5);
    s_check(s_logged("r2", "Compute", 503, "service_unavailable", 1500.25), "error", "r2",
            "Compute", 503, "service_unavailable", 1500.25);
    s_check(s_logged(NULL, NULL, 499, NULL, 3), "info", "", "", 499, NULL, 3);
}

/* A request id or code from a peer may hold anything: the line stays valid JSON. */
static void test_escaped_line(void **state)
{
    (void) state;
    s_check(s_logged("a\"b\\c", "Đăng nhập", 400, "x\ny", 1.0), "info", "a\"b\\c", "Đăng nhập",
            400, "x\ny", 1.0);
}

int main(void)
{
    cs_log_init("unit");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_line),
        cmocka_unit_test(test_escaped_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
