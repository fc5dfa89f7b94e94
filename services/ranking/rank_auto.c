/*  rank_auto: see rank_auto.h. Products are taken in 128 bits, so no intermediate rounds. */
#include "rank_auto.h"

#include <string.h>

int rank_formula_parse(const char *s, rank_formula *f)
{
    if (!s)
        return -1;
    if (strcmp(s, "ratio") == 0)
        *f = RANK_AUTO_RATIO;
    else if (strcmp(s, "score") == 0)
        *f = RANK_AUTO_SCORE;
    else if (strcmp(s, "bands") == 0)
        *f = RANK_AUTO_BANDS;
    else
        return -1;
    return 0;
}

const char *rank_formula_name(rank_formula f)
{
    return f == RANK_AUTO_SCORE ? "score" : f == RANK_AUTO_BANDS ? "bands" : "ratio";
}

int rank_decimal_parse(const char *s, rank_decimal *out)
{
    if (!s || !*s)
        return -1;
    int64_t m = 0;
    int scale = -1, digits = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '.') {
            if (scale >= 0 || p == s || !p[1])
                return -1;
            scale = 0;
            continue;
        }
        if (*p < '0' || *p > '9')
            return -1;
        if (scale >= 0 && ++scale > 9)
            return -1;
        if (scale < 0 && ++digits > 15)
            return -1;
        m = m * 10 + (*p - '0');
    }
    out->mantissa = m;
    out->scale = scale < 0 ? 0 : scale;
    return 0;
}

/* n / d half-up, n >= 0, d > 0. */
static int64_t s_div_half_up(__int128 n, __int128 d)
{
    return (int64_t)((2 * n + d) / (2 * d));
}

static __int128 s_pow10(int k)
{
    __int128 p = 1;
    while (k-- > 0)
        p *= 10;
    return p;
}

rank_auto_status rank_auto_value(const rank_auto_rule *rule, int64_t max_points,
                                 const rank_metric *m, int64_t *value)
{
    *value = 0;
    if (!m || !m->present)
        return RANK_AUTO_MISSING;
    if (m->is_null)
        return RANK_AUTO_NA;
    if (rule->formula == RANK_AUTO_SCORE) {
        if (!m->has_score || !m->has_max_score || m->max_score.mantissa == 0)
            return RANK_AUTO_NA;
        /* max × (s / 10^a) / (ms / 10^b) = max × s × 10^b / (ms × 10^a) */
        __int128 n = (__int128)max_points * m->score.mantissa * s_pow10(m->max_score.scale);
        __int128 d = (__int128)m->max_score.mantissa * s_pow10(m->score.scale);
        *value = s_div_half_up(n, d);
        return RANK_AUTO_COMPUTED;
    }
    if (!m->has_numerator || !m->has_denominator || m->denominator == 0)
        return RANK_AUTO_NA;
    if (rule->formula == RANK_AUTO_RATIO) {
        *value = s_div_half_up((__int128)max_points * m->numerator, m->denominator);
        return RANK_AUTO_COMPUTED;
    }
    /* bands: 100 × num / den >= min_pct / 100  <=>  num × 10000 >= min_pct × den */
    for (size_t k = 0; k < rule->n_bands; k++) {
        if ((__int128)m->numerator * 10000 >= (__int128)rule->bands[k].min_pct * m->denominator) {
            *value = rule->bands[k].points;
            break;
        }
    }
    return RANK_AUTO_COMPUTED;
}
