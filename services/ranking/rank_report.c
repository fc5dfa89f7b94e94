/*  rank_report: see rank_report.h. */
#include "rank_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_points.h"

int rank_buf_add(rank_buf *b, const void *p, size_t n)
{
    if (n == 0)
        return 0;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *d = realloc(b->data, cap);
        if (!d)
            return -1;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

int rank_buf_str(rank_buf *b, const char *s)
{
    return rank_buf_add(b, s, strlen(s));
}

void rank_buf_free(rank_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

static const struct {
    const char *code, *vi;
} s_bands[] = {
    {"excellent", "Hoàn thành xuất sắc nhiệm vụ"},
    {"good", "Hoàn thành tốt nhiệm vụ"},
    {"complete", "Hoàn thành nhiệm vụ"},
    {"not_complete", "Không hoàn thành nhiệm vụ"},
    {"tot", "Tốt"},
    {"kha", "Khá"},
    {"trung_binh", "Trung bình"},
    {"yeu", "Yếu"},
};

const char *rank_report_band_vi(const char *code)
{
    if (!code)
        return "";
    for (size_t i = 0; i < sizeof s_bands / sizeof s_bands[0]; i++)
        if (strcmp(s_bands[i].code, code) == 0)
            return s_bands[i].vi;
    return code;
}

const char *rank_report_pts(int64_t v, char *buf)
{
    return cs_points_format(v, buf);
}

char *rank_report_file_name(const rank_report *r, const char *what, const char *ext)
{
    char ver[48] = "";
    if (r->snapshot_version > 0)
        snprintf(ver, sizeof ver, " - công bố v%d", r->snapshot_version);
    char *name = NULL;
    if (asprintf(&name, "%s %s%s.%s", what, r->period_code ? r->period_code : "", ver, ext) < 0)
        return NULL;
    /* A period code is free text: no path separators, quotes or controls in a file name. */
    for (unsigned char *p = (unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7f || strchr("/\\\"*:<>?|;", *p))
            *p = '-';
    return name;
}

static const char *const s_cols[RANK_N_COLS] = {
    [RANK_COL_RANK] = "Hạng",
    [RANK_COL_CODE] = "Mã cơ quan",
    [RANK_COL_NAME] = "Tên cơ quan, đơn vị",
    [RANK_COL_T] = "Tổng điểm (T)",
    [RANK_COL_M] = "Điểm tối đa (M)",
    [RANK_COL_Q] = "Chỉ số Q (%)",
    [RANK_COL_R] = "Chỉ số CCHC R (%)",
    [RANK_COL_C1] = "C1",
    [RANK_COL_C2] = "C2",
    [RANK_COL_C3] = "C3",
    [RANK_COL_C4] = "C4",
    [RANK_COL_C5] = "C5",
    [RANK_COL_C6] = "C6",
    [RANK_COL_BAND] = "Xếp loại",
    [RANK_COL_CCHC_BAND] = "Xếp loại CCHC",
    [RANK_COL_HEAD_RATING] = "Đánh giá người đứng đầu",
    [RANK_COL_LATE_PCT] = "Tỷ lệ hồ sơ trễ hạn (%)",
    [RANK_COL_SHORTCOMINGS] = "Số tồn tại, hạn chế",
    [RANK_COL_NOTE] = "Ghi chú",
};

const char *rank_report_col_vi(rank_col c)
{
    return c < RANK_N_COLS ? s_cols[c] : "";
}

bool rank_report_col_is_points(rank_col c)
{
    return (c >= RANK_COL_T && c <= RANK_COL_C6) || c == RANK_COL_LATE_PCT;
}

void rank_report_cell(const rank_report_row *row, rank_col c, rank_cell *out)
{
    out->kind = RANK_CELL_POINTS;
    out->num = 0;
    out->text = NULL;
    switch (c) {
    case RANK_COL_RANK:
        out->kind = RANK_CELL_INT;
        out->num = row->rank;
        return;
    case RANK_COL_SHORTCOMINGS:
        out->kind = RANK_CELL_INT;
        out->num = row->n_shortcomings;
        return;
    case RANK_COL_T: out->num = row->total; return;
    case RANK_COL_M: out->num = row->max; return;
    case RANK_COL_Q: out->num = row->quality_pct; return;
    case RANK_COL_R: out->num = row->cchc_pct; return;
    case RANK_COL_C1: case RANK_COL_C2: case RANK_COL_C3:
    case RANK_COL_C4: case RANK_COL_C5: case RANK_COL_C6:
        out->num = row->contents[c - RANK_COL_C1];
        return;
    case RANK_COL_LATE_PCT:
        if (row->has_late_pct)
            out->num = row->late_pct;
        else
            out->kind = RANK_CELL_EMPTY;
        return;
    case RANK_COL_CODE: out->text = row->code; break;
    case RANK_COL_NAME: out->text = row->name; break;
    case RANK_COL_BAND: out->text = rank_report_band_vi(row->band); break;
    case RANK_COL_CCHC_BAND: out->text = rank_report_band_vi(row->cchc_band); break;
    case RANK_COL_HEAD_RATING: out->text = row->head_rating; break;
    case RANK_COL_NOTE:
        /* Equal Q, C1 and C2 and no leader's order yet (SPEC §10): the rank is shared. */
        out->text = row->tie_pending ? "Đồng hạng, chờ lãnh đạo quyết định thứ tự" : NULL;
        break;
    case RANK_N_COLS:
        break;
    }
    out->kind = out->text && *out->text ? RANK_CELL_TEXT : RANK_CELL_EMPTY;
}

bool rank_report_yoy_change(const rank_report_yoy *y, const rank_report_yoy_agency *a,
                            int64_t *dq, int64_t *dr, int *drank)
{
    if (y->n_periods < 2 || !a->cells[y->n_periods - 1].present)
        return false;
    const rank_report_yoy_cell *now = &a->cells[y->n_periods - 1];
    for (size_t k = y->n_periods - 1; k-- > 0;) {
        const rank_report_yoy_cell *before = &a->cells[k];
        if (!before->present)
            continue;
        *dq = now->quality_pct - before->quality_pct;
        *dr = now->cchc_pct - before->cchc_pct;
        *drank = before->rank - now->rank;
        return true;
    }
    return false;
}
