/*  survey_import: one file of survey points (agency, content-3 leaf, points), parsed and
 *  validated as a whole before anything is written (SPEC §6).
 *
 *  Rows come from a CSV text (header `agency_code,leaf_code,points`, decimal comma
 *  accepted) or one by one from JSON items. survey_import_validate then checks every row
 *  against the reference data (agencies of the province, content-3 leaves of the index set
 *  the period uses for each group, N/A decisions). Every error names its line (CSV: the line
 *  of the file, header = 1; JSON: items[i]); the cs_err carries the first one and its
 *  detail lists the lines of the others. */
#ifndef SURVEY_IMPORT_H
#define SURVEY_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cs_err.h"

typedef struct survey_import survey_import;

typedef struct {
    int line;                   /* CSV line (header = 1), or JSON item index + 1 */
    char *agency_code;
    char *leaf_code;
    int64_t points;             /* hundredths */
    long long agency_id;        /* set by survey_import_validate */
    int64_t max_points;         /* set by survey_import_validate */
} survey_row;

typedef struct { const char *code; long long id; const char *group_code; } survey_ref_agency;
typedef struct { const char *group_code; const char *leaf_code; int64_t max_points; } survey_ref_leaf;
typedef struct { long long agency_id; const char *leaf_code; } survey_ref_na;

/* The reference data one import is checked against (borrowed). */
typedef struct {
    const survey_ref_agency *agencies; size_t n_agencies;
    const survey_ref_leaf *leaves;     size_t n_leaves;   /* content-3 leaves, per group */
    const survey_ref_na *na;           size_t n_na;       /* leaves N/A for an agency */
} survey_ref;

/* csv: rows are named "line N" (else "items[N-1]") in errors. */
survey_import *survey_import_new(bool csv);
void survey_import_destroy(survey_import **self_p);

/* Parse a whole CSV text into rows. 0, or -1 with e set (400). */
int survey_import_parse_csv(survey_import *self, const char *text, size_t len, cs_err *e);

/* Add one JSON item (index = position in items[]); has_points false when absent. */
int survey_import_add(survey_import *self, const char *agency_code, const char *leaf_code,
                      bool has_points, int64_t points, cs_err *e);

/* Check every row (known agency, content-3 leaf of its group's index set, not N/A,
 * 0 <= points <= max, no duplicate agency+leaf). Fills agency_id and max_points.
 * 0, or -1 with e set (400, or 409 survey_no_index_set). */
int survey_import_validate(survey_import *self, const survey_ref *ref, cs_err *e);

size_t survey_import_count(const survey_import *self);
const survey_row *survey_import_row(const survey_import *self, size_t i);

/* The canonical text of the rows ("agency_code,leaf_code,points\n" per row, points with two
 * decimals): what a JSON import's SHA-256 is taken over. Caller frees. */
char *survey_import_canonical(const survey_import *self);

/* Parse a points cell: "7", "7.5", "7,25" (decimal comma), at most two decimals, >= 0.
 * 0, or -1 with *why one of "empty", "na", "negative", "decimals", "number". */
int survey_points_cell(const char *s, int64_t *out, const char **why);

#endif
