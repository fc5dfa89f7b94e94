/*  gw_sessions: the gateway's bounded, short-lived cache of resolved sessions. Revocation
 *  through the real system (logout, disable, role change, two gateways) is tested in
 *  tests/blackbox/test_session_cache.py; here: keys, bounds, ages, and when the catalog is
 *  asked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "session_cache.h"

static Chiso__SessionInfo s_info(int64_t user, int64_t expires_at)
{
    static char *roles[] = {"agency_editor"};
    Chiso__SessionInfo si = CHISO__SESSION_INFO__INIT;
    si.has_user_id = si.has_province_id = si.has_agency_id = 1;
    si.user_id = user;
    si.province_id = 7;
    si.agency_id = 70 + user;
    si.n_roles = 1;
    si.roles = roles;
    si.login = "clerk";
    if (expires_at) {
        si.has_expires_at = 1;
        si.expires_at = expires_at;
    }
    return si;
}

static void s_key(int i, uint8_t hash[GW_SESSION_HASH])
{
    char token[32];
    snprintf(token, sizeof token, "token-%d", i);
    gw_sessions_hash(token, hash);
}

static void test_put_get_drop(void **state)
{
    (void)state;
    gw_sessions *c = gw_sessions_new(64, 60000);
    uint8_t a[GW_SESSION_HASH], b[GW_SESSION_HASH];
    s_key(1, a);
    s_key(2, b);
    assert_null(gw_sessions_get(c, a));
    Chiso__SessionInfo si = s_info(5, 0);
    gw_sessions_put(c, a, &si);
    Chiso__SessionInfo *got = gw_sessions_get(c, a);
    assert_non_null(got);
    assert_int_equal(got->user_id, 5);
    assert_int_equal(got->agency_id, 75);
    assert_int_equal(got->n_roles, 1);
    assert_string_equal(got->roles[0], "agency_editor");
    chiso__session_info__free_unpacked(got, NULL);
    assert_null(gw_sessions_get(c, b));     /* another token is another key */
    /* a second put replaces, never duplicates */
    si = s_info(6, 0);
    gw_sessions_put(c, a, &si);
    assert_int_equal(gw_sessions_count(c), 1);
    got = gw_sessions_get(c, a);
    assert_int_equal(got->user_id, 6);
    chiso__session_info__free_unpacked(got, NULL);
    gw_sessions_drop(c, a);
    assert_null(gw_sessions_get(c, a));
    assert_int_equal(gw_sessions_count(c), 0);
    gw_sessions_destroy(&c);
    assert_null(c);
}

static void test_bounded(void **state)
{
    (void)state;
    gw_sessions *c = gw_sessions_new(16, 60000);
    Chiso__SessionInfo si = s_info(1, 0);
    for (int i = 0; i < 1000; i++) {
        uint8_t h[GW_SESSION_HASH];
        s_key(i, h);
        gw_sessions_put(c, h, &si);
    }
    assert_true(gw_sessions_count(c) <= 16);
    assert_true(gw_sessions_count(c) > 0);
    /* the newest is always kept */
    uint8_t last[GW_SESSION_HASH];
    s_key(999, last);
    Chiso__SessionInfo *got = gw_sessions_get(c, last);
    assert_non_null(got);
    chiso__session_info__free_unpacked(got, NULL);
    gw_sessions_destroy(&c);
}

static void test_ages(void **state)
{
    (void)state;
    gw_sessions *c = gw_sessions_new(16, 50);
    uint8_t a[GW_SESSION_HASH], b[GW_SESSION_HASH];
    s_key(1, a);
    s_key(2, b);
    Chiso__SessionInfo si = s_info(1, 0);
    gw_sessions_put(c, a, &si);
    usleep(80 * 1000);      /* past ttl_ms */
    assert_null(gw_sessions_get(c, a));
    assert_int_equal(gw_sessions_count(c), 0);
    gw_sessions_destroy(&c);

    /* never past the session's own expiry, however young the entry */
    c = gw_sessions_new(16, 60000);
    si = s_info(1, (int64_t)time(NULL) - 1);
    gw_sessions_put(c, b, &si);
    assert_null(gw_sessions_get(c, b));
    gw_sessions_destroy(&c);

    /* capacity 0 keeps nothing */
    c = gw_sessions_new(0, 60000);
    si = s_info(1, 0);
    gw_sessions_put(c, a, &si);
    assert_null(gw_sessions_get(c, a));
    gw_sessions_destroy(&c);
}

typedef struct {
    int calls;
    int status;             /* 0: answer a session; else fail with this status */
    int64_t expires_at;
} s_catalog;

static int s_fetch(void *arg, const char *token, Chiso__SessionInfo **si, cs_err *e)
{
    s_catalog *cat = arg;
    cat->calls++;
    if (cat->status)
        return cs_err_set(e, cat->status, "x", NULL, "x%s", "x%s", token);
    Chiso__SessionInfo tmp = s_info(42, cat->expires_at);
    uint8_t buf[256];
    size_t n = chiso__session_info__pack(&tmp, buf);
    *si = chiso__session_info__unpack(NULL, n, buf);
    return 0;
}

static void test_resolve(void **state)
{
    (void)state;
    gw_sessions *c = gw_sessions_new(64, 60000);
    s_catalog cat = {0, 0, (int64_t)time(NULL) + 3600};
    uint8_t h[GW_SESSION_HASH], want[GW_SESSION_HASH];
    Chiso__SessionInfo *si = NULL;
    cs_err e;
    cs_err_clear(&e);
    gw_sessions_hash("tok", want);

    assert_int_equal(gw_sessions_resolve(c, "tok", false, s_fetch, &cat, h, &si, &e), 0);
    assert_memory_equal(h, want, GW_SESSION_HASH);
    assert_int_equal(si->user_id, 42);
    assert_int_equal(cat.calls, 1);
    chiso__session_info__free_unpacked(si, NULL);
    /* kept: the catalog is not asked again */
    assert_int_equal(gw_sessions_resolve(c, "tok", false, s_fetch, &cat, h, &si, &e), 0);
    assert_int_equal(cat.calls, 1);
    chiso__session_info__free_unpacked(si, NULL);
    /* fresh (after session_stale): asked again, and what it says now wins */
    cat.status = 401;
    assert_int_equal(gw_sessions_resolve(c, "tok", true, s_fetch, &cat, h, &si, &e), -1);
    assert_int_equal(cat.calls, 2);
    assert_null(si);
    assert_int_equal(e.status, 401);
    assert_string_equal(e.code, "unauthenticated");
    /* and nothing is kept for it any more */
    assert_int_equal(gw_sessions_resolve(c, "tok", false, s_fetch, &cat, h, &si, &e), -1);
    assert_int_equal(cat.calls, 3);
    /* 404 from the catalog is 401 too; a 503 stays what it is */
    cat.status = 404;
    assert_int_equal(gw_sessions_resolve(c, "tok", false, s_fetch, &cat, h, &si, &e), -1);
    assert_string_equal(e.code, "unauthenticated");
    cat.status = 503;
    assert_int_equal(gw_sessions_resolve(c, "tok", false, s_fetch, &cat, h, &si, &e), -1);
    assert_int_equal(e.status, 503);
    /* an answer already expired is not trusted, nor kept */
    cat.status = 0;
    cat.expires_at = (int64_t)time(NULL) - 10;
    assert_int_equal(gw_sessions_resolve(c, "tok", false, s_fetch, &cat, h, &si, &e), -1);
    assert_int_equal(e.status, 401);
    assert_int_equal(gw_sessions_count(c), 0);
    gw_sessions_destroy(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get_drop),
        cmocka_unit_test(test_bounded),
        cmocka_unit_test(test_ages),
        cmocka_unit_test(test_resolve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
