/*  cs_apikey: the portal client's API key (X-API-Key), checked the one way every service
 *  that answers a portal client uses (services/portal/README.md, "API keys and the tenant").
 *
 *  A key is looked up by its SHA-256 through portal.key_use() (SECURITY DEFINER: the call
 *  has no tenant yet), which refuses revoked keys and records the use. */
#ifndef CS_APIKEY_H
#define CS_APIKEY_H

#include "cs_service.h"

typedef struct {
    long long id;
    long long province_id;  /* 0: a national key */
    const char *name;       /* in the call's arena */
} cs_apikey;

/* SHA-256 of a key as bytea hex text ("\\x..."), in the call's arena: a query parameter. */
const char *cs_apikey_hash(cs_call *c, const char *key);

/* The live key `key`: 0 and *out filled, or -1 with 401 invalid_api_key (absent, too long,
 * unknown or revoked). */
int cs_apikey_use(cs_call *c, const char *key, cs_apikey *out);

#endif
