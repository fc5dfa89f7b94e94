/*  rank_draw: text and shapes on a cairo surface for the PDF annex and the charts, with
 *  pango so Vietnamese (precomposed and combining marks) is shaped right.
 *
 *  The font family is pinned (RANK_FONT, Debian's fonts-dejavu-core, which covers
 *  Vietnamese) so every machine prints the same; fontconfig finds it. Each drawing opens
 *  its own pango font map instead of pango's per-thread default, so a worker thread leaves
 *  nothing behind once the drawing is done. */
#ifndef RANK_DRAW_H
#define RANK_DRAW_H

#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include "rank_report.h"

#define RANK_FONT "DejaVu Sans"

typedef struct {
    cairo_t *cr;
    PangoFontMap *fm;
    PangoContext *pc;
    bool draw;              /* false: measure only (the PDF's first pass counts pages) */
} rank_draw;

enum { RANK_LEFT = 0, RANK_CENTER = 1, RANK_RIGHT = 2 };
enum { RANK_REGULAR = 0, RANK_BOLD = 1, RANK_ITALIC = 2, RANK_UNDERLINE = 4,
       RANK_ONELINE = 8 /* no wrapping: cut with an ellipsis */ };

/* 0 / -1 (no font map). */
int rank_draw_open(rank_draw *d, cairo_t *cr);
void rank_draw_close(rank_draw *d);

/* At exit, once no thread draws any more: cairo's and fontconfig's process-wide caches
 * released (fontconfig's would otherwise show as a leak under LeakSanitizer). */
void rank_draw_shutdown(void);

/* Text wrapped to width w at (x, y) (top-left of its box), size in points, style flags.
 * Returns the height it takes; draws only when d->draw. */
double rank_draw_text(rank_draw *d, const char *text, double x, double y, double w,
                      double size, int style, int align);

/* The colour of a band code: seed 002's bands have fixed colours, others a neutral grey. */
void rank_draw_band_rgb(const char *band, double rgb[3]);

/* --- charts (rank_chart.c), drawn in the box (x, y, w, h) ------------------------------- */

/* How many agencies of g each quality band holds, as vertical bars. */
void rank_chart_bands(rank_draw *d, const rank_report_group *g, double x, double y, double w,
                      double h);
/* Q of agencies [first, first + n) of g in ranking order, horizontal bars coloured by band,
 * with the seed-002 thresholds (60, 75, 90 %) marked. */
void rank_chart_ranks(rank_draw *d, const rank_report_group *g, size_t first, size_t n,
                      double x, double y, double w, double h);
/* Each content's share of T for agencies [first, first + n): stacked bars C1..C5. */
void rank_chart_contents(rank_draw *d, const rank_report_group *g, size_t first, size_t n,
                         double x, double y, double w, double h);

/* Height a ranks/contents chart needs for n agencies (bars of a readable thickness). */
double rank_chart_rows_height(size_t n);

typedef enum { RANK_CHART_BANDS, RANK_CHART_RANKS, RANK_CHART_CONTENTS } rank_chart_kind;

/* One chart of one group as an SVG document (the web shows the same drawing). 0 / -1. */
int rank_chart_svg(const rank_report *r, const rank_report_group *g, rank_chart_kind kind,
                   rank_buf *out, cs_err *e);

#endif
