/*  cs_csv: the one CSV reader of every import (agencies, self-assessment, survey points and
 *  responses, portal dossier counts).
 *
 *  RFC 4180 plus what spreadsheets produce: a UTF-8 BOM, comma or semicolon separators
 *  (decided on the first line: whichever of ',' and ';' comes first outside quotes — a
 *  decimal-comma locale saves "1.1;17,5;ghi chú"), quoted fields with doubled quotes and
 *  embedded newlines (spaces may follow the closing quote), CRLF or LF, blank lines skipped. Reads from a
 *  string or streams from a callback (a file of any size, one record held at a time).
 *  Every error is 400 with one of the CS_CSV_* codes and names the line it starts on
 *  (field "line N"), and numbers accept a decimal comma ("95,5").
 *
 *    cs_csv *csv = cs_csv_new_text(text, len);
 *    while ((rc = cs_csv_next(csv, e)) == 1)
 *        use cs_csv_nfields(csv), cs_csv_field(csv, i), cs_csv_line(csv);
 *    cs_csv_destroy(&csv);                     rc 0: the end, -1: e set */
#ifndef CS_CSV_H
#define CS_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "cs_err.h"

/* Error codes (e->code) of the CSV readers and the imports built on them. */
#define CS_CSV_INVALID      "csv_invalid"       /* unterminated quote, text after a quote,
                                                   another number of columns, a NUL byte */
#define CS_CSV_EMPTY        "csv_empty"         /* no header line, or no data row */
#define CS_CSV_HEADER       "csv_header"        /* the header is not the expected one */
#define CS_CSV_BAD_NUMBER   "csv_bad_number"    /* not a number of the expected kind */
#define CS_CSV_BAD_VALUE    "csv_bad_value"     /* a value the import does not accept */
#define CS_CSV_TOO_LARGE    "csv_too_large"     /* a field or record past the limit */

typedef struct cs_csv cs_csv;

/* Streaming source: up to n bytes into buf; returns the count, 0 at the end, -1 on error. */
typedef ssize_t (*cs_csv_read_fn)(void *arg, char *buf, size_t n);

cs_csv *cs_csv_new_text(const char *text, size_t len);      /* text must outlive the reader */
cs_csv *cs_csv_new_reader(cs_csv_read_fn fn, void *arg);
void cs_csv_destroy(cs_csv **self_p);

/* The next record: 1, 0 at the end, -1 with e set (400 with the line in field "line N"). */
int cs_csv_next(cs_csv *self, cs_err *e);
size_t cs_csv_nfields(const cs_csv *self);
const char *cs_csv_field(const cs_csv *self, size_t i);     /* "" past the end; trimmed of nothing */
long cs_csv_line(const cs_csv *self);                        /* 1-based line the record starts on */
char cs_csv_separator(const cs_csv *self);                   /* ',' or ';' (after the first next) */
/* Cut spaces and tabs around every field of the current record (in place). */
void cs_csv_trim(cs_csv *self);

/* Set e to a 400 error about the current record: code, "line N" as the field, messages
 * prefixed "Dòng N: " / "Line N: ". Returns -1. */
int cs_csv_error(const cs_csv *self, cs_err *e, const char *code, const char *vi,
                 const char *en);

/* Column index of name in the header record (case-insensitive, spaces trimmed), or -1. */
long cs_csv_column(const cs_csv *self, const char *name);

/* Numbers of a field (spaces around allowed): a non-negative integer; a decimal with a dot
 * or a comma as the decimal mark, at most max_decimals decimals, as an integer scaled by
 * 10^max_decimals (max_decimals 0..9; "95,5" with 2 -> 9550). 0 / -1. */
int cs_csv_uint(const char *s, int64_t *out);
int cs_csv_decimal(const char *s, int max_decimals, int64_t *out);

#endif
