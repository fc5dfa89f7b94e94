/*  Catalog validation without a database: index sets, CSV, logins, dates, roles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include <stdlib.h>
#include "cat_remind.h"
#include "cat_smtp.h"
#include "cat_validate.h"
#include "cs_phase.h"

/* --- a small index set built on the stack ---------------------------------------------- */

#define MAXN 16
typedef struct {
    Chiso__IndexSet set;
    Chiso__IndexNode nodes[MAXN];
    Chiso__IndexNode *np[MAXN];
    Chiso__IndexContent contents[6];
    Chiso__IndexContent *cp[6];
} fixture;

static void add_node(fixture *f, const char *code, const char *parent, int content, long long max)
{
    size_t i = f->set.n_nodes++;
    Chiso__IndexNode *n = &f->nodes[i];
    chiso__index_node__init(n);
    n->code = (char *)code;
    n->parent_code = (char *)parent;
    n->has_content = 1;
    n->content = content;
    n->title = (char *)"Tiêu chí";
    if (max >= 0) {
        n->has_max_points = 1;
        n->max_points = max;
    }
    f->np[i] = n;
}

static void add_content(fixture *f, int k, long long max)
{
    size_t i = f->set.n_contents++;
    Chiso__IndexContent *c = &f->contents[i];
    chiso__index_content__init(c);
    c->has_content = 1;
    c->content = k;
    if (max >= 0) {
        c->has_max_points = 1;
        c->max_points = max;
    }
    f->cp[i] = c;
}

/* A valid set: contents 1–4 adding up to 45/35/12/5, a bonus and a deduction. */
static void valid(fixture *f)
{
    memset(f, 0, sizeof *f);
    chiso__index_set__init(&f->set);
    f->set.code = (char *)"IS2025";
    f->set.name = (char *)"Bộ Chỉ số";
    f->set.group_code = (char *)"01";
    f->set.has_year = 1;
    f->set.year = 2025;
    f->set.nodes = f->np;
    f->set.contents = f->cp;
    add_node(f, "1.1", NULL, 1, -1);
    add_node(f, "1.1.1", "1.1", 1, 2000);
    add_node(f, "1.1.2", "1.1", 1, 2500);
    add_node(f, "2.1", NULL, 2, 3500);
    add_node(f, "3.1", NULL, 3, 1200);
    add_node(f, "4.1", NULL, 4, 500);
    add_node(f, "5.1", NULL, 5, 400);   /* bonus above its cap of 3: allowed */
    add_node(f, "6.1", NULL, 6, 1000);  /* deduction: no content maximum */
}

static void expect_err(fixture *f, const char *code, const char *names)
{
    cat_content out[6];
    cs_err e;
    cs_err_clear(&e);
    assert_int_equal(cat_index_validate(&f->set, out, &e), -1);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.code, code);
    if (names) {
        assert_non_null(strstr(e.message_vi, names));
        assert_non_null(strstr(e.message_en, names));
    }
}

static void test_valid_set(void **state)
{
    (void)state;
    fixture f;
    valid(&f);
    cat_content out[6];
    cs_err e;
    cs_err_clear(&e);
    assert_int_equal(cat_index_validate(&f.set, out, &e), 0);
    assert_int_equal(out[0].max_points, 4500);
    assert_int_equal(out[4].max_points, 300);
    assert_int_equal(out[5].max_points, -1);
    assert_string_equal(out[5].title, "Điểm trừ");
    assert_false(cat_index_is_leaf(&f.set, 0));
    assert_true(cat_index_is_leaf(&f.set, 1));
}

static void test_content_override(void **state)
{
    (void)state;
    fixture f;
    valid(&f);
    add_content(&f, 2, 3000);
    expect_err(&f, "content_sum_mismatch", "2.1");
    f.nodes[3].max_points = 3000;
    cat_content out[6];
    cs_err e;
    assert_int_equal(cat_index_validate(&f.set, out, &e), 0);
    assert_int_equal(out[1].max_points, 3000);
    add_content(&f, 2, 3000);
    expect_err(&f, "duplicate_content", NULL);
}

static void test_deduction_content_has_no_max(void **state)
{
    (void)state;
    fixture f;
    valid(&f);
    add_content(&f, 6, 500);
    expect_err(&f, "invalid_content", NULL);
    valid(&f);
    add_content(&f, 7, 500);
    expect_err(&f, "invalid_content", NULL);
}

static void test_invalid_nodes(void **state)
{
    (void)state;
    fixture f;

    valid(&f);
    f.nodes[4].code = (char *)"2.1";
    expect_err(&f, "duplicate_code", "2.1");

    valid(&f);
    f.nodes[2].parent_code = (char *)"9";
    expect_err(&f, "unknown_parent", "1.1.2");

    valid(&f);
    f.nodes[2].content = 2;
    expect_err(&f, "invalid_parent", "1.1.2");

    valid(&f);
    f.nodes[5].max_points = 0;
    expect_err(&f, "invalid_max", "4.1");

    valid(&f);
    f.nodes[5].has_max_points = 0;
    expect_err(&f, "invalid_max", "4.1");

    valid(&f);
    f.nodes[4].has_step = 1;
    f.nodes[4].step = 0;
    expect_err(&f, "invalid_step", "3.1");

    valid(&f);
    f.nodes[1].max_points = 2010;      /* 20.10 is no multiple of 0.25 */
    f.nodes[2].max_points = 2490;
    expect_err(&f, "invalid_step", "1.1.1");

    valid(&f);
    f.nodes[3].max_points = 3400;
    expect_err(&f, "content_sum_mismatch", "34.00");

    valid(&f);
    f.nodes[3].content = 9;
    expect_err(&f, "invalid_content", "2.1");

    valid(&f);
    f.nodes[1].title = (char *)"  ";
    expect_err(&f, "required", "1.1.1");
}

static void test_cycle(void **state)
{
    (void)state;
    fixture f;
    valid(&f);
    add_node(&f, "2.8", "2.9", 2, -1);
    add_node(&f, "2.9", "2.8", 2, -1);
    expect_err(&f, "invalid_parent", "2.");
}

static void test_header_fields(void **state)
{
    (void)state;
    fixture f;
    valid(&f);
    f.set.code = NULL;
    expect_err(&f, "required", NULL);
    valid(&f);
    f.set.year = 1999;
    expect_err(&f, "invalid_input", NULL);
    valid(&f);
    f.set.n_nodes = 0;
    expect_err(&f, "required", NULL);
}

/* --- CSV -------------------------------------------------------------------------------- */

static void test_csv(void **state)
{
    (void)state;
    cs_err e;
    cs_err_clear(&e);
    cat_csv *c = cat_csv_parse("\xEF\xBB\xBFgroup,code,name\r\n01,SNV,Sở Nội vụ\r\n\r\n"
                               "03,X1,\"Xã Ea Kao, TP. Buôn Ma Thuột\"\n02,Q,\"Trường \"\"A\"\"\"", &e);
    assert_non_null(c);
    assert_int_equal(c->n, 4);
    assert_string_equal(c->rows[0].f[0], "group");
    assert_string_equal(c->rows[1].f[2], "Sở Nội vụ");
    assert_int_equal(c->rows[2].line, 4);
    assert_int_equal(c->rows[2].n, 3);
    assert_string_equal(c->rows[2].f[2], "Xã Ea Kao, TP. Buôn Ma Thuột");
    assert_string_equal(c->rows[3].f[2], "Trường \"A\"");
    assert_int_equal(c->rows[3].line, 5);
    cat_csv_destroy(&c);
    assert_null(c);

    c = cat_csv_parse("a,,\"\"\n", &e);
    assert_non_null(c);
    assert_int_equal(c->rows[0].n, 3);
    assert_string_equal(c->rows[0].f[1], "");
    assert_string_equal(c->rows[0].f[2], "");
    cat_csv_destroy(&c);

    c = cat_csv_parse("group,code,name\n01,A,\"open\n", &e);
    assert_null(c);
    assert_string_equal(e.code, "csv_invalid");
    assert_non_null(strstr(e.message_vi, "Dòng 2"));
    assert_non_null(strstr(e.message_en, "Line 2"));

    c = cat_csv_parse("", &e);
    assert_non_null(c);
    assert_int_equal(c->n, 0);
    cat_csv_destroy(&c);
}

/* --- small validators ------------------------------------------------------------------- */

static void test_login_date_role(void **state)
{
    (void)state;
    assert_true(cat_login_valid("admin_dlk"));
    assert_true(cat_login_valid("a.b@c-d"));
    assert_false(cat_login_valid("ab"));
    assert_false(cat_login_valid("có dấu"));
    assert_false(cat_login_valid(NULL));
    assert_true(cat_date_valid("2024-02-29"));
    assert_false(cat_date_valid("2025-02-29"));
    assert_false(cat_date_valid("2025-13-01"));
    assert_false(cat_date_valid("25-01-01"));
    assert_true(cat_role_valid("province_admin"));
    assert_false(cat_role_valid("root"));
    assert_string_equal(cs_phase_title_vi("self_assessment"), "tự đánh giá");
    assert_string_equal(cs_phase_title_en("appraisal_2"), "appraisal, round 2");
    assert_true(cs_phase_valid("appeal"));
    assert_false(cs_phase_valid("holiday"));
    assert_string_equal(cat_content_title_default(5), "Điểm cộng");
    assert_int_equal(cat_content_max_default(1), 4500);
}

/* The reminders' address rule: what goes into an SMTP envelope and a header. */
static void test_email_address(void **state)
{
    (void)state;
    const char *good[] = {"a@b.vn", "nguyen.van.a+cchc@sonoivu.daklak.gov.vn", "x_y@example-1.vn"};
    const char *bad[] = {"", "ab", "a@", "@b.vn", "a@b@c.vn", "a b@c.vn", "a@b.vn\r\nBcc: x@y.vn",
                         "<a@b.vn>", "a,b@c.vn", "a@exa_mple.vn", "a@b.vn ", "ă@b.vn\x7f", NULL};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        assert_true(cat_smtp_address_valid(good[i]));
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_false(cat_smtp_address_valid(bad[i]));
    char longer[300];
    memset(longer, 'a', sizeof longer);
    strcpy(longer + 250, "@b.vn");
    assert_false(cat_smtp_address_valid(longer));
}

/* The message: headers in ASCII, the Vietnamese subject in encoded words of whole
 * characters, the body base64 in lines of 76. */
static void test_email_message(void **state)
{
    (void)state;
    const char *subject = "Nhắc việc: giai đoạn «Tự đánh giá» kỳ K2025 đóng lúc 17:00 15/12/2025";
    char *m = cat_smtp_message("chiso@sonoivu.vn", "a@b.vn", subject, "Kính gửi anh/chị,\r\n",
                               1765792800, "chiso-reminder-7");
    assert_non_null(m);
    assert_non_null(strstr(m, "From: chiso@sonoivu.vn\r\nTo: a@b.vn\r\nSubject: =?UTF-8?B?"));
    assert_non_null(strstr(m, "\r\nDate: Mon, 15 Dec 2025 10:00:00 +0000\r\n"));
    assert_non_null(strstr(m, "Message-ID: <chiso-reminder-7@sonoivu.vn>\r\n"));
    assert_non_null(strstr(m, "Content-Type: text/plain; charset=UTF-8\r\n"));
    for (const char *p = m; *p; p++)
        assert_true((unsigned char)*p < 0x80);      /* 7-bit clean */
    /* each encoded word: at most 75 characters, and its bytes whole UTF-8 characters */
    const char *w = strstr(m, "=?UTF-8?B?");
    int words = 0;
    while (w && w < strstr(m, "\r\nDate:")) {
        const char *end = strstr(w + 10, "?=");
        assert_true(end - w + 2 <= 75);
        unsigned char raw[64];
        size_t n;
        assert_int_equal(sodium_base642bin(raw, sizeof raw, w + 10, (size_t)(end - w - 10), NULL,
                                           &n, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
        assert_true((raw[0] & 0xC0) != 0x80);
        words++;
        w = strstr(end, "=?UTF-8?B?");
    }
    assert_true(words >= 2);
    free(m);
    assert_null(cat_smtp_message("chiso@sonoivu.vn", "a@b.vn\r\nBcc: c@d.vn", "s", "b", 0, "x"));
}

static void test_remind_backoff(void **state)
{
    (void)state;
    assert_int_equal(cat_remind_backoff(1), 60);
    assert_int_equal(cat_remind_backoff(2), 120);
    assert_int_equal(cat_remind_backoff(3), 240);
    assert_int_equal(cat_remind_backoff(7), 3600);
    assert_int_equal(cat_remind_backoff(30), 3600);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_set),
        cmocka_unit_test(test_content_override),
        cmocka_unit_test(test_deduction_content_has_no_max),
        cmocka_unit_test(test_invalid_nodes),
        cmocka_unit_test(test_cycle),
        cmocka_unit_test(test_header_fields),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_login_date_role),
        cmocka_unit_test(test_email_address),
        cmocka_unit_test(test_email_message),
        cmocka_unit_test(test_remind_backoff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
