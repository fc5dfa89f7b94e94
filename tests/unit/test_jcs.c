/*  cs_jcs: canonical JSON (RFC 8785) of the published snapshots. The black-box test
 *  test_publication.py checks the served bytes against an independent canonicaliser; these
 *  are the edges: key order by UTF-16 code units, escaping, refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "cs_jcs.h"

static void s_expect(const char *json_in, const char *want)
{
    json_error_t err;
    json_t *v = json_loads(json_in, JSON_DECODE_ANY, &err);
    assert_non_null(v);
    size_t len = 0;
    char *got = cs_jcs_dump(v, &len);
    json_decref(v);
    assert_non_null(got);
    assert_string_equal(got, want);
    assert_int_equal(len, strlen(want));
    free(got);
}

static void test_sorting(void **state)
{
    (void)state;
    /* RFC 8785 §3.2.3: "\r", "1", U+0080, U+00F6, U+20AC, U+1F600 (a surrogate pair,
     * 0xD83D...), U+FB33: UTF-16 order puts the emoji before U+FB33, unlike code points. */
    s_expect("{\"\\u20ac\":1,\"\\r\":2,\"\\ufb33\":3,\"1\":4,\"\\ud83d\\ude00\":5,"
             "\"\\u0080\":6,\"\\u00f6\":7}",
             "{\"\\r\":2,\"1\":4,\"\xc2\x80\":6,\"\xc3\xb6\":7,\"\xe2\x82\xac\":1,"
             "\"\xf0\x9f\x98\x80\":5,\"\xef\xac\xb3\":3}");
    s_expect("{\"b\":[1,true,null,{\"z\":false,\"a\":\"\"}],\"a\":{}}",
             "{\"a\":{},\"b\":[1,true,null,{\"a\":\"\",\"z\":false}]}");
    s_expect("{\"10\":1,\"9\":2,\"1\":3}", "{\"1\":3,\"10\":1,\"9\":2}");
}

static void test_strings(void **state)
{
    (void)state;
    /* Minimal escaping: the two-character forms, other controls as \u00xx lower case;
     * '/', DEL, U+2028 and non-ASCII stay as they are. */
    s_expect("\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f/\\u007f\\u2028Đắk Lắk\"",
             "\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f/\x7f\xe2\x80\xa8Đắk Lắk\"");
    s_expect("[-5,0,9007199254740991]", "[-5,0,9007199254740991]");
}

static void test_refused(void **state)
{
    (void)state;
    json_t *v = json_pack("{s:f}", "x", 1.5);
    assert_null(cs_jcs_dump(v, NULL));
    json_decref(v);
    v = json_integer(9007199254740992LL);   /* 2^53: not exact as a JCS number */
    assert_null(cs_jcs_dump(v, NULL));
    json_decref(v);
    v = json_stringn_nocheck("\xc3\x28", 2);    /* not UTF-8 */
    assert_null(cs_jcs_dump(v, NULL));
    json_decref(v);
    v = json_stringn_nocheck("\xed\xa0\x80", 3);    /* an encoded surrogate */
    assert_null(cs_jcs_dump(v, NULL));
    json_decref(v);
    assert_null(cs_jcs_dump(NULL, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sorting),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
