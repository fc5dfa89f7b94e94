/*  gw_ratelimit: token buckets keyed by a short text (the client address), so a caller
 *  that floods a costly route (login: an Argon2id hash per attempt) is refused with 429
 *  before the request costs anything behind the gateway.
 *
 *  Each key's bucket holds at most `burst` tokens and gains `rate` tokens per second; a
 *  request takes one. The table has a fixed size: when it is full, the entry idle for
 *  longest is reused (it was refilled by then, so forgetting it loses nothing for a real
 *  client). Thread-safe. */
#ifndef GW_RATELIMIT_H
#define GW_RATELIMIT_H

typedef struct gw_ratelimit gw_ratelimit;

/* rate: tokens per second (> 0); burst: bucket size (>= 1). NULL when out of memory. */
gw_ratelimit *gw_ratelimit_new(double rate, double burst);
void gw_ratelimit_destroy(gw_ratelimit **self_p);

/* Take one token of key's bucket at time now (seconds, monotonic). 0: allowed; -1:
 * refused, *retry_after = whole seconds until a token is there again (>= 1). */
int gw_ratelimit_take(gw_ratelimit *self, const char *key, double now, int *retry_after);

#endif
