/*  gw_ratelimit: token buckets per key (issue 10, item 1), and the catalog's bound on
 *  concurrent Argon2id hashes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "catalog.h"
#include "ratelimit.h"

static void test_bucket(void **state)
{
    (void)state;
    gw_ratelimit *rl = gw_ratelimit_new(0.5, 3);
    assert_non_null(rl);
    int wait = 0;
    for (int i = 0; i < 3; i++)
        assert_int_equal(gw_ratelimit_take(rl, "10.0.0.1", 100.0, &wait), 0);
    assert_int_equal(gw_ratelimit_take(rl, "10.0.0.1", 100.0, &wait), -1);
    assert_int_equal(wait, 2);                      /* one token per 2 s */
    /* another key has its own bucket */
    assert_int_equal(gw_ratelimit_take(rl, "10.0.0.2", 100.0, &wait), 0);
    /* refilled with time, never above the burst */
    assert_int_equal(gw_ratelimit_take(rl, "10.0.0.1", 102.0, &wait), 0);
    assert_int_equal(gw_ratelimit_take(rl, "10.0.0.1", 102.0, &wait), -1);
    for (int i = 0; i < 3; i++)
        assert_int_equal(gw_ratelimit_take(rl, "10.0.0.1", 1000.0, &wait), 0);
    assert_int_equal(gw_ratelimit_take(rl, "10.0.0.1", 1000.0, &wait), -1);
    gw_ratelimit_destroy(&rl);
    assert_null(rl);
}

static void test_many_keys(void **state)
{
    (void)state;
    /* more keys than slots: the table reuses idle slots and never refuses a new key */
    gw_ratelimit *rl = gw_ratelimit_new(1, 1);
    char key[32];
    int wait;
    for (int i = 0; i < 20000; i++) {
        snprintf(key, sizeof key, "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
        assert_int_equal(gw_ratelimit_take(rl, key, 1.0 + i, &wait), 0);
    }
    gw_ratelimit_destroy(&rl);
}

static void test_hash_gate(void **state)
{
    (void)state;
    setenv("CHISO_HASH_CONCURRENCY", "2", 1);
    cs_err e;
    cs_err_clear(&e);
    assert_int_equal(cat_hash_gate_enter(&e), 0);
    assert_int_equal(cat_hash_gate_enter(&e), 0);
    assert_int_equal(cat_hash_gate_enter(&e), -1);    /* the third hash at once: refused */
    assert_int_equal(e.status, 503);
    assert_string_equal(e.code, "busy");
    assert_int_equal(e.retry_after, 1);
    cat_hash_gate_leave();
    assert_int_equal(cat_hash_gate_enter(&e), 0);
    cat_hash_gate_leave();
    cat_hash_gate_leave();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bucket),
        cmocka_unit_test(test_many_keys),
        cmocka_unit_test(test_hash_gate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
