/*  rank_auto: the value of an automatic leaf from the agency's Decision-766 data (SPEC §8,
 *  §12). Pure: no database, no I/O, no floating point.
 *
 *    ratio  max × numerator / denominator               exact, half-up to 0.01
 *    score  max × score / maxScore                       exact, half-up to 0.01
 *    bands  points of the first band (min_pct strictly descending) with
 *           100 × numerator / denominator >= min_pct    compared exactly; none: 0
 *
 *  A metric that is null, whose field the formula reads is null or absent, or whose divisor
 *  is 0 makes the leaf N/A; a metric the feed lacks is missing (value 0, counts in the
 *  maximum). Values are neither snapped to the leaf's step nor clamped (the feed refuses
 *  numerator > denominator and score > maxScore at ingest). */
#ifndef RANK_AUTO_H
#define RANK_AUTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RANK_AUTO_MAX_BANDS 16

typedef enum { RANK_AUTO_RATIO = 0, RANK_AUTO_SCORE, RANK_AUTO_BANDS } rank_formula;

typedef struct {
    int64_t min_pct;            /* hundredths of a percent: 8000 = 80 % */
    int64_t points;             /* hundredths */
} rank_auto_band;

typedef struct {
    rank_formula formula;
    rank_auto_band bands[RANK_AUTO_MAX_BANDS];
    size_t n_bands;
} rank_auto_rule;

/* A decimal of the feed as mantissa / 10^scale (scale 0..9): "17.5" = 175 / 10^1. */
typedef struct {
    int64_t mantissa;
    int scale;
} rank_decimal;

/* One metric (or group) of the agency's current 766 record. */
typedef struct {
    bool present;               /* the feed has it (else: missing) */
    bool is_null;               /* the portal sent null for the whole metric */
    bool has_numerator, has_denominator, has_score, has_max_score;
    int64_t numerator, denominator;
    rank_decimal score, max_score;
} rank_metric;

typedef enum {
    RANK_AUTO_COMPUTED = 0,     /* a value from the feed */
    RANK_AUTO_NA,               /* not applicable for this agency */
    RANK_AUTO_MISSING,          /* no portal data: 0, counted in the maximum */
} rank_auto_status;

/* "ratio" | "score" | "bands" -> 0, else -1. */
int rank_formula_parse(const char *s, rank_formula *f);
const char *rank_formula_name(rank_formula f);

/* Parse a non-negative decimal ("17.5", "18", "0.125"; at most 9 decimals, at most 15
 * digits before the point). 0 / -1. */
int rank_decimal_parse(const char *s, rank_decimal *out);

/* The leaf's value (hundredths) for max_points (hundredths); *value is 0 unless COMPUTED. */
rank_auto_status rank_auto_value(const rank_auto_rule *rule, int64_t max_points,
                                 const rank_metric *m, int64_t *value);

#endif
