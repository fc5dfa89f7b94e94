#include "cs_access.h"

int cs_leader_oversees(cs_call *c, long long period_id, long long agency_id)
{
    if (!cs_call_has_role(c, "leader") || cs_call_province(c) == 0)
        return 0;
    const char *p[] = {cs_call_int(c, cs_call_user(c)), cs_call_int(c, period_id),
                       cs_call_int(c, agency_id)};
    PGresult *r = cs_call_exec(c,
        "SELECT 1 FROM leadership.assignments"
        " WHERE leader_id = $1 AND period_id = $2 AND agency_id = $3", 3, p);
    if (!r)
        return -1;
    return PQntuples(r) > 0;
}
