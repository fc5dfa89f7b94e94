/*  rank_national: the national view (SPEC §9, issue 8) — per province and year, from the
 *  published snapshot only: how many agencies each band holds, the mean and median of Q and
 *  of R. Pure: a report read from a snapshot in (rank_report_from_snapshot), figures out;
 *  the XLSX of the rows. The rpcs are in rank_national_rpc.c. */
#ifndef RANK_NATIONAL_H
#define RANK_NATIONAL_H

#include "rank_report.h"

#define RANK_NATIONAL_BANDS 4   /* seed 002's bands, counted in their order */

typedef struct {
    const char *province_code, *province_name, *period_code, *sha256;
    int year, version;
    int agencies;
    int bands[RANK_NATIONAL_BANDS + 1];       /* excellent, good, complete, not_complete, other */
    int cchc_bands[RANK_NATIONAL_BANDS + 1];  /* tot, kha, trung_binh, yeu, other */
    int64_t quality_mean, quality_median;     /* hundredths, half-up */
    int64_t cchc_mean, cchc_median;
} rank_national_row;

extern const char *const rank_national_band_codes[RANK_NATIONAL_BANDS];
extern const char *const rank_national_cchc_codes[RANK_NATIONAL_BANDS];

/* Counts, means and medians of every agency of every group of rep into row (the names,
 * year and version are the caller's). 0 / -1 (out of memory). */
int rank_national_stats(const rank_report *rep, rank_national_row *row);

/* Median of n hundredths values (sorted here, in place): the middle one, or the half-up
 * mean of the two middle ones. 0 when n is 0. */
int64_t rank_national_median(int64_t *v, size_t n);

/* One sheet "Toàn quốc", a row per province and year. */
int rank_export_national_xlsx(const rank_national_row *rows, size_t n, rank_buf *out, cs_err *e);

#endif
