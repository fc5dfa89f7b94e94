#include "cs_worker.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>
#include "cs_config.h"
#include "cs_log.h"
#include "cs_zmsg.h"

/* Commands on the inproc pair, caller -> I/O thread. */
#define PIPE_REPLY "REPLY"
#define PIPE_STOP  "STOP"

enum { W_READY = 1, W_REQUEST = 2, W_REPLY = 3, W_HEARTBEAT = 4, W_DISCONNECT = 5 };

struct cs_worker {
    void *ctx;
    char *endpoint;
    char *service;
    char pipe_ep[64];
    void *pipe;             /* caller's end of the inproc pair */
    pthread_t thread;
    bool thread_started;
    /* The I/O thread's state (touched only by it once started). */
    void *dealer;
    void *io_pipe;
    bool registered;        /* READY sent on the current dealer */
    bool busy;              /* a request is with the caller */
    zmq_msg_t client;       /* identity and corr_id of the request being handled */
    zmq_msg_t corr;
    int64_t last_heard;     /* ms, last message from the broker */
};

static int64_t s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int s_send_cmd(cs_worker *self, unsigned char cmd)
{
    const void *d[3] = {"", "CSW1", &cmd};
    size_t s[3] = {0, 4, 1};
    return cs_zsend(self->dealer, 3, d, s);
}

static int s_send_ready(cs_worker *self)
{
    unsigned char cmd = W_READY;
    const void *d[4] = {"", "CSW1", &cmd, self->service};
    size_t s[4] = {0, 4, 1, strlen(self->service)};
    if (cs_zsend(self->dealer, 4, d, s) != 0)
        return -1;
    self->registered = true;
    return 0;
}

static void s_close_dealer(cs_worker *self, int linger)
{
    if (self->dealer) {
        zmq_setsockopt(self->dealer, ZMQ_LINGER, &linger, sizeof linger);
        zmq_close(self->dealer);
        self->dealer = NULL;
    }
}

/* A fresh DEALER (a new identity, so the broker sees a new worker). READY goes out at once
 * unless a request is still being handled: then after its reply, so the broker never hands
 * this worker a second request while the first is running. */
static int s_connect(cs_worker *self)
{
    s_close_dealer(self, 0);
    self->dealer = zmq_socket(self->ctx, ZMQ_DEALER);
    if (!self->dealer)
        return -1;
    int64_t max = cs_config_get()->max_msg;
    int zero = 0;
    zmq_setsockopt(self->dealer, ZMQ_MAXMSGSIZE, &max, sizeof max);
    zmq_setsockopt(self->dealer, ZMQ_LINGER, &zero, sizeof zero);
    if (zmq_connect(self->dealer, self->endpoint) != 0)
        return -1;
    self->registered = false;
    self->last_heard = s_now_ms();
    if (!self->busy)
        return s_send_ready(self);
    return 0;
}

static void s_from_broker(cs_worker *self)
{
    cs_zmsg m;
    if (cs_zmsg_recv(&m, self->dealer, ZMQ_DONTWAIT) != 0)
        return;
    self->last_heard = s_now_ms();
    if (m.n < 3 || !cs_zmsg_is(&m, 0, "") || !cs_zmsg_is(&m, 1, "CSW1") ||
        cs_zmsg_size(&m, 2) != 1) {
        cs_log_warn("worker: malformed message from the broker dropped");
        cs_zmsg_close(&m);
        return;
    }
    unsigned char cmd = *(const unsigned char *)cs_zmsg_data(&m, 2);
    if (cmd == W_REQUEST && m.n == 6) {
        if (self->busy) {
            cs_log_warn("worker: request received while busy, dropped");
        } else {
            zmq_msg_copy(&self->client, &m.f[3]);
            zmq_msg_copy(&self->corr, &m.f[4]);
            self->busy = true;
            zmq_msg_send(&m.f[5], self->io_pipe, 0);
        }
    } else if (cmd == W_DISCONNECT) {
        cs_log_warn("worker: broker asked to reconnect");
        s_connect(self);
    } else if (cmd != W_HEARTBEAT) {
        cs_log_warn("worker: unexpected command %d from the broker", cmd);
    }
    cs_zmsg_close(&m);
}

/* Returns false when the caller asked the thread to stop. */
static bool s_from_caller(cs_worker *self)
{
    cs_zmsg m;
    if (cs_zmsg_recv(&m, self->io_pipe, ZMQ_DONTWAIT) != 0)
        return errno != ETERM;
    if (cs_zmsg_is(&m, 0, PIPE_STOP)) {
        cs_zmsg_close(&m);
        return false;
    }
    if (cs_zmsg_is(&m, 0, PIPE_REPLY) && m.n == 2 && self->busy) {
        unsigned char cmd = W_REPLY;
        const void *d[6] = {"", "CSW1", &cmd, zmq_msg_data(&self->client),
                            zmq_msg_data(&self->corr), cs_zmsg_data(&m, 1)};
        size_t s[6] = {0, 4, 1, zmq_msg_size(&self->client), zmq_msg_size(&self->corr),
                       cs_zmsg_size(&m, 1)};
        cs_zsend(self->dealer, 6, d, s);
        self->busy = false;
        if (!self->registered)
            s_send_ready(self);
    }
    cs_zmsg_close(&m);
    return true;
}

static void *s_io_thread(void *arg)
{
    cs_worker *self = arg;
    /* Signals belong to the service's threads, which poll a stop flag. */
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);

    const cs_config *cfg = cs_config_get();
    zmq_msg_init(&self->client);
    zmq_msg_init(&self->corr);
    self->io_pipe = zmq_socket(self->ctx, ZMQ_PAIR);
    if (!self->io_pipe || zmq_connect(self->io_pipe, self->pipe_ep) != 0 ||
        s_connect(self) != 0) {
        cs_log_error("worker: cannot connect to %s: %s", self->endpoint,
                     zmq_strerror(zmq_errno()));
    }
    int64_t next_hb = s_now_ms() + cfg->heartbeat_ms;
    int64_t silence = (int64_t)cfg->heartbeat_ms * cfg->liveness;
    bool run = self->io_pipe != NULL;
    while (run) {
        zmq_pollitem_t items[2] = {{self->io_pipe, 0, ZMQ_POLLIN, 0},
                                   {self->dealer, 0, ZMQ_POLLIN, 0}};
        int64_t now = s_now_ms();
        long wait = next_hb > now ? (long)(next_hb - now) : 0;
        int rc = zmq_poll(items, self->dealer ? 2 : 1, wait);
        if (rc < 0) {
            if (zmq_errno() == ETERM)
                break;
            continue;
        }
        if (items[0].revents & ZMQ_POLLIN)
            run = s_from_caller(self);
        if (run && self->dealer && (items[1].revents & ZMQ_POLLIN))
            s_from_broker(self);
        now = s_now_ms();
        if (run && now >= next_hb) {
            if (now - self->last_heard > silence) {
                cs_log_warn("worker: broker silent for %lld ms, reconnecting",
                            (long long)(now - self->last_heard));
                s_connect(self);
            } else if (self->dealer && self->registered) {
                s_send_cmd(self, W_HEARTBEAT);
            }
            next_hb = now + cfg->heartbeat_ms;
        }
    }
    /* Say goodbye so the broker stops routing here at once rather than after the
     * liveness interval. */
    if (self->dealer && self->registered) {
        s_send_cmd(self, W_DISCONNECT);
        s_close_dealer(self, 200);
    }
    s_close_dealer(self, 0);
    if (self->io_pipe) {
        int zero = 0;
        zmq_setsockopt(self->io_pipe, ZMQ_LINGER, &zero, sizeof zero);
        zmq_close(self->io_pipe);
    }
    zmq_msg_close(&self->client);
    zmq_msg_close(&self->corr);
    return NULL;
}

cs_worker *cs_worker_new(void *zmq_ctx, const char *endpoint, const char *service)
{
    cs_worker *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->ctx = zmq_ctx;
    self->endpoint = strdup(endpoint);
    self->service = strdup(service);
    snprintf(self->pipe_ep, sizeof self->pipe_ep, "inproc://cs-worker-%p", (void *)self);
    self->pipe = zmq_socket(zmq_ctx, ZMQ_PAIR);
    if (!self->endpoint || !self->service || !self->pipe ||
        zmq_bind(self->pipe, self->pipe_ep) != 0)
        goto fail;
    int zero = 0;
    zmq_setsockopt(self->pipe, ZMQ_LINGER, &zero, sizeof zero);
    if (pthread_create(&self->thread, NULL, s_io_thread, self) != 0)
        goto fail;
    self->thread_started = true;
    return self;
fail:
    cs_worker_destroy(&self);
    return NULL;
}

void cs_worker_destroy(cs_worker **self_p)
{
    if (!self_p || !*self_p)
        return;
    cs_worker *self = *self_p;
    if (self->thread_started) {
        zmq_send(self->pipe, PIPE_STOP, strlen(PIPE_STOP), ZMQ_DONTWAIT);
        pthread_join(self->thread, NULL);
    }
    if (self->pipe)
        zmq_close(self->pipe);
    free(self->endpoint);
    free(self->service);
    free(self);
    *self_p = NULL;
}

int cs_worker_recv(cs_worker *self, uint8_t **body, size_t *len, int timeout_ms)
{
    zmq_pollitem_t item = {self->pipe, 0, ZMQ_POLLIN, 0};
    int rc = zmq_poll(&item, 1, timeout_ms);
    if (rc <= 0)
        return -1;
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, self->pipe, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&msg);
        return -1;
    }
    size_t n = zmq_msg_size(&msg);
    *body = malloc(n ? n : 1);
    if (!*body) {
        zmq_msg_close(&msg);
        return -1;
    }
    if (n)
        memcpy(*body, zmq_msg_data(&msg), n);
    *len = n;
    zmq_msg_close(&msg);
    return 0;
}

int cs_worker_send(cs_worker *self, const uint8_t *body, size_t len)
{
    const void *d[2] = {PIPE_REPLY, body};
    size_t s[2] = {strlen(PIPE_REPLY), len};
    return cs_zsend(self->pipe, 2, d, s);
}
