/*  cs_access: read rules of SPEC §1 shared by several services. */
#ifndef CS_ACCESS_H
#define CS_ACCESS_H

#include "cs_service.h"

/* True when the caller is a leader who oversees the agency in the period (assigned by the
 * province admin, leadership.assignments): a leader reads an agency's self-assessment,
 * evidence, appraisal, opinions and leaders' scores only then. 1 yes, 0 no, -1 database
 * error (cs_call_err set). */
int cs_leader_oversees(cs_call *c, long long period_id, long long agency_id);

/* SQL condition "the caller (user $n) is a leader overseeing agency_col in period_col":
 * for list queries that filter rows rather than refuse. */
#define CS_LEADER_OVERSEES_SQL(user_param, period_col, agency_col)                           \
    "EXISTS (SELECT 1 FROM leadership.assignments la WHERE la.leader_id = " user_param       \
    " AND la.period_id = " period_col " AND la.agency_id = " agency_col ")"

#endif
