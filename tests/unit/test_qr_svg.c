/* qr_svg: the invitation sheet's QR codes. A known text gives a well-formed SVG whose
 * viewBox is the symbol plus its quiet zone, with the module count of the version the text
 * needs (21 for a short word, 37 for an invitation link), the three finder patterns and
 * the timing patterns of the standard in place, and exactly libqrencode's dark modules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/surveys/qr_svg.h"

#define MAXW 177

/* Well-formed for the little XML this generator writes: every tag closed or self-closed
 * in order, attribute values quoted, nothing outside the root but the final newline, no
 * entity or markup character inside a value. Returns the number of elements, -1 if not. */
static int s_well_formed(const char *s)
{
    char stack[8][16];
    int depth = 0, elements = 0;
    const char *p = s;
    if (*p != '<')
        return -1;
    while (*p) {
        if (*p == '\n' && p[1] == '\0' && depth == 0)
            break;
        if (*p != '<')
            return -1;              /* no text content anywhere */
        p++;
        int closing = *p == '/';
        if (closing)
            p++;
        char name[16] = {0};
        size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz");
        if (n == 0 || n >= sizeof name)
            return -1;
        memcpy(name, p, n);
        p += n;
        if (closing) {
            if (*p != '>' || depth == 0 || strcmp(stack[depth - 1], name) != 0)
                return -1;
            depth--;
            p++;
            continue;
        }
        elements++;
        for (;;) {                  /* attributes: name="value" */
            while (*p == ' ')
                p++;
            if (*p == '>' || (*p == '/' && p[1] == '>'))
                break;
            size_t an = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-:");
            if (an == 0 || p[an] != '=' || p[an + 1] != '"')
                return -1;
            p += an + 2;
            const char *end = strchr(p, '"');
            if (!end)
                return -1;
            for (const char *q = p; q < end; q++)
                if (*q == '<' || *q == '>' || *q == '&')
                    return -1;
            p = end + 1;
        }
        if (*p == '/') {
            p += 2;
        } else {
            if (depth == 8)
                return -1;
            strcpy(stack[depth++], name);
            p++;
        }
        if (depth == 0 && *p && strcmp(p, "\n") != 0)
            return -1;              /* one root */
    }
    return depth == 0 ? elements : -1;
}

/* The dark modules the path draws, back into a grid; -1 if a subpath is not a run. */
static int s_grid(const char *svg, int side, unsigned char g[MAXW][MAXW])
{
    memset(g, 0, (size_t)MAXW * MAXW);
    const char *d = strstr(svg, " d=\"");
    if (!d)
        return -1;
    d += 4;
    while (*d == 'M') {
        int x, y, h, h2, used = 0;
        if (sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &h, &h2, &used) != 4 || used == 0 ||
            h != h2 || h < 1 || x < QR_SVG_QUIET || y < QR_SVG_QUIET ||
            x + h > side - QR_SVG_QUIET || y >= side - QR_SVG_QUIET)
            return -1;
        for (int i = 0; i < h; i++) {
            if (g[y - QR_SVG_QUIET][x - QR_SVG_QUIET + i])
                return -1;          /* drawn twice */
            g[y - QR_SVG_QUIET][x - QR_SVG_QUIET + i] = 1;
        }
        d += used;
    }
    return *d == '"' ? 0 : -1;
}

/* A 7x7 finder pattern (dark ring, light ring, dark 3x3) with its top-left at (x, y). */
static int s_finder(unsigned char g[MAXW][MAXW], int x, int y)
{
    for (int j = 0; j < 7; j++)
        for (int i = 0; i < 7; i++) {
            int ring = i == 0 || i == 6 || j == 0 || j == 6;
            int core = i >= 2 && i <= 4 && j >= 2 && j <= 4;
            if (g[y + j][x + i] != (ring || core))
                return 0;
        }
    return 1;
}

static void s_check(const char *text, int want_modules)
{
    cs_err e;
    cs_err_clear(&e);
    char *svg = NULL;
    int w = 0;
    assert_int_equal(qr_svg(text, &svg, &w, &e), 0);
    assert_non_null(svg);
    assert_int_equal(w, want_modules);
    assert_int_equal(s_well_formed(svg), 3);          /* svg, rect, path */
    assert_null(strstr(svg, "script"));
    assert_null(strstr(svg, "style"));
    int side = w + 2 * QR_SVG_QUIET;
    char vb[64];
    snprintf(vb, sizeof vb, "viewBox=\"0 0 %d %d\"", side, side);
    assert_non_null(strstr(svg, vb));

    static unsigned char g[MAXW][MAXW];
    assert_int_equal(s_grid(svg, side, g), 0);
    assert_true(s_finder(g, 0, 0));
    assert_true(s_finder(g, w - 7, 0));
    assert_true(s_finder(g, 0, w - 7));
    for (int i = 8; i < w - 8; i++) {               /* timing patterns: alternating */
        assert_int_equal(g[6][i], i % 2 == 0);
        assert_int_equal(g[i][6], i % 2 == 0);
    }
    QRcode *q = QRcode_encodeData((int)strlen(text), (const unsigned char *)text, 0,
                                  QR_ECLEVEL_M);
    assert_non_null(q);
    assert_int_equal(q->width, w);
    for (int y = 0; y < w; y++)
        for (int x = 0; x < w; x++)
            assert_int_equal(g[y][x], q->data[y * w + x] & 1);
    QRcode_free(q);
    free(svg);
}

static void test_short_text(void **state)
{
    (void)state;
    s_check("chiso", 21);                           /* version 1 */
}

static void test_invitation_link(void **state)
{
    (void)state;
    /* 36 + 43 = 79 bytes: version 5 at level M (84 bytes at most), 37 modules. */
    s_check("https://chiso.example/survey.html#t=K3q0bJm9xWc1Zr2Yv8TtA5uP7oLkEeHdGfSnVaQiB4M",
            37);
}

static void test_same_text_same_svg(void **state)
{
    (void)state;
    cs_err e;
    char *a = NULL, *b = NULL;
    assert_int_equal(qr_svg("Sở Nội vụ", &a, NULL, &e), 0);
    assert_int_equal(qr_svg("Sở Nội vụ", &b, NULL, &e), 0);
    assert_string_equal(a, b);
    free(a);
    free(b);
}

static void test_refusals(void **state)
{
    (void)state;
    cs_err e;
    char *svg = (char *)"x";
    cs_err_clear(&e);
    assert_int_equal(qr_svg("", &svg, NULL, &e), -1);
    assert_null(svg);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.field, "text");
    char big[QR_SVG_MAX_TEXT + 2];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    cs_err_clear(&e);
    assert_int_equal(qr_svg(big, &svg, NULL, &e), -1);
    assert_int_equal(e.status, 400);
    big[QR_SVG_MAX_TEXT] = '\0';                    /* the longest accepted text fits */
    cs_err_clear(&e);
    assert_int_equal(qr_svg(big, &svg, NULL, &e), 0);
    free(svg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_short_text),
        cmocka_unit_test(test_invitation_link),
        cmocka_unit_test(test_same_text_same_svg),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
