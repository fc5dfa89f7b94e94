/*  portal_json: streaming scan of a JSON document's structure (see portal_json.c). */
#ifndef PORTAL_JSON_H
#define PORTAL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include "portal_ingest.h"

typedef struct {
    const portal_src *src;
    char *buf;
    size_t len, pos;
    bool eof;
    long long offset;           /* bytes consumed */
    char *val;                  /* the last value's text */
    size_t val_len, val_cap;
} pj_reader;

void pj_open(pj_reader *r, const portal_src *src);
void pj_close(pj_reader *r);
/* Skip white space; the next byte (-1 at the end). */
int pj_ws(pj_reader *r);
/* Consume `want` after white space. 0 / -1. */
int pj_expect(pj_reader *r, char want);
/* The next value's text into r->val. 0 / -1. */
int pj_value(pj_reader *r);

#endif
