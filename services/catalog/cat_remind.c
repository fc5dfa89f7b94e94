/*  cat_remind: see cat_remind.h. */
#include "cat_remind.h"
#include <pthread.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_config.h"
#include "cs_log.h"

long cat_remind_backoff(int attempts)
{
    long s = 60;
    for (int i = 1; i < attempts && s < 3600; i++)
        s *= 2;
    return s < 3600 ? s : 3600;
}

/* Run a statement; NULL (err filled, result cleared) unless it returned `want`. */
static PGresult *s_exec(PGconn *db, const char *sql, int n, const char *const *p,
                        ExecStatusType want, char *err, size_t err_len)
{
    PGresult *r = PQexecParams(db, sql, n, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(r) == want)
        return r;
    snprintf(err, err_len, "%s", PQerrorMessage(db));
    err[strcspn(err, "\n")] = '\0';
    PQclear(r);
    return NULL;
}

static int s_cmd(PGconn *db, const char *sql, int n, const char *const *p, char *err,
                 size_t err_len)
{
    PGresult *r = s_exec(db, sql, n, p, PGRES_COMMAND_OK, err, err_len);
    PQclear(r);
    return r ? 0 : -1;
}

static void s_rollback(PGconn *db)
{
    PQclear(PQexec(db, "ROLLBACK"));
}

/* BEGIN, with the province as tenant. */
static int s_begin(PGconn *db, const char *province, char *err, size_t err_len)
{
    if (s_cmd(db, "BEGIN", 0, NULL, err, err_len) < 0)
        return -1;
    const char *p[] = {province};
    PGresult *r = s_exec(db, "SELECT set_config('chiso.province_id', $1, true)", 1, p,
                         PGRES_TUPLES_OK, err, err_len);
    if (!r) {
        s_rollback(db);
        return -1;
    }
    PQclear(r);
    return 0;
}

/* 1 and 2: the reminders due, and the e-mails too late to send. */
static int s_enqueue(PGconn *db, const char *province, const char *now, cat_remind_stats *st,
                     char *err, size_t err_len)
{
    if (s_begin(db, province, err, err_len) < 0)
        return -1;
    const char *p[] = {now};
    PGresult *r = s_exec(db, "SELECT catalog.reminders_enqueue(to_timestamp($1::bigint))", 1, p,
                         PGRES_TUPLES_OK, err, err_len);
    if (r) {
        st->enqueued += atoi(PQgetvalue(r, 0, 0));
        PQclear(r);
        r = s_exec(db, "UPDATE catalog.notifications SET email_state = 'expired'"
                       " WHERE email_state = 'pending' AND closes_at <= to_timestamp($1::bigint)",
                   1, p, PGRES_COMMAND_OK, err, err_len);
    }
    if (!r) {
        s_rollback(db);
        return -1;
    }
    st->expired += atoi(PQcmdTuples(r));
    PQclear(r);
    return s_cmd(db, "COMMIT", 0, NULL, err, err_len);
}

/* 3: one pending e-mail of the province, locked, sent, marked. 1 when there was one, 0
 * when none is left, -1 on a database error. */
static int s_send_one(PGconn *db, const char *province, time_t now_t, const char *now,
                      const cat_smtp *smtp, cat_remind_stats *st, char *err, size_t err_len)
{
    if (s_begin(db, province, err, err_len) < 0)
        return -1;
    const char *p[] = {now};
    PGresult *r = s_exec(db,
        "SELECT n.id, u.email, u.full_name, n.title, n.body, n.attempts"
        "  FROM catalog.notifications n JOIN catalog.users u ON u.id = n.user_id"
        " WHERE n.email_state = 'pending' AND n.next_attempt_at <= to_timestamp($1::bigint)"
        "   AND n.closes_at > to_timestamp($1::bigint)"
        " ORDER BY n.id LIMIT 1 FOR UPDATE OF n SKIP LOCKED", 1, p, PGRES_TUPLES_OK, err, err_len);
    if (!r) {
        s_rollback(db);
        return -1;
    }
    if (PQntuples(r) == 0) {
        PQclear(r);
        s_rollback(db);
        return 0;
    }
    char id[32];
    snprintf(id, sizeof id, "%s", PQgetvalue(r, 0, 0));
    int attempts = atoi(PQgetvalue(r, 0, 5)) + 1;
    const char *to = PQgetisnull(r, 0, 1) ? NULL : PQgetvalue(r, 0, 1);
    char why[512] = "";
    const char *state;
    if (!to || !cat_smtp_address_valid(to)) {
        state = "no_address";
        st->no_address++;
    } else {
        size_t n = strlen(PQgetvalue(r, 0, 2)) + strlen(PQgetvalue(r, 0, 4)) + 256;
        char *body = malloc(n), mid[64];
        if (body)
            snprintf(body, n, "Kính gửi %s,\r\n\r\n%s\r\n\r\n-- \r\nThư tự động của hệ thống "
                              "đánh giá Chỉ số cải cách hành chính; vui lòng không trả lời thư này.\r\n",
                     PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 4));
        snprintf(mid, sizeof mid, "chiso-reminder-%s", id);
        char *msg = body ? cat_smtp_message(smtp->from, to, PQgetvalue(r, 0, 3), body, now_t, mid)
                         : NULL;
        if (!msg)
            snprintf(why, sizeof why, "the message could not be built (sender address?)");
        int rc = msg ? cat_smtp_send(smtp, to, msg, why, sizeof why) : -1;
        free(msg);
        free(body);
        state = rc == 0 ? "sent" : attempts >= CAT_REMIND_MAX_ATTEMPTS ? "failed" : "pending";
        if (rc == 0)
            st->sent++;
        else if (attempts >= CAT_REMIND_MAX_ATTEMPTS)
            st->failed++;
        else
            st->retry++;
        if (rc != 0)
            cs_log_warn("reminder %s to %s: %s", id, to, why);
    }
    char to_buf[256], next[32];
    snprintf(to_buf, sizeof to_buf, "%s", to ? to : "");
    PQclear(r);
    snprintf(next, sizeof next, "%lld", (long long)now_t + cat_remind_backoff(attempts));
    const char *u[] = {id, state, to_buf[0] ? to_buf : NULL, now, next, why[0] ? why : NULL};
    if (s_cmd(db, "UPDATE catalog.notifications SET email_state = $2, email_to = $3,"
                  "  attempts = attempts + CASE WHEN $2 = 'no_address' THEN 0 ELSE 1 END,"
                  "  sent_at = CASE WHEN $2 = 'sent' THEN to_timestamp($4::bigint) END,"
                  "  next_attempt_at = to_timestamp($5::bigint), last_error = $6"
                  " WHERE id = $1", 6, u, err, err_len) < 0) {
        s_rollback(db);
        return -1;
    }
    return s_cmd(db, "COMMIT", 0, NULL, err, err_len) < 0 ? -1 : 1;
}

int cat_remind_pass(PGconn *db, time_t now, const cat_smtp *smtp, cat_remind_stats *st,
                    char *err, size_t err_len)
{
    *st = (cat_remind_stats){0};
    char now_s[32];
    snprintf(now_s, sizeof now_s, "%lld", (long long)now);
    /* The provinces' ids through a definer function: the services' role has no system
     * mode (016_db_defence.sql); each province is then worked on as its tenant. */
    PGresult *pr = s_exec(db, "SELECT id FROM catalog.province_ids() AS id", 0, NULL,
                          PGRES_TUPLES_OK, err, err_len);
    if (!pr)
        return -1;
    int rc = 0;
    for (int i = 0; i < PQntuples(pr) && rc == 0; i++) {
        const char *province = PQgetvalue(pr, i, 0);
        st->provinces++;
        rc = s_enqueue(db, province, now_s, st, err, err_len);
        int one = 1;
        while (rc == 0 && smtp && smtp->url && one == 1)
            if ((one = s_send_one(db, province, now, now_s, smtp, st, err, err_len)) < 0)
                rc = -1;
    }
    PQclear(pr);
    return rc;
}

/* --- the background sender of chiso-catalog ---------------------------------------------- */

static pthread_t s_thread;
static pthread_mutex_t s_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t s_cv = PTHREAD_COND_INITIALIZER;
static bool s_stop, s_started;

static void *s_loop(void *arg)
{
    long interval = (long)(intptr_t)arg;
    cat_smtp smtp;
    cat_smtp_from_env(&smtp);
    PGconn *db = NULL;
    pthread_mutex_lock(&s_mu);
    while (!s_stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += interval;
        while (!s_stop && pthread_cond_timedwait(&s_cv, &s_mu, &until) == 0)
            ;
        if (s_stop)
            break;
        pthread_mutex_unlock(&s_mu);
        if (db && PQstatus(db) != CONNECTION_OK) {
            PQfinish(db);
            db = NULL;
        }
        if (!db)
            db = PQconnectdb(cs_env("CHISO_DB", "dbname=chiso"));
        char err[512] = "";
        cat_remind_stats st;
        if (PQstatus(db) != CONNECTION_OK)
            cs_log_warn("reminders: no database connection: %s", PQerrorMessage(db));
        else if (cat_remind_pass(db, time(NULL), &smtp, &st, err, sizeof err) < 0)
            cs_log_warn("reminders: pass failed: %s", err);
        else if (st.enqueued || st.sent || st.retry || st.failed)
            cs_log_info("reminders: %d new, %d e-mailed, %d to retry, %d given up", st.enqueued,
                        st.sent, st.retry, st.failed);
        pthread_mutex_lock(&s_mu);
    }
    pthread_mutex_unlock(&s_mu);
    PQfinish(db);
    return NULL;
}

int cat_remind_start(void)
{
    long interval = (long)cs_env_int("CHISO_REMINDER_INTERVAL", 300);
    if (interval <= 0)
        return 0;
    if (pthread_create(&s_thread, NULL, s_loop, (void *)(intptr_t)interval) != 0)
        return -1;
    s_started = true;
    return 0;
}

void cat_remind_stop(void)
{
    if (!s_started)
        return;
    pthread_mutex_lock(&s_mu);
    s_stop = true;
    pthread_cond_signal(&s_cv);
    pthread_mutex_unlock(&s_mu);
    pthread_join(s_thread, NULL);
    s_started = false;
}
