/*  surveys_rpc: the handlers of the surveys service (proto/surveys.proto).
 *
 *  ImportPoints (JSON items) and ImportCsv (text/csv) share one path: role (surveyor,
 *  province_admin) -> phase `survey` open -> the whole file validated against the catalog
 *  (survey_import) -> one batch row (who, when, SHA-256, rows) -> each agency+leaf value
 *  inserted or replaced, audited with old and new. All in the call's transaction, so a
 *  refused file writes nothing. ListPoints reads the values (agency users: their own). */
#ifndef SURVEYS_RPC_H
#define SURVEYS_RPC_H

#include "cs_service.h"
#include "survey_import.h"

int surveys_import_points(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int surveys_import_csv(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int surveys_list_points(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);

/* --- shared with surveys_collect.c ---------------------------------------------------- */

/* surveyor or province_admin, in a province. */
bool surveys_is_writer(cs_call *c);

/* The catalog data an import is checked against: the province's active agencies, the
 * content-3 leaves of the index sets the period uses, the N/A decisions (borrowed from
 * results in the arena). 0 / -1. */
int surveys_load_ref(cs_call *c, long long period_id, survey_ref *ref);

/* Write a validated import: one batch (source, SHA-256 of raw), then each value inserted or
 * replaced and audited; *out is the chiso.surveys.ImportBatch. 0 / -1. */
int surveys_write_batch(cs_call *c, long long period_id, survey_import *si,
                        const char *source, const char *raw, size_t raw_len,
                        ProtobufCMessage **out);

/* Lower-case hex SHA-256 of data, from the arena. */
const char *surveys_sha256_hex(cs_call *c, const char *data, size_t len);

#endif
