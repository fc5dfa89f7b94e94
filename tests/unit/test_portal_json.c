/*  portal_json: the streaming scan of a 766 document hands each value's exact text over,
 *  whatever the sizes of the chunks the source returns (one byte at a time up to whole). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <cmocka.h>
#include "portal_json.h"

typedef struct {
    const char *data;
    size_t len, pos, step;
} s_src;

static ssize_t s_read(void *arg, char *buf, size_t n)
{
    s_src *s = arg;
    size_t k = s->len - s->pos;
    if (k > n)
        k = n;
    if (k > s->step)
        k = s->step;
    memcpy(buf, s->data + s->pos, k);
    s->pos += k;
    return (ssize_t) k;
}

static int s_rewind(void *arg)
{
    ((s_src *) arg)->pos = 0;
    return 0;
}

static const char *DOC =
    "{\"province\" : \"DLK\",\n \"records\": [ {\"a\": \"x,}]\\\"\\\\\", \"b\": [1, {\"c\": null}]},"
    "\t{\"agencyCode\":\"000.00.15.H12\",\"groups\":[]} ], \"n\": -12.5e3, \"t\": true}";

/* Walk DOC with chunks of `step` bytes: the values in order. */
static void s_walk(size_t step)
{
    s_src s = {DOC, strlen(DOC), 0, step};
    portal_src src = {.read = s_read, .rewind = s_rewind, .arg = &s};
    pj_reader r;
    pj_open(&r, &src);
    assert_int_equal(pj_expect(&r, '{'), 0);
    assert_int_equal(pj_value(&r), 0);
    assert_string_equal(r.val, "\"province\"");
    assert_int_equal(pj_expect(&r, ':'), 0);
    assert_int_equal(pj_value(&r), 0);
    assert_string_equal(r.val, "\"DLK\"");
    assert_int_equal(pj_expect(&r, ','), 0);
    assert_int_equal(pj_value(&r), 0);
    assert_string_equal(r.val, "\"records\"");
    assert_int_equal(pj_expect(&r, ':'), 0);
    assert_int_equal(pj_expect(&r, '['), 0);
    assert_int_equal(pj_value(&r), 0);
    assert_string_equal(r.val, "{\"a\": \"x,}]\\\"\\\\\", \"b\": [1, {\"c\": null}]}");
    assert_int_equal(pj_expect(&r, ','), 0);
    assert_int_equal(pj_value(&r), 0);
    assert_string_equal(r.val, "{\"agencyCode\":\"000.00.15.H12\",\"groups\":[]}");
    assert_int_equal(pj_expect(&r, ']'), 0);
    assert_int_equal(pj_expect(&r, ','), 0);
    assert_int_equal(pj_value(&r), 0);
    assert_string_equal(r.val, "\"n\"");
    assert_int_equal(pj_expect(&r, ':'), 0);
    assert_int_equal(pj_value(&r), 0);
    assert_string_equal(r.val, "-12.5e3");            /* a number ends at the comma */
    assert_int_equal(pj_expect(&r, ','), 0);
    assert_int_equal(pj_value(&r), 0);
    assert_int_equal(pj_expect(&r, ':'), 0);
    assert_int_equal(pj_value(&r), 0);
    assert_string_equal(r.val, "true");
    assert_int_equal(pj_expect(&r, '}'), 0);
    assert_int_equal(pj_ws(&r), -1);                  /* the end */
    assert_int_equal(r.offset, (long long) strlen(DOC));
    pj_close(&r);
}

static void test_any_chunk_size(void **state)
{
    (void) state;
    for (size_t step = 1; step <= 9; step++)
        s_walk(step);
    s_walk(1 << 20);
}

/* A closing bracket with nothing open, an unterminated string, object or array: -1. A
 * bracket of the wrong kind that brings the depth back to 0 ends the value: the scan
 * counts depth only, and jansson refuses the text. */
static void test_broken_values(void **state)
{
    (void) state;
    const char *bad[] = {"}", "]", "\"abc", "{\"a\": [1, 2}", "{\"a\": 1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        for (size_t step = 1; step <= 3; step++) {
            s_src s = {bad[i], strlen(bad[i]), 0, step};
            portal_src src = {.read = s_read, .rewind = s_rewind, .arg = &s};
            pj_reader r;
            pj_open(&r, &src);
            assert_int_equal(pj_value(&r), -1);
            pj_close(&r);
        }
    s_src s = {"[1} ,", 5, 0, 2};
    portal_src src = {.read = s_read, .rewind = s_rewind, .arg = &s};
    pj_reader r;
    pj_open(&r, &src);
    assert_int_equal(pj_value(&r), 0);
    assert_string_equal(r.val, "[1}");
    pj_close(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_any_chunk_size),
        cmocka_unit_test(test_broken_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
