/*  gw_metrics: counters and latency histogram for /metrics. See metrics.h. */
#include "metrics.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double s_bounds[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define N_BOUNDS (sizeof s_bounds / sizeof s_bounds[0])

typedef struct {
    const char *method;
    const char *route;
    int status;
    unsigned long long count;
    unsigned long long buckets[N_BOUNDS];   /* cumulative counts are built when rendering */
    double sum;
} s_series;

static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;
static s_series *s_rows;
static size_t s_n, s_cap;

void gw_metrics_observe(const char *method, const char *route, int status, double seconds)
{
    pthread_mutex_lock(&s_lock);
    s_series *row = NULL;
    for (size_t i = 0; i < s_n; i++)
        if (s_rows[i].status == status && strcmp(s_rows[i].route, route) == 0 &&
            strcmp(s_rows[i].method, method) == 0) {
            row = &s_rows[i];
            break;
        }
    if (!row) {
        if (s_n == s_cap) {
            s_cap = s_cap ? s_cap * 2 : 64;
            s_rows = realloc(s_rows, s_cap * sizeof *s_rows);
            if (!s_rows)
                abort();
        }
        row = &s_rows[s_n++];
        memset(row, 0, sizeof *row);
        row->route = route;
        row->status = status;
        /* methods outside the known set are folded so a client cannot grow the table */
        static const char *const known[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
        row->method = "OTHER";
        for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
            if (strcmp(method, known[k]) == 0)
                row->method = known[k];
    }
    row->count++;
    row->sum += seconds;
    for (size_t b = 0; b < N_BOUNDS; b++)
        if (seconds <= s_bounds[b]) {
            row->buckets[b]++;
            break;
        }
    pthread_mutex_unlock(&s_lock);
}

static void s_append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void s_append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t) n < *cap - *len) {
            *len += (size_t) n;
            return;
        }
        *cap *= 2;
        *buf = realloc(*buf, *cap);
        if (!*buf)
            abort();
    }
}

char *gw_metrics_render(void)
{
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    if (!buf)
        abort();
    buf[0] = '\0';
    pthread_mutex_lock(&s_lock);
    s_append(&buf, &len, &cap, "# HELP chiso_http_requests_total HTTP requests by route, method and status.\n"
                               "# TYPE chiso_http_requests_total counter\n");
    for (size_t i = 0; i < s_n; i++)
        s_append(&buf, &len, &cap,
                 "chiso_http_requests_total{route=\"%s\",method=\"%s\",status=\"%d\"} %llu\n",
                 s_rows[i].route, s_rows[i].method, s_rows[i].status, s_rows[i].count);
    s_append(&buf, &len, &cap, "# HELP chiso_http_request_duration_seconds Time to answer, by route, method and status.\n"
                               "# TYPE chiso_http_request_duration_seconds histogram\n");
    for (size_t i = 0; i < s_n; i++) {
        const s_series *r = &s_rows[i];
        unsigned long long cum = 0;
        for (size_t b = 0; b < N_BOUNDS; b++) {
            cum += r->buckets[b];
            s_append(&buf, &len, &cap,
                     "chiso_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\",status=\"%d\",le=\"%g\"} %llu\n",
                     r->route, r->method, r->status, s_bounds[b], cum);
        }
        s_append(&buf, &len, &cap,
                 "chiso_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\",status=\"%d\",le=\"+Inf\"} %llu\n"
                 "chiso_http_request_duration_seconds_sum{route=\"%s\",method=\"%s\",status=\"%d\"} %.6f\n"
                 "chiso_http_request_duration_seconds_count{route=\"%s\",method=\"%s\",status=\"%d\"} %llu\n",
                 r->route, r->method, r->status, r->count,
                 r->route, r->method, r->status, r->sum,
                 r->route, r->method, r->status, r->count);
    }
    pthread_mutex_unlock(&s_lock);
    return buf;
}
