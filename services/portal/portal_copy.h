/*  portal_copy: the small pieces the ingest is built from — a COPY FROM STDIN stream with a
 *  line buffer, the collector of row errors, the agency-code table, the set of records
 *  (agency × period) of a batch. Private to services/portal. */
#ifndef PORTAL_COPY_H
#define PORTAL_COPY_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cs_err.h"

/* Room for more bytes and a NUL after len in a growing buffer (doubling from first). */
void pc_grow(char **buf, size_t *cap, size_t len, size_t more, size_t first);

/* --- COPY ---------------------------------------------------------------------------- */
/* PostgreSQL refuses COPY FROM into a table with row-level security, so the rows stream
 * into a temporary table of the same shape (dropped at commit) and go on to the real one
 * with one INSERT ... SELECT when the COPY ends: the tenant policy checks every row there. */
typedef struct {
    PGconn *db;
    char *buf;
    size_t len, cap;
    bool open;
    char table[64], columns[256];
} pc_copy;

/* COPY into portal.<table> (columns). 0 / -1. */
int pc_copy_begin(pc_copy *c, PGconn *db, const char *table, const char *columns, cs_err *e);
void pc_copy_text(pc_copy *c, const char *s);   /* escaped for COPY text; NULL -> \N */
void pc_copy_int(pc_copy *c, long long v);
void pc_copy_raw(pc_copy *c, const char *s);    /* as is */
void pc_copy_sep(pc_copy *c);                   /* tab */
int pc_copy_row_end(pc_copy *c, cs_err *e);     /* newline; flushes past 256 KiB */
/* End the COPY and move the rows into portal.<table>: ok = false aborts it. 0 / -1. */
int pc_copy_end(pc_copy *c, bool ok, cs_err *e);

/* --- array literals ------------------------------------------------------------------ */
/* One array column of a compact row (portal.metric_sets, portal.dossier_runs), built an
 * element at a time in PostgreSQL's text form ({"a","b"}, {1,NULL}) and written into the
 * COPY row whole. */
typedef struct {
    char *buf;                      /* the elements, comma-separated, NUL-terminated */
    size_t len, cap;
} pc_array;

void pc_array_text(pc_array *a, const char *s);     /* quoted; NULL -> NULL */
void pc_array_raw(pc_array *a, const char *s);      /* as is (numbers, t/f); NULL -> NULL */
void pc_array_int(pc_array *a, long long v);
void pc_array_reset(pc_array *a);
void pc_array_free(pc_array *a);
void pc_copy_array(pc_copy *c, const pc_array *a);  /* {elements}, escaped for COPY */

/* --- row errors ---------------------------------------------------------------------- */
#define PC_ERRORS_SHOWN 8
typedef struct {
    long count;
    cs_err first;
    char detail[512];
} pc_errors;

/* Record one bad row: where ("line 7", "$.records[3].groups[0].score"), code and messages. */
void pc_error(pc_errors *x, const char *where, const char *code, const char *vi, const char *en);
/* The 400 error of all of them into e. -1. */
int pc_errors_result(pc_errors *x, cs_err *e);

/* --- agencies ------------------------------------------------------------------------ */
typedef struct {
    char **codes;
    long long *ids;
    size_t n;
} pc_agencies;

/* The province's agency codes, the admin's portal mapping first (it wins). 0 / -1. */
int pc_agencies_load(pc_agencies *a, PGconn *db, cs_err *e);
long long pc_agencies_find(const pc_agencies *a, const char *code);     /* 0: unknown */
void pc_agencies_free(pc_agencies *a);

/* --- records of a batch: distinct (agency, period) ------------------------------------- */
typedef struct {
    long long agency_id;
    char period[8];
    char portal_code[64];
    long where;                     /* line or record index where it first appeared */
} pc_record;

typedef struct {
    pc_record *slots;               /* open addressing */
    size_t cap, n;
} pc_records;

/* Add; returns the existing entry when already there (then *added = false). */
pc_record *pc_records_add(pc_records *r, long long agency_id, const char *period,
                          const char *portal_code, long where, bool *added);
void pc_records_free(pc_records *r);

/* A period of the feed: "2025", "2025-Q1".."2025-Q4", "2025-01".."2025-12". Its year, or 0. */
int pc_period_year(const char *p);

#endif
