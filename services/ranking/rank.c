/*  rank: see rank.h. Integer hundredths only; fractions compared by cross multiplication. */
#include "rank.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_points.h"

/* --- effective leaf value ----------------------------------------------------------- */

int rank_leaf_effective(const rank_leaf_raw *raw, rank_leaf *out, cs_err *e)
{
    if (raw->content < 1 || raw->content > RANK_CONTENTS)
        return cs_err_invalid(e, "content", "nội dung phải từ 1 đến 6",
                              "content must be between 1 and 6");
    if (raw->max_points <= 0)
        return cs_err_invalid(e, "max_points", "điểm tối đa của tiêu chí phải lớn hơn 0",
                              "a leaf's max_points must be greater than 0");
    memset(out, 0, sizeof *out);
    out->content = raw->content;
    out->max_points = raw->max_points;
    out->applicable = !raw->not_applicable;

    out->code = raw->code;
    out->has_required_min = raw->has_required_min;
    out->required_min = raw->required_min;
    if (raw->automatic && raw->auto_status == RANK_AUTO_NA)
        out->applicable = false;    /* SPEC §12: N/A from the feed wins over everything */

    int64_t v = 0;
    bool have = false;
    switch (raw->content) {
    case 3:
        have = raw->has_survey;
        v = raw->has_survey ? raw->survey : 0;
        break;
    case 4:
        if (raw->n_leader_scores > 0) {
            int64_t sum = 0;
            for (size_t i = 0; i < raw->n_leader_scores; i++)
                sum += raw->leader_scores[i];
            /* The mean is a derived value: rounded half-up to 0.01 before it is summed. */
            v = cs_div_half_up(sum, (int64_t)raw->n_leader_scores);
            have = true;
        }
        break;
    default:   /* 1, 2, 5, 6: the latest council value, else the agency's own */
        if (raw->has_r2) {
            v = raw->r2;
            have = true;
        } else if (raw->has_r1) {
            v = raw->r1;
            have = true;
        } else if (raw->automatic) {
            /* the computed value, or 0 when the feed lacks the metric */
            out->not_appraised = true;
            have = raw->auto_status == RANK_AUTO_COMPUTED;
            v = have ? raw->auto_value : 0;
        } else {
            out->not_appraised = true;
            have = raw->has_self;
            v = raw->has_self ? raw->self : 0;
        }
        break;
    }
    out->no_value = !have;
    /* An N/A leaf is neither scored nor counted in the maximum. */
    out->value = out->applicable ? v : 0;
    return 0;
}

/* --- configuration ------------------------------------------------------------------- */

static void s_band(rank_band *b, const char *code, int64_t min_pct, bool not_disc, bool quota,
                   bool good)
{
    memset(b, 0, sizeof *b);
    strncpy(b->code, code, RANK_CODE_LEN - 1);
    b->min_pct = min_pct;
    b->not_disciplined = not_disc;
    b->quota = quota;
    b->good_or_better = good;
}

void rank_config_default(rank_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    const int64_t maxima[RANK_CONTENTS] = {4500, 3500, 1200, 500, 300, 0};
    memcpy(cfg->content_max, maxima, sizeof maxima);
    s_band(&cfg->bands[0], "excellent", 9000, true, true, true);
    s_band(&cfg->bands[1], "good", 7500, false, false, true);
    s_band(&cfg->bands[2], "complete", 6000, false, false, false);
    s_band(&cfg->bands[3], "not_complete", 0, false, false, false);
    cfg->n_bands = 4;
    s_band(&cfg->cchc_bands[0], "tot", 8000, false, false, false);
    s_band(&cfg->cchc_bands[1], "kha", 7000, false, false, false);
    s_band(&cfg->cchc_bands[2], "trung_binh", 5000, false, false, false);
    s_band(&cfg->cchc_bands[3], "yeu", 0, false, false, false);
    cfg->n_cchc_bands = 4;
    cfg->quota_pct = 2000;
    cfg->quota_base = RANK_QUOTA_BASE_GOOD;
    cfg->n_head_bands = rank_head_default(cfg->head_bands, RANK_MAX_BANDS);
}

static int s_check_bands(const rank_band *b, size_t n, const char *field, cs_err *e)
{
    if (n == 0 || n > RANK_MAX_BANDS)
        return cs_err_invalid(e, field, "thang xếp loại phải có từ 1 đến 8 mức",
                              "a band scheme needs 1 to 8 bands");
    for (size_t i = 0; i < n; i++) {
        if (b[i].code[0] == '\0')
            return cs_err_invalid(e, field, "mỗi mức xếp loại phải có mã",
                                  "every band needs a code");
        if (b[i].min_pct < 0 || b[i].min_pct > 10000)
            return cs_err_invalid(e, field, "ngưỡng xếp loại phải từ 0 đến 100",
                                  "band thresholds must be between 0 and 100");
    }
    /* The last band must catch everything, so every agency has a band. */
    if (b[n - 1].min_pct != 0 || b[n - 1].not_disciplined || b[n - 1].quota)
        return cs_err_invalid(e, field,
                              "mức xếp loại cuối cùng phải có ngưỡng 0 và không có điều kiện",
                              "the last band must have threshold 0 and no conditions");
    return 0;
}

int rank_config_check(const rank_config *cfg, cs_err *e)
{
    if (s_check_bands(cfg->bands, cfg->n_bands, "bands", e) < 0)
        return -1;
    if (s_check_bands(cfg->cchc_bands, cfg->n_cchc_bands, "cchc_bands", e) < 0)
        return -1;
    size_t nh = cfg->n_head_bands;
    if (nh == 0 || nh > RANK_MAX_BANDS)
        return cs_err_invalid(e, "head_bands", "thang xếp loại người đứng đầu phải có từ 1 đến 8 mức",
                              "the heads' rating needs 1 to 8 bands");
    for (size_t i = 0; i < nh; i++) {
        const rank_head_band *h = &cfg->head_bands[i];
        if (h->code[0] == '\0' || h->min_pct < 0 || h->min_pct > 10000 ||
            h->late_below_pct < 0 || h->late_below_pct > 10000)
            return cs_err_invalid(e, "head_bands",
                                  "mỗi mức xếp loại người đứng đầu cần mã và ngưỡng từ 0 đến 100",
                                  "every band of the heads' rating needs a code and thresholds 0 to 100");
    }
    const rank_head_band *last = &cfg->head_bands[nh - 1];
    if (last->min_pct != 0 || last->late_rule || last->required)
        return cs_err_invalid(e, "head_bands",
                              "mức cuối cùng của xếp loại người đứng đầu phải có ngưỡng 0 và không có điều kiện",
                              "the last band of the heads' rating must have threshold 0 and no conditions");
    if (cfg->quota_pct < 0 || cfg->quota_pct > 10000)
        return cs_err_invalid(e, "quota_percent", "tỷ lệ xuất sắc phải từ 0 đến 100",
                              "the excellent quota must be between 0 and 100 percent");
    for (int k = 0; k < RANK_CONTENTS - 1; k++)
        if (cfg->content_max[k] < 0)
            return cs_err_invalid(e, "content_max", "điểm tối đa của nội dung không được âm",
                                  "a content maximum cannot be negative");
    return 0;
}

/* --- sums ------------------------------------------------------------------------------ */

int rank_frac_cmp(int64_t a, int64_t b, int64_t c, int64_t d)
{
    __int128 l = (__int128)a * d, r = (__int128)c * b;
    return l < r ? -1 : l > r ? 1 : 0;
}

/* num/den >= pct/100 where pct is in hundredths of a percent and num/den a plain ratio
 * of hundredths: num·10000 >= pct·den, exactly. */
static bool s_at_least(int64_t num, int64_t den, int64_t pct)
{
    return (__int128)num * 10000 >= (__int128)pct * den;
}

void rank_agency_sums(const rank_config *cfg, const rank_agency *a, rank_result *r)
{
    int64_t sum[RANK_CONTENTS] = {0}, leafmax[RANK_CONTENTS] = {0};
    for (int k = 0; k < RANK_CONTENTS; k++) {
        sum[k] = a->presum ? a->presum[k] : 0;
        leafmax[k] = a->presum_max ? a->presum_max[k] : 0;
    }
    for (size_t i = 0; i < a->n_leaves; i++) {
        const rank_leaf *l = &a->leaves[i];
        if (!l->applicable || l->content < 1 || l->content > RANK_CONTENTS)
            continue;
        sum[l->content - 1] += l->value;
        leafmax[l->content - 1] += l->max_points;
    }
    const int64_t *cmax = a->content_max ? a->content_max : cfg->content_max;
    int64_t all = 0, cchc = 0, m = 0, mc = 0;
    for (int k = 0; k < RANK_CONTENTS; k++) {
        int64_t c = sum[k];
        if (k < RANK_CONTENTS - 1) {
            /* cap_k = min(content max, Σ max of its applicable leaves): bonus leaves may
             * add up to more than the content gives. */
            int64_t cap = cmax[k] < leafmax[k] ? cmax[k] : leafmax[k];
            if (c > cap)
                c = cap;
            r->caps[k] = cap;
            m += cap;
            if (k >= 1)
                mc += cap;
        } else {
            r->caps[k] = 0;
        }
        r->contents[k] = c;
        all += c;
        if (k >= 1)
            cchc += c;
    }
    r->total = all > 0 ? all : 0;
    r->max = m;
    r->cchc_num = cchc > 0 ? cchc : 0;
    r->cchc_den = mc;
    r->quality_pct = m > 0 ? cs_div_half_up(r->total * 10000, m) : 0;
    r->cchc_pct = mc > 0 ? cs_div_half_up(r->cchc_num * 10000, mc) : 0;

    /* The heads' rating (SPEC §12): required leaves on their effective values (N/A leaves
     * are not required), the late rate, R exactly. */
    r->required_done = true;
    char failed[96] = "";
    for (size_t i = 0; i < a->n_leaves && r->required_done; i++) {
        const rank_leaf *l = &a->leaves[i];
        if (l->applicable && l->has_required_min && l->value < l->required_min) {
            char v[32], mn[32];
            r->required_done = false;
            snprintf(failed, sizeof failed, "%.40s = %s < %s", l->code ? l->code : "?",
                     cs_points_format(l->value, v), cs_points_format(l->required_min, mn));
        }
    }
    r->late_state = rank_late(&a->dossiers, &r->late_pct);
    rank_head_rate(cfg->head_bands, cfg->n_head_bands, r->cchc_num, r->cchc_den, &a->dossiers,
                   r->required_done, failed[0] ? failed : NULL, r->head_rating, r->head_reason);
}

/* Q as a fraction with a positive denominator (an all-N/A agency has Q = 0). */
static void s_q(const rank_result *r, int64_t *num, int64_t *den)
{
    *num = r->max > 0 ? r->total : 0;
    *den = r->max > 0 ? r->max : 1;
}

static void s_rfrac(const rank_result *r, int64_t *num, int64_t *den)
{
    *num = r->cchc_den > 0 ? r->cchc_num : 0;
    *den = r->cchc_den > 0 ? r->cchc_den : 1;
}

/* --- ordering ---------------------------------------------------------------------------- */

/* Q descending, C1 descending, C2 descending: 0 means a tie the rules cannot break. */
static int s_cmp_merit(const rank_result *x, const rank_result *y)
{
    int64_t xn, xd, yn, yd;
    s_q(x, &xn, &xd);
    s_q(y, &yn, &yd);
    int c = rank_frac_cmp(yn, yd, xn, xd);
    if (c != 0)
        return c;
    if (x->contents[0] != y->contents[0])
        return x->contents[0] > y->contents[0] ? -1 : 1;
    if (x->contents[1] != y->contents[1])
        return x->contents[1] > y->contents[1] ? -1 : 1;
    return 0;
}

static int s_cmp_sort(const void *a, const void *b)
{
    const rank_result *x = a, *y = b;
    int c = s_cmp_merit(x, y);
    if (c != 0)
        return c;
    /* A pending tie is listed by agency code. */
    c = strcmp(x->code ? x->code : "", y->code ? y->code : "");
    if (c != 0)
        return c;
    return x->id < y->id ? -1 : x->id > y->id;
}

static long s_pos(const rank_tiebreak *t, long long id)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->agency_ids[i] == id)
            return (long)i;
    return -1;
}

/* The latest recorded order of this group that names exactly the members of the tie
 * (each once), or -1. */
static long s_find_order(const rank_tiebreak *tb, size_t ntb, const char *group,
                         const rank_result *members, size_t n)
{
    for (size_t t = ntb; t-- > 0;) {
        if (!tb[t].group || strcmp(tb[t].group, group) != 0 || tb[t].n != n)
            continue;
        size_t i = 0;
        while (i < n && s_pos(&tb[t], members[i].id) >= 0)
            i++;
        if (i < n)
            continue;
        /* n distinct members found among n entries: the same set */
        return (long)t;
    }
    return -1;
}

/* Sort a tie by its position in a recorded order (insertion sort: ties are small, and
 * qsort has no context argument in C17). */
static void s_sort_by_order(rank_result *a, size_t n, const rank_tiebreak *order)
{
    for (size_t i = 1; i < n; i++) {
        rank_result x = a[i];
        long px = s_pos(order, x.id);
        size_t j = i;
        while (j > 0 && s_pos(order, a[j - 1].id) > px) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = x;
    }
}

/* First band of the scheme whose conditions hold, skipping quota bands when skip_quota. */
static const rank_band *s_band_for(const rank_band *bands, size_t n, int64_t num, int64_t den,
                                   bool disciplined, bool skip_quota)
{
    for (size_t i = 0; i < n; i++) {
        const rank_band *b = &bands[i];
        if (skip_quota && b->quota)
            continue;
        if (b->not_disciplined && disciplined)
            continue;
        if (s_at_least(num, den, b->min_pct))
            return b;
    }
    return &bands[n - 1];
}

static void s_set_band(char *dst, const rank_band *b)
{
    memcpy(dst, b->code, RANK_CODE_LEN);
    dst[RANK_CODE_LEN - 1] = '\0';
}

/* Order, ranks, ties, bands and the quota of one group; g->agencies hold the sums. */
static void s_rank_group(const rank_config *cfg, rank_group *g, const rank_tiebreak *tb,
                         size_t ntb, bool *applies)
{
    rank_result *a = g->agencies;
    size_t n = g->n;
    qsort(a, n, sizeof *a, s_cmp_sort);

    /* Units: a single agency, or a run of equal merit. A run named entirely by a leader's
     * order is sorted by it and ranked one by one; otherwise it is pending and shares the
     * rank of its first place. */
    size_t *unit_end = calloc(n ? n : 1, sizeof *unit_end);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && s_cmp_merit(&a[i], &a[j]) == 0)
            j++;
        if (j - i == 1) {
            a[i].rank = (int)i + 1;
            unit_end[i] = j;
        } else {
            long t = s_find_order(tb, ntb, g->group, &a[i], j - i);
            if (t >= 0) {
                applies[t] = true;
                s_sort_by_order(&a[i], j - i, &tb[t]);
                for (size_t k = i; k < j; k++) {
                    a[k].rank = (int)k + 1;
                    a[k].tie_resolved = true;
                    unit_end[k] = k + 1;
                }
            } else {
                for (size_t k = i; k < j; k++) {
                    a[k].rank = (int)i + 1;
                    a[k].tie_pending = true;
                }
                unit_end[i] = j;
            }
        }
        i = j;
    }

    /* Bands before the quota; G counts those rated good or better. */
    int good = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t qn, qd, rn, rd;
        s_q(&a[i], &qn, &qd);
        s_rfrac(&a[i], &rn, &rd);
        const rank_band *b = s_band_for(cfg->bands, cfg->n_bands, qn, qd, a[i].disciplined, false);
        a[i].quota_candidate = b->quota;
        s_set_band(a[i].band, b);
        if (b->good_or_better)
            good++;
        s_set_band(a[i].cchc_band,
                   s_band_for(cfg->cchc_bands, cfg->n_cchc_bands, rn, rd, false, false));
    }
    g->good_or_better = good;
    int64_t base = cfg->quota_base == RANK_QUOTA_BASE_GROUP ? (int64_t)n : good;
    int64_t quota = cfg->quota_pct * base / 10000;     /* floor(pct × base) */
    g->excellent_quota = (int)quota;

    /* Candidates become excellent in ranking order while the quota lasts; a pending tie is
     * one unit: all of its candidates fit or none does, and if the cut falls inside it the
     * rest of the quota stays unused until a leader records the order. */
    int64_t left = quota;
    for (size_t i = 0; i < n;) {
        size_t j = unit_end[i];
        int64_t cands = 0;
        for (size_t k = i; k < j; k++)
            cands += a[k].quota_candidate;
        bool grant = cands > 0 && cands <= left;
        if (cands > 0 && !grant && left > 0) {
            g->publication_blocked_by_tie = true;
            for (size_t k = i; k < j; k++)
                a[k].blocks_publication = true;
            left = 0;
        }
        if (grant)
            left -= cands;
        for (size_t k = i; k < j; k++) {
            if (!a[k].quota_candidate || grant)
                continue;
            int64_t qn, qd;
            s_q(&a[k], &qn, &qd);
            s_set_band(a[k].band,
                       s_band_for(cfg->bands, cfg->n_bands, qn, qd, a[k].disciplined, true));
        }
        i = j;
    }
    free(unit_end);
}

static int s_cmp_group(const void *a, const void *b)
{
    return strcmp(((const rank_group *)a)->group, ((const rank_group *)b)->group);
}

int rank_compute(const rank_config *cfg, const rank_agency *agencies, size_t n,
                 const rank_tiebreak *tiebreaks, size_t n_tiebreaks,
                 rank_outcome **out, cs_err *e)
{
    *out = NULL;
    if (rank_config_check(cfg, e) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!agencies[i].group || strlen(agencies[i].group) >= RANK_CODE_LEN)
            return cs_err_invalid(e, "group_code", "mã nhóm cơ quan không hợp lệ",
                                  "invalid agency group code");

    rank_outcome *o = calloc(1, sizeof *o);
    o->groups = calloc(n ? n : 1, sizeof *o->groups);
    /* Group membership: count, then fill. */
    for (size_t i = 0; i < n; i++) {
        size_t g = 0;
        while (g < o->n_groups && strcmp(o->groups[g].group, agencies[i].group) != 0)
            g++;
        if (g == o->n_groups) {
            strcpy(o->groups[g].group, agencies[i].group);
            o->n_groups++;
        }
        o->groups[g].n++;
    }
    qsort(o->groups, o->n_groups, sizeof *o->groups, s_cmp_group);
    for (size_t g = 0; g < o->n_groups; g++) {
        o->groups[g].agencies = calloc(o->groups[g].n, sizeof(rank_result));
        o->groups[g].n = 0;
    }
    for (size_t i = 0; i < n; i++) {
        rank_group key;
        strcpy(key.group, agencies[i].group);
        rank_group *g = bsearch(&key, o->groups, o->n_groups, sizeof key, s_cmp_group);
        rank_result *r = &g->agencies[g->n++];
        r->input = i;
        r->id = agencies[i].id;
        r->code = agencies[i].code;
        r->disciplined = agencies[i].disciplined;
        rank_agency_sums(cfg, &agencies[i], r);
    }
    o->tiebreak_applies = calloc(n_tiebreaks ? n_tiebreaks : 1, sizeof *o->tiebreak_applies);
    o->n_tiebreaks = n_tiebreaks;
    for (size_t g = 0; g < o->n_groups; g++)
        s_rank_group(cfg, &o->groups[g], tiebreaks, n_tiebreaks, o->tiebreak_applies);
    *out = o;
    return 0;
}

void rank_outcome_destroy(rank_outcome **self_p)
{
    if (!self_p || !*self_p)
        return;
    rank_outcome *o = *self_p;
    for (size_t g = 0; g < o->n_groups; g++)
        free(o->groups[g].agencies);
    free(o->groups);
    free(o->tiebreak_applies);
    free(o);
    *self_p = NULL;
}

int64_t rank_leaf_lost(const rank_leaf *l)
{
    if (!l->applicable)
        return 0;
    if (l->content == RANK_CONTENTS)
        return l->value < 0 ? -l->value : 0;
    return l->value < l->max_points ? l->max_points - l->value : 0;
}
