/*  portal_rpc: the portal service's handlers (proto/portal.proto). */
#include "portal_rpc.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "cs_apikey.h"
#include "cs_config.h"
#include "cs_json.h"
#include "cs_pg.h"
#include "portal_ingest.h"

#define SET(m, f, v) do { (m)->has_##f = 1; (m)->f = (v); } while (0)

static const char *s_val(cs_call *c, PGresult *r, int i, int k)
{
    return PQgetisnull(r, i, k) ? NULL : cs_call_strdup(c, PQgetvalue(r, i, k));
}

/* --- API keys (sysadmin) --------------------------------------------------------------- */

#define KEY_COLS "k.id, k.name, k.province_id, p.code, k.key_prefix," \
    " extract(epoch FROM k.created_at)::bigint, extract(epoch FROM k.revoked_at)::bigint," \
    " extract(epoch FROM k.last_used_at)::bigint"

static Chiso__Portal__ApiKey *s_key_row(cs_call *c, PGresult *r, int i)
{
    Chiso__Portal__ApiKey *k = (void *)cs_call_msg(c, &chiso__portal__api_key__descriptor);
    SET(k, id, cs_pg_ll(r, i, 0));
    k->name = (char *)s_val(c, r, i, 1);
    if (!PQgetisnull(r, i, 2))
        SET(k, province_id, cs_pg_ll(r, i, 2));
    k->province_code = (char *)s_val(c, r, i, 3);
    k->key_prefix = (char *)s_val(c, r, i, 4);
    SET(k, created_at, cs_pg_ll(r, i, 5));
    if (!PQgetisnull(r, i, 6))
        SET(k, revoked_at, cs_pg_ll(r, i, 6));
    if (!PQgetisnull(r, i, 7))
        SET(k, last_used_at, cs_pg_ll(r, i, 7));
    return k;
}

static int s_need_sysadmin(cs_call *c)
{
    return cs_call_has_role(c, "sysadmin") ? 0 : cs_err_forbidden(cs_call_err(c));
}

int portal_create_key(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Portal__CreateKeyRequest *rq = (const void *)in;
    cs_err *e = cs_call_err(c);
    if (s_need_sysadmin(c) < 0)
        return -1;
    if (!rq->name || !*rq->name || strlen(rq->name) > 200)
        return cs_err_invalid(e, "name", "cần tên khóa (tối đa 200 ký tự)",
                              "a key name is required (at most 200 characters)");
    const char *prov = NULL;
    if (rq->has_province_id && rq->province_id > 0) {
        prov = cs_call_int(c, rq->province_id);
        PGresult *r = cs_call_exec(c, "SELECT 1 FROM catalog.provinces WHERE id = $1", 1,
                                   (const char *const[]){prov});
        if (!r)
            return -1;
        if (PQntuples(r) == 0)
            return cs_err_not_found(e, "province");
    }
    /* 32 random bytes: a fast hash of the key is as good as a slow one (nothing to guess). */
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    const char *key = cs_call_printf(c, "cpk_%s", hex);
    const char *prefix = cs_call_printf(c, "%.12s", key);
    const char *uid = cs_call_user(c) ? cs_call_int(c, cs_call_user(c)) : NULL;
    const char *p[] = {prov, rq->name, cs_apikey_hash(c, key), prefix, uid};
    PGresult *r = cs_call_exec(c,
        "WITH k AS (INSERT INTO portal.api_keys (province_id, name, key_hash, key_prefix, created_by)"
        " VALUES ($1, $2, $3::bytea, $4, $5) RETURNING *)"
        " SELECT " KEY_COLS " FROM k LEFT JOIN catalog.provinces p ON p.id = k.province_id",
        5, p);
    if (!r)
        return -1;
    Chiso__Portal__ApiKey *k = s_key_row(c, r, 0);
    k->key = (char *)key;
    json_t *audit = json_pack("{s:s,s:s,s:s?}", "name", rq->name, "key_prefix", prefix,
                              "province", k->province_code);
    if (cs_call_audit(c, "portal.api_key", k->id, "create", NULL, cs_json_dump(c, audit), NULL) < 0)
        return -1;
    *out = &k->base;
    return 0;
}

int portal_list_keys(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    (void)in;
    if (s_need_sysadmin(c) < 0)
        return -1;
    PGresult *r = cs_call_exec(c, "SELECT " KEY_COLS " FROM portal.api_keys k"
                                  " LEFT JOIN catalog.provinces p ON p.id = k.province_id"
                                  " ORDER BY k.id", 0, NULL);
    if (!r)
        return -1;
    Chiso__Portal__ApiKeyList *l = (void *)cs_call_msg(c, &chiso__portal__api_key_list__descriptor);
    l->n_items = (size_t)PQntuples(r);
    l->items = (void *)cs_call_array(c, l->n_items);
    for (size_t i = 0; i < l->n_items; i++)
        l->items[i] = s_key_row(c, r, (int)i);
    *out = &l->base;
    return 0;
}

int portal_revoke_key(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Portal__RevokeKeyRequest *rq = (const void *)in;
    if (s_need_sysadmin(c) < 0)
        return -1;
    const char *p[] = {cs_call_int(c, rq->has_id ? rq->id : 0)};
    PGresult *r = cs_call_exec(c,
        "WITH k AS (UPDATE portal.api_keys SET revoked_at = coalesce(revoked_at, now())"
        " WHERE id = $1 RETURNING *)"
        " SELECT " KEY_COLS " FROM k LEFT JOIN catalog.provinces p ON p.id = k.province_id",
        1, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(cs_call_err(c), "API key");
    Chiso__Portal__ApiKey *k = s_key_row(c, r, 0);
    if (cs_call_audit(c, "portal.api_key", k->id, "revoke", NULL, NULL, NULL) < 0)
        return -1;
    *out = &k->base;
    return 0;
}

/* --- feeds ------------------------------------------------------------------------------ */

/* The gateway's check of a key on the public reads: cs_apikey_use, the one check. */
int portal_use_key(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Portal__UseKeyRequest *rq = (const void *)in;
    Chiso__Portal__KeyUse *k = (void *)cs_call_msg(c, &chiso__portal__key_use__descriptor);
    cs_apikey key;
    if (cs_apikey_use(c, rq->api_key, &key) < 0)
        return -1;
    SET(k, id, key.id);
    if (key.province_id > 0)
        SET(k, province_id, key.province_id);
    k->name = (char *)key.name;
    *out = (ProtobufCMessage *)k;
    return 0;
}

static Chiso__Portal__Batch *s_batch_msg(cs_call *c, const portal_outcome *o,
                                         const portal_meta *m)
{
    Chiso__Portal__Batch *b = (void *)cs_call_msg(c, &chiso__portal__batch__descriptor);
    SET(b, id, o->batch_id);
    b->kind = (char *)m->kind;
    b->province_code = (char *)m->province_code;
    b->sha256 = (char *)m->sha256_hex;
    SET(b, size, m->size);
    b->content_type = (char *)m->content_type;
    b->file_name = (char *)m->file_name;
    SET(b, records, o->records);
    SET(b, lines, o->lines);
    SET(b, already_received, o->already_received);
    b->loaded_by = (char *)m->loaded_by;
    return b;
}

/* The feed's file from the gateway: only a name of the form the gateway makes, in the
 * feeds folder of CHISO_VAR_DIR (the storage the gateways and services share). */
static int s_spool_open(cs_call *c, const char *name, FILE **f)
{
    bool ok = strncmp(name, "feed-", 5) == 0 && strlen(name) == 11;
    for (size_t i = 5; ok && name[i]; i++)
        ok = (name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'z') ||
             (name[i] >= 'A' && name[i] <= 'Z');
    if (!ok)
        return cs_err_invalid(cs_call_err(c), "spool", "tên tệp tạm không hợp lệ",
                              "invalid feed file name");
    const char *path = cs_call_printf(c, "%s/feeds/%s", cs_config_get()->var_dir, name);
    *f = fopen(path, "rb");
    if (!*f) {
        cs_err_internal(cs_call_err(c), "feed file");
        cs_err_detail(cs_call_err(c), "cannot open %s", path);
        return -1;
    }
    return 0;
}

/* The batch from src once the key is known: its province checked against the key, then
 * the tenant set, then the ingest. */
static int s_ingest(cs_call *c, const Chiso__Portal__IngestRequest *rq, const char *kind,
                    const portal_src *src, const cs_apikey *k, ProtobufCMessage **out)
{
    cs_err *e = cs_call_err(c);
    long long key_id = k->id, key_province = k->province_id;
    const char *key_name = k->name;
    portal_meta m = {0};
    m.kind = kind;
    char code[64];
    if (portal_batch_province(src, m.kind, code, e) < 0)
        return -1;
    if (!code[0] && rq->province)
        snprintf(code, sizeof code, "%s", rq->province);
    if (!code[0])
        return cs_err_set(e, 400, "missing_province", "province",
                          "Lô dữ liệu phải nêu mã tỉnh (cột province hoặc tham số province).%s",
                          "The batch must name its province (a province column or the province parameter).%s",
                          "");
    PGresult *r = cs_call_exec(c, "SELECT portal.province_id($1)", 1, (const char *const[]){code});
    if (!r)
        return -1;
    long long pid = PQgetisnull(r, 0, 0) ? 0 : cs_pg_ll(r, 0, 0);
    /* The key may write this province (its own, or any with a national key); an unknown
     * province is answered the same way, so a key learns nothing about others. */
    if (pid <= 0 || (key_province > 0 && key_province != pid))
        return cs_err_set(e, 403, "key_not_for_province", "province",
                          "Khóa API này không được gửi dữ liệu cho tỉnh «%s».",
                          "This API key may not send data for the province \"%s\".", code);
    if (cs_call_set_tenant(c, pid) < 0)
        return -1;
    char hex[65];
    if (portal_src_sha256(src, hex, &m.size, e) < 0)
        return -1;
    m.province_id = pid;
    m.province_code = cs_call_strdup(c, code);
    m.content_type = rq->content_type;
    m.file_name = rq->file_name && *rq->file_name ? rq->file_name : NULL;
    m.loaded_by = cs_call_printf(c, "api-key:%s", key_name ? key_name : "");
    m.api_key_id = key_id;
    m.sha256_hex = cs_call_strdup(c, hex);
    PGconn *db = cs_db_conn(cs_call_db(c), e);
    if (!db)
        return -1;
    portal_outcome o;
    if (portal_ingest(db, &m, src, &o, e) < 0)
        return -1;
    if (!o.already_received) {
        json_t *audit = json_pack("{s:s,s:s,s:i,s:I,s:I}", "kind", m.kind, "sha256", hex,
                                  "records", o.records, "lines", (json_int_t)o.lines,
                                  "api_key_id", (json_int_t)key_id);
        if (cs_call_audit(c, "portal.batch", o.batch_id, "ingest", NULL, cs_json_dump(c, audit),
                          NULL) < 0)
            return -1;
    }
    *out = &s_batch_msg(c, &o, &m)->base;
    return 0;
}

int portal_ingest_rpc(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Portal__IngestRequest *rq = (const void *)in;
    cs_err *e = cs_call_err(c);
    cs_apikey k;
    if (cs_apikey_use(c, rq->api_key, &k) < 0)
        return -1;
    const char *kind = portal_kind_of(rq->content_type);
    if (!kind)
        return cs_err_set(e, 415, "unsupported_media_type", "content_type",
                          "Cần application/json (chỉ số 766) hoặc text/csv (số hồ sơ).%s",
                          "Send application/json (766 index) or text/csv (dossier counts).%s", "");
    portal_src src;
    portal_mem mem;
    FILE *f = NULL;
    if (rq->spool && *rq->spool) {
        if (s_spool_open(c, rq->spool, &f) < 0)
            return -1;
        portal_src_file(&src, f);
    } else if (rq->body && *rq->body) {
        portal_src_mem(&src, &mem, rq->body, strlen(rq->body));
    } else {
        return cs_err_set(e, 400, "empty_body", "body", "Nội dung gửi lên trống.%s",
                          "The body is empty.%s", "");
    }
    int rc = s_ingest(c, rq, kind, &src, &k, out);
    if (f)
        fclose(f);
    return rc;
}

static int s_need_reader(cs_call *c, bool write)
{
    if (cs_call_province(c) > 0 &&
        (cs_call_has_role(c, "province_admin") || (!write && cs_call_has_role(c, "viewer"))))
        return 0;
    return cs_err_forbidden(cs_call_err(c));
}

int portal_list_batches(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Portal__ListBatchesRequest *rq = (const void *)in;
    if (s_need_reader(c, false) < 0)
        return -1;
    int limit = rq->has_limit && rq->limit > 0 && rq->limit <= 1000 ? rq->limit : 100;
    const char *p[] = {rq->kind && *rq->kind ? rq->kind : NULL, cs_call_int(c, limit)};
    PGresult *r = cs_call_exec(c,
        "SELECT b.id, b.kind, pr.code, encode(b.sha256, 'hex'), b.size, b.content_type,"
        "       b.file_name, b.records, b.lines, extract(epoch FROM b.received_at)::bigint,"
        "       b.loaded_by,"
        "       (SELECT count(*) FROM portal.records r WHERE r.batch_id = b.id AND EXISTS ("
        "          SELECT 1 FROM portal.records n WHERE n.kind = r.kind"
        "           AND n.agency_id = r.agency_id AND n.period = r.period"
        "           AND n.batch_id > r.batch_id))::int"
        "  FROM portal.batches b JOIN catalog.provinces pr ON pr.id = b.province_id"
        " WHERE ($1::text IS NULL OR b.kind = $1) ORDER BY b.id DESC LIMIT $2",
        2, p);
    if (!r)
        return -1;
    Chiso__Portal__BatchList *l = (void *)cs_call_msg(c, &chiso__portal__batch_list__descriptor);
    l->n_items = (size_t)PQntuples(r);
    l->items = (void *)cs_call_array(c, l->n_items);
    for (int i = 0; i < (int)l->n_items; i++) {
        Chiso__Portal__Batch *b = (void *)cs_call_msg(c, &chiso__portal__batch__descriptor);
        SET(b, id, cs_pg_ll(r, i, 0));
        b->kind = (char *)s_val(c, r, i, 1);
        b->province_code = (char *)s_val(c, r, i, 2);
        b->sha256 = (char *)s_val(c, r, i, 3);
        SET(b, size, cs_pg_ll(r, i, 4));
        b->content_type = (char *)s_val(c, r, i, 5);
        b->file_name = (char *)s_val(c, r, i, 6);
        SET(b, records, (int32_t)cs_pg_ll(r, i, 7));
        SET(b, lines, cs_pg_ll(r, i, 8));
        SET(b, received_at, cs_pg_ll(r, i, 9));
        b->loaded_by = (char *)s_val(c, r, i, 10);
        SET(b, superseded, (int32_t)cs_pg_ll(r, i, 11));
        l->items[i] = b;
    }
    *out = &l->base;
    return 0;
}

/* --- agency-code mapping ---------------------------------------------------------------- */

static Chiso__Portal__AgencyMapping *s_map_row(cs_call *c, PGresult *r, int i)
{
    Chiso__Portal__AgencyMapping *m =
        (void *)cs_call_msg(c, &chiso__portal__agency_mapping__descriptor);
    m->portal_code = (char *)s_val(c, r, i, 0);
    SET(m, agency_id, cs_pg_ll(r, i, 1));
    m->agency_code = (char *)s_val(c, r, i, 2);
    return m;
}

int portal_list_mapping(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    (void)in;
    if (s_need_reader(c, false) < 0)
        return -1;
    PGresult *r = cs_call_exec(c, "SELECT m.portal_code, m.agency_id, a.code FROM portal.agency_map m"
                                  " JOIN catalog.agencies a ON a.id = m.agency_id"
                                  " ORDER BY m.portal_code", 0, NULL);
    if (!r)
        return -1;
    Chiso__Portal__AgencyMappingList *l =
        (void *)cs_call_msg(c, &chiso__portal__agency_mapping_list__descriptor);
    l->n_items = (size_t)PQntuples(r);
    l->items = (void *)cs_call_array(c, l->n_items);
    for (size_t i = 0; i < l->n_items; i++)
        l->items[i] = s_map_row(c, r, (int)i);
    *out = &l->base;
    return 0;
}

int portal_put_mapping(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Portal__AgencyMapping *rq = (const void *)in;
    cs_err *e = cs_call_err(c);
    if (s_need_reader(c, true) < 0)
        return -1;
    if (!rq->portal_code || !*rq->portal_code || strlen(rq->portal_code) > 64)
        return cs_err_invalid(e, "portal_code", "cần mã cơ quan trên Cổng (tối đa 64 ký tự)",
                              "the portal's agency code is required (at most 64 characters)");
    const char *p[] = {cs_call_int(c, cs_call_province(c)), rq->portal_code,
                       cs_call_int(c, rq->has_agency_id ? rq->agency_id : 0)};
    PGresult *r = cs_call_exec(c, "SELECT 1 FROM catalog.agencies WHERE id = $3 AND $1::bigint > 0"
                                  " AND $2::text IS NOT NULL", 3, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_set(e, 400, "unknown_agency", "agency_id",
                          "Không có cơ quan này trong tỉnh.%s", "No such agency in the province.%s", "");
    r = cs_call_exec(c,
        "WITH m AS (INSERT INTO portal.agency_map (province_id, portal_code, agency_id)"
        " VALUES ($1, $2, $3) ON CONFLICT (province_id, portal_code)"
        " DO UPDATE SET agency_id = EXCLUDED.agency_id, updated_at = now() RETURNING *)"
        " SELECT m.portal_code, m.agency_id, a.code FROM m JOIN catalog.agencies a ON a.id = m.agency_id",
        3, p);
    if (!r)
        return -1;
    Chiso__Portal__AgencyMapping *m = s_map_row(c, r, 0);
    json_t *audit = json_pack("{s:s,s:I}", "portal_code", rq->portal_code, "agency_id",
                              (json_int_t)m->agency_id);
    if (cs_call_audit(c, "portal.agency_map", m->agency_id, "put", NULL, cs_json_dump(c, audit),
                      NULL) < 0)
        return -1;
    *out = &m->base;
    return 0;
}

int portal_delete_mapping(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Portal__DeleteMappingRequest *rq = (const void *)in;
    if (s_need_reader(c, true) < 0)
        return -1;
    const char *p[] = {rq->portal_code ? rq->portal_code : ""};
    PGresult *r = cs_call_exec(c,
        "WITH m AS (DELETE FROM portal.agency_map WHERE portal_code = $1 RETURNING *)"
        " SELECT m.portal_code, m.agency_id, a.code FROM m JOIN catalog.agencies a ON a.id = m.agency_id",
        1, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(cs_call_err(c), "mapping");
    Chiso__Portal__AgencyMapping *m = s_map_row(c, r, 0);
    json_t *audit = json_pack("{s:s}", "portal_code", m->portal_code);
    if (cs_call_audit(c, "portal.agency_map", m->agency_id, "delete", cs_json_dump(c, audit),
                      NULL, NULL) < 0)
        return -1;
    *out = &m->base;
    return 0;
}
