/*  libFuzzer target: the CSV readers of the services: the survey results import
 *  (survey_import_parse_csv) and the catalog's agency CSV (cat_csv_parse). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cat_validate.h"
#include "survey_import.h"

static int s_one(const uint8_t *data, size_t size)
{
    if (size > 1 << 20)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    cs_err e;
    cs_err_clear(&e);
    survey_import *si = survey_import_new(true);
    if (survey_import_parse_csv(si, text, size, &e) == 0) {
        char *canon = survey_import_canonical(si);
        free(canon);
    } else if (e.status < 400 || e.status > 499) {
        abort();
    }
    survey_import_destroy(&si);
    cs_err_clear(&e);
    cat_csv *cc = cat_csv_parse(text, &e);
    if (!cc && (e.status < 400 || e.status > 499))
        abort();
    cat_csv_destroy(&cc);
    free(text);
    return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return s_one(data, size);
}
#endif
