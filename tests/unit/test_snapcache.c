/*  snapcache: immutable public answers kept by URL, bounded, never changed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "snapcache.h"

static const gw_route s_route = {.method = "GET", .path = "/a"};

static gw_snap s_snap(const char *body, const char *etag)
{
    return (gw_snap) {.bytes = (const uint8_t *) body, .len = strlen(body),
                      .content_type = "application/json", .file_name = NULL, .etag = etag,
                      .cache_control = "public, max-age=31536000, immutable",
                      .route = &s_route};
}

static void test_put_get(void **state)
{
    (void) state;
    gw_snapcache *c = gw_snapcache_new(1 << 20);
    assert_null(gw_snapcache_get(c, "/a"));
    char body[] = "{\"v\":1}";
    gw_snap s = s_snap(body, "abc");
    assert_int_equal(gw_snapcache_put(c, "/a", &s), 0);
    memset(body, 'x', sizeof body - 1);     /* the cache keeps its own copy */
    const gw_snap *k = gw_snapcache_get(c, "/a");
    assert_non_null(k);
    assert_int_equal(k->len, 7);
    assert_memory_equal(k->bytes, "{\"v\":1}", 7);
    assert_string_equal(k->etag, "abc");
    assert_string_equal(k->file_name, "");
    assert_string_equal(k->content_type, "application/json");
    assert_ptr_equal(k->route, &s_route);   /* named in the log line of a read from memory */
    assert_null(gw_snapcache_get(c, "/a/"));
    /* a second answer for the same URL changes nothing: the first one stays */
    gw_snap other = s_snap("{\"v\":2}", "def");
    assert_int_equal(gw_snapcache_put(c, "/a", &other), 0);
    assert_ptr_equal(gw_snapcache_get(c, "/a"), k);
    assert_string_equal(k->etag, "abc");
    size_t n = 0;
    assert_true(gw_snapcache_bytes(c, &n) > 7);
    assert_int_equal(n, 1);
    gw_snapcache_destroy(&c);
    assert_null(c);
}

static void test_bounded(void **state)
{
    (void) state;
    gw_snapcache *c = gw_snapcache_new(400);
    char big[512];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    gw_snap s = s_snap(big, "t");
    assert_int_equal(gw_snapcache_put(c, "/big", &s), -1);
    assert_null(gw_snapcache_get(c, "/big"));
    gw_snap small = s_snap("{}", "t");
    int kept = 0;
    char url[32];
    for (int i = 0; i < 100; i++) {
        snprintf(url, sizeof url, "/v/%d", i);
        kept += gw_snapcache_put(c, url, &small) == 0;
    }
    assert_true(kept > 0 && kept < 100);
    assert_true(gw_snapcache_bytes(c, NULL) <= 400);
    assert_non_null(gw_snapcache_get(c, "/v/0"));      /* the first ones stay */
    gw_snapcache *none = gw_snapcache_new(0);
    assert_int_equal(gw_snapcache_put(none, "/x", &small), -1);
    gw_snapcache_destroy(&none);
    gw_snapcache_destroy(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get),
        cmocka_unit_test(test_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
