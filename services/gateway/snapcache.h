/*  gw_snapcache: immutable public answers kept in the gateway's memory (issue 11, P4).
 *
 *  A published snapshot version never changes (SPEC §12), so once the ranking service has
 *  answered one, the gateway can answer every later request for the same URL itself: no
 *  broker hop, no service, no database. What may be kept is decided by the answer, not by a
 *  list of routes: a GW_PUBLIC | GW_RAW reply whose Cache-Control says `immutable` and that
 *  carries an ETag (see dispatch.c for the other conditions: GET, no query, no API key).
 *
 *  Entries are never changed or evicted — an immutable answer stays right — and the total
 *  size is bounded: once full, new answers are simply not kept (they are still served, by
 *  the service). Because an entry lives as long as the cache, its bytes can be handed to
 *  libmicrohttpd without copying. Thread-safe: writers take a lock; readers take none
 *  (an entry is complete before it is published, and never changes or goes away). */
#ifndef GW_SNAPCACHE_H
#define GW_SNAPCACHE_H

#include <stddef.h>
#include <stdint.h>
#include "routes.h"

typedef struct {
    const uint8_t *bytes;
    size_t len;
    const char *content_type;
    const char *file_name;          /* "" when none */
    const char *etag;               /* unquoted */
    const char *cache_control;
    const gw_route *route;          /* the route that answered it (log line, metrics) */
} gw_snap;

typedef struct gw_snapcache gw_snapcache;

/* max_bytes: the most the kept answers may take, bytes and strings together (0: keep
 * nothing). */
gw_snapcache *gw_snapcache_new(size_t max_bytes);
void gw_snapcache_destroy(gw_snapcache **self_p);

/* The answer kept for url, or NULL. The pointer stays valid until the cache is destroyed. */
const gw_snap *gw_snapcache_get(gw_snapcache *self, const char *url);

/* Keep a copy of the answer for url; 0 when kept (or already kept), -1 when it does not
 * fit in what is left. */
int gw_snapcache_put(gw_snapcache *self, const char *url, const gw_snap *snap);

/* Bytes kept and entries, for /metrics and tests. */
size_t gw_snapcache_bytes(gw_snapcache *self, size_t *entries);

#endif
