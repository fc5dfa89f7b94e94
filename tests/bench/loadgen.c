/*  chiso-loadgen: HTTP load from N concurrent keep-alive clients, for `make bench`.
 *
 *  usage: chiso-loadgen HOST PORT CLIENTS SCRIPT
 *  SCRIPT has one request per line: METHOD<TAB>PATH<TAB>TOKEN<TAB>JSON-BODY[<TAB>HEADER]
 *  (TOKEN "-": no Authorization header; HEADER: one more "Name: value" line, e.g. an
 *  If-None-Match; a 304 answer counts as a success like any 2xx). Client i sends
 *  the lines i, i+CLIENTS, i+2*CLIENTS... in that order, each once: every line is sent exactly
 *  once, and the lines one client owns reach the server in script order (the bench gives each
 *  client its own agency, so successive saves of one leaf never race each other).
 *  Prints one JSON object: requests, errors (non-2xx or I/O), reconnects (a keep-alive
 *  connection found closed and opened again; the request is then sent once more), seconds,
 *  per_second, p50_ms, p99_ms, max_ms.
 *
 *  Written here rather than using a generic tool so that every client carries its own
 *  session token and body, as the agencies' clerks do. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { BUF_SIZE = 1 << 16 };

typedef struct {
    char *method, *path, *token, *body, *header;
} req_line;

static req_line *s_lines;
static size_t s_nlines;
static const char *s_host;
static int s_port;
static size_t s_clients;
static atomic_long s_errors;
static atomic_long s_reconnects;
static double *s_lat; /* milliseconds, one per script line */

static double s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int s_connect(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s_port)};
    inet_pton(AF_INET, s_host, &a.sin_addr);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int s_write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Read one response into buf (headers and as much of the body as fits; the rest is read and
 * dropped). Returns the status code, or -1 on I/O error. Needs Content-Length (the gateway
 * always sends it). */
static int s_read_response(int fd, char *buf, size_t cap)
{
    size_t len = 0;
    char *hdr_end = NULL;
    while (!hdr_end) {
        if (len + 1 >= cap)
            return -1;
        ssize_t r = read(fd, buf + len, cap - 1 - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        len += (size_t)r;
        buf[len] = 0;
        hdr_end = strstr(buf, "\r\n\r\n");
    }
    int status = atoi(buf + 9); /* "HTTP/1.1 200 ..." */
    long clen = 0;
    for (char *p = buf; p < hdr_end; p++)
        if ((p == buf || p[-1] == '\n') && strncasecmp(p, "content-length:", 15) == 0)
            clen = strtol(p + 15, NULL, 10);
    size_t have = len - (size_t)(hdr_end + 4 - buf);
    while ((long)have < clen) {
        char sink[8192];
        ssize_t r = read(fd, sink, sizeof sink);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        have += (size_t)r;
    }
    return status;
}

static void *s_client(void *arg)
{
    size_t id = (size_t)arg;
    char *buf = malloc(BUF_SIZE);
    char *resp = malloc(BUF_SIZE);
    if (!buf || !resp) {
        fprintf(stderr, "loadgen: out of memory\n");
        exit(1);
    }
    int fd = -1;
    for (size_t k = id; k < s_nlines; k += s_clients) {
        req_line *l = &s_lines[k];
        bool anon = strcmp(l->token, "-") == 0;
        int m = snprintf(buf, BUF_SIZE,
                         "%s %s HTTP/1.1\r\nHost: %s\r\n%s%s%s%s%s"
                         "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                         l->method, l->path, s_host, anon ? "" : "Authorization: Bearer ",
                         anon ? "" : l->token, anon ? "" : "\r\n", l->header,
                         *l->header ? "\r\n" : "", strlen(l->body), l->body);
        if (m < 0 || m >= BUF_SIZE) {
            fprintf(stderr, "loadgen: line %zu is too long\n", k + 1);
            exit(1);
        }
        double t0 = s_now_ms();
        int status = -1;
        resp[0] = 0;
        /* A second attempt only when a kept-alive connection turned out to be closed (it was
         * opened before this request); a fresh connection that fails is an error. */
        for (int attempt = 0; attempt < 2 && status < 0; attempt++) {
            bool reused = fd >= 0;
            if (fd < 0)
                fd = s_connect();
            if (fd >= 0 && s_write_all(fd, buf, (size_t)m) == 0)
                status = s_read_response(fd, resp, BUF_SIZE);
            if (status < 0 && fd >= 0) {
                close(fd);
                fd = -1;
            }
            if (status >= 0 || !reused)
                break;
            atomic_fetch_add(&s_reconnects, 1);
        }
        s_lat[k] = s_now_ms() - t0;
        if ((status < 200 || status > 299) && status != 304) {
            if (atomic_fetch_add(&s_errors, 1) < 3) {
                const char *body = status > 0 ? strstr(resp, "\r\n\r\n") : NULL;
                fprintf(stderr, "loadgen: status %d for %s %s: %.200s\n", status, l->method,
                        l->path, body ? body + 4 : "(no answer)");
            }
        }
    }
    if (fd >= 0)
        close(fd);
    free(buf);
    free(resp);
    return NULL;
}

static int s_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static char *s_field(char **p)
{
    char *start = *p, *tab = strchr(start, '\t');
    if (tab) {
        *tab = 0;
        *p = tab + 1;
    } else {
        *p = start + strlen(start);
    }
    return start;
}

/* Read SCRIPT into s_lines; 0, or -1 with a message. */
static int s_load_script(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "loadgen: cannot read %s\n", path);
        return -1;
    }
    size_t cap = 1024;
    s_lines = malloc(cap * sizeof *s_lines);
    char *line = NULL;
    size_t lcap = 0;
    ssize_t r;
    while (s_lines && (r = getline(&line, &lcap, f)) > 0) {
        if (line[r - 1] == '\n')
            line[r - 1] = 0;
        if (!*line)
            continue;
        if (s_nlines == cap) {
            req_line *more = realloc(s_lines, (cap *= 2) * sizeof *s_lines);
            if (!more) {
                free(s_lines);
                s_lines = NULL;
                break;
            }
            s_lines = more;
        }
        char *p = strdup(line);
        if (!p) {
            free(s_lines);
            s_lines = NULL;
            break;
        }
        req_line *l = &s_lines[s_nlines++];
        l->method = s_field(&p);
        l->path = s_field(&p);
        l->token = s_field(&p);
        l->body = s_field(&p);
        l->header = s_field(&p);
    }
    free(line);
    fclose(f);
    if (!s_lines) {
        fprintf(stderr, "loadgen: out of memory reading %s\n", path);
        return -1;
    }
    if (s_nlines == 0) {
        fprintf(stderr, "loadgen: %s has no requests\n", path);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s HOST PORT CLIENTS SCRIPT\n", argv[0]);
        return 2;
    }
    s_host = argv[1];
    s_port = atoi(argv[2]);
    int clients = atoi(argv[3]);
    if (clients <= 0 || s_port <= 0) {
        fprintf(stderr, "loadgen: bad arguments\n");
        return 2;
    }
    s_clients = (size_t)clients;
    if (s_load_script(argv[4]) != 0)
        return 2;
    s_lat = calloc(s_nlines, sizeof *s_lat);
    pthread_t *th = calloc(s_clients, sizeof *th);
    if (!s_lat || !th) {
        fprintf(stderr, "loadgen: out of memory\n");
        return 1;
    }
    size_t started = 0;
    double t0 = s_now_ms();
    for (size_t i = 0; i < s_clients; i++) {
        if (pthread_create(&th[i], NULL, s_client, (void *)i) != 0) {
            fprintf(stderr, "loadgen: could not start client %zu\n", i);
            break;
        }
        started++;
    }
    for (size_t i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    if (started < s_clients)
        return 1; /* the lines of the missing clients were never sent: no figures */
    double secs = (s_now_ms() - t0) / 1e3;
    qsort(s_lat, s_nlines, sizeof *s_lat, s_cmp);
    printf("{\"requests\": %zu, \"errors\": %ld, \"reconnects\": %ld, \"seconds\": %.3f, "
           "\"per_second\": %.1f, \"p50_ms\": %.2f, \"p99_ms\": %.2f, \"max_ms\": %.2f}\n",
           s_nlines, atomic_load(&s_errors), atomic_load(&s_reconnects), secs, s_nlines / secs,
           s_lat[s_nlines / 2], s_lat[(size_t)((double)s_nlines * 0.99)], s_lat[s_nlines - 1]);
    free(s_lat);
    free(th);
    return 0;
}
