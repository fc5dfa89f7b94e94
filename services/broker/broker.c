#include "broker.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>
#include "cs_log.h"
#include "cs_zmsg.h"

enum { W_READY = 1, W_REQUEST = 2, W_REPLY = 3, W_HEARTBEAT = 4, W_DISCONNECT = 5 };

#define MAX_IDENTITY 255
#define MAX_SERVICE_NAME 64
/* Requests waiting over all services; beyond this a new one is refused at once (NOSVC)
 * rather than growing the broker's memory without bound. */
#define MAX_QUEUED 100000

typedef struct s_service s_service;

typedef struct s_request {
    struct s_request *next;
    zmq_msg_t client;       /* client identity */
    zmq_msg_t corr;
    zmq_msg_t body;
    int64_t at;             /* arrival, ms */
} s_request;

typedef struct s_worker {
    struct s_worker *next;              /* all workers */
    struct s_worker *idle_prev, *idle_next;
    bool idle;
    unsigned char id[MAX_IDENTITY];
    size_t id_len;
    s_service *svc;
    int64_t expiry;                     /* ms; dead when now passes it */
    s_request *busy;                    /* request being handled (body already sent) */
} s_worker;

struct s_service {
    s_service *next;
    char name[MAX_SERVICE_NAME + 1];
    s_request *qhead, *qtail;
    s_worker *idle_head, *idle_tail;    /* least recently used at the head */
    int live;
};

struct broker {
    void *sock;
    broker_opts opts;
    s_service *services;
    s_worker *workers;
    size_t queued;
    int64_t next_hb;
};

static int64_t s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- sending ------------------------------------------------------------------------- */

static void s_to_client(broker *self, zmq_msg_t *client, const char *service, zmq_msg_t *corr,
                        const char *status, const void *body, size_t body_len)
{
    const void *d[7] = {zmq_msg_data(client), "", "CSC1", service, zmq_msg_data(corr), status,
                        body};
    size_t s[7] = {zmq_msg_size(client), 0, 4, strlen(service), zmq_msg_size(corr),
                   strlen(status), body_len};
    cs_zsend(self->sock, 7, d, s);
}

static void s_to_worker_cmd(broker *self, const void *id, size_t id_len, unsigned char cmd)
{
    const void *d[4] = {id, "", "CSW1", &cmd};
    size_t s[4] = {id_len, 0, 4, 1};
    cs_zsend(self->sock, 4, d, s);
}

/* --- requests ------------------------------------------------------------------------ */

static void s_request_free(s_request *r)
{
    zmq_msg_close(&r->client);
    zmq_msg_close(&r->corr);
    zmq_msg_close(&r->body);
    free(r);
}

static s_service *s_service_get(broker *self, const char *name, bool create)
{
    for (s_service *s = self->services; s; s = s->next)
        if (!strcmp(s->name, name))
            return s;
    if (!create)
        return NULL;
    s_service *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    snprintf(s->name, sizeof s->name, "%s", name);
    s->next = self->services;
    self->services = s;
    return s;
}

/* --- workers ------------------------------------------------------------------------- */

static void s_idle_remove(s_worker *w)
{
    if (!w->idle)
        return;
    s_service *s = w->svc;
    if (w->idle_prev)
        w->idle_prev->idle_next = w->idle_next;
    else
        s->idle_head = w->idle_next;
    if (w->idle_next)
        w->idle_next->idle_prev = w->idle_prev;
    else
        s->idle_tail = w->idle_prev;
    w->idle_prev = w->idle_next = NULL;
    w->idle = false;
}

static void s_idle_append(s_worker *w)
{
    s_service *s = w->svc;
    w->idle_prev = s->idle_tail;
    w->idle_next = NULL;
    if (s->idle_tail)
        s->idle_tail->idle_next = w;
    else
        s->idle_head = w;
    s->idle_tail = w;
    w->idle = true;
}

static s_worker *s_worker_find(broker *self, const void *id, size_t len)
{
    for (s_worker *w = self->workers; w; w = w->next)
        if (w->id_len == len && memcmp(w->id, id, len) == 0)
            return w;
    return NULL;
}

/* Forget a worker; the request it held (if any) is answered LOST. */
static void s_worker_delete(broker *self, s_worker *w, const char *why)
{
    s_idle_remove(w);
    if (w->busy) {
        s_to_client(self, &w->busy->client, w->svc->name, &w->busy->corr, "LOST", "", 0);
        s_request_free(w->busy);
        w->busy = NULL;
    }
    for (s_worker **p = &self->workers; *p; p = &(*p)->next) {
        if (*p == w) {
            *p = w->next;
            break;
        }
    }
    w->svc->live--;
    cs_log_info("worker of %s removed (%s), %d live", w->svc->name, why, w->svc->live);
    free(w);
}

/* Hand waiting requests to idle workers, least recently used first. */
static void s_dispatch(broker *self, s_service *s)
{
    while (s->qhead && s->idle_head) {
        s_worker *w = s->idle_head;
        s_idle_remove(w);
        s_request *r = s->qhead;
        s->qhead = r->next;
        if (!s->qhead)
            s->qtail = NULL;
        r->next = NULL;
        self->queued--;
        unsigned char cmd = W_REQUEST;
        const void *d[6] = {w->id, "", "CSW1", &cmd, zmq_msg_data(&r->client),
                            zmq_msg_data(&r->corr)};
        size_t sz[6] = {w->id_len, 0, 4, 1, zmq_msg_size(&r->client), zmq_msg_size(&r->corr)};
        for (int i = 0; i < 6; i++)
            zmq_send(self->sock, d[i], sz[i], ZMQ_SNDMORE);
        zmq_msg_send(&r->body, self->sock, 0);
        w->busy = r;
    }
}

/* --- messages ------------------------------------------------------------------------ */

static bool s_valid_service(const void *data, size_t len)
{
    if (len == 0 || len > MAX_SERVICE_NAME)
        return false;
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++)
        if (p[i] <= 0x20 || p[i] >= 0x7f)
            return false;
    return true;
}

static void s_status(broker *self, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (s_service *s = self->services; s; s = s->next) {
        if (s->live <= 0)
            continue;
        int n = snprintf(buf + used, cap - used, "%s%s=%d", used ? "," : "", s->name, s->live);
        if (n < 0 || (size_t)n >= cap - used)
            break;
        used += (size_t)n;
    }
}

static bool s_same(zmq_msg_t *a, const void *data, size_t len)
{
    return zmq_msg_size(a) == len && memcmp(zmq_msg_data(a), data, len) == 0;
}

/* Does this broker hold the request (client, corr): waiting in a queue or with a worker?
 * A client asks ("mmi.held") when a reply is long in coming, to tell a slow request from
 * one its broker lost by dying (cs_client.c). */
static bool s_holds(broker *self, zmq_msg_t *client, const void *corr, size_t corr_len)
{
    const void *id = zmq_msg_data(client);
    size_t id_len = zmq_msg_size(client);
    for (s_worker *w = self->workers; w; w = w->next)
        if (w->busy && s_same(&w->busy->client, id, id_len) &&
            s_same(&w->busy->corr, corr, corr_len))
            return true;
    for (s_service *s = self->services; s; s = s->next)
        for (s_request *r = s->qhead; r; r = r->next)
            if (s_same(&r->client, id, id_len) && s_same(&r->corr, corr, corr_len))
                return true;
    return false;
}

static void s_from_client(broker *self, cs_zmsg *m)
{
    /* identity | "" | CSC1 | service | corr | flags | body */
    if (m->n != 7 || !s_valid_service(cs_zmsg_data(m, 3), cs_zmsg_size(m, 3)) ||
        cs_zmsg_size(m, 4) == 0 || cs_zmsg_size(m, 4) > 64) {
        cs_log_warn("malformed client message dropped (%d frames)", m->n);
        return;
    }
    char name[MAX_SERVICE_NAME + 1];
    memcpy(name, cs_zmsg_data(m, 3), cs_zmsg_size(m, 3));
    name[cs_zmsg_size(m, 3)] = '\0';
    if (!strcmp(name, "mmi.status")) {
        char list[4096];
        s_status(self, list, sizeof list);
        s_to_client(self, &m->f[0], name, &m->f[4], "OK", list, strlen(list));
        return;
    }
    if (!strcmp(name, "mmi.held")) {
        bool held = s_holds(self, &m->f[0], cs_zmsg_data(m, 6), cs_zmsg_size(m, 6));
        s_to_client(self, &m->f[0], name, &m->f[4], "OK", held ? "1" : "0", 1);
        return;
    }
    s_service *s = self->queued < MAX_QUEUED ? s_service_get(self, name, true) : NULL;
    s_request *r = s ? calloc(1, sizeof *r) : NULL;
    if (!r) {
        cs_log_warn("request for %s refused: %zu waiting", name, self->queued);
        s_to_client(self, &m->f[0], name, &m->f[4], "NOSVC", "", 0);
        return;
    }
    zmq_msg_init(&r->client);
    zmq_msg_init(&r->corr);
    zmq_msg_init(&r->body);
    zmq_msg_move(&r->client, &m->f[0]);
    zmq_msg_move(&r->corr, &m->f[4]);
    zmq_msg_move(&r->body, &m->f[6]);
    r->at = s_now_ms();
    if (s->qtail)
        s->qtail->next = r;
    else
        s->qhead = r;
    s->qtail = r;
    self->queued++;
    s_dispatch(self, s);
}

static void s_from_worker(broker *self, cs_zmsg *m)
{
    /* identity | "" | CSW1 | command | ... */
    if (m->n < 4 || cs_zmsg_size(m, 3) != 1 || cs_zmsg_size(m, 0) > MAX_IDENTITY) {
        cs_log_warn("malformed worker message dropped");
        return;
    }
    const void *id = cs_zmsg_data(m, 0);
    size_t id_len = cs_zmsg_size(m, 0);
    unsigned char cmd = *(const unsigned char *)cs_zmsg_data(m, 3);
    s_worker *w = s_worker_find(self, id, id_len);
    if (w)
        w->expiry = s_now_ms() + (int64_t)self->opts.heartbeat_ms * self->opts.liveness;

    switch (cmd) {
    case W_READY: {
        if (m->n != 5 || !s_valid_service(cs_zmsg_data(m, 4), cs_zmsg_size(m, 4)) ||
            (cs_zmsg_size(m, 4) >= 4 && !memcmp(cs_zmsg_data(m, 4), "mmi.", 4))) {
            cs_log_warn("worker READY with a bad service name dropped");
            return;
        }
        if (w)  /* READY twice on one connection: start over */
            s_worker_delete(self, w, "ready again");
        char name[MAX_SERVICE_NAME + 1];
        memcpy(name, cs_zmsg_data(m, 4), cs_zmsg_size(m, 4));
        name[cs_zmsg_size(m, 4)] = '\0';
        s_service *s = s_service_get(self, name, true);
        w = s ? calloc(1, sizeof *w) : NULL;
        if (!w)
            return;
        memcpy(w->id, id, id_len);
        w->id_len = id_len;
        w->svc = s;
        w->expiry = s_now_ms() + (int64_t)self->opts.heartbeat_ms * self->opts.liveness;
        w->next = self->workers;
        self->workers = w;
        s->live++;
        s_idle_append(w);
        cs_log_info("worker of %s ready, %d live", s->name, s->live);
        s_dispatch(self, s);
        break;
    }
    case W_REPLY:
        /* identity | "" | CSW1 | REPLY | client | corr | body */
        if (m->n != 7) {
            cs_log_warn("malformed worker REPLY dropped");
            return;
        }
        if (w && w->busy) {
            s_request_free(w->busy);
            w->busy = NULL;
        }
        /* Forwarded even from a worker the broker no longer knows: the client matches the
         * corr_id and discards what it has stopped waiting for. */
        {
            const char *svc = w ? w->svc->name : "";
            s_to_client(self, &m->f[4], svc, &m->f[5], "OK", cs_zmsg_data(m, 6),
                        cs_zmsg_size(m, 6));
        }
        if (w && !w->idle) {
            s_idle_append(w);
            s_dispatch(self, w->svc);
        }
        break;
    case W_HEARTBEAT:
        if (!w)
            s_to_worker_cmd(self, id, id_len, W_DISCONNECT);
        break;
    case W_DISCONNECT:
        if (w)
            s_worker_delete(self, w, "disconnected");
        break;
    default:
        cs_log_warn("unknown worker command %d dropped", cmd);
    }
}

/* --- timers -------------------------------------------------------------------------- */

static void s_purge(broker *self, int64_t now)
{
    for (s_worker *w = self->workers, *next; w; w = next) {
        next = w->next;
        if (now > w->expiry)
            s_worker_delete(self, w, "silent");
    }
    for (s_service *s = self->services; s; s = s->next) {
        /* Busy workers: the request waits, but not past the point where its client
         * stopped waiting for it; running it then would only load the service. */
        while (s->live > 0 && self->opts.expire_ms > 0 && s->qhead &&
               now - s->qhead->at >= self->opts.expire_ms) {
            s_request *r = s->qhead;
            s->qhead = r->next;
            if (!s->qhead)
                s->qtail = NULL;
            self->queued--;
            cs_log_warn("request for %s expired after %d ms in the queue", s->name,
                        self->opts.expire_ms);
            s_request_free(r);
        }
        if (s->live > 0)
            continue;
        while (s->qhead && now - s->qhead->at >= self->opts.nosvc_ms) {
            s_request *r = s->qhead;
            s->qhead = r->next;
            if (!s->qhead)
                s->qtail = NULL;
            self->queued--;
            s_to_client(self, &r->client, s->name, &r->corr, "NOSVC", "", 0);
            s_request_free(r);
        }
    }
}

/* Sleep no longer than the next event: heartbeat, a worker's expiry, a NOSVC deadline. */
static long s_wait_ms(broker *self, int64_t now)
{
    int64_t until = self->next_hb;
    for (s_worker *w = self->workers; w; w = w->next)
        if (w->expiry + 1 < until)
            until = w->expiry + 1;
    for (s_service *s = self->services; s; s = s->next)
        if (s->live <= 0 && s->qhead && s->qhead->at + self->opts.nosvc_ms < until)
            until = s->qhead->at + self->opts.nosvc_ms;
        else if (s->live > 0 && s->qhead && self->opts.expire_ms > 0 &&
                 s->qhead->at + self->opts.expire_ms < until)
            until = s->qhead->at + self->opts.expire_ms;
    return until > now ? (long)(until - now) : 0;
}

/* --- lifecycle ----------------------------------------------------------------------- */

broker *broker_new(void *zmq_ctx, const broker_opts *opts)
{
    broker *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->opts = *opts;
    self->sock = zmq_socket(zmq_ctx, ZMQ_ROUTER);
    if (!self->sock) {
        free(self);
        return NULL;
    }
    int64_t max = opts->max_msg;
    int zero = 0, hwm = 100000;
    zmq_setsockopt(self->sock, ZMQ_MAXMSGSIZE, &max, sizeof max);
    zmq_setsockopt(self->sock, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(self->sock, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt(self->sock, ZMQ_RCVHWM, &hwm, sizeof hwm);
    if (zmq_bind(self->sock, opts->endpoint) != 0) {
        cs_log_error("cannot bind %s: %s", opts->endpoint, zmq_strerror(zmq_errno()));
        zmq_close(self->sock);
        free(self);
        return NULL;
    }
    cs_log_info("broker listening on %s (heartbeat %d ms, liveness %d, nosvc %d ms)",
                opts->endpoint, opts->heartbeat_ms, opts->liveness, opts->nosvc_ms);
    return self;
}

void broker_destroy(broker **self_p)
{
    if (!self_p || !*self_p)
        return;
    broker *self = *self_p;
    while (self->workers) {
        s_worker *w = self->workers;
        self->workers = w->next;
        if (w->busy)
            s_request_free(w->busy);
        free(w);
    }
    while (self->services) {
        s_service *s = self->services;
        self->services = s->next;
        while (s->qhead) {
            s_request *r = s->qhead;
            s->qhead = r->next;
            s_request_free(r);
        }
        free(s);
    }
    zmq_close(self->sock);
    free(self);
    *self_p = NULL;
}

int broker_run(broker *self, volatile sig_atomic_t *stop)
{
    self->next_hb = s_now_ms() + self->opts.heartbeat_ms;
    while (!*stop) {
        zmq_pollitem_t item = {self->sock, 0, ZMQ_POLLIN, 0};
        int rc = zmq_poll(&item, 1, s_wait_ms(self, s_now_ms()));
        if (rc < 0) {
            if (zmq_errno() == ETERM)
                return 0;
            if (zmq_errno() != EINTR) {
                cs_log_error("poll failed: %s", zmq_strerror(zmq_errno()));
                return -1;
            }
        }
        /* Drain what is there, a bounded batch so timers still run under load. */
        for (int i = 0; rc > 0 && i < 1000; i++) {
            cs_zmsg m;
            if (cs_zmsg_recv(&m, self->sock, ZMQ_DONTWAIT) != 0) {
                if (errno == EPROTO) {
                    cs_log_warn("message with too many frames dropped");
                    continue;
                }
                break;
            }
            if (m.n >= 3 && cs_zmsg_is(&m, 1, "") && cs_zmsg_is(&m, 2, "CSC1"))
                s_from_client(self, &m);
            else if (m.n >= 3 && cs_zmsg_is(&m, 1, "") && cs_zmsg_is(&m, 2, "CSW1"))
                s_from_worker(self, &m);
            else
                cs_log_warn("message of unknown protocol dropped (%d frames)", m.n);
            cs_zmsg_close(&m);
        }
        int64_t now = s_now_ms();
        if (now >= self->next_hb) {
            for (s_worker *w = self->workers; w; w = w->next)
                s_to_worker_cmd(self, w->id, w->id_len, W_HEARTBEAT);
            self->next_hb = now + self->opts.heartbeat_ms;
        }
        s_purge(self, now);
    }
    return 0;
}
