/*  cat_util: helpers shared by the catalog handlers (roles, parameters, results). */
#ifndef CAT_UTIL_H
#define CAT_UTIL_H

#include <stdbool.h>
#include "catalog.pb-c.h"
#include "cs_pg.h"
#include "cs_service.h"

/* Set an optional scalar of a protobuf-c message together with its has_ flag. */
#define CAT_SET(m, f, v) do { (m)->has_##f = 1; (m)->f = (v); } while (0)
#define CAT_NEW(c, type, desc) ((type *)cs_call_msg((c), &(desc)))
/* Fill the repeated message field f of m (n_f, f) with one element per row of the result r,
 * each built by row(c, r, i) from the arena. */
#define CAT_ROWS(c, m, f, r, row)                                                          \
    do {                                                                                   \
        (m)->n_##f = (size_t)PQntuples(r);                                                 \
        (m)->f = (void *)cs_call_array((c), (m)->n_##f);                                   \
        for (size_t i_ = 0; i_ < (m)->n_##f; i_++)                                         \
            (m)->f[i_] = row((c), (r), (int)i_);                                           \
    } while (0)

bool cat_is_sysadmin(const cs_call *c);
bool cat_is_padmin(const cs_call *c);
/* province_admin or viewer: reads everything in the province. */
bool cat_reads_all(const cs_call *c);

/* -1 with 403 unless the caller acts inside a province (every tenant object). */
int cat_need_province(cs_call *c);
/* -1 with 403 unless the caller is a province_admin of a province. */
int cat_need_padmin(cs_call *c);

/* Value of a column, NULL when SQL NULL (from the arena). Integers and booleans: cs_pg. */
const char *cat_val(cs_call *c, PGresult *r, int row, int col);
/* A required non-blank string field: -1 with 400 naming it otherwise. */
int cat_need_str(cs_call *c, const char *s, const char *field);
/* Text of a bool parameter. */
const char *cat_pbool(bool v);
/* JSON text of a flat object from pairs of key, value strings (value NULL = null),
 * terminated by a NULL key; from the arena. */
const char *cat_json(cs_call *c, ...);

#endif
