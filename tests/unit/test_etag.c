/*  etag: If-None-Match against the tag of a GW_RAW reply (RFC 9110 §13.1.2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>
#include "etag.h"

static const char *HEX = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

static void test_valid_tags(void **state)
{
    (void) state;
    assert_true(gw_etag_valid(HEX));
    assert_true(gw_etag_valid("v3-2025"));
    assert_false(gw_etag_valid(NULL));
    assert_false(gw_etag_valid(""));
    assert_false(gw_etag_valid("a\"b"));
    assert_false(gw_etag_valid("a b"));
    assert_false(gw_etag_valid("a\r\nSet-Cookie: x"));
    char long_tag[130];
    for (int i = 0; i < 129; i++)
        long_tag[i] = 'a';
    long_tag[129] = '\0';
    assert_false(gw_etag_valid(long_tag));
    long_tag[128] = '\0';
    assert_true(gw_etag_valid(long_tag));
}

static void test_none_match(void **state)
{
    (void) state;
    char q[80];
    snprintf(q, sizeof q, "\"%s\"", HEX);
    assert_true(gw_etag_none_match(q, HEX));
    snprintf(q, sizeof q, "W/\"%s\"", HEX);
    assert_true(gw_etag_none_match(q, HEX));         /* weak comparison */
    assert_true(gw_etag_none_match("*", HEX));
    assert_true(gw_etag_none_match("  * ", HEX));
    assert_true(gw_etag_none_match("\"x\", \"y\" ,\"v1\"", "v1"));
    assert_false(gw_etag_none_match("\"x\", \"y\"", "v1"));
    assert_false(gw_etag_none_match(NULL, "v1"));
    assert_false(gw_etag_none_match("", "v1"));
    assert_false(gw_etag_none_match("v1", "v1"));        /* unquoted: malformed */
    assert_false(gw_etag_none_match("\"v1", "v1"));      /* unterminated */
    assert_false(gw_etag_none_match("\"v\"", "v1"));     /* a prefix is not the tag */
    assert_false(gw_etag_none_match("\"v12\"", "v1"));
    assert_false(gw_etag_none_match("*, \"v1\"", "v1")); /* '*' only alone */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_tags),
        cmocka_unit_test(test_none_match),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
