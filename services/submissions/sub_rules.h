/*  sub_rules: the pure rules of the self-assessment, kept apart from the database so they
 *  can be tested alone (tests/unit/test_scores.c).
 *
 *  - which contents an agency scores itself (1, 2, 5, 6; 3 and 4 come from surveys and
 *    leaders), and the range and step of a value (SPEC §5);
 *  - the CSV of self scores exported from a spreadsheet: `leaf_code,score,note` lines, an
 *    optional header, quoted fields, CRLF, a UTF-8 BOM, and the decimal comma ("17,5"
 *    quoted, or the whole file separated by ';' as Vietnamese Excel writes it);
 *  - the checks on an uploaded file's name and digest. */
#ifndef SUB_RULES_H
#define SUB_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cs_err.h"
#include "cs_leaf.h"

/* A leaf of the index set the period uses for the agency's group. */
typedef cs_leaf sub_leaf;

/* True for the contents the agency scores itself. */
bool sub_content_self_scored(int content);

/* 0 when v (hundredths) is a valid value for the leaf: 0 <= v <= max (content 6:
 * -max <= v <= 0) and a multiple of the step; else -1 with 400 score_out_of_range or
 * score_not_multiple_of_step, field "score", messages naming the leaf. */
int sub_check_value(const sub_leaf *leaf, int64_t v, cs_err *e);

/* Parse a score as written in a spreadsheet: "17", "17.5", "17,5", " -1,25 ". 0 / -1. */
int sub_parse_score(const char *s, int64_t *out);

/* A parsed CSV of self scores. */
typedef struct {
    int line;               /* 1-based line in the file */
    char *leaf_code;
    bool has_score;         /* false: the score cell was empty (clear the entry) */
    int64_t score;
    char *note;             /* "" when absent */
} sub_csv_row;

typedef struct sub_csv sub_csv;

/* NULL with e set (400 invalid_csv / score_invalid, naming the line) when the text is
 * not a valid file of self scores. An empty file is an error too. */
sub_csv *sub_csv_parse(const char *text, cs_err *e);
void sub_csv_destroy(sub_csv **self_p);
size_t sub_csv_count(const sub_csv *self);
const sub_csv_row *sub_csv_row_at(const sub_csv *self, size_t i);

/* 0 when s is a valid calendar date YYYY-MM-DD, else -1 with 400 invalid_date. */
int sub_check_date(const char *s, const char *field, cs_err *e);

#endif
