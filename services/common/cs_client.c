#include "cs_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <time.h>
#include <zmq.h>
#include "cs_config.h"
#include "cs_log.h"
#include "cs_zmsg.h"

/* Brokers a client may use: CHISO_BROKER may list several, comma-separated (a second
 * broker so the broker is not a single point of failure, README "Running a data center"). */
#define CS_CLIENT_MAX_BROKERS 4

struct cs_client {
    void *ctx;
    void *sock;
    uint64_t next_corr;
    char *endpoints[CS_CLIENT_MAX_BROKERS];
    int n_endpoints;
    int current;            /* index of the broker sock is connected to */
};

static int64_t s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A fresh DEALER to the current broker: a new identity, and nothing queued for the broker
 * that came before (a request queued while the broker was away must not reach it later,
 * when nobody waits for its answer). */
static int s_connect(cs_client *self)
{
    if (self->sock)
        zmq_close(self->sock);
    self->sock = zmq_socket(self->ctx, ZMQ_DEALER);
    if (!self->sock)
        return -1;
    int64_t max = cs_config_get()->max_msg;
    int zero = 0;
    zmq_setsockopt(self->sock, ZMQ_MAXMSGSIZE, &max, sizeof max);
    zmq_setsockopt(self->sock, ZMQ_LINGER, &zero, sizeof zero);
    /* Never block a gateway thread for longer than a call may last. */
    int sndtimeo = cs_config_get()->rpc_timeout_ms;
    zmq_setsockopt(self->sock, ZMQ_SNDTIMEO, &sndtimeo, sizeof sndtimeo);
    const char *ep = self->endpoints[self->current];
    if (zmq_connect(self->sock, ep) != 0) {
        cs_log_error("client: cannot connect to %s: %s", ep, zmq_strerror(zmq_errno()));
        zmq_close(self->sock);
        self->sock = NULL;
        return -1;
    }
    return 0;
}

cs_client *cs_client_new(void *zmq_ctx, const char *endpoint)
{
    cs_client *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->ctx = zmq_ctx;
    char *list = strdup(endpoint ? endpoint : "");
    char *save = NULL;
    for (char *tok = list ? strtok_r(list, ", ", &save) : NULL;
         tok && self->n_endpoints < CS_CLIENT_MAX_BROKERS; tok = strtok_r(NULL, ", ", &save)) {
        self->endpoints[self->n_endpoints] = strdup(tok);
        if (self->endpoints[self->n_endpoints])
            self->n_endpoints++;
    }
    free(list);
    /* Clients spread over the brokers (each gateway thread has its own client). */
    if (self->n_endpoints > 1 && sodium_init() >= 0)
        self->current = (int)randombytes_uniform((uint32_t)self->n_endpoints);
    if (self->n_endpoints == 0 || s_connect(self) != 0) {
        if (self->n_endpoints == 0)
            cs_log_error("client: no broker endpoint in \"%s\"", endpoint ? endpoint : "");
        cs_client_destroy(&self);
        return NULL;
    }
    /* Random start: a restarted client never mistakes a reply meant for its previous
     * incarnation (same identity is impossible, but cheap insurance) for its own. */
    if (sodium_init() >= 0)
        randombytes_buf(&self->next_corr, sizeof self->next_corr);
    return self;
}

void cs_client_destroy(cs_client **self_p)
{
    if (!self_p || !*self_p)
        return;
    cs_client *self = *self_p;
    if (self->sock)
        zmq_close(self->sock);
    for (int i = 0; i < self->n_endpoints; i++)
        free(self->endpoints[i]);
    free(self);
    *self_p = NULL;
}

enum { R_OK, R_NOSVC, R_LOST, R_TIMEOUT, R_ERROR, R_DOWN };

static int s_send(cs_client *self, const char *service, uint64_t corr, bool retry,
                  const void *body, size_t len)
{
    unsigned char flags = retry ? 1 : 0;
    const void *d[6] = {"", "CSC1", service, &corr, &flags, body};
    size_t s[6] = {0, 4, strlen(service), sizeof corr, 1, len};
    return cs_zsend(self->sock, 6, d, s);
}

/* Send one request and wait for its own reply, discarding stale ones.
 *
 * A reply may take long (a ranking compute), so silence alone proves nothing; but a broker
 * that died (or restarted: its successor knows nothing of the request) would leave the
 * caller waiting until the deadline. So after each CHISO_HEARTBEAT_MS x CHISO_LIVENESS of
 * silence the client asks the broker "mmi.held": does it still hold this request (queued or
 * with a worker)? "0" means it never will answer: R_LOST (the reply, had there been one,
 * would have come before the answer on the same connection). No answer to the question
 * within another such interval: the broker is down (R_DOWN). */
static int s_roundtrip(cs_client *self, const char *service, const uint8_t *req,
                       size_t req_len, bool retry, int64_t deadline, uint8_t **reply,
                       size_t *reply_len)
{
    const cs_config *cfg = cs_config_get();
    int64_t silence = (int64_t)cfg->heartbeat_ms * cfg->liveness;
    uint64_t corr = self->next_corr++;
    if (s_send(self, service, corr, retry, req, req_len) != 0)
        return R_ERROR;
    uint64_t ping = 0;          /* corr of the outstanding mmi.held question, 0: none */
    int64_t quiet_since = s_now_ms();
    for (;;) {
        int64_t now = s_now_ms();
        int64_t left = deadline - now;
        if (left <= 0)
            return R_TIMEOUT;
        if (now - quiet_since >= silence) {
            if (ping)
                return R_DOWN;
            ping = self->next_corr++;
            if (ping == 0)
                ping = self->next_corr++;
            if (s_send(self, "mmi.held", ping, false, &corr, sizeof corr) != 0)
                return R_DOWN;
            quiet_since = now;
        }
        long wait = (long)(quiet_since + silence - now);
        if (wait > left)
            wait = (long)left;
        zmq_pollitem_t item = {self->sock, 0, ZMQ_POLLIN, 0};
        int rc = zmq_poll(&item, 1, wait > 0 ? wait : 0);
        if (rc < 0) {
            if (zmq_errno() == EINTR)
                continue;
            return R_ERROR;
        }
        if (rc == 0)
            continue;
        cs_zmsg m;
        if (cs_zmsg_recv(&m, self->sock, ZMQ_DONTWAIT) != 0) {
            if (errno == ETERM)
                return R_ERROR;
            continue;
        }
        if (m.n != 6 || !cs_zmsg_is(&m, 0, "") || !cs_zmsg_is(&m, 1, "CSC1") ||
            cs_zmsg_size(&m, 3) != sizeof corr) {
            cs_zmsg_close(&m);     /* malformed */
            continue;
        }
        if (ping && memcmp(cs_zmsg_data(&m, 3), &ping, sizeof ping) == 0) {
            /* The broker is alive; "0": it does not hold the request (it restarted). */
            bool held = !cs_zmsg_is(&m, 4, "OK") || !cs_zmsg_is(&m, 5, "0");
            cs_zmsg_close(&m);
            if (!held)
                return R_LOST;
            ping = 0;
            quiet_since = s_now_ms();
            continue;
        }
        if (memcmp(cs_zmsg_data(&m, 3), &corr, sizeof corr) != 0) {
            cs_zmsg_close(&m);     /* stale */
            continue;
        }
        int result = R_ERROR;
        if (cs_zmsg_is(&m, 4, "OK")) {
            size_t n = cs_zmsg_size(&m, 5);
            *reply = malloc(n ? n : 1);
            if (*reply) {
                if (n)
                    memcpy(*reply, cs_zmsg_data(&m, 5), n);
                *reply_len = n;
                result = R_OK;
            }
        } else if (cs_zmsg_is(&m, 4, "NOSVC")) {
            result = R_NOSVC;
        } else if (cs_zmsg_is(&m, 4, "LOST")) {
            result = R_LOST;
        }
        cs_zmsg_close(&m);
        return result;
    }
}

int cs_client_call(cs_client *self, const char *service,
                   const uint8_t *req, size_t req_len, bool retry,
                   uint8_t **reply, size_t *reply_len, cs_err *e)
{
    *reply = NULL;
    *reply_len = 0;
    if (!self->sock)
        s_connect(self);    /* the last reconnect failed; try again */
    int64_t deadline = s_now_ms() + cs_config_get()->rpc_timeout_ms;
    int r = s_roundtrip(self, service, req, req_len, retry, deadline, reply, reply_len);
    /* One retry (when the caller may: reads, writes with an idempotency key) after the
     * worker or the broker lost the request, or the broker went silent: on a fresh socket,
     * to the next broker when there are several. */
    if ((r == R_LOST || r == R_DOWN) && retry) {
        if (r == R_DOWN) {
            self->current = (self->current + 1) % self->n_endpoints;
            cs_log_warn("client: broker silent; retrying through %s",
                        self->endpoints[self->current]);
            if (s_connect(self) != 0)
                r = R_ERROR;
        } else {
            cs_log_warn("client: request to %s lost, retrying once", service);
        }
        if (r != R_ERROR)
            r = s_roundtrip(self, service, req, req_len, retry, deadline, reply, reply_len);
    }
    if (r == R_DOWN) {
        /* Whatever was queued for the silent broker is dropped; the next call starts on
         * the next broker. */
        self->current = (self->current + 1) % self->n_endpoints;
        s_connect(self);
    }
    switch (r) {
    case R_OK:
        return 0;
    case R_NOSVC:
        return cs_err_set(e, 503, "service_unavailable", NULL,
                          "Dịch vụ %s tạm thời không sẵn sàng.",
                          "Service %s is temporarily unavailable.", service);
    case R_DOWN:
        return cs_err_set(e, 503, "broker_unavailable", NULL,
                          "Bộ điều phối dịch vụ không phản hồi (%s); kết quả không xác định.",
                          "The service broker stopped answering (%s); the outcome is unknown.",
                          service);
    case R_LOST:
        return cs_err_set(e, 503, "worker_lost", NULL,
                          "Dịch vụ %s bị gián đoạn khi đang xử lý yêu cầu; kết quả không xác định.",
                          "Service %s stopped while handling the request; the outcome is unknown.",
                          service);
    case R_TIMEOUT:
        return cs_err_set(e, 504, "timeout", NULL,
                          "Dịch vụ %s không trả lời kịp thời.",
                          "Service %s did not answer in time.", service);
    default:
        cs_err_set(e, 503, "broker_unavailable", NULL,
                   "Không kết nối được tới bộ điều phối dịch vụ (%s).",
                   "Cannot reach the service broker (%s).", service);
        cs_err_detail(e, "%s", zmq_strerror(zmq_errno()));
        return -1;
    }
}

int cs_client_status(cs_client *self, char **list, cs_err *e)
{
    uint8_t *reply = NULL;
    size_t len = 0;
    if (cs_client_call(self, "mmi.status", (const uint8_t *)"", 0, true, &reply, &len, e) != 0)
        return -1;
    *list = malloc(len + 1);
    if (!*list) {
        free(reply);
        return cs_err_internal(e, "out of memory");
    }
    memcpy(*list, reply, len);
    (*list)[len] = '\0';
    free(reply);
    return 0;
}
