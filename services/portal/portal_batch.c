/*  portal_batch: see portal_batch.h; portal_ingest() is here. */
#include "portal_batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_RAW_CHUNK (1 << 20)

static int s_db_err(cs_err *e, PGconn *db, const char *what)
{
    cs_err_internal(e, what);
    cs_err_detail(e, "%s: %s", what, PQerrorMessage(db));
    return -1;
}

/* One row's value of a parameterised query (NULL: error set). Caller PQclears. */
static PGresult *s_query(PGconn *db, const char *sql, int n, const char *const *p,
                         cs_err *e)
{
    PGresult *r = PQexecParams(db, sql, n, NULL, p, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        cs_err_internal(e, "portal batch statement failed");
        cs_err_detail(e, "%s", PQresultErrorMessage(r));
        PQclear(r);
        return NULL;
    }
    return r;
}

int portal_batch_records(PGconn *db, const portal_meta *m, long long batch_id,
                         const pc_records *records, portal_outcome *out, cs_err *e)
{
    pc_copy c;
    if (pc_copy_begin(&c, db, "records",
                      "province_id, batch_id, kind, agency_id, period, year, portal_code", e) < 0)
        return -1;
    out->records = 0;
    for (size_t i = 0; i < records->cap; i++) {
        const pc_record *r = &records->slots[i];
        if (!r->agency_id)
            continue;
        pc_copy_int(&c, m->province_id), pc_copy_sep(&c);
        pc_copy_int(&c, batch_id), pc_copy_sep(&c);
        pc_copy_text(&c, m->kind), pc_copy_sep(&c);
        pc_copy_int(&c, r->agency_id), pc_copy_sep(&c);
        pc_copy_text(&c, r->period), pc_copy_sep(&c);
        pc_copy_int(&c, pc_period_year(r->period)), pc_copy_sep(&c);
        pc_copy_text(&c, r->portal_code);
        if (pc_copy_row_end(&c, e) < 0) {
            pc_copy_end(&c, false, e);
            return -1;
        }
        out->records++;
    }
    return pc_copy_end(&c, true, e);
}

/* The raw bytes, in 1 MiB chunks, each one INSERT with the chunk as a binary parameter:
 * no hex text and no staging table for a few large values (row-level security checks
 * each row as for any insert). */
static int s_raw(PGconn *db, const portal_meta *m, const portal_src *src, long long batch_id,
                 cs_err *e)
{
    if (src->rewind(src->arg) < 0)
        return cs_err_internal(e, "feed source cannot be read again");
    char *buf = malloc(S_RAW_CHUNK);
    if (!buf)
        abort();
    char prov[24], sid[24], sseq[16];
    snprintf(prov, sizeof prov, "%lld", m->province_id);
    snprintf(sid, sizeof sid, "%lld", batch_id);
    int seq = 0, rc = 0;
    for (;;) {
        size_t n = 0;
        ssize_t k = 0;
        while (n < S_RAW_CHUNK && (k = src->read(src->arg, buf + n, S_RAW_CHUNK - n)) > 0)
            n += (size_t)k;
        if (k < 0) {
            rc = cs_err_internal(e, "feed source read failed");
            break;
        }
        if (n == 0)
            break;
        snprintf(sseq, sizeof sseq, "%d", seq++);
        const char *p[] = {prov, sid, sseq, buf};
        const int len[] = {0, 0, 0, (int)n}, fmt[] = {0, 0, 0, 1};
        PGresult *r = PQexecParams(db, "INSERT INTO portal.batch_raw (province_id, batch_id, seq, data)"
                                       " VALUES ($1, $2, $3, $4)", 4, NULL, p, len, fmt, 0);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            cs_err_internal(e, "raw bytes");
            cs_err_detail(e, "%s", PQresultErrorMessage(r));
            rc = -1;
        }
        PQclear(r);
        if (rc < 0 || n < S_RAW_CHUNK)
            break;
    }
    free(buf);
    return rc;
}

int portal_ingest(PGconn *db, const portal_meta *m, const portal_src *src, portal_outcome *out,
                  cs_err *e)
{
    memset(out, 0, sizeof *out);
    char prov[24];
    snprintf(prov, sizeof prov, "%lld", m->province_id);
    /* The same bytes twice: the first batch's id, nothing changes. */
    const char *p1[] = {prov, m->sha256_hex};
    PGresult *r = s_query(db,
        "SELECT id, records, lines FROM portal.batches"
        " WHERE province_id = $1 AND sha256 = decode($2, 'hex')", 2, p1, e);
    if (!r)
        return -1;
    if (PQntuples(r) == 1) {
        out->batch_id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        out->records = atoi(PQgetvalue(r, 0, 1));
        out->lines = strtoll(PQgetvalue(r, 0, 2), NULL, 10);
        out->already_received = true;
        PQclear(r);
        return 0;
    }
    PQclear(r);
    if (!(r = s_query(db, "SELECT nextval('portal.batches_id_seq')", 0, NULL, e)))
        return -1;
    long long id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    int rc = strcmp(m->kind, PORTAL_KIND_DOSSIERS) == 0
                 ? portal_ingest_dossiers(db, m, src, id, out, e)
                 : portal_ingest_index(db, m, src, id, out, e);
    if (rc < 0 || s_raw(db, m, src, id, e) < 0)
        return -1;
    char sid[24], size[24], key[24], recs[24], lines[24];
    snprintf(sid, sizeof sid, "%lld", id);
    snprintf(size, sizeof size, "%lld", (long long)m->size);
    snprintf(key, sizeof key, "%lld", m->api_key_id);
    snprintf(recs, sizeof recs, "%d", out->records);
    snprintf(lines, sizeof lines, "%lld", (long long)out->lines);
    const char *p2[] = {sid, prov, m->kind, m->sha256_hex, size, m->content_type,
                        m->file_name, m->api_key_id ? key : NULL, m->loaded_by, recs, lines};
    if (!(r = s_query(db,
            "INSERT INTO portal.batches (id, province_id, kind, sha256, size, content_type,"
            " file_name, api_key_id, loaded_by, records, lines)"
            " VALUES ($1, $2, $3, decode($4, 'hex'), $5, $6, $7, $8, $9, $10, $11)",
            11, p2, e)))
        return -1;
    PQclear(r);
    out->batch_id = id;
    (void)s_db_err;
    return 0;
}
