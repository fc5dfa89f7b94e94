/*  sub_access: who may act on an agency's self-assessment, and the reference data every
 *  handler needs (N/A decisions, the submission state; the agency's group and a leaf of the
 *  period's index set come from cs_leaf). All inside the call's transaction, under the tenant's row-level
 *  security, so another province's agency or period is simply not found. */
#ifndef SUB_ACCESS_H
#define SUB_ACCESS_H

#include <stdbool.h>
#include "cs_json.h"
#include "cs_leaf.h"
#include "cs_service.h"
#include "cs_text.h"
#include "sub_rules.h"
#include "submissions.pb-c.h"

/* 1 when an N/A decision says the leaf is not applicable to the agency, 0 when not, -1 on
 * a database error. */
int sub_leaf_is_na(cs_call *c, long long period_id, long long agency_id, const char *code);

/* The caller edits the agency's self-assessment: agency_editor or agency_head (head_only:
 * agency_head) of that very agency. 0 / -1 with 403 forbidden. */
int sub_require_actor(cs_call *c, long long agency_id, bool head_only);

/* The caller edits the agency's self-assessment (sub_require_actor, any editor) and
 * leaf_code is a leaf of the index set the period uses for the agency's group (404
 * not_found for an unknown agency, 400 unknown_leaf). 0 / -1. */
int sub_require_actor_leaf(cs_call *c, long long period_id, long long agency_id,
                           const char *leaf_code);

/* 1 when the leaf's round-1 appraisal score is lower than the agency's self score (the
 * leaf may then be explained and get supplementary evidence), 0 when not, -1 on a
 * database error. */
int sub_leaf_lowered(cs_call *c, long long period_id, long long agency_id,
                     const char *leaf_code);

/* The caller may see the agency's assessment (its own users, province_admin, viewer,
 * leader, appraisers with a scope for the agency's group, and for leaf_code != NULL a
 * scope covering that leaf). 1 yes, 0 no, -1 database error. */
int sub_can_view(cs_call *c, long long period_id, long long agency_id, const char *group,
                 const char *leaf_code);

/* The submission state ("draft" when there is no row); lock: take the row lock (writes)
 * so that submit/withdraw/edits serialise. *submitted_at 0 when not submitted. 0 / -1. */
int sub_state_get(cs_call *c, long long period_id, long long agency_id, bool lock,
                  const char **state, long long *submitted_at);

/* 0 when the self-assessment may still be edited (draft), else 409 already_submitted. */
int sub_require_draft(cs_call *c, long long period_id, long long agency_id);

/* Audit JSON for a self score: {"period_id","agency_id","leaf_code","score","note"} with
 * score a number with two decimals or null. Arena text. */
const char *sub_score_json(cs_call *c, long long period_id, long long agency_id,
                           const char *leaf_code, bool has_score, long long score,
                           const char *note);

/* The columns of submissions.evidence that sub_evidence_row reads, in its order. */
#define SUB_EVIDENCE_COLS                                                                   \
    "id, leaf_code, kind, file_name, file_type, file_size, file_sha256, doc_number,"        \
    " issued_on::text, issuer, title, supplementary, extract(epoch FROM created_at)::bigint"

/* Row i of a result selecting SUB_EVIDENCE_COLS, as a message from the arena. */
Chiso__Submissions__Evidence *sub_evidence_row(cs_call *c, PGresult *r, int i);

#endif
