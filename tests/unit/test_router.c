/*  router: method + path -> route over the real route tables (routes.c): parameters,
 *  literal segments before parameters, 404 against 405 with its Allow list, and the paths
 *  that must not match (trailing or doubled slashes, empty or over-long segments). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "router.h"

static const char *s_param(const gw_match *m, const char *name)
{
    for (size_t i = 0; i < m->n_params; i++)
        if (strcmp(m->name[i], name) == 0)
            return m->value[i];
    return NULL;
}

static void test_parameters(void **state)
{
    (void) state;
    gw_match m;
    char allow[64];
    assert_int_equal(gw_router_match("GET", "/api/v1/public/provinces/DLK/periods/7/results/versions/2",
                                     &m, allow, sizeof allow), GW_MATCH_OK);
    assert_string_equal(m.route->rpc, "PublicSnapshot");
    assert_int_equal(m.n_params, 3);
    assert_string_equal(s_param(&m, "province_code"), "DLK");
    assert_string_equal(s_param(&m, "period_id"), "7");
    assert_string_equal(s_param(&m, "version"), "2");

    assert_int_equal(gw_router_match("PATCH", "/api/v1/agencies/42", &m, NULL, 0), GW_MATCH_OK);
    assert_string_equal(m.route->rpc, "UpdateAgency");
    assert_string_equal(s_param(&m, "id"), "42");
}

/* "/agencies/import" is a literal where "/agencies/{id}" has a parameter: the literal wins
 * whatever the order of the tables. */
static void test_literal_wins(void **state)
{
    (void) state;
    gw_match m;
    assert_int_equal(gw_router_match("POST", "/api/v1/agencies/import", &m, NULL, 0), GW_MATCH_OK);
    assert_string_equal(m.route->rpc, "ImportAgencies");
    assert_int_equal(m.n_params, 0);
    assert_int_equal(gw_router_match("POST", "/api/v1/agencies", &m, NULL, 0), GW_MATCH_OK);
    assert_string_equal(m.route->rpc, "CreateAgency");
}

static void test_not_found_and_allow(void **state)
{
    (void) state;
    gw_match m;
    char allow[64];
    assert_int_equal(gw_router_match("GET", "/api/v1/nothing-here", &m, allow, sizeof allow),
                     GW_MATCH_NO_PATH);
    assert_int_equal(gw_router_match("DELETE", "/api/v1/agencies", &m, allow, sizeof allow),
                     GW_MATCH_BAD_METHOD);
    assert_non_null(strstr(allow, "GET"));
    assert_non_null(strstr(allow, "POST"));
    assert_null(strstr(allow, "DELETE"));
    assert_int_equal(gw_router_match("PUT", "/api/v1/agencies/42", &m, allow, sizeof allow),
                     GW_MATCH_BAD_METHOD);
    assert_non_null(strstr(allow, "PATCH"));
    assert_non_null(strstr(allow, "GET"));
}

static void test_malformed_paths(void **state)
{
    (void) state;
    gw_match m;
    const char *bad[] = {
        "/api/v1/agencies/",            /* trailing slash: an empty last segment */
        "/api/v1//agencies",            /* doubled slash */
        "/api/v1/agencies//people",     /* an empty parameter */
        "api/v1/agencies",              /* not absolute */
        "/api/v1/agencie",              /* a prefix of a literal */
        "/api/v1/agenciesX",            /* a literal and more */
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_not_equal(gw_router_match("GET", bad[i], &m, NULL, 0), GW_MATCH_OK);
    char longseg[400];
    memset(longseg, 0, sizeof longseg);
    strcpy(longseg, "/api/v1/agencies/");
    memset(longseg + strlen(longseg), '7', 300);   /* longer than a parameter may be */
    assert_int_equal(gw_router_match("GET", longseg, &m, NULL, 0), GW_MATCH_NO_PATH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parameters),
        cmocka_unit_test(test_literal_wins),
        cmocka_unit_test(test_not_found_and_allow),
        cmocka_unit_test(test_malformed_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
