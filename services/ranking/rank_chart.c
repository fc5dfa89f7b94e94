/*  rank_chart: the charts of a group's results (rank_draw.h), drawn once with cairo and
 *  used by the PDF annex and, as SVG, by the web. */
#include <cairo-svg.h>
#include <stdio.h>
#include <string.h>
#include "rank_draw.h"

#define ROW_H 14.0          /* one agency's bar in the ranks and contents charts */
#define HEAD_H 34.0         /* title and axis labels above the bars */

static const char *const s_band_order[] = {"excellent", "good", "complete", "not_complete"};

static void s_rgb(rank_draw *d, const double rgb[3])
{
    cairo_set_source_rgb(d->cr, rgb[0], rgb[1], rgb[2]);
}

static void s_black(rank_draw *d)
{
    cairo_set_source_rgb(d->cr, 0, 0, 0);
}

double rank_chart_rows_height(size_t n)
{
    return HEAD_H + ROW_H * (double)n + 6;
}

void rank_chart_bands(rank_draw *d, const rank_report_group *g, double x, double y, double w,
                      double h)
{
    /* The bands present, seed 002's in their order first, then a scheme's own codes. */
    const char *codes[RANK_MAX_BANDS * 2];
    int counts[RANK_MAX_BANDS * 2] = {0};
    size_t n = 0;
    for (size_t k = 0; k < sizeof s_band_order / sizeof s_band_order[0]; k++)
        codes[n++] = s_band_order[k];
    for (size_t i = 0; i < g->n; i++) {
        size_t k = 0;
        while (k < n && strcmp(codes[k], g->rows[i].band ? g->rows[i].band : "") != 0)
            k++;
        if (k == n && n < sizeof codes / sizeof codes[0])
            codes[n++] = g->rows[i].band ? g->rows[i].band : "";
        if (k < n)
            counts[k]++;
    }
    int top = 1;
    for (size_t k = 0; k < n; k++)
        top = counts[k] > top ? counts[k] : top;

    s_black(d);
    double th = rank_draw_text(d, "Phân bố xếp loại theo chỉ số Q (số cơ quan)", x, y, w, 10,
                               RANK_BOLD, RANK_CENTER);
    double label_h = 26, num_h = 12;
    double by = y + th + 6 + num_h, bh = h - th - 6 - num_h - label_h;
    double slot = w / (double)n, bw = slot * 0.55;
    cairo_set_line_width(d->cr, 0.8);
    if (d->draw) {
        cairo_move_to(d->cr, x, by + bh);
        cairo_line_to(d->cr, x + w, by + bh);
        cairo_stroke(d->cr);
    }
    for (size_t k = 0; k < n; k++) {
        double cx = x + slot * (double)k, hh = bh * counts[k] / top;
        double rgb[3];
        rank_draw_band_rgb(codes[k], rgb);
        if (d->draw) {
            s_rgb(d, rgb);
            cairo_rectangle(d->cr, cx + (slot - bw) / 2, by + bh - hh, bw, hh);
            cairo_fill(d->cr);
        }
        s_black(d);
        char num[16];
        snprintf(num, sizeof num, "%d", counts[k]);
        rank_draw_text(d, num, cx, by + bh - hh - num_h, slot, 9, RANK_BOLD, RANK_CENTER);
        rank_draw_text(d, rank_report_band_vi(codes[k]), cx + 2, by + bh + 3, slot - 4, 7.5,
                       RANK_REGULAR, RANK_CENTER);
    }
}

/* The frame shared by the ranks and contents charts: title, the label column, the scale. */
typedef struct {
    double lx, lw;          /* label column */
    double bx, bw;          /* bar area */
    double y0;              /* first row's top */
} rows_frame;

static rows_frame s_rows_frame(rank_draw *d, const char *title, double x, double y, double w)
{
    rows_frame f = {.lx = x, .lw = w * 0.36, .y0 = y + HEAD_H};
    f.bx = x + f.lw + 4;
    f.bw = w - f.lw - 4 - 40;   /* room for the value after the bar */
    s_black(d);
    rank_draw_text(d, title, x, y, w, 10, RANK_BOLD, RANK_CENTER);
    return f;
}

static void s_row_label(rank_draw *d, const rows_frame *f, const rank_report_row *r, double y)
{
    char label[512];
    snprintf(label, sizeof label, "%d. %s", r->rank, r->name ? r->name : r->code);
    s_black(d);
    rank_draw_text(d, label, f->lx, y + 2, f->lw, 7.5, RANK_ONELINE, RANK_LEFT);
}

void rank_chart_ranks(rank_draw *d, const rank_report_group *g, size_t first, size_t n,
                      double x, double y, double w, double h)
{
    (void)h;
    rows_frame f = s_rows_frame(d, "Xếp hạng theo chỉ số Q (%)", x, y, w);
    double bottom = f.y0 + ROW_H * (double)n;
    /* The seed-002 thresholds, dashed, labelled above the bars. */
    static const int marks[] = {0, 60, 75, 90, 100};
    for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++) {
        double mx = f.bx + f.bw * marks[k] / 100.0;
        char t[8];
        snprintf(t, sizeof t, "%d", marks[k]);
        s_black(d);
        rank_draw_text(d, t, mx - 15, f.y0 - 12, 30, 7, RANK_REGULAR, RANK_CENTER);
        if (d->draw) {
            cairo_set_source_rgb(d->cr, 0.5, 0.5, 0.5);
            cairo_set_line_width(d->cr, 0.5);
            const double dash[] = {2, 2};
            cairo_set_dash(d->cr, marks[k] % 100 ? dash : NULL, marks[k] % 100 ? 2 : 0, 0);
            cairo_move_to(d->cr, mx, f.y0 - 2);
            cairo_line_to(d->cr, mx, bottom);
            cairo_stroke(d->cr);
            cairo_set_dash(d->cr, NULL, 0, 0);
        }
    }
    for (size_t i = first; i < first + n && i < g->n; i++) {
        const rank_report_row *r = &g->rows[i];
        double ry = f.y0 + ROW_H * (double)(i - first);
        s_row_label(d, &f, r, ry);
        int64_t q = r->quality_pct < 0 ? 0 : r->quality_pct > 10000 ? 10000 : r->quality_pct;
        double bw = f.bw * (double)q / 10000.0, rgb[3];
        rank_draw_band_rgb(r->band, rgb);
        if (d->draw) {
            s_rgb(d, rgb);
            cairo_rectangle(d->cr, f.bx, ry + 2, bw, ROW_H - 4);
            cairo_fill(d->cr);
        }
        char v[32];
        s_black(d);
        rank_draw_text(d, rank_report_pts(r->quality_pct, v), f.bx + bw + 3, ry + 2, 40, 7.5,
                       RANK_REGULAR, RANK_LEFT);
    }
}

void rank_chart_contents(rank_draw *d, const rank_report_group *g, size_t first, size_t n,
                         double x, double y, double w, double h)
{
    (void)h;
    static const double colours[5][3] = {
        {0.20, 0.40, 0.70}, {0.35, 0.65, 0.35}, {0.90, 0.60, 0.20},
        {0.60, 0.35, 0.65}, {0.45, 0.70, 0.80},
    };
    rows_frame f = s_rows_frame(d, "Điểm theo từng nội dung (C1–C5)", x, y, w);
    /* Legend between the title and the bars. */
    for (int k = 0; k < 5; k++) {
        double lx = f.bx + k * 46.0;
        if (d->draw) {
            s_rgb(d, colours[k]);
            cairo_rectangle(d->cr, lx, f.y0 - 11, 8, 8);
            cairo_fill(d->cr);
        }
        char t[8];
        snprintf(t, sizeof t, "C%d", k + 1);
        s_black(d);
        rank_draw_text(d, t, lx + 10, f.y0 - 12, 30, 7, RANK_REGULAR, RANK_LEFT);
    }
    int64_t top = 1;
    for (size_t i = 0; i < g->n; i++)
        top = g->rows[i].max > top ? g->rows[i].max : top;
    for (size_t i = first; i < first + n && i < g->n; i++) {
        const rank_report_row *r = &g->rows[i];
        double ry = f.y0 + ROW_H * (double)(i - first), cx = f.bx;
        s_row_label(d, &f, r, ry);
        for (int k = 0; k < 5; k++) {
            int64_t v = r->contents[k] > 0 ? r->contents[k] : 0;
            double sw = f.bw * (double)v / (double)top;
            if (d->draw) {
                s_rgb(d, colours[k]);
                cairo_rectangle(d->cr, cx, ry + 2, sw, ROW_H - 4);
                cairo_fill(d->cr);
            }
            cx += sw;
        }
        char v[32];
        s_black(d);
        rank_draw_text(d, rank_report_pts(r->total, v), cx + 3, ry + 2, 40, 7.5, RANK_REGULAR,
                       RANK_LEFT);
    }
}

static cairo_status_t s_write(void *closure, const unsigned char *data, unsigned int len)
{
    return rank_buf_add(closure, data, len) == 0 ? CAIRO_STATUS_SUCCESS
                                                 : CAIRO_STATUS_WRITE_ERROR;
}

int rank_chart_svg(const rank_report *r, const rank_report_group *g, rank_chart_kind kind,
                   rank_buf *out, cs_err *e)
{
    (void)r;
    const double w = 640, pad = 10;
    double h = kind == RANK_CHART_BANDS ? 300 : rank_chart_rows_height(g->n);
    cairo_surface_t *s = cairo_svg_surface_create_for_stream(s_write, out, w, h + 2 * pad);
    cairo_t *cr = cairo_create(s);
    rank_draw d;
    int rc = rank_draw_open(&d, cr);
    if (rc == 0) {
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        if (kind == RANK_CHART_BANDS)
            rank_chart_bands(&d, g, pad, pad, w - 2 * pad, h);
        else if (kind == RANK_CHART_RANKS)
            rank_chart_ranks(&d, g, 0, g->n, pad, pad, w - 2 * pad, h);
        else
            rank_chart_contents(&d, g, 0, g->n, pad, pad, w - 2 * pad, h);
        rank_draw_close(&d);
    }
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
        rc = -1;
    cairo_surface_destroy(s);
    return rc == 0 ? 0 : cs_err_internal(e, "svg chart failed");
}
