/*  adm_remind: see adm_remind.h. */
#include "adm_remind.h"
#include <curl/curl.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cat_remind.h"
#include "cs_config.h"

/* Unix seconds, or an ISO 8601 UTC time. -1 when neither. */
static time_t s_parse_time(const char *s)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*s && !*end)
        return v > 0 ? (time_t)v : -1;
    struct tm tm = {0};
    end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end || (*end && strcmp(end, "Z") != 0))
        return -1;
    return timegm(&tm);
}

int adm_reminders_run(int argc, char **argv)
{
    time_t now = time(NULL);
    if (argc == 4 && strcmp(argv[2], "--now") == 0)
        now = s_parse_time(argv[3]);
    else if (argc != 2)
        now = -1;
    if (now < 0) {
        fprintf(stderr, "usage: chiso-admin reminders-run [--now UNIX_SECONDS|YYYY-MM-DDTHH:MM:SSZ]\n");
        return 2;
    }
    cat_smtp smtp;
    cat_smtp_from_env(&smtp);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
        fprintf(stderr, "chiso-admin: libcurl failed to initialise\n");
        return 1;
    }
    PGconn *db = PQconnectdb(cs_env("CHISO_DB", "dbname=chiso"));
    int rc = 1;
    char err[512] = "";
    cat_remind_stats st;
    if (PQstatus(db) != CONNECTION_OK)
        fprintf(stderr, "chiso-admin: connect: %s", PQerrorMessage(db));
    else if (cat_remind_pass(db, now, &smtp, &st, err, sizeof err) < 0)
        fprintf(stderr, "chiso-admin: reminders: %s\n", err);
    else {
        printf("{\"now\": %lld, \"relay\": %s, \"provinces\": %d, \"enqueued\": %d, "
               "\"expired\": %d, \"sent\": %d, \"retry\": %d, \"failed\": %d, "
               "\"no_address\": %d}\n",
               (long long)now, smtp.url ? "true" : "false", st.provinces, st.enqueued,
               st.expired, st.sent, st.retry, st.failed, st.no_address);
        rc = 0;
    }
    PQfinish(db);
    curl_global_cleanup();
    return rc;
}
