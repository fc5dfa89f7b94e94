/*  rank_export_csv: the results as CSV, one row per agency (rank_report.h). */
#include <stdio.h>
#include <string.h>
#include "rank_report.h"

/* RFC 4180: a field with a comma, quote, CR or LF is quoted, its quotes doubled. A field
 * starting with = + - @ would be a formula to a spreadsheet: names are data, so such a text
 * gets a leading apostrophe (numbers are written by us and never start with those but '-'). */
static int s_field(rank_buf *b, const char *s, bool first)
{
    if (!first && rank_buf_add(b, ",", 1) < 0)
        return -1;
    if (!s)
        return 0;
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote && rank_buf_add(b, "\"", 1) < 0)
        return -1;
    if (s[0] && strchr("=+-@", s[0]) && rank_buf_add(b, "'", 1) < 0)
        return -1;
    for (const char *p = s; *p; p++) {
        if (*p == '"' && rank_buf_add(b, "\"", 1) < 0)
            return -1;
        if (rank_buf_add(b, p, 1) < 0)
            return -1;
    }
    if (quote && rank_buf_add(b, "\"", 1) < 0)
        return -1;
    return 0;
}

static int s_cell(rank_buf *b, const rank_cell *cell)
{
    char num[32];
    switch (cell->kind) {
    case RANK_CELL_INT:
        snprintf(num, sizeof num, "%lld", (long long)cell->num);
        return rank_buf_add(b, ",", 1) < 0 ? -1 : rank_buf_str(b, num);
    case RANK_CELL_POINTS:
        return rank_buf_add(b, ",", 1) < 0 ? -1 : rank_buf_str(b, rank_report_pts(cell->num, num));
    case RANK_CELL_TEXT:
        return s_field(b, cell->text, false);
    case RANK_CELL_EMPTY:
        return rank_buf_add(b, ",", 1);
    }
    return 0;
}

int rank_export_csv(const rank_report *r, rank_buf *out, cs_err *e)
{
    static const unsigned char bom[] = {0xEF, 0xBB, 0xBF};
    int rc = rank_buf_add(out, bom, sizeof bom);
    rc |= s_field(out, "Mã nhóm", true);
    rc |= s_field(out, "Nhóm", false);
    for (rank_col c = 0; c < RANK_N_COLS; c++)
        rc |= s_field(out, rank_report_col_vi(c), false);
    rc |= rank_buf_add(out, "\r\n", 2);
    for (size_t g = 0; g < r->n_groups && rc == 0; g++) {
        const rank_report_group *gr = &r->groups[g];
        for (size_t i = 0; i < gr->n && rc == 0; i++) {
            rc |= s_field(out, gr->code, true);
            rc |= s_field(out, gr->name, false);
            for (rank_col c = 0; c < RANK_N_COLS; c++) {
                rank_cell cell;
                rank_report_cell(&gr->rows[i], c, &cell);
                rc |= s_cell(out, &cell);
            }
            rc |= rank_buf_add(out, "\r\n", 2);
        }
    }
    if (rc != 0)
        return cs_err_internal(e, "csv export: out of memory");
    return 0;
}
