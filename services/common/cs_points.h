/*  cs_points: points as integer hundredths (1750 = 17.50), and exact arithmetic on them.
 *  No floating point anywhere near a total. */
#ifndef CS_POINTS_H
#define CS_POINTS_H

#include <stdbool.h>
#include <stdint.h>

/* Parse "17", "17.5", "17.50", "-1.25" (at most two decimals, optional leading '-') into
 * hundredths. 0 / -1 (anything else, including "1.234", "1e2", "", overflow). */
int cs_points_parse(const char *s, int64_t *out);

/* Format hundredths as "17.50" / "-1.00" into buf (at least 32 bytes). Returns buf. */
char *cs_points_format(int64_t v, char *buf);

/* num/den rounded half-up (away from zero at exactly .5 for positive values), den > 0. */
int64_t cs_div_half_up(int64_t num, int64_t den);

#endif
