/*  rank_data: everything a period's ranking needs, as read from the shared tables.
 *
 *  The service reads it with ONE SQL statement that returns a JSON document (one statement
 *  is one snapshot, even at READ COMMITTED), and this module turns that document into the
 *  inputs of rank.c plus the per-leaf detail a scorecard shows. Kept apart from the SQL so
 *  the parsing and the period configuration are testable without a database.
 *
 *  Document shape (points are integers in hundredths, absent values are null):
 *    {"period": {"id", "year", "config": {...}},
 *     "tiebreaks": [{"id", "group", "ids": [...]}],    every recorded order, oldest first
 *     "agencies": [{"id", "code", "name", "group", "disciplined", "content_max": {"1": 4500},
 *                   "leaves": [{"code", "content", "title", "max", "na", "na_reason",
 *                               "self", "note", "r1", "r1c", "r2", "r2c", "survey",
 *                               "leaders": [...], "auto": {"metric", "formula",
 *                               "bands": [{"min_pct", "points"}]}, "required_min"}],
 *                   "portal": {"batch", "metrics": {"<code>": {"null", "num", "den",
 *                              "score", "max_score"}}},                 (current 766 record)
 *                   "dossiers": {"batch", "on_time", "late"}}]}       (null: no counts)
 *  rank_sums.c's document has the same shape; its agencies list only the automatic and the
 *  required leaves, and add, per content ({"1": ..., absent: 0}), "presum" (the effective
 *  values of the other applicable leaves), "group_max" (the max_points of all those leaves
 *  of the group) and "na_max" (those of them N/A for the agency); the document's "version" is the
 *  period's input version in the same snapshot (rank_cache.h). */
#ifndef RANK_DATA_H
#define RANK_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cs_err.h"
#include "rank.h"

/* What stands behind an automatic leaf's value, for the scorecard (SPEC §12). */
typedef struct {
    char *metric;
    rank_auto_rule rule;
    rank_metric m;
    char *score, *max_score;    /* the feed's decimals as text, NULL when null/absent */
    long long batch_id;         /* 0: no portal data */
    char *periods;              /* the feed periods behind it: "2025", or the months or
                                 * quarters summed into the year ("2025-01,2025-02") */
} rank_auto_info;

typedef struct {
    char *code, *title, *na_reason, *note, *r1_comment, *r2_comment;
    rank_leaf_raw raw;          /* leader_scores points into leaders */
    int64_t *leaders;
    rank_auto_info *auto_info;  /* automatic leaves only, else NULL */
} rank_leaf_info;

typedef struct {
    long long id;
    char *code, *name, *group;
    bool disciplined;
    int64_t content_max[RANK_CONTENTS];
    rank_leaf_info *info;       /* n_leaves */
    rank_leaf *leaves;          /* effective values, n_leaves */
    size_t n_leaves;
    rank_dossiers dossiers;
    long long dossier_batch_id; /* 0: no dossier data */
    /* rank_sums.c's document: the leaves summed by the database (rank_agency.presum);
     * `leaves` then holds only the automatic and the required ones. */
    bool has_presum;
    int64_t presum[RANK_CONTENTS], presum_max[RANK_CONTENTS];
} rank_data_agency;

typedef struct {
    long long period_id;
    int year;
    long long input_version;    /* "version": ranking.input_version as read, or -1 */
    rank_config cfg;
    rank_data_agency *agencies;
    size_t n_agencies;
    rank_agency *inputs;        /* rank.c's view of agencies, same order */
    rank_tiebreak *tiebreaks;
    long long *tiebreak_ids;    /* leadership.tiebreaks.id of each, same order */
    size_t n_tiebreaks;
} rank_data;

/* Parse the document. 404 not_found when "period" is null; 400/500 on a malformed one. */
int rank_data_from_json(const char *json, rank_data **out, cs_err *e);
void rank_data_destroy(rank_data **self_p);

/* The period's configuration over the defaults of seed 002. Reads config["ranking"]:
 *   {"bands": [{"code", "min_pct", "not_disciplined", "quota", "good_or_better"}, ...],
 *    "cchc_bands": [{"code", "min_pct"}, ...],
 *    "head_bands": [{"code", "min_pct", "late_below_pct", "required"}, ...],
 *    "quota_percent": 20, "quota_base": "good_or_better" | "group",
 *    "content_max": {"1": 45, ...}}
 * Percentages and points may have two decimals. Absent keys keep the defaults. 0 / -1 (400
 * invalid_config naming the key). config may be NULL. */
struct json_t;
int rank_data_config(const struct json_t *config, rank_config *cfg, cs_err *e);

/* Index of the agency with this id, or -1. */
long rank_data_find(const rank_data *d, long long agency_id);

#endif
