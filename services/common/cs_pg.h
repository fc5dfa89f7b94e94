/*  cs_pg: reading values out of a libpq result (text format), the same way everywhere. */
#ifndef CS_PG_H
#define CS_PG_H

#include <libpq-fe.h>
#include <stdbool.h>

/* The integer in row, col; 0 when it is NULL. */
long long cs_pg_ll(const PGresult *r, int row, int col);

/* The boolean in row, col ('t'); false when it is NULL. */
bool cs_pg_bool(const PGresult *r, int row, int col);

#endif
