/*  chiso-admin: installation tasks outside the API.
 *
 *    chiso-admin create-sysadmin LOGIN    password on stdin (not echoed on a terminal),
 *                                         at least 8 characters; running it again for a
 *                                         sysadmin LOGIN sets the new password.
 *    chiso-admin backup DIR / restore DIR  see backup.h (CHISO_DB_SUPER, CHISO_VAR_DIR)
 *
 *    chiso-admin audit-verify [PROVINCE_ID]  checks the audit trail's hash chains and
 *                                         names the first broken row (adm_audit.h).
 *    chiso-admin portal-load [--province CODE] FILE
 *                                         a portal feed file (see portal_load.h)
 *    chiso-admin reminders-run [--now TIME]  one pass of the reminders (adm_remind.h)
 *
 *  create-sysadmin connects with CHISO_DB_SYSTEM (role chiso_system, falling back to
 *  CHISO_DB): the transaction declares itself a system one (chiso.system), the only scope
 *  in which catalog.users admits rows without a province, and the database honours that
 *  only for role chiso_system (deploy/migrations/016_db_defence.sql), never for the
 *  services' role chiso_app. The other commands use CHISO_DB (chiso_app) or
 *  CHISO_DB_SUPER (backup, restore). */
#include <libpq-fe.h>
#include <stdbool.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "adm_audit.h"
#include "adm_remind.h"
#include "backup.h"
#include "cs_config.h"
#include "portal_load.h"

#define PASSWORD_MIN 8

/* Same rule as the API's logins: 3–64 of [A-Za-z0-9._@-]. */
static bool s_login_valid(const char *s)
{
    size_t n = strlen(s);
    if (n < 3 || n > 64)
        return false;
    for (; *s; s++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-", *s))
            return false;
    return true;
}

static int s_usage(void)
{
    fprintf(stderr, "usage: chiso-admin create-sysadmin LOGIN   (password on stdin)\n"
                    "       chiso-admin backup DIR | restore DIR\n"
                    "       chiso-admin audit-verify [PROVINCE_ID]\n"
                    "       chiso-admin portal-load [--province CODE] FILE   (766 *.json or dossier CSV)\n"
                    "       chiso-admin reminders-run [--now TIME]\n");
    return 2;
}

/* One line from stdin without echo when it is a terminal; trailing newline removed. */
static int s_read_password(char *buf, size_t n)
{
    bool tty = isatty(STDIN_FILENO);
    struct termios old, quiet;
    if (tty) {
        fprintf(stderr, "Mật khẩu / Password: ");
        tcgetattr(STDIN_FILENO, &old);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    char *ok = fgets(buf, (int)n, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fprintf(stderr, "\n");
    }
    if (!ok)
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

static int s_fail(PGconn *db, PGresult *r, const char *what)
{
    fprintf(stderr, "chiso-admin: %s: %s", what, PQerrorMessage(db));
    if (r)
        PQclear(r);
    PQfinish(db);
    return 1;
}

static int s_create_sysadmin(const char *login)
{
    if (!s_login_valid(login)) {
        fprintf(stderr, "chiso-admin: tên đăng nhập không hợp lệ / invalid login \"%s\"\n", login);
        return 2;
    }
    char password[1100];
    if (s_read_password(password, sizeof password) < 0) {
        fprintf(stderr, "chiso-admin: không đọc được mật khẩu / no password on stdin\n");
        return 2;
    }
    if (strlen(password) < PASSWORD_MIN) {
        fprintf(stderr, "chiso-admin: mật khẩu phải có ít nhất %d ký tự / "
                        "the password must have at least %d characters\n",
                PASSWORD_MIN, PASSWORD_MIN);
        return 2;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        fprintf(stderr, "chiso-admin: out of memory hashing the password\n");
        return 1;
    }
    sodium_memzero(password, sizeof password);

    PGconn *db = PQconnectdb(cs_env("CHISO_DB_SYSTEM", cs_env("CHISO_DB", "dbname=chiso")));
    if (PQstatus(db) != CONNECTION_OK)
        return s_fail(db, NULL, "connect");
    PGresult *r = PQexec(db, "BEGIN");
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        return s_fail(db, r, "begin");
    PQclear(r);
    r = PQexec(db, "SELECT set_config('chiso.system', 'on', true)");
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        return s_fail(db, r, "set_config");
    PQclear(r);
    const char *p[] = {login, hash};
    /* Idempotent: an existing sysadmin gets the new password; any other user of that login
     * is left alone (no row comes back). Created now: created_at is this transaction's
     * (xmax would need SELECT on the whole table, which no role but the owner has). */
    r = PQexecParams(db,
        "INSERT INTO catalog.users (province_id, login, full_name, password_hash, roles)"
        " VALUES (NULL, $1, 'Quản trị hệ thống', $2, '{sysadmin}')"
        " ON CONFLICT (login) DO UPDATE SET password_hash = $2, active = true"
        "   WHERE catalog.users.roles @> '{sysadmin}' AND catalog.users.province_id IS NULL"
        " RETURNING id, (created_at = now())", 2, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        return s_fail(db, r, "insert");
    if (PQntuples(r) == 0) {
        fprintf(stderr, "chiso-admin: «%s» đã là người dùng của một tỉnh / "
                        "\"%s\" already exists as a province user\n", login, login);
        PQclear(r);
        PQfinish(db);
        return 1;
    }
    bool created = PQgetvalue(r, 0, 1)[0] == 't';
    printf("sysadmin %s %s (id %s)\n", login, created ? "created" : "password updated",
           PQgetvalue(r, 0, 0));
    PQclear(r);
    r = PQexec(db, "COMMIT");
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        return s_fail(db, r, "commit");
    PQclear(r);
    PQfinish(db);
    return 0;
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "chiso-admin: libsodium failed to initialise\n");
        return 1;
    }
    if (argc == 3 && strcmp(argv[1], "create-sysadmin") == 0)
        return s_create_sysadmin(argv[2]);
    if (argc == 3 && strcmp(argv[1], "backup") == 0)
        return adm_backup(argv[2]);
    if (argc == 3 && strcmp(argv[1], "restore") == 0)
        return adm_restore(argv[2]);
    if ((argc == 2 || argc == 3) && strcmp(argv[1], "audit-verify") == 0)
        return adm_audit_verify(argc == 3 ? argv[2] : NULL);
    if (argc >= 3 && strcmp(argv[1], "portal-load") == 0)
        return admin_portal_load(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "reminders-run") == 0)
        return adm_reminders_run(argc, argv);
    return s_usage();
}
