#include "cat_validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_csv.h"
#include "cs_text.h"

static const char *const s_titles[6] = {
    "Kết quả thực hiện nhiệm vụ theo chức năng",
    "Kết quả thực hiện CCHC và xây dựng cơ quan hoạt động hiệu lực, hiệu năng, hiệu quả",
    "Điểm đánh giá thông qua điều tra, khảo sát",
    "Điểm đánh giá của Chủ tịch, các Phó Chủ tịch UBND tỉnh",
    "Điểm cộng",
    "Điểm trừ",
};
static const long long s_max[6] = {4500, 3500, 1200, 500, 300, -1};

const char *cat_content_title_default(int k)
{
    return (k >= 1 && k <= 6) ? s_titles[k - 1] : "";
}

long long cat_content_max_default(int k)
{
    return (k >= 1 && k <= 6) ? s_max[k - 1] : -1;
}

static long s_find(const Chiso__IndexSet *s, const char *code)
{
    for (size_t i = 0; i < s->n_nodes; i++)
        if (s->nodes[i]->code && strcmp(s->nodes[i]->code, code) == 0)
            return (long)i;
    return -1;
}

bool cat_index_is_leaf(const Chiso__IndexSet *s, size_t i)
{
    const char *code = s->nodes[i]->code;
    for (size_t j = 0; j < s->n_nodes; j++)
        if (s->nodes[j]->parent_code && code && strcmp(s->nodes[j]->parent_code, code) == 0)
            return false;
    return true;
}

/* Points as text for messages: 17.5 -> "17.50". */
static void s_pts(char *buf, size_t n, long long v)
{
    snprintf(buf, n, "%s%lld.%02lld", v < 0 ? "-" : "", llabs(v) / 100, llabs(v) % 100);
}

/* A metric or group code of the 766 feed: letters, digits, '.', '_', '-'; 1..64. */
static bool s_metric_ok(const char *m)
{
    size_t n = m ? strlen(m) : 0;
    if (n == 0 || n > 64)
        return false;
    for (; *m; m++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *m))
            return false;
    return true;
}

/* SPEC §12: an automatic source on a leaf of contents 1, 2 or 5 (the council may still
 * score it), a known formula, bands only for "bands" and then with min_pct strictly
 * descending within 0..100 and points within 0..max; required_min within 0..max. Every
 * error names the leaf. */
static int s_leaf_auto(const Chiso__IndexNode *n, cs_err *e)
{
    const char *code = n->code;
    char a[32], b[32];
    if (n->has_required_min) {
        if (n->content == 6 || n->required_min < 0 || n->required_min > n->max_points) {
            s_pts(a, sizeof a, n->required_min);
            return cs_err_set(e, 400, "invalid_required_min", "nodes",
                              "Tiêu chí «%s»: mức yêu cầu tối thiểu %s phải từ 0 đến điểm tối đa.",
                              "The leaf \"%s\": required_min %s must be between 0 and max_points.",
                              code, a);
        }
    }
    const Chiso__AutoRule *r = n->auto_;
    if (!r)
        return 0;
    if (n->content != 1 && n->content != 2 && n->content != 5)
        return cs_err_set(e, 400, "invalid_auto", "nodes",
                          "Tiêu chí «%s»: chỉ tiêu chí của nội dung 1, 2 hoặc 5 mới tính tự động được.",
                          "The leaf \"%s\": only leaves of contents 1, 2 and 5 can be automatic.",
                          code);
    if (!s_metric_ok(r->metric))
        return cs_err_set(e, 400, "invalid_auto", "nodes",
                          "Tiêu chí «%s»: thiếu mã chỉ số 766 (metric) hoặc mã không hợp lệ.",
                          "The leaf \"%s\": the 766 metric code is missing or invalid.", code);
    const char *f = r->formula ? r->formula : "";
    bool bands = strcmp(f, "bands") == 0;
    if (!bands && strcmp(f, "ratio") != 0 && strcmp(f, "score") != 0)
        return cs_err_set(e, 400, "unknown_formula", "nodes",
                          "Tiêu chí «%s»: công thức «%s» không có (ratio, score hoặc bands).",
                          "The leaf \"%s\": unknown formula \"%s\" (ratio, score or bands).",
                          code, f);
    if (!bands && r->n_bands > 0)
        return cs_err_set(e, 400, "invalid_auto", "nodes",
                          "Tiêu chí «%s»: chỉ công thức bands mới có các mức (bands).",
                          "The leaf \"%s\": only the bands formula takes bands.", code);
    if (bands && (r->n_bands == 0 || r->n_bands > 16))
        return cs_err_set(e, 400, "invalid_bands", "nodes",
                          "Tiêu chí «%s»: công thức bands cần từ 1 đến 16 mức.",
                          "The leaf \"%s\": the bands formula needs 1 to 16 bands.", code);
    for (size_t k = 0; k < r->n_bands; k++) {
        const Chiso__AutoBand *bd = r->bands[k];
        if (!bd->has_min_pct || !bd->has_points || bd->min_pct < 0 || bd->min_pct > 10000 ||
            bd->points < 0 || bd->points > n->max_points)
            return cs_err_set(e, 400, "invalid_bands", "nodes",
                              "Tiêu chí «%s»: mức thứ %zu cần min_pct từ 0 đến 100 và điểm từ 0 đến điểm tối đa.",
                              "The leaf \"%s\": band %zu needs min_pct 0 to 100 and points 0 to max_points.",
                              code, k + 1);
        if (k > 0 && bd->min_pct >= r->bands[k - 1]->min_pct) {
            s_pts(a, sizeof a, bd->min_pct);
            s_pts(b, sizeof b, r->bands[k - 1]->min_pct);
            return cs_err_set(e, 400, "bands_not_descending", "nodes",
                              "Tiêu chí «%s»: các mức phải giảm dần nghiêm ngặt (%s sau %s).",
                              "The leaf \"%s\": bands must be strictly descending (%s after %s).",
                              code, a, b);
        }
    }
    return 0;
}

int cat_index_validate(const Chiso__IndexSet *s, cat_content out[6], cs_err *e)
{
    if (cs_text_blank(s->code))
        return cs_err_set(e, 400, "required", "code", "Thiếu mã bộ chỉ số.%s",
                          "The index set code is required.%s", "");
    if (cs_text_blank(s->name))
        return cs_err_set(e, 400, "required", "name", "Thiếu tên bộ chỉ số.%s",
                          "The index set name is required.%s", "");
    if (cs_text_blank(s->group_code))
        return cs_err_set(e, 400, "required", "group_code", "Thiếu mã nhóm cơ quan.%s",
                          "The agency group code is required.%s", "");
    if (!s->has_year || s->year < 2000 || s->year > 2100)
        return cs_err_set(e, 400, "invalid_input", "year",
                          "Năm của bộ chỉ số không hợp lệ (2000–2100).%s",
                          "The index set year is invalid (2000–2100).%s", "");

    for (int k = 1; k <= 6; k++) {
        out[k - 1].title = s_titles[k - 1];
        out[k - 1].max_points = s_max[k - 1];
    }
    bool seen[6] = {false};
    for (size_t i = 0; i < s->n_contents; i++) {
        const Chiso__IndexContent *ct = s->contents[i];
        if (!ct->has_content || ct->content < 1 || ct->content > 6)
            return cs_err_set(e, 400, "invalid_content", "contents",
                              "Nội dung thứ %zu: số nội dung phải từ 1 đến 6.",
                              "Content entry %zu: the content number must be 1 to 6.", i + 1);
        int k = ct->content;
        if (seen[k - 1])
            return cs_err_set(e, 400, "duplicate_content", "contents",
                              "Nội dung %d được khai báo hai lần.",
                              "Content %d is declared twice.", k);
        seen[k - 1] = true;
        if (!cs_text_blank(ct->title))
            out[k - 1].title = ct->title;
        if (k == 6) {
            if (ct->has_max_points)
                return cs_err_set(e, 400, "invalid_content", "contents",
                                  "Nội dung %d (điểm trừ) không có điểm tối đa.",
                                  "Content %d (deductions) has no maximum.", k);
        } else if (ct->has_max_points) {
            if (ct->max_points <= 0)
                return cs_err_set(e, 400, "invalid_content", "contents",
                                  "Nội dung %d: điểm tối đa phải lớn hơn 0.",
                                  "Content %d: the maximum must be greater than 0.", k);
            out[k - 1].max_points = ct->max_points;
        }
    }

    if (s->n_nodes == 0)
        return cs_err_set(e, 400, "required", "nodes", "Bộ chỉ số chưa có tiêu chí nào.%s",
                          "The index set has no criteria.%s", "");

    long long sum[6] = {0};
    for (size_t i = 0; i < s->n_nodes; i++) {
        const Chiso__IndexNode *n = s->nodes[i];
        if (cs_text_blank(n->code))
            return cs_err_set(e, 400, "required", "nodes",
                              "Tiêu chí thứ %zu thiếu mã.", "Node %zu has no code.", i + 1);
        const char *code = n->code;
        if (strlen(code) > 64)
            return cs_err_set(e, 400, "invalid_input", "nodes",
                              "Mã tiêu chí «%.64s…» dài quá 64 ký tự.",
                              "The code \"%.64s…\" is longer than 64 characters.", code);
        if (s_find(s, code) != (long)i)
            return cs_err_set(e, 400, "duplicate_code", "nodes",
                              "Mã tiêu chí «%s» bị trùng.", "The code \"%s\" is used twice.", code);
        if (cs_text_blank(n->title))
            return cs_err_set(e, 400, "required", "nodes",
                              "Tiêu chí «%s» thiếu tên.", "The node \"%s\" has no title.", code);
        if (!n->has_content || n->content < 1 || n->content > 6)
            return cs_err_set(e, 400, "invalid_content", "nodes",
                              "Tiêu chí «%s»: số nội dung phải từ 1 đến 6.",
                              "The node \"%s\": the content must be 1 to 6.", code);
        if (n->parent_code && n->parent_code[0]) {
            long p = s_find(s, n->parent_code);
            if (p < 0)
                return cs_err_set(e, 400, "unknown_parent", "nodes",
                                  "Tiêu chí «%s»: không có tiêu chí cha «%s».",
                                  "The node \"%s\": its parent \"%s\" does not exist.",
                                  code, n->parent_code);
            if (s->nodes[p]->content != n->content)
                return cs_err_set(e, 400, "invalid_parent", "nodes",
                                  "Tiêu chí «%s» thuộc nội dung khác với tiêu chí cha «%s».",
                                  "The node \"%s\" is in another content than its parent \"%s\".",
                                  code, n->parent_code);
            /* Walk up: a chain longer than the set is a cycle. */
            size_t steps = 0;
            while (p >= 0 && steps <= s->n_nodes) {
                const char *pc = s->nodes[p]->parent_code;
                p = (pc && pc[0]) ? s_find(s, pc) : -1;
                steps++;
            }
            if (steps > s->n_nodes)
                return cs_err_set(e, 400, "invalid_parent", "nodes",
                                  "Tiêu chí «%s» nằm trong một vòng lặp cha–con.",
                                  "The node \"%s\" is part of a parent cycle.", code);
        }
        long long step = n->has_step ? n->step : CAT_DEFAULT_STEP;
        if (step <= 0)
            return cs_err_set(e, 400, "invalid_step", "nodes",
                              "Tiêu chí «%s»: bước điểm phải lớn hơn 0.",
                              "The leaf \"%s\": the step must be greater than 0.", code);
        if (!cat_index_is_leaf(s, i)) {
            if (n->auto_ || n->has_required_min)
                return cs_err_set(e, 400, "invalid_auto", "nodes",
                                  "Tiêu chí «%s» có tiêu chí con: chỉ tiêu chí lá mới có auto hoặc required_min.",
                                  "The node \"%s\" has children: only leaves take auto or required_min.",
                                  code);
            continue;
        }
        if (!n->has_max_points || n->max_points <= 0)
            return cs_err_set(e, 400, "invalid_max", "nodes",
                              "Tiêu chí «%s»: điểm tối đa phải lớn hơn 0.",
                              "The leaf \"%s\": max_points must be greater than 0.", code);
        if (n->max_points % step != 0) {
            char m[32], st[32];
            s_pts(m, sizeof m, n->max_points);
            s_pts(st, sizeof st, step);
            return cs_err_set(e, 400, "invalid_step", "nodes",
                              "Tiêu chí «%s»: điểm tối đa %s không phải bội của bước %s.",
                              "The leaf \"%s\": max_points %s is not a multiple of the step %s.",
                              code, m, st);
        }
        if (s_leaf_auto(n, e) < 0)
            return -1;
        sum[n->content - 1] += n->max_points;
    }

    for (int k = 1; k <= 4; k++) {
        if (sum[k - 1] == out[k - 1].max_points)
            continue;
        char a[32], b[32];
        s_pts(a, sizeof a, sum[k - 1]);
        s_pts(b, sizeof b, out[k - 1].max_points);
        /* Name the last leaf of the content: that is where an author looks first. */
        const char *leaf = "";
        for (size_t i = 0; i < s->n_nodes; i++)
            if (s->nodes[i]->content == k && cat_index_is_leaf(s, i))
                leaf = s->nodes[i]->code;
        cs_err_set(e, 400, "content_sum_mismatch", "nodes",
                   "Nội dung %d: tổng điểm tối đa của các tiêu chí lá (tiêu chí lá cuối: «%s») là %s, khác %s.",
                   "Content %d: the leaves' maxima (last leaf: \"%s\") add up to %s, not %s.",
                   k, leaf, a, b);
        return -1;
    }
    return 0;
}

static const char *const s_roles[] = {"sysadmin", "province_admin", "agency_editor",
                                      "agency_head", "appraiser", "specialist", "leader",
                                      "surveyor", "viewer"};

bool cat_role_valid(const char *role)
{
    if (!role)
        return false;
    for (size_t i = 0; i < sizeof s_roles / sizeof s_roles[0]; i++)
        if (strcmp(s_roles[i], role) == 0)
            return true;
    return false;
}

bool cat_login_valid(const char *login)
{
    if (!login)
        return false;
    size_t n = strlen(login);
    if (n < 3 || n > 64)
        return false;
    for (const char *p = login; *p; p++) {
        char ch = *p;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '@' || ch == '-';
        if (!ok)
            return false;
    }
    return true;
}

bool cat_date_valid(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || m < 1 || m > 12 || d < 1)
        return false;
    int dm = days[m - 1];
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        dm = 29;
    return d <= dm;
}

/* --- CSV ------------------------------------------------------------------------------ */

/* The rows of the shared reader (cs_csv: BOM, separators, quotes, line numbers), kept whole:
 * the agency import checks every line against the others before it writes. */
cat_csv *cat_csv_parse(const char *text, cs_err *e)
{
    cat_csv *csv = calloc(1, sizeof *csv);
    if (!csv)
        abort();
    cs_csv *rd = cs_csv_new_text(text ? text : "", text ? strlen(text) : 0);
    int rc;
    while ((rc = cs_csv_next(rd, e)) == 1) {
        cat_csv_row row = {.line = (int)cs_csv_line(rd), .n = cs_csv_nfields(rd)};
        row.f = calloc(row.n ? row.n : 1, sizeof *row.f);
        if (!row.f)
            abort();
        for (size_t i = 0; i < row.n; i++)
            if (!(row.f[i] = strdup(cs_csv_field(rd, i))))
                abort();
        csv->rows = realloc(csv->rows, (csv->n + 1) * sizeof *csv->rows);
        if (!csv->rows)
            abort();
        csv->rows[csv->n++] = row;
    }
    cs_csv_destroy(&rd);
    if (rc < 0)
        cat_csv_destroy(&csv);
    return csv;
}

void cat_csv_destroy(cat_csv **self_p)
{
    if (!self_p || !*self_p)
        return;
    cat_csv *self = *self_p;
    for (size_t i = 0; i < self->n; i++) {
        for (size_t j = 0; j < self->rows[i].n; j++)
            free(self->rows[i].f[j]);
        free(self->rows[i].f);
    }
    free(self->rows);
    free(self);
    *self_p = NULL;
}
