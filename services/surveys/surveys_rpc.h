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

int surveys_import_points(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int surveys_import_csv(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int surveys_list_points(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);

/* A JSON string literal (quotes included) of s, from the call's arena. */
const char *surveys_json_str(cs_call *c, const char *s);

#endif
