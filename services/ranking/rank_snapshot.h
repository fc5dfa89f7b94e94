/*  rank_snapshot: the published document of a period's results (SPEC §12).
 *
 *  {"province": code, "year": int, "version": int, "groups": {...}} where each group is in
 *  exactly the format of the worked examples' *.expected.json (G, quota, blocked flag and
 *  the agencies in ranking order with two-decimal strings for every points value and
 *  percentage), plus each agency's "name". Serialised canonically (RFC 8785, cs_jcs) and
 *  hashed with SHA-256: those bytes are what the public reads and verifies. Pure: no
 *  database. */
#ifndef RANK_SNAPSHOT_H
#define RANK_SNAPSHOT_H

#include <jansson.h>
#include <stddef.h>
#include "rank.h"
#include "rank_data.h"

/* One agency's object of a group, as published (new reference): also what the working
 * results are compared with to tell whether they still match a published version. */
json_t *rank_snapshot_agency(const rank_data *d, const rank_result *r);

/* The "groups" object of the results (new reference). */
json_t *rank_snapshot_groups(const rank_data *d, const rank_outcome *o);

/* The whole document, canonical bytes (malloc'd, NUL-terminated, *len without the NUL) and
 * the lower-case hex SHA-256 of those bytes into sha_hex (65 bytes). NULL if the document
 * cannot be made canonical (a string that is not UTF-8). */
char *rank_snapshot_document(const char *province_code, int year, int version,
                             const rank_data *d, const rank_outcome *o, size_t *len,
                             char sha_hex[65]);

/* Lower-case hex SHA-256 of bytes into hex (65 bytes). */
void rank_snapshot_sha256(const void *bytes, size_t len, char hex[65]);

#endif
