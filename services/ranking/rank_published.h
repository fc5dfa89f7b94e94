/*  rank_published: the latest published version of a period beside the working results
 *  (SPEC §12). After publication the official values of an agency are the frozen
 *  snapshot's; the scorecard and the results say which version (and its SHA-256) they
 *  come from, link every earlier version, and mark working values that have moved since
 *  (an upheld appeal or a correction not yet published). */
#ifndef RANK_PUBLISHED_H
#define RANK_PUBLISHED_H

#include <jansson.h>
#include "cs_service.h"
#include "rank.h"
#include "rank_data.h"
#include "ranking.pb-c.h"

typedef struct {
    Chiso__Ranking__PublishedView *view;   /* in the call's arena; NULL: nothing published */
    json_t *groups;                        /* the latest version's "groups" (owned) */
} rank_published;

/* Read the period's versions (row-level security: the caller's province). 0 / -1. */
int rank_published_load(cs_call *c, long long period_id, rank_published *p);

void rank_published_free(rank_published *p);

/* An agency's object in the latest version (borrowed), found by group and code; NULL. */
json_t *rank_published_agency(const rank_published *p, const char *group, const char *code);

/* An agency's published object as a message (arena); agency_id given by the caller (the
 * snapshot names agencies by code). */
Chiso__Ranking__AgencyResult *rank_published_msg(cs_call *c, json_t *agency,
                                                 long long agency_id);

/* Whether the working result r differs from its published object (NULL: not published):
 * every published field compared, the agency's name aside. */
bool rank_published_differs(const rank_data *d, const rank_result *r, json_t *published);

#endif
