/*  cs_json: JSON text for the audit trail and for SQL parameters, from the call's arena.
 *  The services build audit values with jansson; these turn them (and single strings) into
 *  the text core.audit stores, the same way everywhere, so that one entity's audit rows
 *  read alike whichever service wrote them. */
#ifndef CS_JSON_H
#define CS_JSON_H

#include "cs_service.h"

/* A jansson object (json_t *, reference stolen: it is freed here) as compact JSON text with
 * sorted keys and reals printed with 15 significant digits (hundredths stay exact), in the
 * arena. "{}" if it cannot be dumped. */
const char *cs_json_dump(cs_call *c, void *json_object_stolen);

/* A JSON string literal of s, quotes included ("\"a\\\"b\""), in the arena: '"' and '\\'
 * escaped, control characters as \u00XX, everything else (UTF-8 too) as is. NULL ->
 * "null". */
const char *cs_json_quote(cs_call *c, const char *s);

#endif
