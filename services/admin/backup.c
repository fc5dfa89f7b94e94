#include "backup.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libpq-fe.h>
#include <limits.h>
#include <sodium.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cs_config.h"

extern char **environ;

#define MANIFEST "MANIFEST.sha256"
#define HEX_LEN (crypto_hash_sha256_BYTES * 2)

/* --- small helpers ------------------------------------------------------------------ */

static int s_fail(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "chiso-admin: ");
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    fprintf(stderr, fmt, a ? a : "", b ? b : "");
#pragma GCC diagnostic pop
    fprintf(stderr, "\n");
    return -1;
}

/* The PostgreSQL tool `name`: from CHISO_PG_BIN, else Debian's folder of version 15, else
 * whatever PATH finds (posix_spawnp). */
static void s_tool(const char *name, char *buf, size_t len)
{
    const char *dir = cs_env("CHISO_PG_BIN", "/usr/lib/postgresql/15/bin");
    snprintf(buf, len, "%s/%s", dir, name);
    if (access(buf, X_OK) != 0)
        snprintf(buf, len, "%s", name);
}

/* Run argv (argv[0] looked up in PATH when it has no slash), stdout into out_path when
 * given. Returns the exit status, -1 when it could not run. */
static int s_run(char *const argv[], const char *out_path)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (out_path)
        posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out_path,
                                         O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        s_fail("cannot run %s: %s", argv[0], strerror(rc));
        return -1;
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int s_sha256_file(const char *path, char hex[HEX_LEN + 1], long long *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    unsigned char buf[1 << 16];
    long long total = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            close(fd);
            return -1;
        }
        crypto_hash_sha256_update(&st, buf, (unsigned long long)n);
        total += n;
    }
    close(fd);
    unsigned char sum[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, sum);
    sodium_bin2hex(hex, HEX_LEN + 1, sum, sizeof sum);
    if (size)
        *size = total;
    return 0;
}

/* mkdir -p of the folder part of path (not the last component). */
static int s_mkdirs_for(const char *path)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0750) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return 0;
}

/* Copy src to dst through dst.part, synced, then renamed: a crash leaves no half file
 * under the real name. */
static int s_copy(const char *src, const char *dst)
{
    char part[PATH_MAX];
    if (snprintf(part, sizeof part, "%s.part", dst) >= (int)sizeof part || s_mkdirs_for(dst) != 0)
        return -1;
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return -1;
    int out = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (out < 0) {
        close(in);
        return -1;
    }
    char buf[1 << 16];
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = read(in, buf, sizeof buf)) != 0) {
        if (n < 0) {
            if (errno != EINTR)
                rc = -1;
            continue;
        }
        for (ssize_t off = 0; off < n && rc == 0;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno != EINTR)
                rc = -1;
            else if (w > 0)
                off += w;
        }
    }
    if (rc == 0 && fsync(out) != 0)
        rc = -1;
    close(in);
    if (close(out) != 0)
        rc = -1;
    if (rc == 0 && rename(part, dst) != 0)
        rc = -1;
    if (rc != 0)
        unlink(part);
    return rc;
}

/* --- the files under CHISO_VAR_DIR ---------------------------------------------------- */

typedef struct {
    char **paths;       /* relative to the var folder */
    size_t n, cap;
} s_list;

static s_list s_walk_list;
static size_t s_walk_root_len;

static void s_list_free(s_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->paths[i]);
    free(l->paths);
    *l = (s_list){0};
}

static int s_list_add(s_list *l, const char *path)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        char **p = realloc(l->paths, cap * sizeof *p);
        if (!p)
            return -1;
        l->paths = p;
        l->cap = cap;
    }
    l->paths[l->n] = strdup(path);
    return l->paths[l->n] ? (int)(l->n++, 0) : -1;
}

/* Not data: the database cluster (backed up by pg_dump), pid files, logs, uploads in
 * progress, half-copied files. */
static bool s_skipped(const char *rel, bool dir)
{
    static const char *const top[] = {"pg", "run", "log"};
    for (size_t i = 0; i < sizeof top / sizeof top[0]; i++) {
        size_t n = strlen(top[i]);
        if (!strncmp(rel, top[i], n) && (rel[n] == '\0' || rel[n] == '/'))
            return true;
    }
    const char *base = strrchr(rel, '/');
    base = base ? base + 1 : rel;
    if (dir)
        return !strcmp(base, "tmp");
    size_t len = strlen(base);
    return len > 5 && !strcmp(base + len - 5, ".part");
}

static int s_walk_fn(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    if (strlen(path) <= s_walk_root_len)
        return 0;
    const char *rel = path + s_walk_root_len + 1;
    if (type == FTW_D)
        return s_skipped(rel, true) ? FTW_SKIP_SUBTREE : FTW_CONTINUE;
    if (type == FTW_F && !s_skipped(rel, false))
        return s_list_add(&s_walk_list, rel) == 0 ? FTW_CONTINUE : FTW_STOP;
    return FTW_CONTINUE;   /* symlinks, sockets...: not data */
}

static int s_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every data file under root, relative paths, sorted. */
static int s_var_files(const char *root, s_list *out)
{
    s_walk_list = (s_list){0};
    s_walk_root_len = strlen(root);
    while (s_walk_root_len > 1 && root[s_walk_root_len - 1] == '/')
        s_walk_root_len--;
    struct stat st;
    if (stat(root, &st) != 0) {
        *out = s_walk_list;     /* no folder, no files */
        return errno == ENOENT ? 0 : -1;
    }
    if (nftw(root, s_walk_fn, 32, FTW_PHYS | FTW_ACTIONRETVAL) != 0) {
        s_list_free(&s_walk_list);
        return -1;
    }
    qsort(s_walk_list.paths, s_walk_list.n, sizeof(char *), s_cmp_str);
    *out = s_walk_list;
    return 0;
}

/* --- backup ------------------------------------------------------------------------- */

static bool s_empty_or_missing(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        return errno == ENOENT;
    if (!S_ISDIR(st.st_mode))
        return false;
    s_list l;
    size_t keep = s_walk_root_len;
    int rc = s_var_files(dir, &l);
    s_walk_root_len = keep;
    bool empty = rc == 0 && l.n == 0;
    s_list_free(&l);
    return empty;
}

int adm_backup(const char *dir)
{
    const char *super = cs_env("CHISO_DB_SUPER", NULL);
    if (!super)
        return s_fail("backup: CHISO_DB_SUPER (the superuser's conninfo) is not set%s%s", NULL,
                      NULL), 2;
    if (!s_empty_or_missing(dir))
        return s_fail("backup: %s exists and is not empty%s", dir, NULL), 2;
    char path[PATH_MAX], tool[PATH_MAX];
    snprintf(path, sizeof path, "%s/x", dir);
    if (s_mkdirs_for(path) != 0)
        return s_fail("backup: cannot create %s: %s", dir, strerror(errno)), 1;
    chmod(dir, 0750);

    FILE *man = NULL;
    s_list files = {0};
    int rc = 1;

    /* The roles first (they change rarely), then the one-snapshot dump. */
    snprintf(path, sizeof path, "%s/roles.sql", dir);
    s_tool("pg_dumpall", tool, sizeof tool);
    char *roles_argv[] = {tool, "--roles-only", "--no-role-passwords", "-d", (char *)super, NULL};
    /* Passwords too when the server lets us read them (a superuser can); the variant
     * without them is the fall-back for managed servers. */
    char *roles_pw_argv[] = {tool, "--roles-only", "-d", (char *)super, NULL};
    if (s_run(roles_pw_argv, path) != 0 && s_run(roles_argv, path) != 0) {
        s_fail("backup: pg_dumpall --roles-only failed%s%s", NULL, NULL);
        goto out;
    }
    snprintf(path, sizeof path, "%s/database.dump", dir);
    s_tool("pg_dump", tool, sizeof tool);
    char *dump_argv[] = {tool, "--format=custom", "--file", path, "-d", (char *)super, NULL};
    if (s_run(dump_argv, NULL) != 0) {
        s_fail("backup: pg_dump failed%s%s", NULL, NULL);
        goto out;
    }

    const char *var = cs_config_get()->var_dir;
    if (s_var_files(var, &files) != 0) {
        s_fail("backup: cannot list %s: %s", var, strerror(errno));
        goto out;
    }
    snprintf(path, sizeof path, "%s/" MANIFEST ".part", dir);
    man = fopen(path, "w");
    if (!man) {
        s_fail("backup: cannot write %s: %s", path, strerror(errno));
        goto out;
    }
    char hex[HEX_LEN + 1];
    long long bytes = 0, size = 0;
    const char *own[] = {"roles.sql", "database.dump"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, own[i]);
        if (s_sha256_file(path, hex, &size) != 0) {
            s_fail("backup: cannot read %s: %s", path, strerror(errno));
            goto out;
        }
        fprintf(man, "%s  %s\n", hex, own[i]);
        if (i == 1)
            printf("database: %lld bytes (pg_dump, custom format)\n", size);
    }
    for (size_t i = 0; i < files.n; i++) {
        char src[PATH_MAX], dst[PATH_MAX];
        snprintf(src, sizeof src, "%s/%s", var, files.paths[i]);
        snprintf(dst, sizeof dst, "%s/files/%s", dir, files.paths[i]);
        /* Hash the copy, not the source: the manifest vouches for what the backup holds. */
        if (s_copy(src, dst) != 0 || s_sha256_file(dst, hex, &size) != 0) {
            if (errno == ENOENT)
                continue;   /* removed while we copied (a temporary file): not data */
            s_fail("backup: cannot copy %s: %s", src, strerror(errno));
            goto out;
        }
        fprintf(man, "%s  files/%s\n", hex, files.paths[i]);
        bytes += size;
    }
    if (fflush(man) != 0 || fsync(fileno(man)) != 0) {
        s_fail("backup: cannot write the manifest: %s%s", strerror(errno), NULL);
        goto out;
    }
    fclose(man);
    man = NULL;
    char final[PATH_MAX];
    snprintf(path, sizeof path, "%s/" MANIFEST ".part", dir);
    snprintf(final, sizeof final, "%s/" MANIFEST, dir);
    if (rename(path, final) != 0) {
        s_fail("backup: cannot write %s: %s", final, strerror(errno));
        goto out;
    }
    printf("files: %zu (%lld bytes) from %s\n", files.n, bytes, var);
    printf("backup complete: %s (manifest %s)\n", dir, MANIFEST);
    rc = 0;
out:
    if (man)
        fclose(man);
    s_list_free(&files);
    return rc;
}

/* --- restore ------------------------------------------------------------------------ */

typedef struct {
    char hex[HEX_LEN + 1];
    char *path;
} s_entry;

typedef struct {
    s_entry *e;
    size_t n;
} s_manifest;

static void s_manifest_free(s_manifest *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->e[i].path);
    free(m->e);
    *m = (s_manifest){0};
}

/* A safe relative path: no "..", not absolute, no empty component. */
static bool s_safe_rel(const char *p)
{
    if (!*p || *p == '/')
        return false;
    for (const char *c = p; *c;) {
        size_t n = strcspn(c, "/");
        if (n == 0 || (n == 2 && !strncmp(c, "..", 2)) || (n == 1 && *c == '.'))
            return false;
        c += n;
        if (*c == '/')
            c++;
    }
    return true;
}

static int s_manifest_read(const char *dir, s_manifest *m)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/" MANIFEST, dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return s_fail("restore: no %s (not a complete backup): %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int rc = 0;
    *m = (s_manifest){0};
    while (rc == 0 && (len = getline(&line, &cap, f)) > 0) {
        line[strcspn(line, "\n")] = '\0';
        const char *rel = line + HEX_LEN + 2;
        if (strlen(line) <= HEX_LEN + 2 || line[HEX_LEN] != ' ' || line[HEX_LEN + 1] != ' ' ||
            strspn(line, "0123456789abcdef") != HEX_LEN || !s_safe_rel(rel)) {
            rc = s_fail("restore: malformed manifest line \"%s\"%s", line, NULL);
            break;
        }
        s_entry *e = realloc(m->e, (m->n + 1) * sizeof *e);
        if (!e) {
            rc = -1;
            break;
        }
        m->e = e;
        memcpy(m->e[m->n].hex, line, HEX_LEN);
        m->e[m->n].hex[HEX_LEN] = '\0';
        m->e[m->n].path = strdup(rel);
        if (!m->e[m->n++].path)
            rc = -1;
    }
    free(line);
    fclose(f);
    if (rc != 0)
        s_manifest_free(m);
    return rc;
}

/* An evidence file is stored under its own SHA-256 (evidence/ab/abcd...): its content
 * must still have that hash, whatever the manifest says. */
static bool s_evidence_name_ok(const char *rel, const char *hex)
{
    if (strncmp(rel, "files/evidence/", 15) != 0)
        return true;
    const char *base = strrchr(rel, '/') + 1;
    if (strlen(base) != HEX_LEN || strspn(base, "0123456789abcdef") != HEX_LEN)
        return true;    /* not a content-addressed file */
    return !strcmp(base, hex);
}

static PGconn *s_connect(const char *conninfo, const char *dbname)
{
    const char *keys[] = {"dbname", dbname ? "dbname" : NULL, NULL};
    const char *vals[] = {conninfo, dbname, NULL};
    return PQconnectdbParams(keys, vals, 1);
}

/* The database of conninfo, created (from the maintenance database) when missing; refused
 * when it already holds chiso's schema. 0, 1 failed, 2 refused. */
static int s_prepare_db(const char *conninfo)
{
    PGconn *db = s_connect(conninfo, NULL);
    if (PQstatus(db) != CONNECTION_OK) {
        PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
        const char *name = "chiso";
        for (PQconninfoOption *o = opts; o && o->keyword; o++)
            if (!strcmp(o->keyword, "dbname") && o->val && *o->val)
                name = o->val;
        PGconn *maint = s_connect(conninfo, "postgres");
        int rc = 1;
        if (PQstatus(maint) == CONNECTION_OK) {
            char *ident = PQescapeIdentifier(maint, name, strlen(name));
            char sql[512];
            snprintf(sql, sizeof sql, "CREATE DATABASE %s", ident ? ident : "\"\"");
            PGresult *r = PQexec(maint, sql);
            if (PQresultStatus(r) == PGRES_COMMAND_OK) {
                printf("database %s created\n", name);
                rc = 0;
            } else {
                fprintf(stderr, "chiso-admin: restore: %s", PQerrorMessage(maint));
            }
            PQclear(r);
            PQfreemem(ident);
        } else {
            fprintf(stderr, "chiso-admin: restore: %s", PQerrorMessage(db));
        }
        PQfinish(maint);
        PQconninfoFree(opts);
        PQfinish(db);
        return rc;
    }
    PGresult *r = PQexec(db, "SELECT count(*) FROM pg_namespace WHERE nspname IN ('core', 'catalog')"
                             " OR to_regclass('public.schema_migrations') IS NOT NULL");
    int rc = 0;
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "chiso-admin: restore: %s", PQerrorMessage(db));
        rc = 1;
    } else if (strcmp(PQgetvalue(r, 0, 0), "0") != 0) {
        s_fail("restore: the target database already holds chiso's tables; restore into a"
               " fresh database%s%s", NULL, NULL);
        rc = 2;
    }
    PQclear(r);
    PQfinish(db);
    return rc;
}

/* roles.sql statement by statement: a role that exists already is kept (42710), and the
 * restoring superuser's own role is left as it is (its password, attributes). */
static int s_restore_roles(const char *dir, const char *conninfo)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/roles.sql", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return s_fail("restore: cannot read %s: %s", path, strerror(errno));
    PGconn *db = s_connect(conninfo, "postgres");
    if (PQstatus(db) != CONNECTION_OK) {
        fprintf(stderr, "chiso-admin: restore: %s", PQerrorMessage(db));
        PQfinish(db);
        fclose(f);
        return -1;
    }
    const char *me = PQuser(db);
    char self_alter[256];
    snprintf(self_alter, sizeof self_alter, "ALTER ROLE %s ", me);
    char *line = NULL;
    size_t cap = 0;
    int rc = 0, created = 0;
    while (rc == 0 && getline(&line, &cap, f) > 0) {
        line[strcspn(line, "\n")] = '\0';
        if (!*line || !strncmp(line, "--", 2) || !strncmp(line, "\\", 1) ||
            !strncmp(line, self_alter, strlen(self_alter)))
            continue;
        PGresult *r = PQexec(db, line);
        ExecStatusType st = PQresultStatus(r);
        const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
            created += !strncmp(line, "CREATE ROLE", 11);
        } else if (!(state && !strcmp(state, "42710"))) {
            fprintf(stderr, "chiso-admin: restore: roles: %s: %s", line, PQerrorMessage(db));
            rc = -1;
        }
        PQclear(r);
    }
    free(line);
    fclose(f);
    PQfinish(db);
    if (rc == 0)
        printf("roles: %d created (existing ones kept)\n", created);
    return rc;
}

int adm_restore(const char *dir)
{
    const char *super = cs_env("CHISO_DB_SUPER", NULL);
    if (!super)
        return s_fail("restore: CHISO_DB_SUPER (the target's superuser conninfo) is not set%s%s",
                      NULL, NULL), 2;
    s_manifest m = {0};
    if (s_manifest_read(dir, &m) != 0)
        return 2;
    int rc = 2;
    char path[PATH_MAX], hex[HEX_LEN + 1];
    bool have_dump = false, have_roles = false;
    /* 1. The whole backup is checked before anything changes. */
    for (size_t i = 0; i < m.n; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, m.e[i].path);
        if (s_sha256_file(path, hex, NULL) != 0) {
            s_fail("restore: %s: %s", path, strerror(errno));
            goto out;
        }
        if (strcmp(hex, m.e[i].hex) != 0) {
            s_fail("restore: %s does not match the manifest (SHA-256 %s); nothing restored",
                   path, hex);
            goto out;
        }
        if (!s_evidence_name_ok(m.e[i].path, hex)) {
            s_fail("restore: evidence file %s does not hash to its name; nothing restored",
                   path, NULL);
            goto out;
        }
        have_dump |= !strcmp(m.e[i].path, "database.dump");
        have_roles |= !strcmp(m.e[i].path, "roles.sql");
    }
    if (!have_dump || !have_roles) {
        s_fail("restore: the manifest lists no database.dump or roles.sql%s%s", NULL, NULL);
        goto out;
    }
    printf("manifest: %zu files verified\n", m.n);
    const char *var = cs_config_get()->var_dir;
    for (size_t i = 0; i < m.n; i++) {
        if (strncmp(m.e[i].path, "files/", 6) != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", var, m.e[i].path + 6);
        if (access(path, F_OK) == 0 &&
            (s_sha256_file(path, hex, NULL) != 0 || strcmp(hex, m.e[i].hex) != 0)) {
            s_fail("restore: %s exists with other content; restore into a fresh folder%s",
                   path, NULL);
            goto out;
        }
    }
    int db_rc = s_prepare_db(super);
    if (db_rc != 0) {
        rc = db_rc;
        goto out;
    }
    /* 2. Roles, database, files. */
    rc = 1;
    if (s_restore_roles(dir, super) != 0)
        goto out;
    char tool[PATH_MAX];
    s_tool("pg_restore", tool, sizeof tool);
    snprintf(path, sizeof path, "%s/database.dump", dir);
    char *argv[] = {tool, "--exit-on-error", "--single-transaction", "-d", (char *)super, path,
                    NULL};
    if (s_run(argv, NULL) != 0) {
        s_fail("restore: pg_restore failed (the database is left as it was: one transaction)%s%s",
               NULL, NULL);
        goto out;
    }
    printf("database restored\n");
    size_t copied = 0;
    for (size_t i = 0; i < m.n; i++) {
        if (strncmp(m.e[i].path, "files/", 6) != 0)
            continue;
        char src[PATH_MAX];
        snprintf(src, sizeof src, "%s/%s", dir, m.e[i].path);
        snprintf(path, sizeof path, "%s/%s", var, m.e[i].path + 6);
        if (s_copy(src, path) != 0 || s_sha256_file(path, hex, NULL) != 0 ||
            strcmp(hex, m.e[i].hex) != 0) {
            s_fail("restore: cannot copy %s to %s", src, path);
            goto out;
        }
        copied++;
    }
    printf("files: %zu restored into %s, each hash checked again\n", copied, var);
    printf("restore complete\n");
    rc = 0;
out:
    s_manifest_free(&m);
    return rc;
}
