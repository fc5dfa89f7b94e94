/* cs_db against a real PostgreSQL: statements are prepared once per connection, survive a
 * reconnect and a server that discarded them. Needs CHISO_DB_APP (libpq conninfo); without
 * it (the unit-test pass of scripts/test, before any cluster runs) every test is skipped,
 * and tests/blackbox/test_db_prepared.py runs this executable again against the test
 * system's cluster, where every test must pass. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include "cs_db.h"
#include "cs_err.h"

/* A text no other test or service sends, so pg_prepared_statements shows exactly ours. */
static const char SQL_ADD[] = "SELECT $1::int + 41 AS answer /* test_db */";
static const char SQL_COUNT[] =
    "SELECT count(*), COALESCE(sum(generic_plans + custom_plans), 0)"
    " FROM pg_prepared_statements WHERE statement = $1";

static const char *s_conninfo(void)
{
    const char *c = getenv("CHISO_DB_APP");
    return c && *c ? c : NULL;
}

static int s_setup(void **state)
{
    if (!s_conninfo()) {
        *state = NULL;
        return 0;
    }
    *state = cs_db_new(s_conninfo());
    return *state ? 0 : -1;
}

static int s_teardown(void **state)
{
    cs_db *db = *state;
    cs_db_destroy(&db);
    return 0;
}

static cs_db *s_db(void **state)
{
    if (!*state)
        skip();
    return *state;
}

/* One execution of SQL_ADD, checking its answer. */
static void s_add(cs_db *db, int x)
{
    char arg[16];
    snprintf(arg, sizeof arg, "%d", x);
    const char *params[] = {arg};
    cs_err e;
    cs_err_clear(&e);
    PGresult *r = cs_db_exec(db, &e, SQL_ADD, 1, params);
    if (!r)
        fail_msg("SQL_ADD failed: %s %s", e.code, e.detail);
    assert_int_equal(atoi(PQgetvalue(r, 0, 0)), x + 41);
    PQclear(r);
}

/* How many statements with SQL_ADD's text this connection has prepared, and how many
 * times they were executed. */
static void s_prepared(cs_db *db, long *count, long *runs)
{
    const char *params[] = {SQL_ADD};
    cs_err e;
    cs_err_clear(&e);
    PGresult *r = cs_db_exec(db, &e, SQL_COUNT, 1, params);
    if (!r)
        fail_msg("pg_prepared_statements: %s %s", e.code, e.detail);
    *count = atol(PQgetvalue(r, 0, 0));
    *runs = atol(PQgetvalue(r, 0, 1));
    PQclear(r);
}

static int s_backend_pid(cs_db *db)
{
    cs_err e;
    cs_err_clear(&e);
    PGresult *r = cs_db_exec(db, &e, "SELECT pg_backend_pid()", 0, NULL);
    if (!r)
        fail_msg("pg_backend_pid: %s %s", e.code, e.detail);
    int pid = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    return pid;
}

static void test_prepared_once(void **state)
{
    cs_db *db = s_db(state);
    long count, runs;
    for (int i = 0; i < 7; i++)
        s_add(db, i);
    s_prepared(db, &count, &runs);
    assert_int_equal(count, 1);
    assert_int_equal(runs, 7);
    s_add(db, 100);
    s_prepared(db, &count, &runs);
    assert_int_equal(count, 1);
    assert_int_equal(runs, 8);
}

static void test_survives_reconnect(void **state)
{
    cs_db *db = s_db(state);
    s_add(db, 1);
    int pid = s_backend_pid(db);

    /* Another session ends ours, as a server restart would (same role may signal it). */
    cs_db *killer = cs_db_new(s_conninfo());
    assert_non_null(killer);
    char arg[16];
    snprintf(arg, sizeof arg, "%d", pid);
    const char *params[] = {arg};
    cs_err e;
    cs_err_clear(&e);
    PGresult *r = cs_db_exec(killer, &e, "SELECT pg_terminate_backend($1::int, 5000)", 1,
                             params);
    assert_non_null(r);
    assert_string_equal(PQgetvalue(r, 0, 0), "t");
    PQclear(r);
    cs_db_destroy(&killer);

    /* The next call notices, reconnects and prepares the statement on the new session. */
    s_add(db, 2);
    assert_int_not_equal(s_backend_pid(db), pid);
    long count, runs;
    s_prepared(db, &count, &runs);
    assert_int_equal(count, 1);
    assert_int_equal(runs, 1);
    s_add(db, 3);
    s_prepared(db, &count, &runs);
    assert_int_equal(count, 1);
    assert_int_equal(runs, 2);
}

/* The server forgot every prepared statement (DEALLOCATE ALL, as DISCARD ALL or a pooler
 * would): the next call still succeeds, and prepares it again. */
static void test_survives_deallocate(void **state)
{
    cs_db *db = s_db(state);
    s_add(db, 1);
    cs_err e;
    cs_err_clear(&e);
    PGresult *r = cs_db_exec(db, &e, "DEALLOCATE ALL", 0, NULL);
    assert_non_null(r);
    PQclear(r);
    s_add(db, 5);
    long count, runs;
    s_prepared(db, &count, &runs);
    assert_int_equal(count, 1);
    assert_int_equal(runs, 1);
}

struct tx_arg {
    bool deallocate;    /* discard the statements inside the first attempt */
    int attempts;
};

static int s_tx_body(cs_db *db, void *arg, cs_err *e)
{
    struct tx_arg *a = arg;
    a->attempts++;
    if (a->deallocate && a->attempts == 1) {
        PGresult *r = cs_db_exec(db, e, "DEALLOCATE ALL", 0, NULL);
        if (!r)
            return -1;
        PQclear(r);
    }
    const char *params[] = {"1"};
    PGresult *r = cs_db_exec(db, e, SQL_ADD, 1, params);
    if (!r)
        return -1;
    int v = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v == 42 ? 0 : cs_err_internal(e, "wrong answer");
}

/* Inside a transaction the lost statement aborts it; the whole transaction runs again. */
static void test_deallocate_inside_tx_retries(void **state)
{
    cs_db *db = s_db(state);
    s_add(db, 1);
    struct tx_arg a = {.deallocate = true};
    cs_err e;
    cs_err_clear(&e);
    int rc = cs_db_tx(db, 0, 0, true, false, s_tx_body, &a, &e);
    if (rc != 0)
        fail_msg("tx failed: %s %s", e.code, e.detail);
    assert_int_equal(a.attempts, 2);
    a = (struct tx_arg){0};
    assert_int_equal(cs_db_tx(db, 0, 0, true, false, s_tx_body, &a, &e), 0);
    assert_int_equal(a.attempts, 1);
}

/* Errors keep their mapping when the statement is prepared: a bad value (22xxx) is 400,
 * a syntax error is 500, and the connection stays usable. */
static void test_errors_still_mapped(void **state)
{
    cs_db *db = s_db(state);
    const char *params[] = {"not a number"};
    cs_err e;
    cs_err_clear(&e);
    assert_null(cs_db_exec(db, &e, SQL_ADD, 1, params));
    assert_int_equal(e.status, 400);
    assert_string_equal(e.code, "invalid_input");
    cs_err_clear(&e);
    assert_null(cs_db_exec(db, &e, "SELECT FROM WHERE $1", 1, params));
    assert_int_equal(e.status, 500);
    assert_string_equal(cs_db_sqlstate(db), "42601");
    s_add(db, 9);
}

/* Queued statements go with the next one, in one round trip, each with its result. */
static void test_queue_rides_along(void **state)
{
    cs_db *db = s_db(state);
    const char *one[] = {"1"}, *two[] = {"2"}, *three[] = {"3"};
    PGresult *a = NULL, *b = NULL;
    cs_db_queue(db, SQL_ADD, 1, one, &a);
    cs_db_queue(db, "SELECT $1::int * 10 /* test_db */", 1, two, &b);
    assert_null(a);     /* nothing has run yet */
    cs_err e;
    cs_err_clear(&e);
    PGresult *c = cs_db_exec(db, &e, SQL_ADD, 1, three);
    if (!c)
        fail_msg("pipeline failed: %s %s", e.code, e.detail);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(atoi(PQgetvalue(a, 0, 0)), 42);
    assert_int_equal(atoi(PQgetvalue(b, 0, 0)), 20);
    assert_int_equal(atoi(PQgetvalue(c, 0, 0)), 44);
    PQclear(a);
    PQclear(b);
    PQclear(c);
    /* and the same statement, prepared once, ran three times */
    long count, runs;
    s_prepared(db, &count, &runs);
    assert_int_equal(count, 1);
    assert_int_equal(runs, 2);
    s_add(db, 1);
}

/* A queued statement that fails is the failure of the one it went with; what came after
 * it did not run; the connection stays usable. */
static void test_queue_failure(void **state)
{
    cs_db *db = s_db(state);
    const char *zero[] = {"0"}, *bad[] = {"not a number"};
    PGresult *a = NULL;
    cs_db_queue(db, "SELECT 1 / $1::int /* test_db */", 1, zero, &a);
    cs_err e;
    cs_err_clear(&e);
    assert_null(cs_db_exec(db, &e, SQL_ADD, 1, bad + 0));
    assert_null(a);
    assert_string_equal(cs_db_sqlstate(db), "22012");     /* division by zero, not 22P02 */
    assert_int_equal(e.status, 400);
    s_add(db, 2);
}

static int s_tx_queue_body(cs_db *db, void *arg, cs_err *e)
{
    int *mode = arg;
    const char *zero[] = {"0"}, *one[] = {"1"};
    if (*mode == 1) {
        /* queued, and nothing after it: it goes with the COMMIT, which fails with it */
        cs_db_queue(db, "SELECT 1 / $1::int /* test_db */", 1, zero, NULL);
        return 0;
    }
    /* the body's first statement goes with BEGIN and the tenant */
    PGresult *r = cs_db_exec(db, e, "SELECT current_setting('chiso.system') /* test_db */", 0, NULL);
    if (!r)
        return -1;
    bool sys = strcmp(PQgetvalue(r, 0, 0), "on") == 0;
    PQclear(r);
    cs_db_queue(db, SQL_ADD, 1, one, NULL);
    return sys ? 0 : cs_err_internal(e, "tenant not set before the body's first statement");
}

static void test_queue_in_tx(void **state)
{
    cs_db *db = s_db(state);
    cs_err e;
    cs_err_clear(&e);
    int mode = 0;
    if (cs_db_tx(db, 0, 0, true, false, s_tx_queue_body, &mode, &e) != 0)
        fail_msg("tx failed: %s %s", e.code, e.detail);
    mode = 1;
    assert_int_equal(cs_db_tx(db, 0, 0, true, false, s_tx_queue_body, &mode, &e), -1);
    assert_string_equal(cs_db_sqlstate(db), "22012");
    /* rolled back and usable */
    s_add(db, 3);
    PGresult *r = cs_db_exec(db, &e, "SELECT current_setting('chiso.system', true) /* test_db */", 0, NULL);
    assert_non_null(r);
    assert_true(PQgetisnull(r, 0, 0) || strcmp(PQgetvalue(r, 0, 0), "on") != 0);
    PQclear(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_prepared_once, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_survives_reconnect, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_survives_deallocate, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_deallocate_inside_tx_retries, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_errors_still_mapped, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_queue_rides_along, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_queue_failure, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_queue_in_tx, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
