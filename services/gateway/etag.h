/*  etag: entity tags of generated and published bytes (RFC 9110 §8.8.3, §13.1.2).
 *
 *  The gateway sends `ETag: "<hex>"` for a GW_RAW reply that names its tag (a published
 *  snapshot's SHA-256, an export's hash) and answers 304 when If-None-Match already holds it.
 *  Pure string work, unit-tested in tests/unit/test_etag.c. */
#ifndef GW_ETAG_H
#define GW_ETAG_H

#include <stdbool.h>
#include <stddef.h>

/* A tag the gateway may send: 1..128 characters of [0-9A-Za-z._-] (a hash, a version). */
bool gw_etag_valid(const char *tag);

/* Does the If-None-Match header value `inm` match the opaque tag `tag` (unquoted)? `*`
 * matches any; the list is comma-separated; weak tags (W/"…") compare weakly, as
 * If-None-Match requires. A malformed header matches nothing (the full answer is sent). */
bool gw_etag_none_match(const char *inm, const char *tag);

#endif
