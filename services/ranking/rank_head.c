/*  rank_head: see rank_head.h. Integers only; percentages compared by cross multiplication. */
#include "rank_head.h"

#include <stdio.h>
#include <string.h>

static void s_band(rank_head_band *b, const char *code, int64_t min_pct, bool late,
                   bool required)
{
    memset(b, 0, sizeof *b);
    snprintf(b->code, sizeof b->code, "%s", code);
    b->min_pct = min_pct;
    b->late_rule = late;
    b->late_below_pct = late ? 500 : 0;
    b->required = required;
}

size_t rank_head_default(rank_head_band *bands, size_t cap)
{
    if (cap < 4)
        return 0;
    s_band(&bands[0], "excellent", 9000, true, true);
    s_band(&bands[1], "good", 8000, true, true);
    s_band(&bands[2], "complete", 6500, false, true);
    s_band(&bands[3], "not_complete", 0, false, false);
    return 4;
}

rank_late_state rank_late(const rank_dossiers *d, int64_t *pct)
{
    *pct = 0;
    if (!d || !d->known)
        return RANK_LATE_UNKNOWN;
    int64_t resolved = d->on_time + d->late;
    if (resolved <= 0)
        return RANK_LATE_NA;
    /* 100 × late / resolved in hundredths of a percent, half-up */
    __int128 n = (__int128)d->late * 10000;
    *pct = (int64_t)((2 * n + resolved) / (2 * (__int128)resolved));
    return RANK_LATE_KNOWN;
}

typedef enum { S_FALSE = 0, S_TRUE, S_UNKNOWN } s_tri;

static void s_pct(char *buf, size_t n, int64_t h)
{
    snprintf(buf, n, "%lld.%02lld", (long long)(h / 100), (long long)(h % 100));
}

static void s_append(char *reason, const char *fmt_band, const char *what)
{
    size_t len = strlen(reason);
    snprintf(reason + len, RANK_HEAD_REASON_LEN - len, "%s%s: %s", len ? "; " : "", fmt_band,
             what);
}

void rank_head_rate(const rank_head_band *bands, size_t n, int64_t r_num, int64_t r_den,
                    const rank_dossiers *d, bool required_done, const char *required_failed,
                    char code[RANK_HEAD_CODE_LEN], char reason[RANK_HEAD_REASON_LEN])
{
    reason[0] = '\0';
    snprintf(code, RANK_HEAD_CODE_LEN, "%s", n ? bands[n - 1].code : "not_complete");
    bool known = d && d->known;
    int64_t resolved = known ? d->on_time + d->late : 0;
    for (size_t i = 0; i < n; i++) {
        const rank_head_band *b = &bands[i];
        char what[160], p[32];
        s_tri st = S_TRUE;
        /* R >= min_pct, exactly: 100·r_num/r_den >= min_pct/100 */
        int64_t num = r_den > 0 ? r_num : 0, den = r_den > 0 ? r_den : 1;
        if ((__int128)num * 10000 < (__int128)b->min_pct * den) {
            s_pct(p, sizeof p, b->min_pct);
            snprintf(what, sizeof what, "cchc_pct < %s", p);
            st = S_FALSE;
        } else if (b->required && !required_done) {
            snprintf(what, sizeof what, "required leaf %s",
                     required_failed ? required_failed : "not done");
            st = S_FALSE;
        } else if (b->late_rule && known && resolved > 0 &&
                   !((__int128)d->late * 10000 < (__int128)b->late_below_pct * resolved)) {
            s_pct(p, sizeof p, b->late_below_pct);
            snprintf(what, sizeof what, "late_pct >= %s", p);
            st = S_FALSE;
        } else if (b->late_rule && !known) {
            snprintf(what, sizeof what, "late_pct unknown (no dossier data)");
            st = S_UNKNOWN;
        }
        if (st == S_TRUE) {
            snprintf(code, RANK_HEAD_CODE_LEN, "%s", b->code);
            return;
        }
        s_append(reason, b->code, what);
        if (st == S_UNKNOWN) {
            snprintf(code, RANK_HEAD_CODE_LEN, "%s", RANK_HEAD_PENDING);
            return;
        }
    }
}
