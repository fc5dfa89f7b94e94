/*  portal_load: see portal_load.h. */
#include "portal_load.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cs_config.h"
#include "cs_err.h"
#include "portal_ingest.h"

static int s_exec(PGconn *db, const char *sql, int n, const char *const *p, cs_err *e)
{
    PGresult *r = PQexecParams(db, sql, n, NULL, p, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    PQclear(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return 0;
    cs_err_internal(e, sql);
    cs_err_detail(e, "%s", PQerrorMessage(db));
    return -1;
}

static int s_load(PGconn *db, FILE *f, const char *path, const char *province, cs_err *e)
{
    size_t pl = strlen(path);
    bool json = pl > 5 && strcasecmp(path + pl - 5, ".json") == 0;
    portal_src src;
    portal_src_file(&src, f);
    portal_meta m = {0};
    m.kind = json ? PORTAL_KIND_INDEX : PORTAL_KIND_DOSSIERS;
    m.content_type = json ? "application/json" : "text/csv";
    char code[64];
    if (portal_batch_province(&src, m.kind, code, e) < 0)
        return -1;
    if (province)
        snprintf(code, sizeof code, "%s", province);
    if (!code[0])
        return cs_err_set(e, 400, "missing_province", "province",
                          "Tệp không nêu mã tỉnh: dùng --province MÃ.%s",
                          "The file names no province: use --province CODE.%s", "");
    const char *pc[] = {code};
    PGresult *r = PQexecParams(db, "SELECT portal.province_id($1)", 1, NULL, pc, NULL, NULL, 0);
    long long pid = PQresultStatus(r) == PGRES_TUPLES_OK && !PQgetisnull(r, 0, 0)
                        ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
    PQclear(r);
    if (pid <= 0)
        return cs_err_set(e, 404, "unknown_province", "province", "Không có tỉnh «%s».",
                          "There is no province \"%s\".", code);
    char prov[24];
    snprintf(prov, sizeof prov, "%lld", pid);
    const char *pt[] = {prov};
    if (s_exec(db, "SELECT set_config('chiso.province_id', $1, true)", 1, pt, e) < 0)
        return -1;
    char hex[65];
    if (portal_src_sha256(&src, hex, &m.size, e) < 0)
        return -1;
    const char *slash = strrchr(path, '/');
    m.province_id = pid;
    m.province_code = code;
    m.file_name = slash ? slash + 1 : path;
    m.loaded_by = "chiso-admin";
    m.sha256_hex = hex;
    portal_outcome o;
    if (portal_ingest(db, &m, &src, &o, e) < 0)
        return -1;
    printf("{\"batch_id\": %lld, \"already_received\": %s, \"kind\": \"%s\", \"province\": \"%s\","
           " \"records\": %d, \"lines\": %lld, \"size\": %lld, \"sha256\": \"%s\"}\n",
           o.batch_id, o.already_received ? "true" : "false", m.kind, code, o.records,
           (long long)o.lines, (long long)m.size, hex);
    return 0;
}

int admin_portal_load(int argc, char **argv)
{
    const char *province = NULL, *path = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--province") == 0 && i + 1 < argc)
            province = argv[++i];
        else if (!path)
            path = argv[i];
        else
            path = NULL, i = argc;
    }
    if (!path) {
        fprintf(stderr, "usage: chiso-admin portal-load [--province CODE] FILE\n");
        return 2;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "chiso-admin: không mở được / cannot open %s\n", path);
        return 2;
    }
    PGconn *db = PQconnectdb(cs_env("CHISO_DB", "dbname=chiso"));
    cs_err e;
    cs_err_clear(&e);
    int rc = -1;
    if (PQstatus(db) != CONNECTION_OK) {
        cs_err_internal(&e, "connect");
        cs_err_detail(&e, "%s", PQerrorMessage(db));
    } else if (s_exec(db, "BEGIN", 0, NULL, &e) == 0) {
        rc = s_load(db, f, path, province, &e);
        if (s_exec(db, rc == 0 ? "COMMIT" : "ROLLBACK", 0, NULL, &e) < 0)
            rc = -1;
    }
    if (rc < 0)
        fprintf(stderr, "chiso-admin: %s: %s%s%s\n", e.code, e.message_en,
                e.detail[0] ? " — " : "", e.detail);
    PQfinish(db);
    fclose(f);
    return rc == 0 ? 0 : 1;
}
