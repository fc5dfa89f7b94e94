/*  apr_access: the checks every appraisal handler shares — the agency and its group, a leaf
 *  of the period's index set, the caller's scope in the council, conflict of interest — and
 *  the value rules of SPEC §5. All inside the call's transaction (tenant set). */
#ifndef APR_ACCESS_H
#define APR_ACCESS_H

#include <stdbool.h>
#include <stdint.h>
#include "cs_leaf.h"
#include "cs_service.h"

/* A leaf as the council scores it (lookups: cs_leaf_agency_group, cs_leaf_get). */
typedef cs_leaf apr_leaf;

/* 0 when v is valid for the leaf: 0 <= v <= max (content 6: -max <= v <= 0), a multiple of
 * the step; else 400 score_out_of_range / score_not_multiple_of_step. Contents 3 and 4 are
 * not appraised: 400 content_not_appraised. */
int apr_check_value(const apr_leaf *leaf, int64_t v, cs_err *e);

/* True when prefix covers leaf code: "" covers all, "2.4" covers "2.4" and "2.4.x". */
bool apr_prefix_covers(const char *prefix, const char *code);


/* The caller is an appraiser who may appraise this agency's leaf in this period: not a
 * member of the agency (403 conflict_of_interest, from catalog.users.agency_id) and with a
 * council scope covering the leaf for the agency's group (403 not_in_scope). leaf_code NULL:
 * any scope for the group. */
int apr_require_scope(cs_call *c, long long period_id, long long agency_id, const char *group,
                      const char *leaf_code);

/* 1 when the caller is a council member of the period with a scope for the group, 0 if
 * not, -1 on a database error. */
int apr_in_council(cs_call *c, long long period_id, const char *group);

#endif
