/*  pbjson: generic JSON <-> protobuf over protobuf-c descriptors (docs/DESIGN.md §5).
 *
 *  No per-route conversion code: every rpc input is filled from JSON, path and query text
 *  through these functions, and every output is shown through pbjson_to_json.
 *
 *  Rules: field names as in the .proto; `sint64` fields are points in hundredths (JSON 17.5
 *  <-> 1750, at most two decimals, "17.50" accepted as well); other integers are JSON
 *  integers; bools; enums by value name; bytes as base64; strings valid UTF-8; null = absent.
 *  Errors (400): malformed_json, invalid_utf8, unknown_field, wrong_type, invalid_points,
 *  with the field at fault named ("items[2].score").
 *
 *  Messages made here (pbjson_new / pbjson_parse) use protobuf-c's default allocator, so
 *  pbjson_free (protobuf_c_message_free_unpacked) releases them and everything set in them. */
#ifndef GW_PBJSON_H
#define GW_PBJSON_H

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>
#include "cs_err.h"

/* Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF). When invalid
 * and bad_at is not NULL, *bad_at is the offset of the first bad byte. */
bool pbjson_utf8_valid(const char *s, size_t n, size_t *bad_at);

/* A fresh, initialised message of descriptor d (aborts on OOM). */
ProtobufCMessage *pbjson_new(const ProtobufCMessageDescriptor *d);
/* Free a message made or filled here; NULLs the caller's pointer; NULL is fine. */
void pbjson_free(ProtobufCMessage **m_p);

/* Parse a raw JSON body into a new message of descriptor d. An empty body (n == 0) gives an
 * empty message. The body is checked for UTF-8 before it is parsed. 0 / -1. */
int pbjson_parse(const ProtobufCMessageDescriptor *d, const char *body, size_t n,
                 ProtobufCMessage **out, cs_err *e);

/* Fill fields of m from a JSON object (must be an object). 0 / -1. */
int pbjson_fill(ProtobufCMessage *m, const json_t *obj, cs_err *e);

/* Set field `name` of m from text (a path or query parameter), typed by the descriptor;
 * a repeated field gets the value appended. Replaces a value already set. 0 / -1
 * (unknown_field, wrong_type, invalid_points, invalid_utf8 — the field named). */
int pbjson_set_text(ProtobufCMessage *m, const char *name, const char *text, cs_err *e);

/* The field `name` of d when it exists with the given type (any type when type < 0). */
const ProtobufCFieldDescriptor *pbjson_field(const ProtobufCMessageDescriptor *d,
                                             const char *name, int type);

/* The value of a singular string field, or NULL when absent or not a string field. */
const char *pbjson_get_string(const ProtobufCMessage *m, const char *name);

/* The value of a singular bytes field (data and length), or NULL when absent or not a bytes
 * field. Borrowed from m. */
const uint8_t *pbjson_get_bytes(const ProtobufCMessage *m, const char *name, size_t *len);

/* m as a JSON object (new reference). Absent optional fields are left out; repeated fields
 * are always arrays; points are numbers with at most two decimals. */
json_t *pbjson_to_json(const ProtobufCMessage *m);

/* Serialise JSON the way the gateway answers (compact, UTF-8 kept, points exact).
 * Caller frees. */
char *pbjson_dumps(const json_t *j);

/* OpenAPI 3.0 schema of message d: adds d and every message it uses to `schemas` (a JSON
 * object keyed by full name) and returns a new {"$ref": ...} to it. */
json_t *pbjson_schema_ref(const ProtobufCMessageDescriptor *d, json_t *schemas);
/* The OpenAPI schema of one field's single value (no array wrapping). New reference. */
json_t *pbjson_field_schema(const ProtobufCFieldDescriptor *f, json_t *schemas);

#endif
