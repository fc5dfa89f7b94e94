/*  cs_leaf: a leaf of the index set a period uses for an agency's group (SPEC §5), as the
 *  services that score it (submissions: the agency itself; appraisal: the council) read and
 *  check it. The lookups run in the call's transaction, under the tenant's row-level
 *  security, so another province's agency or period is simply not found. */
#ifndef CS_LEAF_H
#define CS_LEAF_H

#include <stdbool.h>
#include <stdint.h>
#include "cs_err.h"
#include "cs_service.h"

typedef struct {
    const char *code;
    int content;            /* 1..6 */
    int64_t max_points;     /* hundredths, > 0 */
    int64_t step;           /* hundredths, > 0 */
    bool automatic;         /* SPEC §12: its value comes from the portal feed, not the agency */
    const char *auto_metric;/* the 766 metric of an automatic leaf (arena), else NULL */
} cs_leaf;

/* 0 when v (hundredths) is in the leaf's range, 0 <= v <= max (content 6: -max <= v <= 0),
 * and a multiple of its step; else -1 with 400 score_out_of_range or
 * score_not_multiple_of_step, field "score", messages naming the leaf. Which contents may
 * be scored at all is the caller's rule. */
int cs_leaf_check_value(const cs_leaf *leaf, int64_t v, cs_err *e);

/* The agency's group code (arena), or -1 with 404 not_found. */
int cs_leaf_agency_group(cs_call *c, long long agency_id, const char **group);

/* The leaf `code` of the index set the period uses for the group: 0, or -1 with 400
 * unknown_leaf (on the given field). evidence_required may be NULL. */
int cs_leaf_get(cs_call *c, long long period_id, const char *group, const char *code,
                const char *field, cs_leaf *leaf, bool *evidence_required);

#endif
