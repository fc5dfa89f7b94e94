/*  likert: survey answers (Likert 1–5) to a content-3 leaf value (SPEC §6).
 *
 *  mean-based:      max · (mean − 1) / 4          (mean = sum / n)
 *  share-satisfied: max · satisfied / n           (satisfied = answers of 4 or 5)
 *  Both exact in integers and rounded half-up to 0.01: max is in hundredths, so
 *  max·(sum − n) / (4n) is already in hundredths before the one rounding. */
#ifndef LIKERT_H
#define LIKERT_H

#include <stdint.h>
#include "cs_err.h"

/* sum of n answers each in 1..5 (so n <= sum <= 5n), n > 0, max_points > 0 (hundredths).
 * 0 with *out in hundredths, or -1 with e set (400 likert_invalid). */
int likert_mean_points(int64_t max_points, int64_t sum, int64_t n, int64_t *out, cs_err *e);

/* satisfied answers out of n (0 <= satisfied <= n, n > 0). 0 / -1 as above. */
int likert_share_points(int64_t max_points, int64_t satisfied, int64_t n, int64_t *out,
                        cs_err *e);

#endif
