#include "likert.h"

#include "cs_points.h"

/* Keeps max·(sum−n) and 4n well inside int64: a leaf's max is at most a few thousand
 * hundredths, answers per agency far fewer than a billion. */
#define LIKERT_MAX_N      1000000000LL
#define LIKERT_MAX_POINTS 100000000LL

/* The checks both ways of scoring share: at least one answer, a positive maximum. */
static int s_check_counts(int64_t max_points, int64_t n, cs_err *e)
{
    if (n <= 0 || n > LIKERT_MAX_N)
        return cs_err_set(e, 400, "likert_invalid", "n",
                          "Cần ít nhất một câu trả lời", "At least one answer is needed");
    if (max_points <= 0 || max_points > LIKERT_MAX_POINTS)
        return cs_err_set(e, 400, "likert_invalid", "max_points",
                          "Điểm tối đa phải lớn hơn 0", "The maximum must be above 0");
    return 0;
}

int likert_mean_points(int64_t max_points, int64_t sum, int64_t n, int64_t *out, cs_err *e)
{
    if (s_check_counts(max_points, n, e) != 0)
        return -1;
    if (sum < n || sum > 5 * n)
        return cs_err_set(e, 400, "likert_invalid", "sum",
                          "Mỗi câu trả lời phải từ 1 đến 5", "Every answer must be 1 to 5");
    *out = cs_div_half_up(max_points * (sum - n), 4 * n);
    return 0;
}

int likert_share_points(int64_t max_points, int64_t satisfied, int64_t n, int64_t *out,
                        cs_err *e)
{
    if (s_check_counts(max_points, n, e) != 0)
        return -1;
    if (satisfied < 0 || satisfied > n)
        return cs_err_set(e, 400, "likert_invalid", "satisfied",
                          "Số câu hài lòng phải từ 0 đến tổng số câu trả lời",
                          "Satisfied answers must be between 0 and the number of answers");
    *out = cs_div_half_up(max_points * satisfied, n);
    return 0;
}
