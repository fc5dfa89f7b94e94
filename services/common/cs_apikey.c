/*  cs_apikey: see cs_apikey.h. */
#include "cs_apikey.h"
#include <sodium.h>
#include <string.h>
#include "cs_pg.h"

const char *cs_apikey_hash(cs_call *c, const char *key)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)key, strlen(key));
    char hex[2 * sizeof h + 1];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    return cs_call_printf(c, "\\x%s", hex);
}

int cs_apikey_use(cs_call *c, const char *key, cs_apikey *out)
{
    if (!key || !*key || strlen(key) > 200)
        goto bad;
    const char *p[] = {cs_apikey_hash(c, key)};
    PGresult *r = cs_call_exec(c, "SELECT id, province_id, name FROM portal.key_use($1::bytea)",
                               1, p);
    if (!r)
        return -1;
    if (PQntuples(r) != 1)
        goto bad;
    out->id = cs_pg_ll(r, 0, 0);
    out->province_id = PQgetisnull(r, 0, 1) ? 0 : cs_pg_ll(r, 0, 1);
    out->name = cs_call_strdup(c, PQgetvalue(r, 0, 2));
    return 0;
bad:
    return cs_err_set(cs_call_err(c), 401, "invalid_api_key", "X-API-Key",
                      "Khóa API không hợp lệ hoặc đã bị thu hồi.%s",
                      "The API key is invalid or has been revoked.%s", "");
}
