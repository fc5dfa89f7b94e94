/*  portal_ingest: see portal_ingest.h. The 766 JSON here, the dossier CSV in
 *  portal_dossiers.c, the batch row and the raw bytes in portal_batch.c. */
#include "portal_ingest.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_csv.h"
#include "portal_batch.h"
#include "portal_copy.h"
#include "portal_json.h"

/* --- sources ------------------------------------------------------------------------- */

static ssize_t s_mem_read(void *arg, char *buf, size_t n)
{
    portal_mem *m = arg;
    size_t k = m->len - m->pos < n ? m->len - m->pos : n;
    memcpy(buf, m->data + m->pos, k);
    m->pos += k;
    return (ssize_t)k;
}

static int s_mem_rewind(void *arg)
{
    ((portal_mem *)arg)->pos = 0;
    return 0;
}

static ssize_t s_file_read(void *arg, char *buf, size_t n)
{
    FILE *f = arg;
    size_t k = fread(buf, 1, n, f);
    return k == 0 && ferror(f) ? -1 : (ssize_t)k;
}

static int s_file_rewind(void *arg)
{
    return fseek((FILE *)arg, 0, SEEK_SET);
}

void portal_src_file(portal_src *src, FILE *f)
{
    *src = (portal_src){s_file_read, s_file_rewind, f};
}

void portal_src_mem(portal_src *src, portal_mem *m, const char *data, size_t len)
{
    *m = (portal_mem){data, len, 0};
    *src = (portal_src){s_mem_read, s_mem_rewind, m};
}

const char *portal_kind_of(const char *ct)
{
    if (!ct)
        return NULL;
    if (strncmp(ct, "application/json", 16) == 0)
        return PORTAL_KIND_INDEX;
    if (strncmp(ct, "text/csv", 8) == 0)
        return PORTAL_KIND_DOSSIERS;
    return NULL;
}

/* How many bytes at the start of p are whole, valid UTF-8 sequences without NUL: a
 * sequence cut by the end of the chunk is left for the next one; *bad when a wrong byte
 * stops it (at the returned offset). */
static size_t s_utf8(const unsigned char *p, size_t n, bool *bad)
{
    size_t i = 0;
    *bad = false;
    while (i < n) {
        unsigned c = p[i];
        if (c && c < 0x80) {
            i++;
            continue;
        }
        size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (!len) {
            *bad = true;                /* NUL, a stray continuation byte, 0xF8.. */
            return i;
        }
        uint32_t cp = c & (0x7Fu >> len);
        size_t k = 1;
        for (; k < len && i + k < n; k++) {
            if ((p[i + k] & 0xC0) != 0x80) {
                *bad = true;
                return i;
            }
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if (k < len)
            return i;                   /* cut: the rest comes with the next chunk */
        static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            *bad = true;
            return i;
        }
        i += len;
    }
    return i;
}

int portal_src_sha256(const portal_src *src, char hex[65], int64_t *size, cs_err *e)
{
    if (src->rewind(src->arg) < 0)
        return cs_err_internal(e, "feed source cannot be read again");
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    enum { CHUNK = 65536 };
    char *buf = malloc(CHUNK + 4);
    if (!buf)
        abort();
    ssize_t k;
    size_t carry = 0;                   /* bytes of a cut UTF-8 sequence at buf's start */
    bool bad = false;
    *size = 0;
    while ((k = src->read(src->arg, buf + carry, CHUNK)) > 0) {
        crypto_hash_sha256_update(&st, (const unsigned char *)buf + carry, (unsigned long long)k);
        size_t n = carry + (size_t)k, ok = s_utf8((const unsigned char *)buf, n, &bad);
        *size += k;
        carry = n - ok;
        if (bad || carry > 3) {
            bad = true;
            break;
        }
        memmove(buf, buf + ok, carry);
    }
    free(buf);
    if (k < 0)
        return cs_err_internal(e, "feed source read failed");
    if (bad || carry)                   /* carry at the end: a sequence the file cuts short */
        return cs_err_set(e, 400, "invalid_utf8", "body",
                          "Nội dung không phải UTF-8 hợp lệ (byte %lld)",
                          "The body is not valid UTF-8 (at byte %lld)",
                          (long long)(*size - (int64_t)carry));
    unsigned char sha[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, sha);
    sodium_bin2hex(hex, 65, sha, sizeof sha);
    return 0;
}

/* --- the JSON top level -------------------------------------------------------------- */

typedef int (*s_item_fn)(void *arg, long index, const char *text, size_t len, cs_err *e);

static int s_bad_json(cs_err *e, long long offset)
{
    return cs_err_set(e, 400, "invalid_json", "body",
                      "Tài liệu JSON không hợp lệ (gần byte %lld).",
                      "The JSON document is malformed (near byte %lld).", offset);
}

/* Walk {"province": ..., "records": [...], ...}: province gets the province string (when
 * not NULL), each record goes to fn (when not NULL). Unknown top-level keys are skipped. */
static int s_walk(const portal_src *src, char province[64], s_item_fn fn, void *arg, cs_err *e)
{
    if (src->rewind(src->arg) < 0)
        return cs_err_internal(e, "feed source cannot be read again");
    pj_reader r;
    pj_open(&r, src);
    int rc = -1;
    if (pj_expect(&r, '{') < 0)
        goto bad;
    if (pj_ws(&r) == '}')
        goto done;
    for (;;) {
        if (pj_ws(&r) != '"' || pj_value(&r) < 0)
            goto bad;
        json_t *k = json_loadb(r.val, r.val_len, JSON_DECODE_ANY, NULL);
        char key[32];
        snprintf(key, sizeof key, "%s", json_is_string(k) ? json_string_value(k) : "");
        json_decref(k);
        if (pj_expect(&r, ':') < 0)
            goto bad;
        if (strcmp(key, "records") == 0 && fn) {
            if (pj_expect(&r, '[') < 0) {
                rc = cs_err_set(e, 400, "invalid_feed", "$.records",
                                "$.records phải là một mảng.%s", "$.records must be an array.%s", "");
                goto out;
            }
            long i = 0;
            if (pj_ws(&r) != ']') {
                for (;; i++) {
                    if (pj_value(&r) < 0)
                        goto bad;
                    if (fn(arg, i, r.val, r.val_len, e) < 0)
                        goto out;
                    int ch = pj_ws(&r);
                    if (ch == ']')
                        break;
                    if (ch != ',')
                        goto bad;
                    pj_expect(&r, ',');
                }
            }
            pj_expect(&r, ']');
        } else {
            if (pj_value(&r) < 0)
                goto bad;
            if (strcmp(key, "province") == 0 && province) {
                json_t *v = json_loadb(r.val, r.val_len, JSON_DECODE_ANY, NULL);
                snprintf(province, 64, "%s", json_is_string(v) ? json_string_value(v) : "");
                json_decref(v);
            }
        }
        int ch = pj_ws(&r);
        if (ch == '}')
            break;
        if (ch != ',')
            goto bad;
        pj_expect(&r, ',');
    }
done:
    pj_expect(&r, '}');
    if (pj_ws(&r) != -1)
        goto bad;
    rc = 0;
    goto out;
bad:
    rc = s_bad_json(e, r.offset);
out:
    pj_close(&r);
    return rc;
}

int portal_batch_province(const portal_src *src, const char *kind, char code[64], cs_err *e)
{
    code[0] = '\0';
    if (strcmp(kind, PORTAL_KIND_DOSSIERS) == 0)
        return portal_dossiers_province(src, code, e);
    if (s_walk(src, code, NULL, NULL, e) < 0)
        return -1;
    if (!code[0])
        return cs_err_set(e, 400, "missing_province", "$.province",
                          "Tài liệu 766 phải có mã tỉnh (\"province\").%s",
                          "The 766 document must name its province (\"province\").%s", "");
    return 0;
}

/* --- one 766 record ------------------------------------------------------------------- */

static const char *const s_groups[] = {"CKMB", "TDGQ", "CLGQ", "TTTT", "MDSH", "MDHL"};

/* The columns of one record's row of portal.metric_sets, an element per metric. */
enum { A_CODE, A_GROUP, A_IS_GROUP, A_IS_NULL, A_NAME, A_NUM, A_DEN, A_RATIO, A_SCORE, A_MAX,
       A_N };

typedef struct {
    const portal_meta *m;
    long long batch_id;
    pc_agencies agencies;
    pc_records records;
    pc_errors errors;
    pc_copy copy;
    pc_array col[A_N];
    int64_t lines;
} s_json;

/* A number of the feed as decimal text (at most 9 decimals, non-negative); NULL for null
 * or absent; *bad when it is something else. */
static const char *s_dec(const json_t *v, char out[48], int64_t *scaled, bool *bad)
{
    *bad = false;
    if (!v || json_is_null(v))
        return NULL;
    if (json_is_integer(v))
        snprintf(out, 48, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(out, 48, "%.15g", json_real_value(v));
    else {
        *bad = true;
        return NULL;
    }
    if (cs_csv_decimal(out, 9, scaled) < 0) {
        *bad = true;
        return NULL;
    }
    return out;
}

static void s_err(s_json *j, const char *path, const char *code, const char *vi, const char *en)
{
    pc_error(&j->errors, path, code, vi, en);
}

/* One metric or group: checks, then its elements of the record's arrays. */
static void s_metric(s_json *j, const json_t *o, const char *path, const char *code,
                     const char *group, bool is_group)
{
    char sb[48], mb[48], rb[48], p[160];
    int64_t sv = 0, mv = 0, rv = 0;
    bool bad_s, bad_m, bad_r;
    const json_t *num = json_object_get(o, "numerator"), *den = json_object_get(o, "denominator");
    const char *score = s_dec(json_object_get(o, "score"), sb, &sv, &bad_s);
    const char *maxs = s_dec(json_object_get(o, "maxScore"), mb, &mv, &bad_m);
    const char *ratio = s_dec(json_object_get(o, "ratio"), rb, &rv, &bad_r);
    bool has_num = json_is_integer(num), has_den = json_is_integer(den);
    if ((num && !json_is_null(num) && (!has_num || json_integer_value(num) < 0)) ||
        (den && !json_is_null(den) && (!has_den || json_integer_value(den) < 0))) {
        snprintf(p, sizeof p, "%s.numerator", path);
        s_err(j, p, "bad_number", "tử số và mẫu số phải là số nguyên không âm hoặc null",
              "numerator and denominator must be non-negative integers or null");
        return;
    }
    if (bad_s || bad_m || bad_r) {
        snprintf(p, sizeof p, "%s.%s", path, bad_s ? "score" : bad_m ? "maxScore" : "ratio");
        s_err(j, p, "bad_number", "phải là số không âm (tối đa 9 chữ số thập phân) hoặc null",
              "must be a non-negative number (at most 9 decimals) or null");
        return;
    }
    if (has_num && has_den && json_integer_value(num) > json_integer_value(den)) {
        snprintf(p, sizeof p, "%s.numerator", path);
        s_err(j, p, "numerator_gt_denominator", "tử số lớn hơn mẫu số",
              "the numerator is greater than the denominator");
        return;
    }
    if (score && maxs && sv > mv) {
        snprintf(p, sizeof p, "%s.score", path);
        s_err(j, p, "score_gt_max_score", "điểm lớn hơn điểm tối đa (maxScore)",
              "the score is greater than maxScore");
        return;
    }
    bool is_null = !has_num && !has_den && !score && !maxs && !ratio;
    const char *name = json_string_value(json_object_get(o, "name"));
    j->lines++;
    if (j->errors.count)
        return;     /* nothing more goes to the database once the batch is refused */
    pc_array *col = j->col;
    pc_array_text(&col[A_CODE], code);
    pc_array_text(&col[A_GROUP], group);
    pc_array_raw(&col[A_IS_GROUP], is_group ? "t" : "f");
    pc_array_raw(&col[A_IS_NULL], is_null ? "t" : "f");
    pc_array_text(&col[A_NAME], name);
    if (has_num)
        pc_array_int(&col[A_NUM], (long long)json_integer_value(num));
    else
        pc_array_raw(&col[A_NUM], NULL);
    if (has_den)
        pc_array_int(&col[A_DEN], (long long)json_integer_value(den));
    else
        pc_array_raw(&col[A_DEN], NULL);
    pc_array_raw(&col[A_RATIO], ratio);
    pc_array_raw(&col[A_SCORE], score);
    pc_array_raw(&col[A_MAX], maxs);
}

/* The record's row: its metrics as arrays (one row per record, see migration 071). */
static void s_record_row(s_json *j, const char *path, long long agency, const char *period)
{
    pc_copy *c = &j->copy;
    pc_copy_int(c, j->m->province_id), pc_copy_sep(c);
    pc_copy_int(c, j->batch_id), pc_copy_sep(c);
    pc_copy_int(c, agency), pc_copy_sep(c);
    pc_copy_text(c, period);
    for (int k = 0; k < A_N; k++)
        pc_copy_sep(c), pc_copy_array(c, &j->col[k]);
    cs_err ce;
    if (pc_copy_row_end(c, &ce) < 0)
        s_err(j, path, "internal", "lỗi ghi dữ liệu", "write failed");
}

static bool s_group_known(const char *g)
{
    for (size_t i = 0; i < sizeof s_groups / sizeof s_groups[0]; i++)
        if (strcmp(s_groups[i], g) == 0)
            return true;
    return false;
}

static void s_groups_of(s_json *j, const json_t *groups, const char *rpath)
{
    char p[160];
    size_t gi;
    const json_t *g;
    const char *seen[64];
    size_t n_seen = 0;
    json_array_foreach(groups, gi, g) {
        snprintf(p, sizeof p, "%s.groups[%zu]", rpath, gi);
        const char *gc = json_string_value(json_object_get(g, "code"));
        if (!json_is_object(g) || !gc || !s_group_known(gc)) {
            s_err(j, p, "unknown_group", "nhóm chỉ số phải là CKMB, TDGQ, CLGQ, TTTT, MDSH hoặc MDHL",
                  "the group must be CKMB, TDGQ, CLGQ, TTTT, MDSH or MDHL");
            continue;
        }
        if (json_object_get(g, "score") || json_object_get(g, "maxScore"))
            s_metric(j, g, p, gc, gc, true);
        const json_t *ms = json_object_get(g, "metrics");
        if (ms && !json_is_array(ms) && !json_is_null(ms)) {
            s_err(j, p, "invalid_feed", "metrics phải là một mảng", "metrics must be an array");
            continue;
        }
        size_t mi;
        const json_t *m;
        json_array_foreach(ms, mi, m) {
            char mp[200];
            snprintf(mp, sizeof mp, "%s.metrics[%zu]", p, mi);
            const char *mc = json_string_value(json_object_get(m, "code"));
            if (!json_is_object(m) || !mc || !*mc || strlen(mc) > 64) {
                s_err(j, mp, "invalid_feed", "chỉ số cần mã (code)", "a metric needs a code");
                continue;
            }
            bool dup = strcmp(mc, gc) == 0;
            for (size_t k = 0; k < n_seen && !dup; k++)
                dup = strcmp(seen[k], mc) == 0;
            if (dup) {
                s_err(j, mp, "duplicate_metric", "mã chỉ số bị trùng trong bản ghi",
                      "the metric code appears twice in the record");
                continue;
            }
            if (n_seen < 64)
                seen[n_seen++] = mc;
            s_metric(j, m, mp, mc, gc, false);
        }
    }
}

static int s_record(void *arg, long index, const char *text, size_t len, cs_err *e)
{
    (void)e;
    s_json *j = arg;
    char path[64];
    snprintf(path, sizeof path, "$.records[%ld]", index);
    json_error_t jerr;
    json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(o)) {
        s_err(j, path, "invalid_feed", "bản ghi phải là một đối tượng JSON hợp lệ",
              "a record must be a valid JSON object");
        json_decref(o);
        return 0;
    }
    const char *code = json_string_value(json_object_get(o, "agencyCode"));
    const char *period = json_string_value(json_object_get(o, "period"));
    long long agency = code ? pc_agencies_find(&j->agencies, code) : 0;
    const json_t *groups = json_object_get(o, "groups");
    char p[96];
    if (!code || !agency) {
        snprintf(p, sizeof p, "%s.agencyCode", path);
        s_err(j, p, "unknown_agency", "mã cơ quan không có trong tỉnh (và chưa được ánh xạ)",
              "unknown agency code in the province (and no mapping)");
    } else if (!period || !pc_period_year(period)) {
        snprintf(p, sizeof p, "%s.period", path);
        s_err(j, p, "invalid_period", "kỳ phải là YYYY, YYYY-Qn hoặc YYYY-MM",
              "the period must be YYYY, YYYY-Qn or YYYY-MM");
    } else if (groups && !json_is_array(groups) && !json_is_null(groups)) {
        snprintf(p, sizeof p, "%s.groups", path);
        s_err(j, p, "invalid_feed", "groups phải là một mảng", "groups must be an array");
    } else {
        bool added;
        pc_records_add(&j->records, agency, period, code, index, &added);
        if (!added)
            s_err(j, path, "duplicate_record", "cơ quan và kỳ này đã có trong lô",
                  "this agency and period appear twice in the batch");
        else {
            for (int k = 0; k < A_N; k++)
                pc_array_reset(&j->col[k]);
            s_groups_of(j, groups, path);
            if (!j->errors.count)
                s_record_row(j, path, agency, period);
        }
    }
    json_decref(o);
    return 0;
}

int portal_ingest_index(PGconn *db, const portal_meta *m, const portal_src *src,
                        long long batch_id, portal_outcome *out, cs_err *e)
{
    s_json j;
    memset(&j, 0, sizeof j);
    j.m = m;
    j.batch_id = batch_id;
    if (pc_agencies_load(&j.agencies, db, e) < 0)
        return -1;
    int rc = -1;
    if (pc_copy_begin(&j.copy, db, "metric_sets",
                      "province_id, batch_id, agency_id, period, codes, group_codes, is_group,"
                      " is_null, names, numerators, denominators, ratios, scores, max_scores",
                      e) < 0)
        goto out;
    if (s_walk(src, NULL, s_record, &j, e) < 0) {
        pc_copy_end(&j.copy, false, e);
        goto out;
    }
    if (j.errors.count) {
        pc_copy_end(&j.copy, false, e);
        rc = pc_errors_result(&j.errors, e);
        goto out;
    }
    if (pc_copy_end(&j.copy, true, e) < 0)
        goto out;
    out->lines = j.lines;
    rc = portal_batch_records(db, m, batch_id, &j.records, out, e);
out:
    for (int k = 0; k < A_N; k++)
        pc_array_free(&j.col[k]);
    pc_records_free(&j.records);
    pc_agencies_free(&j.agencies);
    return rc;
}
