/*  rank_draw: see rank_draw.h. */
#include "rank_draw.h"

#include <fontconfig/fontconfig.h>
#include <string.h>

int rank_draw_open(rank_draw *d, cairo_t *cr)
{
    d->cr = cr;
    d->draw = true;
    d->fm = pango_cairo_font_map_new();
    if (!d->fm)
        return -1;
    d->pc = pango_font_map_create_context(d->fm);
    if (!d->pc) {
        g_object_unref(d->fm);
        d->fm = NULL;
        return -1;
    }
    /* Metrics independent of the device: the measuring pass and the drawing pass agree,
     * and PDF and SVG lay out alike. */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(d->pc, fo);
    cairo_font_options_destroy(fo);
    pango_cairo_update_context(cr, d->pc);
    return 0;
}

void rank_draw_close(rank_draw *d)
{
    if (d->pc)
        g_object_unref(d->pc);
    if (d->fm)
        g_object_unref(d->fm);
    d->pc = NULL;
    d->fm = NULL;
}

void rank_draw_shutdown(void)
{
    FcFini();
}

double rank_draw_text(rank_draw *d, const char *text, double x, double y, double w,
                      double size, int style, int align)
{
    if (!text || !*text)
        return 0;
    PangoLayout *l = pango_layout_new(d->pc);
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family_static(fd, RANK_FONT);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    if (style & RANK_BOLD)
        pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
    if (style & RANK_ITALIC)
        pango_font_description_set_style(fd, PANGO_STYLE_ITALIC);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(l, (int)(w * PANGO_SCALE));
    if (style & RANK_ONELINE)
        pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    else
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l, align == RANK_CENTER  ? PANGO_ALIGN_CENTER
                                  : align == RANK_RIGHT ? PANGO_ALIGN_RIGHT
                                                        : PANGO_ALIGN_LEFT);
    if (style & RANK_UNDERLINE) {
        PangoAttrList *al = pango_attr_list_new();
        pango_attr_list_insert(al, pango_attr_underline_new(PANGO_UNDERLINE_SINGLE));
        pango_layout_set_attributes(l, al);
        pango_attr_list_unref(al);
    }
    pango_layout_set_text(l, text, -1);
    int pw, ph;
    pango_layout_get_size(l, &pw, &ph);
    if (d->draw) {
        cairo_move_to(d->cr, x, y);
        pango_cairo_show_layout(d->cr, l);
    }
    g_object_unref(l);
    return (double)ph / PANGO_SCALE;
}

void rank_draw_band_rgb(const char *band, double rgb[3])
{
    static const struct {
        const char *code;
        double rgb[3];
    } colours[] = {
        {"excellent", {0.13, 0.55, 0.13}},
        {"good", {0.25, 0.47, 0.85}},
        {"complete", {0.95, 0.65, 0.15}},
        {"not_complete", {0.80, 0.20, 0.20}},
        {"tot", {0.13, 0.55, 0.13}},
        {"kha", {0.25, 0.47, 0.85}},
        {"trung_binh", {0.95, 0.65, 0.15}},
        {"yeu", {0.80, 0.20, 0.20}},
    };
    for (size_t i = 0; band && i < sizeof colours / sizeof colours[0]; i++)
        if (strcmp(colours[i].code, band) == 0) {
            memcpy(rgb, colours[i].rgb, sizeof colours[i].rgb);
            return;
        }
    rgb[0] = rgb[1] = rgb[2] = 0.55;
}
