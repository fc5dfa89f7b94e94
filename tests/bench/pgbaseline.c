/*  chiso-pgbaseline: the floor that `make bench` compares the gateway against — single-row
 *  transactional inserts straight through libpq, from N concurrent connections.
 *
 *  usage: chiso-pgbaseline CONNINFO CLIENTS REQUESTS
 *  Inserts into bench_baseline (created by scripts/bench.py), one row per transaction
 *  (autocommit, so each insert waits for its own commit as a service's save does), with
 *  parameters. All connections are opened before the clock starts, as the load generator's
 *  keep-alive clients are. Prints the same JSON object as chiso-loadgen. */
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Agencies in the national data set (34 x 130): the rows spread over them. */
enum { AGENCIES = 34 * 130 };

static long s_total;
static atomic_long s_next;
static atomic_long s_errors;
static double *s_lat;

static double s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *s_client(void *arg)
{
    PGconn *db = arg;
    for (;;) {
        long n = atomic_fetch_add(&s_next, 1);
        if (n >= s_total)
            break;
        char agency[32], score[32];
        snprintf(agency, sizeof agency, "%ld", 1 + n % AGENCIES);
        snprintf(score, sizeof score, "%ld", (n * 5) % 80);
        const char *params[] = {"1", agency, "1.1", score};
        double t0 = s_now_ms();
        PGresult *r = PQexecParams(db,
                                   "INSERT INTO bench_baseline (province_id, agency_id, leaf_code, score) "
                                   "VALUES ($1, $2, $3, $4)",
                                   4, NULL, params, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_COMMAND_OK && atomic_fetch_add(&s_errors, 1) < 3)
            fprintf(stderr, "pgbaseline: %s", PQerrorMessage(db));
        PQclear(r);
        s_lat[n] = s_now_ms() - t0;
    }
    return NULL;
}

static int s_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s CONNINFO CLIENTS REQUESTS\n", argv[0]);
        return 2;
    }
    int clients = atoi(argv[2]);
    s_total = atol(argv[3]);
    if (clients <= 0 || s_total <= 0) {
        fprintf(stderr, "pgbaseline: bad arguments\n");
        return 2;
    }
    s_lat = calloc((size_t)s_total, sizeof *s_lat);
    pthread_t *th = calloc((size_t)clients, sizeof *th);
    PGconn **dbs = calloc((size_t)clients, sizeof *dbs);
    if (!s_lat || !th || !dbs) {
        fprintf(stderr, "pgbaseline: out of memory\n");
        return 1;
    }
    int rc = 0, started = 0;
    for (int i = 0; i < clients && rc == 0; i++) {
        dbs[i] = PQconnectdb(argv[1]);
        if (PQstatus(dbs[i]) != CONNECTION_OK) {
            fprintf(stderr, "pgbaseline: connection %d: %s", i + 1, PQerrorMessage(dbs[i]));
            rc = 1;
        }
    }
    double t0 = s_now_ms();
    for (int i = 0; i < clients && rc == 0; i++) {
        if (pthread_create(&th[i], NULL, s_client, dbs[i]) != 0) {
            fprintf(stderr, "pgbaseline: could not start client %d\n", i + 1);
            rc = 1;
            break;
        }
        started++;
    }
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    double secs = (s_now_ms() - t0) / 1e3;
    /* Fewer clients than asked for would measure something else: no figures then. */
    if (rc == 0) {
        qsort(s_lat, (size_t)s_total, sizeof *s_lat, s_cmp);
        printf("{\"requests\": %ld, \"errors\": %ld, \"reconnects\": 0, \"seconds\": %.3f, "
               "\"per_second\": %.1f, \"p50_ms\": %.2f, \"p99_ms\": %.2f, \"max_ms\": %.2f}\n",
               s_total, atomic_load(&s_errors), secs, s_total / secs, s_lat[s_total / 2],
               s_lat[(size_t)((double)s_total * 0.99)], s_lat[s_total - 1]);
    }
    for (int i = 0; i < clients; i++)
        PQfinish(dbs[i]); /* NULL-safe */
    free(dbs);
    free(s_lat);
    free(th);
    return rc;
}
