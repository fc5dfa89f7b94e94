/*  rank_head: the late-dossier rate and the head's CCHC rating (SPEC §7, §12; seed 001 as
 *  the default scheme). Pure: no database, no I/O.
 *
 *  Late rate = late / (on_time + late), compared exactly (late × 100 < 5 × resolved) and
 *  shown half-up to 0.01 %. No resolved dossiers: the rate condition holds ("n/a"); no
 *  dossier counts at all: unknown (null). Bands are evaluated top-down in three-valued
 *  logic: a band with a false condition is skipped; the first band whose conditions are all
 *  true is the rating; a band reached with no false condition but an unknown one gives
 *  "pending_data" and lower bands are not tried. */
#ifndef RANK_HEAD_H
#define RANK_HEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RANK_HEAD_CODE_LEN   32
#define RANK_HEAD_REASON_LEN 256
#define RANK_HEAD_PENDING    "pending_data"

/* A band of the head's rating: all its conditions must hold. */
typedef struct {
    char code[RANK_HEAD_CODE_LEN];      /* "excellent", "good", "complete", "not_complete" */
    int64_t min_pct;                    /* R >= min_pct (hundredths of a percent) */
    bool late_rule;                     /* late rate < late_below_pct */
    int64_t late_below_pct;             /* hundredths of a percent: 500 = 5 % */
    bool required;                      /* every required leaf done */
} rank_head_band;

/* The agency's dossier counts for the period. */
typedef struct {
    bool known;                         /* false: no dossier data */
    int64_t on_time, late;
} rank_dossiers;

typedef enum {
    RANK_LATE_UNKNOWN = 0,              /* no dossier data: null */
    RANK_LATE_NA,                       /* nothing resolved: "n/a", the condition holds */
    RANK_LATE_KNOWN,
} rank_late_state;

/* The seed-001 scheme: excellent {R >= 90, late < 5 %, required}, good {R >= 80,
 * late < 5 %, required}, complete {R >= 65, required}, not_complete. Returns the count. */
size_t rank_head_default(rank_head_band *bands, size_t cap);

/* The state and, when known, the rate half-up to 0.01 % (hundredths: 500 = 5.00 %). */
rank_late_state rank_late(const rank_dossiers *d, int64_t *pct);

/* The rating of an agency with R = r_num / r_den (r_den > 0; 0 means R = 0), its dossier
 * counts and whether its required leaves are done (required_failed: a short text naming
 * the first leaf short of its minimum, or NULL). code gets the rating, reason which
 * condition decided it ("" when the top band holds). */
void rank_head_rate(const rank_head_band *bands, size_t n, int64_t r_num, int64_t r_den,
                    const rank_dossiers *d, bool required_done, const char *required_failed,
                    char code[RANK_HEAD_CODE_LEN], char reason[RANK_HEAD_REASON_LEN]);

#endif
