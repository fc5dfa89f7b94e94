/*  qr_svg: see qr_svg.h. */
#include "qr_svg.h"

#include <errno.h>
#include <stdarg.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growing string; on allocation failure it keeps failing and qr_svg reports it once. */
typedef struct {
    char  *s;
    size_t len, cap;
    int    failed;
} s_buf;

static void s_put(s_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void s_put(s_buf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = 1;
            return;
        }
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap * 2 + (size_t)n + 1;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->failed = 1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
}

int qr_svg(const char *text, char **out, int *modules, cs_err *e)
{
    *out = NULL;
    size_t tlen = text ? strlen(text) : 0;
    if (tlen == 0 || tlen > QR_SVG_MAX_TEXT)
        return cs_err_invalid(e, "text", "nội dung mã QR phải từ 1 đến 1024 byte",
                              "the QR code's text must be 1 to 1024 bytes");
    /* 8-bit data rather than QRencode_encodeString's mode guessing: a link is bytes, and
     * the same text always gives the same symbol. */
    QRcode *q = QRcode_encodeData((int)tlen, (const unsigned char *)text, 0, QR_ECLEVEL_M);
    if (!q)
        return cs_err_internal(e, errno == ERANGE ? "qrencode: text too long" : "qrencode failed");
    int w = q->width, side = w + 2 * QR_SVG_QUIET;
    s_buf b = {malloc(4096), 0, 4096, 0};
    b.failed = b.s == NULL;
    s_put(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
              "height=\"%d\" shape-rendering=\"crispEdges\">"
              "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
          side, side, side * 4, side * 4, side, side);
    /* Bit 0 of each byte is the module's colour (1 = dark); the other bits say which
     * function pattern it belongs to and do not matter for drawing. */
    for (int y = 0; y < w; y++) {
        for (int x = 0; x < w;) {
            if (!(q->data[y * w + x] & 1)) {
                x++;
                continue;
            }
            int run = 1;
            while (x + run < w && (q->data[y * w + x + run] & 1))
                run++;
            s_put(&b, "M%d %dh%dv1h-%dz", x + QR_SVG_QUIET, y + QR_SVG_QUIET, run, run);
            x += run;
        }
    }
    s_put(&b, "\"/></svg>\n");
    QRcode_free(q);
    if (b.failed) {
        free(b.s);
        return cs_err_internal(e, "qr_svg: out of memory");
    }
    if (modules)
        *modules = w;
    *out = b.s;
    return 0;
}
