/*  rank_export_xlsx: the results as an Excel workbook (rank_report.h), with libxlsxwriter.
 *
 *  libxlsxwriter 1.1.4 (Debian 12) writes to a file only, so the workbook goes to a private
 *  temporary file that is read back and removed. Numbers are written as numbers (points /
 *  100, shown "0.00") so officials can sort, sum and filter them; texts stay UTF-8. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include "rank_report.h"
#include "rank_xlsx.h"

#define SHEET_NAME_MAX 31   /* Excel's limit, in characters */

typedef struct {
    lxw_workbook *wb;
    lxw_format *title, *head, *num, *integer, *text, *wrap;
    char (*used)[128];      /* sheet names given so far (Excel compares them ignoring case) */
    size_t n_used, cap_used;
} xl;

/* A sheet name from free text: no []:*?/\ (Excel refuses them), at most 31 characters
 * (UTF-8 aware), unique ignoring case (" (2)", " (3)" ... when taken). */
static const char *s_sheet_name(xl *x, const char *want, const char *fallback)
{
    char base[128];
    const char *src = want && *want ? want : fallback;
    size_t o = 0, chars = 0;
    for (const unsigned char *p = (const unsigned char *)src; *p && o < sizeof base - 8;) {
        size_t len = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : 4;
        if (chars == SHEET_NAME_MAX - 4)    /* room for a " (n)" suffix */
            break;
        if (strchr("[]:*?/\\'", *p) && len == 1)
            base[o++] = '-';
        else
            for (size_t k = 0; k < len && p[k]; k++)
                base[o++] = (char)p[k];
        p += len;
        chars++;
    }
    base[o] = '\0';
    if (o == 0)
        snprintf(base, sizeof base, "%s", fallback);
    if (x->n_used == x->cap_used) {
        size_t cap = x->cap_used ? x->cap_used * 2 : 32;
        void *u = realloc(x->used, cap * sizeof *x->used);
        if (!u)
            return NULL;
        x->used = u;
        x->cap_used = cap;
    }
    char *name = x->used[x->n_used];
    snprintf(name, sizeof x->used[0], "%s", base);
    for (int n = 2;; n++) {
        bool taken = false;
        for (size_t i = 0; i < x->n_used && !taken; i++)
            taken = strcasecmp(x->used[i], name) == 0;
        if (!taken)
            break;
        snprintf(name, sizeof x->used[0], "%s (%d)", base, n);
    }
    x->n_used++;
    return name;
}

static void s_formats(xl *x)
{
    x->title = workbook_add_format(x->wb);
    format_set_bold(x->title);
    format_set_font_size(x->title, 13);
    x->head = workbook_add_format(x->wb);
    format_set_bold(x->head);
    format_set_text_wrap(x->head);
    format_set_align(x->head, LXW_ALIGN_CENTER);
    format_set_align(x->head, LXW_ALIGN_VERTICAL_CENTER);
    format_set_border(x->head, LXW_BORDER_THIN);
    format_set_bg_color(x->head, 0xDDE5F0);
    x->num = workbook_add_format(x->wb);
    format_set_num_format(x->num, "0.00");
    format_set_border(x->num, LXW_BORDER_THIN);
    x->integer = workbook_add_format(x->wb);
    format_set_num_format(x->integer, "0");
    format_set_border(x->integer, LXW_BORDER_THIN);
    x->text = workbook_add_format(x->wb);
    format_set_border(x->text, LXW_BORDER_THIN);
    x->wrap = workbook_add_format(x->wb);
    format_set_border(x->wrap, LXW_BORDER_THIN);
    format_set_text_wrap(x->wrap);
}

static void s_points(xl *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, int64_t v)
{
    worksheet_write_number(ws, r, c, (double)v / 100.0, x->num);
}

static const double s_widths[RANK_N_COLS] = {
    [RANK_COL_RANK] = 6, [RANK_COL_CODE] = 12, [RANK_COL_NAME] = 42, [RANK_COL_T] = 10,
    [RANK_COL_M] = 10, [RANK_COL_Q] = 10, [RANK_COL_R] = 11, [RANK_COL_C1] = 8,
    [RANK_COL_C2] = 8, [RANK_COL_C3] = 8, [RANK_COL_C4] = 8, [RANK_COL_C5] = 8,
    [RANK_COL_C6] = 8, [RANK_COL_BAND] = 28, [RANK_COL_CCHC_BAND] = 12,
    [RANK_COL_HEAD_RATING] = 24, [RANK_COL_LATE_PCT] = 12, [RANK_COL_SHORTCOMINGS] = 10,
    [RANK_COL_NOTE] = 30,
};

static const char *s_version_line(const rank_report *r, char *buf, size_t n)
{
    if (r->snapshot_version > 0)
        snprintf(buf, n, "Tỉnh %s, năm %d. Kết quả công bố, phiên bản %d, SHA-256 %s",
                 r->province_name ? r->province_name : "", r->year, r->snapshot_version,
                 r->snapshot_sha256 ? r->snapshot_sha256 : "");
    else
        snprintf(buf, n, "Tỉnh %s, năm %d. Kết quả đang tính (chưa công bố)%s%s",
                 r->province_name ? r->province_name : "", r->year,
                 r->generated_at ? ", lập lúc " : "", r->generated_at ? r->generated_at : "");
    return buf;
}

static int s_group_sheet(xl *x, const rank_report *r, const rank_report_group *g)
{
    const char *name = s_sheet_name(x, g->name, g->code);
    lxw_worksheet *ws = name ? workbook_add_worksheet(x->wb, name) : NULL;
    if (!ws)
        return -1;
    char line[512];
    snprintf(line, sizeof line, "Kết quả Chỉ số CCHC %s — %s", r->period_name ? r->period_name : "",
             g->name ? g->name : g->code);
    worksheet_write_string(ws, 0, 0, line, x->title);
    worksheet_write_string(ws, 1, 0, s_version_line(r, line, sizeof line), NULL);
    const lxw_row_t head = 2;
    worksheet_set_row(ws, head, 32, NULL);
    for (rank_col c = 0; c < RANK_N_COLS; c++) {
        worksheet_write_string(ws, head, c, rank_report_col_vi(c), x->head);
        worksheet_set_column(ws, c, c, s_widths[c], NULL);
    }
    for (size_t i = 0; i < g->n; i++) {
        lxw_row_t row = head + 1 + (lxw_row_t)i;
        for (rank_col c = 0; c < RANK_N_COLS; c++) {
            rank_cell cell;
            rank_report_cell(&g->rows[i], c, &cell);
            switch (cell.kind) {
            case RANK_CELL_INT:
                worksheet_write_number(ws, row, c, (double)cell.num, x->integer);
                break;
            case RANK_CELL_POINTS:
                s_points(x, ws, row, c, cell.num);
                break;
            case RANK_CELL_TEXT:
                worksheet_write_string(ws, row, c, cell.text, c == RANK_COL_NAME ? x->wrap : x->text);
                break;
            case RANK_CELL_EMPTY:
                worksheet_write_blank(ws, row, c, x->text);
                break;
            }
        }
    }
    /* The header and the rank, code and name stay in view while scrolling. */
    worksheet_freeze_panes(ws, head + 1, RANK_COL_NAME + 1);
    worksheet_autofilter(ws, head, 0, head + (lxw_row_t)g->n, RANK_N_COLS - 1);
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);     /* A4 */
    worksheet_repeat_rows(ws, head, head);
    return 0;
}

static const char *const s_leaf_cols[] = {
    "Mã tiêu chí", "Nội dung", "Tiêu chí", "Điểm tối đa", "Không áp dụng", "Tự đánh giá",
    "Thẩm định vòng 1", "Thẩm định vòng 2", "Điều tra XHH", "Lãnh đạo (trung bình)",
    "Số lãnh đạo chấm", "Tự động: tử số", "Tự động: mẫu số", "Điểm tính",
};
static const double s_leaf_widths[] = {12, 9, 60, 10, 10, 10, 11, 11, 10, 12, 10, 11, 11, 10};
#define N_LEAF_COLS (sizeof s_leaf_cols / sizeof s_leaf_cols[0])

static int s_leaf_sheet(xl *x, const rank_report_group *g, const rank_report_row *a)
{
    const char *name = s_sheet_name(x, a->code, "?");
    lxw_worksheet *ws = name ? workbook_add_worksheet(x->wb, name) : NULL;
    if (!ws)
        return -1;
    char line[512];
    snprintf(line, sizeof line, "%s — %s (%s)", a->code, a->name ? a->name : "",
             g->name ? g->name : g->code);
    worksheet_write_string(ws, 0, 0, line, x->title);
    const lxw_row_t head = 1;
    worksheet_set_row(ws, head, 32, NULL);
    for (lxw_col_t c = 0; c < N_LEAF_COLS; c++) {
        worksheet_write_string(ws, head, c, s_leaf_cols[c], x->head);
        worksheet_set_column(ws, c, c, s_leaf_widths[c], NULL);
    }
    for (size_t i = 0; i < a->n_leaves; i++) {
        const rank_report_leaf *l = &a->leaves[i];
        lxw_row_t row = head + 1 + (lxw_row_t)i;
        worksheet_write_string(ws, row, 0, l->code, x->text);
        worksheet_write_number(ws, row, 1, l->content, x->integer);
        worksheet_write_string(ws, row, 2, l->title ? l->title : "", x->wrap);
        s_points(x, ws, row, 3, l->max_points);
        worksheet_write_string(ws, row, 4, l->not_applicable ? "x" : "", x->text);
        const bool has[] = {l->has_self, l->has_r1, l->has_r2, l->has_survey, l->has_leaders};
        const int64_t val[] = {l->self, l->r1, l->r2, l->survey, l->leaders_mean};
        for (lxw_col_t k = 0; k < 5; k++) {
            if (has[k])
                s_points(x, ws, row, 5 + k, val[k]);
            else
                worksheet_write_blank(ws, row, 5 + k, x->text);
        }
        if (l->has_leaders)
            worksheet_write_number(ws, row, 10, (double)l->n_leaders, x->integer);
        else
            worksheet_write_blank(ws, row, 10, x->text);
        if (l->is_auto) {
            worksheet_write_number(ws, row, 11, (double)l->auto_num, x->integer);
            worksheet_write_number(ws, row, 12, (double)l->auto_den, x->integer);
        } else {
            worksheet_write_blank(ws, row, 11, x->text);
            worksheet_write_blank(ws, row, 12, x->text);
        }
        s_points(x, ws, row, 13, l->effective);
    }
    worksheet_freeze_panes(ws, head + 1, 1);
    worksheet_autofilter(ws, head, 0, head + (lxw_row_t)a->n_leaves, N_LEAF_COLS - 1);
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);
    return 0;
}

/* Year over year: each period's Q, R, rank and band side by side, then the change since the
 * agency's previous period. */
static int s_yoy_sheet(xl *x, const rank_report_yoy *y)
{
    const char *name = s_sheet_name(x, "So sánh qua các năm", "YoY");
    lxw_worksheet *ws = name ? workbook_add_worksheet(x->wb, name) : NULL;
    if (!ws)
        return -1;
    worksheet_write_string(ws, 0, 0, "So sánh kết quả qua các năm (theo mã cơ quan)", x->title);
    const lxw_row_t head = 1;
    worksheet_set_row(ws, head, 45, NULL);
    worksheet_write_string(ws, head, 0, "Mã cơ quan", x->head);
    worksheet_write_string(ws, head, 1, "Tên cơ quan, đơn vị", x->head);
    worksheet_set_column(ws, 0, 0, 12, NULL);
    worksheet_set_column(ws, 1, 1, 42, NULL);
    static const char *const what[] = {"Q (%)", "R (%)", "Hạng", "Xếp loại"};
    lxw_col_t col = 2;
    char t[256];
    for (size_t k = 0; k < y->n_periods; k++)
        for (int w = 0; w < 4; w++, col++) {
            snprintf(t, sizeof t, "%s %s", what[w], y->period_labels[k]);
            worksheet_write_string(ws, head, col, t, x->head);
            worksheet_set_column(ws, col, col, w == 3 ? 26 : 10, NULL);
        }
    const lxw_col_t change = col;
    static const char *const ch[] = {"Thay đổi Q", "Thay đổi R", "Số bậc hạng tăng"};
    for (int w = 0; w < 3; w++) {
        worksheet_write_string(ws, head, change + w, ch[w], x->head);
        worksheet_set_column(ws, change + w, change + w, 11, NULL);
    }
    for (size_t i = 0; i < y->n_agencies; i++) {
        const rank_report_yoy_agency *a = &y->agencies[i];
        lxw_row_t row = head + 1 + (lxw_row_t)i;
        worksheet_write_string(ws, row, 0, a->code, x->text);
        worksheet_write_string(ws, row, 1, a->name ? a->name : "", x->wrap);
        for (size_t k = 0; k < y->n_periods; k++) {
            const rank_report_yoy_cell *cell = &a->cells[k];
            lxw_col_t c0 = 2 + (lxw_col_t)(4 * k);
            if (!cell->present) {
                for (int w = 0; w < 4; w++)
                    worksheet_write_blank(ws, row, c0 + w, x->text);
                continue;
            }
            s_points(x, ws, row, c0, cell->quality_pct);
            s_points(x, ws, row, c0 + 1, cell->cchc_pct);
            worksheet_write_number(ws, row, c0 + 2, cell->rank, x->integer);
            worksheet_write_string(ws, row, c0 + 3, rank_report_band_vi(cell->band), x->text);
        }
        int64_t dq, dr;
        int drank;
        if (rank_report_yoy_change(y, a, &dq, &dr, &drank)) {
            s_points(x, ws, row, change, dq);
            s_points(x, ws, row, change + 1, dr);
            worksheet_write_number(ws, row, change + 2, drank, x->integer);
        } else {
            for (int w = 0; w < 3; w++)
                worksheet_write_blank(ws, row, change + w, x->text);
        }
    }
    worksheet_freeze_panes(ws, head + 1, 2);
    worksheet_autofilter(ws, head, 0, head + (lxw_row_t)y->n_agencies, change + 2);
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);
    return 0;
}

static int s_read_file(const char *path, rank_buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char chunk[65536];
    size_t n;
    int rc = 0;
    while (rc == 0 && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc = rank_buf_add(out, chunk, n);
    if (ferror(f))
        rc = -1;
    fclose(f);
    return rc;
}

lxw_workbook *rank_xlsx_begin(char path[512], cs_err *e)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, 512, "%s/chiso-export-XXXXXX.xlsx", dir && *dir ? dir : "/tmp");
    int fd = mkstemps(path, 5);
    if (fd < 0) {
        cs_err_internal(e, "xlsx export: no temporary file");
        return NULL;
    }
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    if (!wb) {
        unlink(path);
        cs_err_internal(e, "xlsx export: no workbook");
    }
    return wb;
}

int rank_xlsx_finish(lxw_workbook *wb, const char *path, bool ok, rank_buf *out, cs_err *e)
{
    lxw_error err = workbook_close(wb);
    int rc = ok ? 0 : -1;
    if (rc == 0 && err != LXW_NO_ERROR)
        rc = cs_err_internal(e, lxw_strerror(err));
    else if (rc == 0 && s_read_file(path, out) < 0)
        rc = cs_err_internal(e, "xlsx export: the workbook could not be read back");
    else if (!ok)
        cs_err_internal(e, "xlsx export failed");
    unlink(path);
    return rc;
}

int rank_export_xlsx(const rank_report *r, rank_buf *out, cs_err *e)
{
    char path[512];
    xl x = {0};
    x.wb = rank_xlsx_begin(path, e);
    if (!x.wb)
        return -1;
    lxw_doc_properties props = {.title = "Kết quả Chỉ số cải cách hành chính",
                                .company = (char *)(r->province_name ? r->province_name : "")};
    workbook_set_properties(x.wb, &props);
    s_formats(&x);
    int rc = 0;
    for (size_t g = 0; g < r->n_groups && rc == 0; g++)
        rc = s_group_sheet(&x, r, &r->groups[g]);
    if (r->yoy && r->yoy->n_periods > 1 && rc == 0)
        rc = s_yoy_sheet(&x, r->yoy);
    /* A snapshot freezes results, not leaves: its rows have no leaf detail (NULL). */
    for (size_t g = 0; g < r->n_groups && rc == 0; g++)
        for (size_t i = 0; i < r->groups[g].n && rc == 0; i++)
            if (r->groups[g].rows[i].leaves)
                rc = s_leaf_sheet(&x, &r->groups[g], &r->groups[g].rows[i]);
    if (r->n_groups == 0 && rc == 0)    /* a workbook needs a sheet */
        rc = workbook_add_worksheet(x.wb, "Kết quả") ? 0 : -1;
    free(x.used);
    return rank_xlsx_finish(x.wb, path, rc == 0, out, e);
}
