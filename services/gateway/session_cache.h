/*  gw_sessions: sessions the gateway resolved, kept for a short time so a request does not
 *  cost a catalog round trip (broker, catalog, four statements) before its own.
 *
 *  Keyed by the SHA-256 of the token (the token itself is never kept), bounded (a fixed
 *  table of sets of GW_SESSIONS_WAYS entries; a full set forgets its oldest entry), each
 *  entry at most ttl_ms old and never past the session's own expiry.
 *
 *  Revocation does not depend on this cache being told: every service transaction checks,
 *  in the statement that sets its tenant, that the session is still live and its user still
 *  has the province, agency and roles the context carries (cs_db_tx_as,
 *  catalog.session_current). A logout, a disabled user or a changed role is answered 401
 *  session_stale on the next request through any gateway; the gateway then forgets the entry,
 *  resolves the token again at the catalog and retries once (gw_sessions_resolve with
 *  fresh = true). Several gateways and several catalog copies need no channel between them,
 *  and no lost message can keep a revoked session alive. Thread-safe. */
#ifndef GW_SESSION_CACHE_H
#define GW_SESSION_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "catalog.pb-c.h"
#include "cs_err.h"

#define GW_SESSIONS_WAYS 4
#define GW_SESSION_HASH 32  /* SHA-256 */

typedef struct gw_sessions gw_sessions;

/* capacity: entries kept at most (rounded to a power of two sets; 0 = keep nothing);
 * ttl_ms: an entry's longest life. */
gw_sessions *gw_sessions_new(size_t capacity, int64_t ttl_ms);
void gw_sessions_destroy(gw_sessions **self_p);

/* SHA-256 of the token. */
void gw_sessions_hash(const char *token, uint8_t hash[GW_SESSION_HASH]);

/* The kept session of hash (a fresh copy: chiso__session_info__free_unpacked), or NULL when
 * none or too old. */
Chiso__SessionInfo *gw_sessions_get(gw_sessions *self, const uint8_t hash[GW_SESSION_HASH]);
/* Keep si under hash (replacing what was there). */
void gw_sessions_put(gw_sessions *self, const uint8_t hash[GW_SESSION_HASH],
                     const Chiso__SessionInfo *si);
/* Forget hash (logout, session_stale). */
void gw_sessions_drop(gw_sessions *self, const uint8_t hash[GW_SESSION_HASH]);
/* Entries kept now (tests, metrics). */
size_t gw_sessions_count(gw_sessions *self);

/* Resolve token at the catalog: 0 and *si, or -1 and e (what the catalog answered). */
typedef int (*gw_sessions_fetch_fn)(void *arg, const char *token, Chiso__SessionInfo **si,
                                    cs_err *e);

/* The session of token: kept, or fetched and kept (fresh: always fetched). Sets hash.
 * An answer without a user or already expired is 401 unauthenticated. 0 / -1 + e. */
int gw_sessions_resolve(gw_sessions *self, const char *token, bool fresh,
                        gw_sessions_fetch_fn fetch, void *arg,
                        uint8_t hash[GW_SESSION_HASH], Chiso__SessionInfo **si, cs_err *e);

#endif
