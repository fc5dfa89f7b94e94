/*  portal_batch: the parts of a batch common to both feeds — the batch row, its raw bytes,
 *  its records — and the per-kind loaders (private to services/portal). */
#ifndef PORTAL_BATCH_H
#define PORTAL_BATCH_H

#include <libpq-fe.h>
#include "cs_err.h"
#include "portal_copy.h"
#include "portal_ingest.h"

/* The 766 JSON (portal_ingest.c) and the dossier CSV (portal_dossiers.c) of a batch whose
 * id is already drawn; both fill out->records and out->lines. 0 / -1. */
int portal_ingest_index(PGconn *db, const portal_meta *m, const portal_src *src,
                        long long batch_id, portal_outcome *out, cs_err *e);
int portal_ingest_dossiers(PGconn *db, const portal_meta *m, const portal_src *src,
                           long long batch_id, portal_outcome *out, cs_err *e);
int portal_dossiers_province(const portal_src *src, char code[64], cs_err *e);

/* The batch's records (agency × period) with COPY. 0 / -1. */
int portal_batch_records(PGconn *db, const portal_meta *m, long long batch_id,
                         const pc_records *records, portal_outcome *out, cs_err *e);

#endif
