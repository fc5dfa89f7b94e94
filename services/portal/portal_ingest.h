/*  portal_ingest: one feed batch into the portal schema (SPEC §8, §12), shared by the
 *  service (a body pushed over HTTP) and `chiso-admin portal-load FILE` (a file of any size).
 *
 *  Works on a libpq connection inside a transaction whose tenant is already the batch's
 *  province. Streams: the source is read in chunks, rows go to the database with COPY as
 *  they are checked, and the raw bytes follow in 1 MiB chunks; only one JSON record or CSV
 *  row is held at a time. All or nothing: every bad row is reported (its CSV line or JSON
 *  path, the first few in the error's detail) and the caller rolls the transaction back.
 *
 *  Formats: services/portal/README.md. */
#ifndef PORTAL_INGEST_H
#define PORTAL_INGEST_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "cs_err.h"

#define PORTAL_KIND_INDEX   "index766"
#define PORTAL_KIND_DOSSIERS "dossiers"

/* A source that can be read from the start again (the province is looked up first, the
 * rows and the raw bytes are read after). */
typedef struct {
    ssize_t (*read)(void *arg, char *buf, size_t n);   /* count, 0 at the end, -1 */
    int (*rewind)(void *arg);                          /* 0 / -1 */
    void *arg;
} portal_src;

/* A source over an open file (read in chunks: the file is never held whole). */
void portal_src_file(portal_src *src, FILE *f);

/* A source over bytes in memory. */
typedef struct {
    const char *data;
    size_t len, pos;
} portal_mem;
void portal_src_mem(portal_src *src, portal_mem *m, const char *data, size_t len);

typedef struct {
    long long province_id;
    const char *province_code;
    const char *kind;               /* PORTAL_KIND_* */
    const char *content_type;
    const char *file_name;          /* may be NULL */
    const char *loaded_by;          /* "api-key:<name>", "chiso-admin" */
    long long api_key_id;           /* 0: none */
    const char *sha256_hex;         /* of the raw bytes, 64 lower-case hex digits */
    int64_t size;
} portal_meta;

typedef struct {
    long long batch_id;
    bool already_received;          /* the same bytes came before: batch_id is the first's */
    int records;
    int64_t lines;
} portal_outcome;

/* The kind of a body from its media type: application/json -> index766, text/csv ->
 * dossiers; NULL otherwise. */
const char *portal_kind_of(const char *content_type);

/* The province code a batch names: the JSON's top-level "province", or the CSV's
 * "province" column on its first data row (*code = "" when the CSV has no such column).
 * Reads from the start of src. 0 / -1 (400 with the line or path). */
int portal_batch_province(const portal_src *src, const char *kind, char code[64], cs_err *e);

/* SHA-256 of everything src gives, as hex, and its size; the bytes must be UTF-8 without
 * NUL (else 400 invalid_utf8 with the byte's offset). 0 / -1. */
int portal_src_sha256(const portal_src *src, char hex[65], int64_t *size, cs_err *e);

/* Store the batch (or find the earlier one with the same bytes). 0 / -1 with e set: 400
 * (bad rows; nothing stored once the caller rolls back) or 500. */
int portal_ingest(PGconn *db, const portal_meta *m, const portal_src *src, portal_outcome *out,
                  cs_err *e);

#endif
