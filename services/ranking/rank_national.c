/*  rank_national: see rank_national.h. */
#include "rank_national.h"

#include <stdlib.h>
#include <string.h>
#include "cs_points.h"
#include "rank_xlsx.h"

const char *const rank_national_band_codes[RANK_NATIONAL_BANDS] = {
    "excellent", "good", "complete", "not_complete"};
const char *const rank_national_cchc_codes[RANK_NATIONAL_BANDS] = {
    "tot", "kha", "trung_binh", "yeu"};

static int s_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int64_t rank_national_median(int64_t *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, s_cmp);
    if (n % 2)
        return v[n / 2];
    return cs_div_half_up(v[n / 2 - 1] + v[n / 2], 2);
}

static void s_count(int counts[], const char *const codes[], const char *band)
{
    int k = 0;
    while (k < RANK_NATIONAL_BANDS && !(band && strcmp(codes[k], band) == 0))
        k++;
    counts[k]++;    /* [RANK_NATIONAL_BANDS]: a scheme's own band */
}

int rank_national_stats(const rank_report *rep, rank_national_row *row)
{
    size_t n = 0;
    for (size_t g = 0; g < rep->n_groups; g++)
        n += rep->groups[g].n;
    int64_t *q = malloc((n ? n : 1) * sizeof *q), *r = malloc((n ? n : 1) * sizeof *r);
    if (!q || !r) {
        free(q);
        free(r);
        return -1;
    }
    memset(row->bands, 0, sizeof row->bands);
    memset(row->cchc_bands, 0, sizeof row->cchc_bands);
    int64_t sq = 0, sr = 0;
    size_t i = 0;
    for (size_t g = 0; g < rep->n_groups; g++)
        for (size_t k = 0; k < rep->groups[g].n; k++, i++) {
            const rank_report_row *a = &rep->groups[g].rows[k];
            q[i] = a->quality_pct;
            r[i] = a->cchc_pct;
            sq += a->quality_pct;
            sr += a->cchc_pct;
            s_count(row->bands, rank_national_band_codes, a->band);
            s_count(row->cchc_bands, rank_national_cchc_codes, a->cchc_band);
        }
    row->agencies = (int)n;
    row->quality_mean = n ? cs_div_half_up(sq, (int64_t)n) : 0;
    row->cchc_mean = n ? cs_div_half_up(sr, (int64_t)n) : 0;
    row->quality_median = rank_national_median(q, n);
    row->cchc_median = rank_national_median(r, n);
    free(q);
    free(r);
    return 0;
}

int rank_export_national_xlsx(const rank_national_row *rows, size_t n, rank_buf *out, cs_err *e)
{
    char path[512];
    lxw_workbook *wb = rank_xlsx_begin(path, e);
    if (!wb)
        return -1;
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Toàn quốc");
    lxw_format *head = workbook_add_format(wb), *num = workbook_add_format(wb),
               *integer = workbook_add_format(wb), *title = workbook_add_format(wb);
    format_set_bold(head);
    format_set_text_wrap(head);
    format_set_align(head, LXW_ALIGN_CENTER);
    format_set_bg_color(head, 0xDDE5F0);
    format_set_border(head, LXW_BORDER_THIN);
    format_set_num_format(num, "0.00");
    format_set_num_format(integer, "0");
    format_set_bold(title);
    format_set_font_size(title, 13);
    worksheet_write_string(ws, 0, 0,
                           "Kết quả Chỉ số CCHC toàn quốc theo tỉnh và năm (chỉ kết quả đã công bố)",
                           title);
    static const char *const cols[] = {
        "Mã tỉnh", "Tỉnh", "Năm", "Kỳ đánh giá", "Phiên bản", "Số cơ quan",
        "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ",
        "Không hoàn thành nhiệm vụ", "Xếp loại khác", "CCHC Tốt", "CCHC Khá",
        "CCHC Trung bình", "CCHC Yếu", "CCHC khác", "Q trung bình (%)", "Q trung vị (%)",
        "R trung bình (%)", "R trung vị (%)", "SHA-256 phiên bản công bố"};
    const lxw_col_t nc = sizeof cols / sizeof cols[0];
    const lxw_row_t hr = 1;
    worksheet_set_row(ws, hr, 45, NULL);
    for (lxw_col_t c = 0; c < nc; c++) {
        worksheet_write_string(ws, hr, c, cols[c], head);
        worksheet_set_column(ws, c, c, c == 1 ? 24 : c == nc - 1 ? 66 : 11, NULL);
    }
    for (size_t i = 0; i < n; i++) {
        const rank_national_row *x = &rows[i];
        lxw_row_t row = hr + 1 + (lxw_row_t)i;
        lxw_col_t c = 0;
        worksheet_write_string(ws, row, c++, x->province_code, NULL);
        worksheet_write_string(ws, row, c++, x->province_name, NULL);
        worksheet_write_number(ws, row, c++, x->year, integer);
        worksheet_write_string(ws, row, c++, x->period_code, NULL);
        worksheet_write_number(ws, row, c++, x->version, integer);
        worksheet_write_number(ws, row, c++, x->agencies, integer);
        for (int k = 0; k <= RANK_NATIONAL_BANDS; k++)
            worksheet_write_number(ws, row, c++, x->bands[k], integer);
        for (int k = 0; k <= RANK_NATIONAL_BANDS; k++)
            worksheet_write_number(ws, row, c++, x->cchc_bands[k], integer);
        const int64_t v[] = {x->quality_mean, x->quality_median, x->cchc_mean, x->cchc_median};
        for (int k = 0; k < 4; k++)
            worksheet_write_number(ws, row, c++, (double)v[k] / 100.0, num);
        worksheet_write_string(ws, row, c++, x->sha256, NULL);
    }
    worksheet_freeze_panes(ws, hr + 1, 2);
    worksheet_autofilter(ws, hr, 0, hr + (lxw_row_t)n, nc - 1);
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);
    return rank_xlsx_finish(wb, path, true, out, e);
}
