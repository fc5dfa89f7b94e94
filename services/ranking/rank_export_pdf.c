/*  rank_export_pdf: the decision annex (Phụ lục kèm theo Quyết định) as PDF, A4 portrait,
 *  with cairo + pango (rank_draw.h).
 *
 *  Laid out twice on the same surface: a first pass that only measures counts the pages
 *  (for "Trang 2/5"), the second draws. Each group is a table whose header row is repeated
 *  at the top of every page it continues on; then each group's charts. The footer carries
 *  the page number and, for a published snapshot, its version and SHA-256. */
#include <cairo-pdf.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "rank_draw.h"

#define PAGE_W 595.276
#define PAGE_H 841.890
#define M_LEFT 50.0
#define M_RIGHT 36.0
#define M_TOP 40.0
#define FOOT_H 40.0         /* reserved at the bottom for the footer */
#define BODY_W (PAGE_W - M_LEFT - M_RIGHT)
#define BODY_BOTTOM (PAGE_H - FOOT_H)
#define CELL_PAD 3.0
#define FONT_TABLE 8.0

typedef struct {
    rank_draw d;
    const rank_report *r;
    int page, pages;
    double y;
} pdf;

typedef struct {
    const char *title;
    double w;               /* the name column takes what is left (w = 0) */
    int align;
} column;

typedef struct {
    const column *cols;
    size_t n;
} table;

#define MAX_COLS 12

static const column s_result_cols[] = {
    {"Hạng", 33, RANK_CENTER},
    {"Mã", 54, RANK_LEFT},
    {"Tên cơ quan, đơn vị", 0, RANK_LEFT},
    {"Tổng điểm T", 46, RANK_RIGHT},
    {"Điểm tối đa M", 46, RANK_RIGHT},
    {"Chỉ số Q (%)", 42, RANK_RIGHT},
    {"Chỉ số R (%)", 42, RANK_RIGHT},
    {"Xếp loại", 90, RANK_LEFT},
    {"Xếp loại CCHC", 46, RANK_LEFT},
};
static const table s_results = {s_result_cols, sizeof s_result_cols / sizeof s_result_cols[0]};

static double s_col_w(const table *t, size_t c)
{
    if (t->cols[c].w > 0)
        return t->cols[c].w;
    double used = 0;
    for (size_t k = 0; k < t->n; k++)
        used += t->cols[k].w;
    return BODY_W - used;
}

/* Measure text without drawing, whichever pass this is. */
static double s_measure(pdf *p, const char *text, double w, double size, int style)
{
    bool draw = p->d.draw;
    p->d.draw = false;
    double h = rank_draw_text(&p->d, text, 0, 0, w, size, style, RANK_LEFT);
    p->d.draw = draw;
    return h;
}

static void s_footer(pdf *p)
{
    const rank_report *r = p->r;
    double y = PAGE_H - FOOT_H + 10;
    char line[256], num[32];
    cairo_set_source_rgb(p->d.cr, 0.25, 0.25, 0.25);
    if (r->snapshot_version > 0)
        snprintf(line, sizeof line, "Kết quả công bố, phiên bản %d — %s", r->snapshot_version,
                 r->period_name ? r->period_name : "");
    else
        snprintf(line, sizeof line, "Kết quả đang tính, chưa công bố%s%s — %s",
                 r->generated_at ? "; lập lúc " : "", r->generated_at ? r->generated_at : "",
                 r->period_name ? r->period_name : "");
    double h = rank_draw_text(&p->d, line, M_LEFT, y, BODY_W - 80, 7, RANK_REGULAR, RANK_LEFT);
    if (r->snapshot_version > 0 && r->snapshot_sha256) {
        snprintf(line, sizeof line, "SHA-256: %s", r->snapshot_sha256);
        rank_draw_text(&p->d, line, M_LEFT, y + h, BODY_W - 80, 7, RANK_REGULAR, RANK_LEFT);
    }
    snprintf(num, sizeof num, "Trang %d/%d", p->page, p->pages > 0 ? p->pages : p->page);
    rank_draw_text(&p->d, num, PAGE_W - M_RIGHT - 80, y, 80, 8, RANK_REGULAR, RANK_RIGHT);
    cairo_set_source_rgb(p->d.cr, 0, 0, 0);
}

static void s_new_page(pdf *p)
{
    if (p->page > 0) {
        s_footer(p);
        if (p->d.draw)
            cairo_show_page(p->d.cr);
    }
    p->page++;
    p->y = M_TOP;
}

/* The national heading and the title of the annex, on the first page. */
static void s_heading(pdf *p)
{
    const rank_report *r = p->r;
    char *prov = g_utf8_strup(r->province_name ? r->province_name : "", -1);
    char line[512];
    double lw = 200, rx = M_LEFT + lw + 10, rw = BODY_W - lw - 10, y = p->y;
    double h1 = rank_draw_text(&p->d, "ỦY BAN NHÂN DÂN", M_LEFT, y, lw, 10, RANK_BOLD, RANK_CENTER);
    snprintf(line, sizeof line, "TỈNH %s", prov);
    rank_draw_text(&p->d, line, M_LEFT, y + h1, lw, 10, RANK_BOLD, RANK_CENTER);
    double h2 = rank_draw_text(&p->d, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", rx, y, rw, 10,
                               RANK_BOLD, RANK_CENTER);
    double h3 = rank_draw_text(&p->d, "Độc lập - Tự do - Hạnh phúc", rx, y + h2, rw, 11,
                               RANK_BOLD | RANK_UNDERLINE, RANK_CENTER);
    p->y = y + h2 + h3 + 22;

    p->y += rank_draw_text(&p->d, "PHỤ LỤC", M_LEFT, p->y, BODY_W, 13, RANK_BOLD, RANK_CENTER);
    snprintf(line, sizeof line, "KẾT QUẢ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM %d", r->year);
    p->y += rank_draw_text(&p->d, line, M_LEFT, p->y, BODY_W, 12, RANK_BOLD, RANK_CENTER);
    snprintf(line, sizeof line, "CỦA CÁC CƠ QUAN, ĐƠN VỊ TỈNH %s", prov);
    p->y += rank_draw_text(&p->d, line, M_LEFT, p->y, BODY_W, 12, RANK_BOLD, RANK_CENTER);
    g_free(prov);
    p->y += rank_draw_text(&p->d, r->period_name, M_LEFT, p->y + 2, BODY_W, 11, RANK_REGULAR,
                           RANK_CENTER) + 2;
    /* The decision's number and date are written in by hand when it is signed. */
    snprintf(line, sizeof line,
             "(Kèm theo Quyết định số ........./QĐ-UBND ngày ..... tháng ..... năm ......... "
             "của Chủ tịch Ủy ban nhân dân tỉnh %s)", r->province_name ? r->province_name : "");
    p->y += rank_draw_text(&p->d, line, M_LEFT + 30, p->y + 2, BODY_W - 60, 10, RANK_ITALIC,
                           RANK_CENTER) + 4;
    if (r->snapshot_version <= 0) {
        cairo_set_source_rgb(p->d.cr, 0.75, 0.1, 0.1);
        p->y += rank_draw_text(&p->d, "DỰ THẢO — kết quả đang tính, chưa công bố", M_LEFT,
                               p->y + 2, BODY_W, 10, RANK_BOLD, RANK_CENTER) + 2;
        cairo_set_source_rgb(p->d.cr, 0, 0, 0);
    }
    p->y += 12;
}

static double s_row_h(pdf *p, const table *t, const char *const texts[], int style)
{
    double h = 0;
    for (size_t c = 0; c < t->n; c++) {
        double m = s_measure(p, texts[c], s_col_w(t, c) - 2 * CELL_PAD, FONT_TABLE, style);
        h = m > h ? m : h;
    }
    return h + 2 * CELL_PAD;
}

static void s_cells(pdf *p, const table *t, const char *const texts[], double h, int style,
                    bool shade)
{
    double x = M_LEFT;
    cairo_t *cr = p->d.cr;
    for (size_t c = 0; c < t->n; c++) {
        double w = s_col_w(t, c);
        if (p->d.draw) {
            if (shade) {
                cairo_set_source_rgb(cr, 0.87, 0.90, 0.94);
                cairo_rectangle(cr, x, p->y, w, h);
                cairo_fill(cr);
            }
            cairo_set_source_rgb(cr, 0, 0, 0);
            cairo_set_line_width(cr, 0.5);
            cairo_rectangle(cr, x, p->y, w, h);
            cairo_stroke(cr);
        }
        rank_draw_text(&p->d, texts[c], x + CELL_PAD, p->y + CELL_PAD, w - 2 * CELL_PAD,
                       FONT_TABLE, style, shade ? RANK_CENTER : t->cols[c].align);
        x += w;
    }
    p->y += h;
}

static void s_table_header(pdf *p, const table *t)
{
    const char *texts[MAX_COLS];
    for (size_t c = 0; c < t->n; c++)
        texts[c] = t->cols[c].title;
    s_cells(p, t, texts, s_row_h(p, t, texts, RANK_BOLD), RANK_BOLD, true);
}

/* One body row; on a new page when it does not fit, under "<title> (tiếp theo)" and the
 * table's header again. */
static void s_table_row(pdf *p, const table *t, const char *const texts[], const char *title)
{
    double h = s_row_h(p, t, texts, RANK_REGULAR);
    if (p->y + h > BODY_BOTTOM) {
        char line[512];
        s_new_page(p);
        snprintf(line, sizeof line, "%s (tiếp theo)", title);
        p->y += rank_draw_text(&p->d, line, M_LEFT, p->y, BODY_W, 9, RANK_ITALIC, RANK_LEFT) + 4;
        s_table_header(p, t);
    }
    s_cells(p, t, texts, h, RANK_REGULAR, false);
}

/* A section title with room for the header and a row below it, or a new page first. */
static void s_section(pdf *p, const table *t, const char *title, const char *subtitle)
{
    const char *texts[MAX_COLS];
    for (size_t c = 0; c < t->n; c++)
        texts[c] = t->cols[c].title;
    double need = s_measure(p, title, BODY_W, 11, RANK_BOLD) + 16 +
                  s_row_h(p, t, texts, RANK_BOLD) + 30;
    if (p->y + need > BODY_BOTTOM)
        s_new_page(p);
    p->y += rank_draw_text(&p->d, title, M_LEFT, p->y, BODY_W, 11, RANK_BOLD, RANK_LEFT);
    p->y += rank_draw_text(&p->d, subtitle, M_LEFT, p->y + 2, BODY_W, 8.5, RANK_ITALIC,
                           RANK_LEFT) + 6;
    s_table_header(p, t);
}

static void s_row_texts(const rank_report_row *row, char bufs[][64], const char *t[])
{
    snprintf(bufs[0], 64, "%d%s", row->rank, row->tie_pending ? "*" : "");
    t[0] = bufs[0];
    t[1] = row->code;
    t[2] = row->name;
    t[3] = rank_report_pts(row->total, bufs[3]);
    t[4] = rank_report_pts(row->max, bufs[4]);
    t[5] = rank_report_pts(row->quality_pct, bufs[5]);
    t[6] = rank_report_pts(row->cchc_pct, bufs[6]);
    t[7] = rank_report_band_vi(row->band);
    t[8] = rank_report_band_vi(row->cchc_band);
}

static void s_group_table(pdf *p, const rank_report_group *g, size_t index)
{
    char title[512], sub[512];
    const char *name = g->name ? g->name : g->code;
    snprintf(title, sizeof title, "%zu. %s", index + 1, name);
    snprintf(sub, sizeof sub,
             "Số cơ quan: %zu; số được đánh giá từ hoàn thành tốt trở lên (G): %d; "
             "chỉ tiêu hoàn thành xuất sắc: %d%s", g->n, g->good_or_better, g->excellent_quota,
             g->publication_blocked_by_tie ? "; còn đồng hạng chưa được lãnh đạo quyết định" : "");
    s_section(p, &s_results, title, sub);
    bool any_tie = false;
    for (size_t i = 0; i < g->n; i++) {
        char bufs[MAX_COLS][64];
        const char *t[MAX_COLS];
        s_row_texts(&g->rows[i], bufs, t);
        any_tie |= g->rows[i].tie_pending;
        s_table_row(p, &s_results, t, name);
    }
    if (any_tie)
        p->y += rank_draw_text(&p->d, "* Đồng hạng, chờ lãnh đạo quyết định thứ tự.", M_LEFT,
                               p->y + 3, BODY_W, 8, RANK_ITALIC, RANK_LEFT) + 3;
    p->y += 14;
}

/* Year over year: the report's period against the one before it, per agency. */
static void s_yoy_table(pdf *p, const rank_report_yoy *y)
{
    const char *prev = y->period_labels[y->n_periods - 2], *now = y->period_labels[y->n_periods - 1];
    char h[6][96];
    snprintf(h[0], sizeof h[0], "Q (%%) %s", prev);
    snprintf(h[1], sizeof h[1], "Q (%%) %s", now);
    snprintf(h[2], sizeof h[2], "Hạng %s", prev);
    snprintf(h[3], sizeof h[3], "Hạng %s", now);
    const column cols[] = {
        {"Mã", 58, RANK_LEFT}, {"Tên cơ quan, đơn vị", 0, RANK_LEFT},
        {h[0], 52, RANK_RIGHT}, {h[1], 52, RANK_RIGHT}, {"Thay đổi Q", 44, RANK_RIGHT},
        {h[2], 46, RANK_RIGHT}, {h[3], 46, RANK_RIGHT}, {"Số bậc hạng tăng", 46, RANK_RIGHT},
    };
    const table t = {cols, sizeof cols / sizeof cols[0]};
    const char *title = "So sánh với kỳ trước";
    s_section(p, &t, title, "Cơ quan được đối chiếu theo mã; thay đổi tính từ kỳ gần nhất có "
                            "kết quả của cơ quan.");
    for (size_t i = 0; i < y->n_agencies; i++) {
        const rank_report_yoy_agency *a = &y->agencies[i];
        const rank_report_yoy_cell *b = &a->cells[y->n_periods - 2], *n = &a->cells[y->n_periods - 1];
        if (!n->present)
            continue;
        char bufs[8][64] = {{0}};
        const char *texts[8] = {a->code, a->name, "", "", "", "", "", ""};
        if (b->present) {
            texts[2] = rank_report_pts(b->quality_pct, bufs[2]);
            snprintf(bufs[5], 64, "%d", b->rank);
            texts[5] = bufs[5];
        }
        texts[3] = rank_report_pts(n->quality_pct, bufs[3]);
        snprintf(bufs[6], 64, "%d", n->rank);
        texts[6] = bufs[6];
        int64_t dq, dr;
        int drank;
        if (rank_report_yoy_change(y, a, &dq, &dr, &drank)) {
            char num[32];
            snprintf(bufs[4], 64, "%s%s", dq > 0 ? "+" : "", rank_report_pts(dq, num));
            snprintf(bufs[7], 64, "%+d", drank);
            texts[4] = bufs[4];
            texts[7] = bufs[7];
        }
        s_table_row(p, &t, texts, title);
    }
    p->y += 14;
}

/* A rows chart (ranks or contents) split over as many pages as it needs. */
static void s_rows_chart(pdf *p, const rank_report_group *g, bool ranks)
{
    size_t first = 0;
    while (first < g->n) {
        double room = BODY_BOTTOM - p->y;
        size_t fit = 0;
        while (first + fit < g->n && rank_chart_rows_height(fit + 1) <= room)
            fit++;
        if (fit < 3 && fit < g->n - first) {   /* not worth starting here */
            s_new_page(p);
            continue;
        }
        double h = rank_chart_rows_height(fit);
        if (ranks)
            rank_chart_ranks(&p->d, g, first, fit, M_LEFT, p->y, BODY_W, h);
        else
            rank_chart_contents(&p->d, g, first, fit, M_LEFT, p->y, BODY_W, h);
        p->y += h + 12;
        first += fit;
    }
}

static void s_group_charts(pdf *p, const rank_report_group *g)
{
    char line[512];
    s_new_page(p);
    snprintf(line, sizeof line, "Biểu đồ: %s", g->name ? g->name : g->code);
    p->y += rank_draw_text(&p->d, line, M_LEFT, p->y, BODY_W, 11, RANK_BOLD, RANK_LEFT) + 8;
    rank_chart_bands(&p->d, g, M_LEFT + 40, p->y, BODY_W - 80, 200);
    p->y += 214;
    s_rows_chart(p, g, true);
    s_rows_chart(p, g, false);
}

static void s_layout(pdf *p)
{
    p->page = 0;
    s_new_page(p);
    s_heading(p);
    for (size_t g = 0; g < p->r->n_groups; g++)
        s_group_table(p, &p->r->groups[g], g);
    if (p->r->n_groups == 0)
        rank_draw_text(&p->d, "Kỳ đánh giá chưa có cơ quan nào.", M_LEFT, p->y, BODY_W, 10,
                       RANK_ITALIC, RANK_LEFT);
    if (p->r->yoy && p->r->yoy->n_periods > 1)
        s_yoy_table(p, p->r->yoy);
    for (size_t g = 0; g < p->r->n_groups; g++)
        if (p->r->groups[g].n > 0)
            s_group_charts(p, &p->r->groups[g]);
    s_footer(p);
    if (p->d.draw)
        cairo_show_page(p->d.cr);
}

static cairo_status_t s_write(void *closure, const unsigned char *data, unsigned int len)
{
    return rank_buf_add(closure, data, len) == 0 ? CAIRO_STATUS_SUCCESS
                                                 : CAIRO_STATUS_WRITE_ERROR;
}

int rank_export_pdf(const rank_report *r, rank_buf *out, cs_err *e)
{
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(s_write, out, PAGE_W, PAGE_H);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE,
                                   "Phụ lục kết quả Chỉ số cải cách hành chính");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "chiso");
    /* Without a date cairo writes the current time: the same data would give other bytes
     * (and another ETag) at every export. */
    if (r->made_at > 0) {
        time_t t = (time_t)r->made_at;
        struct tm tm;
        char iso[32];
        gmtime_r(&t, &tm);
        strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, iso);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, iso);
    }
    cairo_t *cr = cairo_create(s);
    pdf p = {.r = r};
    int rc = rank_draw_open(&p.d, cr);
    if (rc == 0) {
        p.d.draw = false;       /* first pass: count the pages */
        s_layout(&p);
        p.pages = p.page;
        p.d.draw = true;
        s_layout(&p);
        rank_draw_close(&p.d);
    }
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
        rc = -1;
    cairo_surface_destroy(s);
    return rc == 0 ? 0 : cs_err_internal(e, "pdf export failed");
}
