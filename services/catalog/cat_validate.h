/*  cat_validate: checks on catalog input that need no database (unit-tested).
 *
 *  Index sets: unique codes, contents 1–6, parents exist (no cycles, same content), leaf
 *  max > 0, step > 0 and max a multiple of step, leaf maxima adding up to the content's
 *  maximum for contents 1–4; content 5 (bonus) leaves may add up to more than its cap;
 *  content 6 holds deductions and has no maximum. Absent contents take SPEC §3 defaults. */
#ifndef CAT_VALIDATE_H
#define CAT_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include "catalog.pb-c.h"
#include "cs_err.h"

#define CAT_DEFAULT_STEP 25   /* 0.25 point */

typedef struct {
    const char *title;        /* points into the input or the defaults */
    long long max_points;     /* hundredths; -1: no maximum (content 6) */
} cat_content;

/* Default title and maximum of content k (1..6). */
const char *cat_content_title_default(int k);
long long cat_content_max_default(int k);

/* Validate an index set; fill out[0..5] (contents 1..6, defaults where absent). 0 / -1. */
int cat_index_validate(const Chiso__IndexSet *s, cat_content out[6], cs_err *e);
/* True when node i has no child in s. */
bool cat_index_is_leaf(const Chiso__IndexSet *s, size_t i);

/* The phase names of DESIGN.md §7 and the roles of SPEC §1. */
bool cat_role_valid(const char *role);

/* A login: 3–64 characters of [A-Za-z0-9._@-]. */
bool cat_login_valid(const char *login);
/* A calendar date YYYY-MM-DD (real day). */
bool cat_date_valid(const char *s);

/* CSV (RFC 4180: quotes, doubled quotes, CRLF, a UTF-8 BOM) split into rows of fields. */
typedef struct {
    int line;                 /* 1-based line where the row starts */
    size_t n;
    char **f;
} cat_csv_row;
typedef struct {
    size_t n;
    cat_csv_row *rows;
} cat_csv;
/* NULL and e set (400 csv_invalid naming the line) on an unterminated quote. */
cat_csv *cat_csv_parse(const char *text, cs_err *e);
void cat_csv_destroy(cat_csv **self_p);

#endif
