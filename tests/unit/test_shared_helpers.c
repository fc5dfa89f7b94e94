/*  The small helpers the services share instead of each writing its own copy
 *  (services/common/cs_text.c, cs_pg.c, cs_err.c cs_err_prefix, cs_leaf.c
 *  cs_leaf_check_value): the exact texts the services answered before they were shared. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libpq-fe.h>

#include "cs_err.h"
#include "cs_leaf.h"
#include "cs_pg.h"
#include "cs_text.h"

static void test_text_blank(void **state)
{
    (void)state;
    assert_true(cs_text_blank(NULL));
    assert_true(cs_text_blank(""));
    assert_true(cs_text_blank(" \t\r\n "));
    assert_false(cs_text_blank(" x "));
    assert_false(cs_text_blank("Lý do"));
    /* Only space, tab, CR and LF are blank: a vertical tab or form feed is content. */
    assert_false(cs_text_blank("\v"));
    assert_false(cs_text_blank("\f"));
}

static void test_err_prefix(void **state)
{
    (void)state;
    cs_err e;
    cs_err_set(&e, 400, "duplicate_leaf", NULL, "Chỉ số %s xuất hiện hai lần.",
               "Leaf %s appears twice.", "1.1");
    cs_err_prefix(&e, "Dòng 4", "Line 4", "items[2]");
    assert_int_equal(e.status, 400);
    assert_string_equal(e.code, "duplicate_leaf");
    assert_string_equal(e.message_vi, "Dòng 4: Chỉ số 1.1 xuất hiện hai lần.");
    assert_string_equal(e.message_en, "Line 4: Leaf 1.1 appears twice.");
    assert_string_equal(e.field, "items[2]");
    assert_string_equal(e.detail, "Line 4");

    /* No field given: the error keeps its own; a detail already there is kept. */
    cs_err_set(&e, 404, "not_found", "agency", "Không tìm thấy.", "Not found.");
    cs_err_detail(&e, "agency");
    cs_err_prefix(&e, "Mục 1", "Item 1", NULL);
    assert_string_equal(e.field, "agency");
    assert_string_equal(e.detail, "agency");
    assert_string_equal(e.message_en, "Item 1: Not found.");

    /* A message already at its full length loses its end, never overruns. */
    char longmsg[600];
    memset(longmsg, 'a', sizeof longmsg - 1);
    longmsg[sizeof longmsg - 1] = '\0';
    cs_err_set(&e, 400, "invalid_input", NULL, "%s", "%s", longmsg);
    cs_err_prefix(&e, "Dòng 9", "Line 9", NULL);
    assert_int_equal(strlen(e.message_en), sizeof e.message_en - 1);
    assert_memory_equal(e.message_en, "Line 9: aaa", 11);
}

static void test_leaf_check_value(void **state)
{
    (void)state;
    cs_err e;
    cs_leaf leaf = {.code = "2.4.1", .content = 2, .max_points = 300, .step = 50};
    cs_err_clear(&e);
    assert_int_equal(cs_leaf_check_value(&leaf, 0, &e), 0);
    assert_int_equal(cs_leaf_check_value(&leaf, 300, &e), 0);
    assert_false(cs_err_isset(&e));
    assert_int_equal(cs_leaf_check_value(&leaf, 350, &e), -1);
    assert_string_equal(e.code, "score_out_of_range");
    assert_string_equal(e.field, "score");
    assert_string_equal(e.message_en, "The score of leaf 2.4.1 must be between 0.00 and 3.00.");
    assert_string_equal(e.message_vi, "Điểm của chỉ số 2.4.1 phải trong khoảng 0.00 đến 3.00.");
    assert_int_equal(cs_leaf_check_value(&leaf, 125, &e), -1);
    assert_string_equal(e.code, "score_not_multiple_of_step");
    assert_string_equal(e.message_en, "The score of leaf 2.4.1 must be a multiple of 0.50.");

    /* Content 6 (deductions): -max..0. */
    cs_leaf ded = {.code = "6.2", .content = 6, .max_points = 100, .step = 25};
    assert_int_equal(cs_leaf_check_value(&ded, -100, &e), 0);
    assert_int_equal(cs_leaf_check_value(&ded, 25, &e), -1);
    assert_string_equal(e.message_en, "The score of leaf 6.2 must be between -1.00 and 0.00.");
}

/* A result with one text column and the given rows (NULL = SQL NULL). */
static PGresult *s_result(const char *const *vals, int n)
{
    PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    assert_non_null(r);
    PGresAttDesc att = {.name = (char *)"v", .format = 0, .typid = 25, .typlen = -1,
                        .atttypmod = -1};
    assert_int_equal(PQsetResultAttrs(r, 1, &att), 1);
    for (int i = 0; i < n; i++)
        assert_int_equal(PQsetvalue(r, i, 0, (char *)vals[i], vals[i] ? (int)strlen(vals[i]) : -1),
                         1);
    return r;
}

static void test_pg_readers(void **state)
{
    (void)state;
    const char *vals[] = {"42", NULL, "-9000000000", "t", "f"};
    PGresult *r = s_result(vals, 5);
    assert_int_equal(PQntuples(r), 5);
    assert_true(cs_pg_ll(r, 0, 0) == 42);
    assert_true(cs_pg_ll(r, 1, 0) == 0);
    assert_true(cs_pg_ll(r, 2, 0) == -9000000000LL);
    assert_true(cs_pg_bool(r, 3, 0));
    assert_false(cs_pg_bool(r, 4, 0));
    assert_false(cs_pg_bool(r, 1, 0));
    PQclear(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_blank),
        cmocka_unit_test(test_err_prefix),
        cmocka_unit_test(test_leaf_check_value),
        cmocka_unit_test(test_pg_readers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
