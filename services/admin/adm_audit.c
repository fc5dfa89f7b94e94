/*  chiso-admin audit-verify. See adm_audit.h. */
#include "adm_audit.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_config.h"

static const char *s_problem(const char *p)
{
    if (!strcmp(p, "content"))
        return "nội dung dòng đã bị sửa / the row's content was changed";
    if (!strcmp(p, "link"))
        return "liên kết tới dòng trước bị sai / the link to the previous row is wrong";
    if (!strcmp(p, "gap"))
        return "thiếu dòng trước nó / a row before it is missing";
    if (!strcmp(p, "head"))
        return "các dòng cuối đã bị xoá / rows at the end were removed";
    return p;
}

int adm_audit_verify(const char *province)
{
    if (province && (!*province || strspn(province, "0123456789") != strlen(province) ||
                     strlen(province) > 18)) {
        fprintf(stderr, "chiso-admin: mã tỉnh phải là số / PROVINCE must be a province id\n");
        return 2;
    }
    PGconn *db = PQconnectdb(cs_env("CHISO_DB", "dbname=chiso"));
    if (PQstatus(db) != CONNECTION_OK) {
        fprintf(stderr, "chiso-admin: connect: %s", PQerrorMessage(db));
        PQfinish(db);
        return 1;
    }
    /* Rows whose writer died between its COMMIT and their link into the chain
     * (086_audit_link_after_commit.sql) are linked first, as that writer would have. */
    PGresult *r = PQexec(db, "SELECT core.audit_link_pending()");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "chiso-admin: audit-verify: %s", PQerrorMessage(db));
        PQclear(r);
        PQfinish(db);
        return 1;
    }
    if (strcmp(PQgetvalue(r, 0, 0), "0") != 0)
        printf("%s audit rows linked into their chains first (left unlinked by a writer that"
               " stopped after its commit)\n", PQgetvalue(r, 0, 0));
    PQclear(r);
    const char *p[] = {province};
    r = PQexecParams(db,
        "SELECT province_id, rows_checked, first_bad_id, first_bad_seq, problem"
        "  FROM core.audit_verify($1::bigint)", 1, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "chiso-admin: audit-verify: %s", PQerrorMessage(db));
        PQclear(r);
        PQfinish(db);
        return 1;
    }
    int broken = 0;
    for (int i = 0; i < PQntuples(r); i++) {
        if (PQgetisnull(r, i, 4)) {
            printf("province %s: %s rows, chain intact\n", PQgetvalue(r, i, 0),
                   PQgetvalue(r, i, 1));
            continue;
        }
        broken++;
        printf("province %s: BROKEN at audit row %s (chain position %s): %s\n",
               PQgetvalue(r, i, 0), PQgetisnull(r, i, 2) ? "-" : PQgetvalue(r, i, 2),
               PQgetvalue(r, i, 3), s_problem(PQgetvalue(r, i, 4)));
    }
    if (PQntuples(r) == 0)
        printf("no audit rows%s%s\n", province ? " for province " : "", province ? province : "");
    PQclear(r);
    PQfinish(db);
    return broken ? 3 : 0;
}
