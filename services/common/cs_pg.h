/*  cs_pg: reading values out of a libpq result (text format), the same way everywhere. */
#ifndef CS_PG_H
#define CS_PG_H

#include <libpq-fe.h>

/* The integer in row, col; 0 when it is NULL. */
long long cs_pg_ll(const PGresult *r, int row, int col);

#endif
