/*  response_import: survey responses collected elsewhere (paper forms, an outside survey
 *  firm), one response per CSV line, parsed as a whole before anything is written (SPEC §6):
 *
 *      agency_code,q1,q2,...,qN        header required; N = the questionnaire's questions
 *      A01,5,4,...,3                   each answer a Likert value 1..5
 *
 *  ';' works as the separator when the header uses it. Errors name the line ("line 4");
 *  the first one is reported, its detail counts the others. */
#ifndef RESPONSE_IMPORT_H
#define RESPONSE_IMPORT_H

#include <stddef.h>
#include "cs_err.h"

typedef struct response_import response_import;

typedef struct {
    int line;               /* line of the file, header = 1 */
    char *agency_code;
    int *values;            /* n_questions answers, 1..5, in question order */
} response_row;

/* n_questions: 1..200. */
response_import *response_import_new(int n_questions);
void response_import_destroy(response_import **self_p);

/* 0, or -1 with e set (400: csv_header, csv_invalid, survey_missing_field,
 * survey_answers_invalid, survey_empty). */
int response_import_parse_csv(response_import *self, const char *text, size_t len, cs_err *e);

size_t response_import_count(const response_import *self);
const response_row *response_import_row(const response_import *self, size_t i);

#endif
