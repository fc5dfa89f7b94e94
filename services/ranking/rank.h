/*  rank: the arithmetic of SPEC §5 and §10 — effective leaf values, content sums, T, M, Q, R,
 *  ranking order with ties, the excellent quota and the bands. Pure: no database, no I/O.
 *
 *  Every number is an integer in hundredths (1750 = 17.50 points, 9000 = 90.00 %). Q and R
 *  are kept as exact fractions (num/den); thresholds and the order compare them by cross
 *  multiplication, never through the rounded percentages. The band schemes, the quota and
 *  the content maxima are data (rank_config), so another province's scheme (seed 004:
 *  90/75/50) is configuration, not code. */
#ifndef RANK_H
#define RANK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cs_err.h"
#include "rank_auto.h"
#include "rank_head.h"

#define RANK_CONTENTS   6
#define RANK_MAX_BANDS  8
#define RANK_CODE_LEN   32

/* --- effective leaf value (§5) ---------------------------------------------------------- */

/* Everything recorded about one leaf for one agency. */
typedef struct {
    int content;                /* 1..6 */
    int64_t max_points;         /* hundredths, > 0 */
    bool not_applicable;
    bool has_self, has_r1, has_r2, has_survey;
    int64_t self, r1, r2, survey;
    const int64_t *leader_scores;   /* content 4: one score per leader */
    size_t n_leader_scores;
    const char *code;           /* borrowed; names the leaf in the head's rating reason */
    /* SPEC §12: an automatic leaf takes auto_value (rank_auto_value) in place of the
     * agency's own; N/A from the feed wins over everything, council values included. */
    bool automatic;
    rank_auto_status auto_status;
    int64_t auto_value;
    bool has_required_min;      /* the head's rating requires value >= required_min */
    int64_t required_min;
} rank_leaf_raw;

/* The leaf as the ranking sees it. */
typedef struct {
    int content;
    int64_t max_points;
    bool applicable;
    int64_t value;              /* effective value, hundredths (0 when N/A) */
    bool not_appraised;         /* contents 1, 2, 5, 6: the council never touched it */
    bool no_value;              /* nothing recorded at all: counts 0 */
    const char *code;           /* borrowed from the raw leaf, may be NULL */
    bool has_required_min;
    int64_t required_min;
} rank_leaf;

/* Contents 1, 2, 5, 6: round 2, else round 1, else the self score, else 0. Content 3: the
 * survey value. Content 4: the mean of the leaders' scores, half-up to 0.01. 0 / -1 (bad
 * content number or max_points <= 0). */
int rank_leaf_effective(const rank_leaf_raw *raw, rank_leaf *out, cs_err *e);

/* Points a leaf lost (a shortcoming the decree asks to notify when > 0): contents 1-5
 * max - value; content 6, a deduction, -value; 0 when not applicable. */
int64_t rank_leaf_lost(const rank_leaf *l);

/* --- configuration (§10) ------------------------------------------------------------- */

/* A band, evaluated top-down: the first whose conditions all hold. */
typedef struct {
    char code[RANK_CODE_LEN];   /* "excellent", "good", ... / "tot", "kha", ... */
    int64_t min_pct;            /* lower bound of the percentage, hundredths (9000 = 90 %) */
    bool not_disciplined;       /* requires no disciplined head or deputy */
    bool quota;                 /* subject to the group's quota (excellent) */
    bool good_or_better;        /* counts in G, the base of the quota */
} rank_band;

typedef enum {
    RANK_QUOTA_BASE_GOOD = 0,   /* pct × G, G = agencies whose band counts as good_or_better */
    RANK_QUOTA_BASE_GROUP = 1,  /* pct × the number of agencies in the group */
} rank_quota_base;

typedef struct {
    int64_t content_max[RANK_CONTENTS];     /* [k-1], hundredths; content 6 has none (ignored) */
    rank_band bands[RANK_MAX_BANDS];        /* quality bands on Q */
    size_t n_bands;
    rank_band cchc_bands[RANK_MAX_BANDS];   /* CCHC bands on R */
    size_t n_cchc_bands;
    int64_t quota_pct;                      /* hundredths of a percent: 2000 = 20 % */
    rank_quota_base quota_base;
    rank_head_band head_bands[RANK_MAX_BANDS];  /* the heads' CCHC rating (seed 001) */
    size_t n_head_bands;
} rank_config;

/* The defaults of seed 002 (Decision 02050/QĐ-UBND): contents 45/35/12/5/3, bands
 * 90 (excellent, not disciplined, quota) / 75 / 60 / 0, CCHC 80/70/50/0, quota 20 % of G;
 * the heads' rating of seed 001 (rank_head_default). */
void rank_config_default(rank_config *cfg);

/* 0 / -1: bands must be non-empty, each band's bound 0..10000, the last band bound 0 (so
 * every agency gets one), quota 0..10000. */
int rank_config_check(const rank_config *cfg, cs_err *e);

/* --- input and output ---------------------------------------------------------------- */

typedef struct {
    long long id;
    const char *code;           /* orders a pending tie */
    const char *group;
    bool disciplined;
    const rank_leaf *leaves;
    size_t n_leaves;
    const int64_t *content_max; /* [6] of its index set, or NULL: the configuration's */
    rank_dossiers dossiers;     /* 766 dossier counts of the period (known = false: none) */
    /* Leaves already summed elsewhere (the database: rank_sums.c), added to those of
     * `leaves`: per content [k-1], the effective values and the max_points of the applicable
     * ones, as rank_agency_sums adds them up. NULL: none. No such leaf has a required_min
     * (the required leaves stay in `leaves`, in their order). */
    const int64_t *presum;
    const int64_t *presum_max;
} rank_agency;

/* A leader's recorded order of tied agencies in a group (latest last). It applies to
 * exactly the agencies it lists, when they form one pending tie (SPEC §12); an order naming
 * more or fewer agencies than any tie is kept but applies to nothing. Of two orders of the
 * same tie, the later one counts. */
typedef struct {
    const char *group;
    const long long *agency_ids;
    size_t n;
} rank_tiebreak;

typedef struct {
    size_t input;               /* index into the rank_agency array */
    long long id;
    const char *code;           /* borrowed from the input */
    int rank;
    bool tie_pending;
    bool tie_resolved;          /* ordered by a leader's recorded decision */
    bool disciplined;
    int64_t contents[RANK_CONTENTS];    /* C1..C6 (C1..C5 capped) */
    int64_t caps[RANK_CONTENTS];        /* cap_1..cap_5; caps[5] = 0 */
    int64_t total;              /* T */
    int64_t max;                /* M */
    int64_t cchc_num, cchc_den; /* R = 100·num/den */
    int64_t quality_pct;        /* Q half-up to 0.01 (display only) */
    int64_t cchc_pct;           /* R half-up to 0.01 (display only) */
    char band[RANK_CODE_LEN];
    char cchc_band[RANK_CODE_LEN];
    bool quota_candidate;       /* met a quota band's conditions */
    bool blocks_publication;    /* member of the pending tie the quota's cut falls inside */
    rank_late_state late_state; /* late-dossier rate: unknown (null), n/a, or late_pct */
    int64_t late_pct;           /* hundredths of a percent, half-up (display only) */
    bool required_done;         /* every applicable required_min leaf reached */
    char head_rating[RANK_HEAD_CODE_LEN];
    char head_reason[RANK_HEAD_REASON_LEN]; /* which condition decided it */
} rank_result;

typedef struct {
    char group[RANK_CODE_LEN];
    int good_or_better;         /* G */
    int excellent_quota;
    bool publication_blocked_by_tie;
    rank_result *agencies;      /* in ranking order */
    size_t n;
} rank_group;

typedef struct {
    rank_group *groups;         /* by group code */
    size_t n_groups;
    bool *tiebreak_applies;     /* [n_tiebreaks of rank_compute]: the order decided a tie */
    size_t n_tiebreaks;
} rank_outcome;

/* Compute every group present in agencies. *out is allocated; free with
 * rank_outcome_destroy. 0 / -1 (invalid configuration, a group code too long). */
int rank_compute(const rank_config *cfg, const rank_agency *agencies, size_t n,
                 const rank_tiebreak *tiebreaks, size_t n_tiebreaks,
                 rank_outcome **out, cs_err *e);
void rank_outcome_destroy(rank_outcome **self_p);

/* Sums of one agency (no ranking): contents, caps, T, M, R fraction and the percentages,
 * the late rate, required leaves and the head's rating. Fills those fields of r only. */
void rank_agency_sums(const rank_config *cfg, const rank_agency *a, rank_result *r);

/* Compare fractions a/b and c/d (b, d > 0): -1, 0, 1. Exact (128-bit). */
int rank_frac_cmp(int64_t a, int64_t b, int64_t c, int64_t d);

#endif
