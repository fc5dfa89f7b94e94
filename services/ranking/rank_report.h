/*  rank_report: a period's results as the reports print them (SPEC §9) — the one input of
 *  every renderer (CSV, XLSX, PDF, charts), whether the results are the working ones
 *  computed now or a published snapshot.
 *
 *  The model only borrows: strings and arrays belong to whoever built it (the rpc builds it
 *  in the call's arena over rank_data; the unit tests build it on the stack). Renderers are
 *  pure: a report in, bytes out (rank_buf), no database, no clock.
 *
 *  Points and percentages are hundredths, as everywhere. */
#ifndef RANK_REPORT_H
#define RANK_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cs_err.h"
#include "rank.h"

/* --- bytes out ------------------------------------------------------------------------- */

typedef struct {
    unsigned char *data;    /* malloc'd; NULL when empty */
    size_t len, cap;
} rank_buf;

/* Append n bytes. 0 / -1 (out of memory). */
int rank_buf_add(rank_buf *b, const void *p, size_t n);
int rank_buf_str(rank_buf *b, const char *s);
void rank_buf_free(rank_buf *b);

/* --- the model ------------------------------------------------------------------------- */

typedef struct {
    const char *code, *title;
    int content;                /* 1..6 */
    int64_t max_points;
    bool not_applicable;
    bool has_self, has_r1, has_r2, has_survey, has_leaders;
    int64_t self, r1, r2, survey;
    int64_t leaders_mean;       /* content 4: the leaders' mean, half-up */
    size_t n_leaders;
    bool is_auto;               /* an automatic leaf (SPEC §12): its fraction */
    int64_t auto_num, auto_den;
    int64_t effective;          /* the value that counts */
} rank_report_leaf;

typedef struct {
    long long id;
    const char *code, *name;
    int rank;
    bool tie_pending;
    int64_t total, max, quality_pct, cchc_pct;
    int64_t contents[RANK_CONTENTS];
    const char *band, *cchc_band;
    const char *head_rating;    /* the head's rating (SPEC §7), NULL when none */
    bool has_late_pct;
    int64_t late_pct;           /* late dossiers, hundredths of a percent */
    int n_shortcomings;         /* leaves that lost points */
    const rank_report_leaf *leaves;
    size_t n_leaves;
} rank_report_row;

typedef struct {
    const char *code, *name;
    int good_or_better, excellent_quota;
    bool publication_blocked_by_tie;
    const rank_report_row *rows;  /* ranking order */
    size_t n;
} rank_report_group;

/* Year over year (SPEC §9): one agency's results in each period of the comparison. */
typedef struct {
    bool present;               /* the agency was ranked in that period */
    int rank;
    int64_t quality_pct, cchc_pct;
    const char *band;
} rank_report_yoy_cell;

typedef struct {
    const char *code, *name;
    const rank_report_yoy_cell *cells;  /* one per period of rank_report_yoy, in order */
} rank_report_yoy_agency;

typedef struct {
    const char *const *period_labels;   /* oldest first; the report's own period last */
    size_t n_periods;
    const rank_report_yoy_agency *agencies;
    size_t n_agencies;
} rank_report_yoy;

typedef struct {
    const char *province_name;
    const char *period_code, *period_name;
    int year;
    int snapshot_version;       /* 0: working results (not published) */
    const char *snapshot_sha256;/* hex, with a snapshot */
    const char *generated_at;   /* "2026-11-29 20:15" (local text, printed as is), may be NULL */
    long long made_at;          /* Unix time the file's metadata is dated with: a snapshot's
                                 * publication, else the minute generated_at prints; so the
                                 * same data gives the same bytes (and ETag). 0: unset */
    const rank_report_group *groups;
    size_t n_groups;
    const rank_report_yoy *yoy;   /* NULL, or the comparison with earlier periods */
} rank_report;

/* --- shared vocabulary of the renderers ------------------------------------------------- */

/* Vietnamese label of a band code of seed 002 (quality or CCHC); any other code (a
 * province's own scheme) is printed as it is. */
const char *rank_report_band_vi(const char *code);

/* "17.50" into buf (>= 32 bytes). */
const char *rank_report_pts(int64_t v, char *buf);

/* The file name of an export: "Kết quả Chỉ số CCHC <period code>[ - công bố v<n>].<ext>",
 * with characters a file system or a header would refuse replaced by '-'. malloc'd. */
char *rank_report_file_name(const rank_report *r, const char *what, const char *ext);

/* Columns of the per-group tables (CSV, XLSX) in order: the one list both print. */
typedef enum {
    RANK_COL_RANK, RANK_COL_CODE, RANK_COL_NAME, RANK_COL_T, RANK_COL_M, RANK_COL_Q,
    RANK_COL_R, RANK_COL_C1, RANK_COL_C2, RANK_COL_C3, RANK_COL_C4, RANK_COL_C5, RANK_COL_C6,
    RANK_COL_BAND, RANK_COL_CCHC_BAND, RANK_COL_HEAD_RATING, RANK_COL_LATE_PCT,
    RANK_COL_SHORTCOMINGS, RANK_COL_NOTE, RANK_N_COLS
} rank_col;

const char *rank_report_col_vi(rank_col c);
/* true: the column holds hundredths printed with two decimals. */
bool rank_report_col_is_points(rank_col c);

/* One cell of a row in column c: a number (integer, or hundredths when points), a text, or
 * empty (a value that does not exist for the agency, e.g. no late-dossier data). */
typedef struct {
    enum { RANK_CELL_EMPTY, RANK_CELL_INT, RANK_CELL_POINTS, RANK_CELL_TEXT } kind;
    int64_t num;
    const char *text;
} rank_cell;

void rank_report_cell(const rank_report_row *row, rank_col c, rank_cell *out);

/* The change of an agency between its last two periods present in the comparison, when
 * the last one is the report's own period: Q, R (hundredths of a point of percentage) and
 * places moved up (previous rank - rank). false when there is nothing to compare. */
bool rank_report_yoy_change(const rank_report_yoy *y, const rank_report_yoy_agency *a,
                            int64_t *dq, int64_t *dr, int *drank);

/* --- a published snapshot as a report (rank_report_snapshot.c) ------------------------- */

/* The snapshot document (publication, rank_snapshot.h: {"province", "year", "version",
 * "groups": {code: {"good_or_better", "excellent_quota", "publication_blocked_by_tie",
 * "agencies": [{"code", "name", "rank", "tie_pending", "total", "max", "quality_pct",
 * "cchc_pct", "contents": {"1": ...}, "band", "cchc_band"[, "head_rating", "late_pct"]}]}}},
 * points as two-decimal strings) read into rep: groups and rows, year and version; the
 * rest (names, hash) is the caller's to fill. A snapshot freezes the results, not the
 * leaves: rows have no leaf detail. *doc_p owns what rep borrows. 0 / -1 (500: a document
 * that is not a snapshot). */
typedef struct rank_report_doc rank_report_doc;
int rank_report_from_snapshot(const char *bytes, size_t len, rank_report *rep,
                              rank_report_doc **doc_p, cs_err *e);
void rank_report_doc_destroy(rank_report_doc **doc_p);
/* Give the groups their display names: name_of(arg, code) or NULL to keep the code. */
void rank_report_name_groups(rank_report *rep, const char *(*name_of)(void *arg, const char *code),
                             void *arg);

/* --- renderers (each: 0 / -1 with e set; out is appended to) ---------------------------- */

/* One row per agency, UTF-8 with a BOM (Excel then reads the Vietnamese right), CRLF,
 * RFC 4180 quoting; the group's code and name lead each row. */
int rank_export_csv(const rank_report *r, rank_buf *out, cs_err *e);

/* One sheet per group, then one sheet per agency with its leaves. */
int rank_export_xlsx(const rank_report *r, rank_buf *out, cs_err *e);

/* The decision annex (Phụ lục), A4 portrait, with the charts of each group. */
int rank_export_pdf(const rank_report *r, rank_buf *out, cs_err *e);

#endif
