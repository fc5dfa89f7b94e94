/*  rank_snapshot: see rank_snapshot.h. */
#include "rank_snapshot.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include "cs_jcs.h"
#include "cs_points.h"

static json_t *s_two(int64_t v)
{
    char buf[32];
    return json_string(cs_points_format(v, buf));
}

json_t *rank_snapshot_agency(const rank_data *d, const rank_result *r)
{
    const rank_data_agency *da = &d->agencies[r->input];
    json_t *contents = json_object();
    for (int k = 0; k < RANK_CONTENTS; k++) {
        char key[4];
        snprintf(key, sizeof key, "%d", k + 1);
        json_object_set_new(contents, key, s_two(r->contents[k]));
    }
    /* late_pct as in the expected format: two decimals, "n/a" (nothing resolved) or null
     * (no dossier data) */
    json_t *late = r->late_state == RANK_LATE_KNOWN ? s_two(r->late_pct)
                   : r->late_state == RANK_LATE_NA  ? json_string("n/a")
                                                    : json_null();
    return json_pack("{s:s, s:s, s:i, s:b, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:o, s:s}",
                     "code", da->code, "name", da->name ? da->name : "", "rank", r->rank,
                     "tie_pending", r->tie_pending, "total", s_two(r->total),
                     "max", s_two(r->max), "quality_pct", s_two(r->quality_pct),
                     "cchc_pct", s_two(r->cchc_pct), "contents", contents,
                     "band", r->band, "cchc_band", r->cchc_band, "late_pct", late,
                     "head_rating", r->head_rating);
}

json_t *rank_snapshot_groups(const rank_data *d, const rank_outcome *o)
{
    json_t *groups = json_object();
    for (size_t g = 0; g < o->n_groups; g++) {
        const rank_group *rg = &o->groups[g];
        json_t *list = json_array();
        for (size_t i = 0; i < rg->n; i++)
            json_array_append_new(list, rank_snapshot_agency(d, &rg->agencies[i]));
        json_object_set_new(groups, rg->group,
                            json_pack("{s:i, s:i, s:b, s:o}", "good_or_better", rg->good_or_better,
                                      "excellent_quota", rg->excellent_quota,
                                      "publication_blocked_by_tie",
                                      rg->publication_blocked_by_tie, "agencies", list));
    }
    return groups;
}

void rank_snapshot_sha256(const void *bytes, size_t len, char hex[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, bytes, len);
    sodium_bin2hex(hex, 65, h, sizeof h);
}

char *rank_snapshot_document(const char *province_code, int year, int version,
                             const rank_data *d, const rank_outcome *o, size_t *len,
                             char sha_hex[65])
{
    json_t *doc = json_pack("{s:s, s:i, s:i, s:o}", "province", province_code, "year", year,
                            "version", version, "groups", rank_snapshot_groups(d, o));
    char *bytes = doc ? cs_jcs_dump(doc, len) : NULL;
    json_decref(doc);
    if (bytes)
        rank_snapshot_sha256(bytes, *len, sha_hex);
    return bytes;
}
