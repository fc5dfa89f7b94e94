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

struct cs_client {
    void *sock;
    uint64_t next_corr;
};

static int64_t s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

cs_client *cs_client_new(void *zmq_ctx, const char *endpoint)
{
    cs_client *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->sock = zmq_socket(zmq_ctx, ZMQ_DEALER);
    if (!self->sock) {
        free(self);
        return NULL;
    }
    int64_t max = cs_config_get()->max_msg;
    int zero = 0;
    zmq_setsockopt(self->sock, ZMQ_MAXMSGSIZE, &max, sizeof max);
    zmq_setsockopt(self->sock, ZMQ_LINGER, &zero, sizeof zero);
    /* Never block a gateway thread for longer than a call may last. */
    int sndtimeo = cs_config_get()->rpc_timeout_ms;
    zmq_setsockopt(self->sock, ZMQ_SNDTIMEO, &sndtimeo, sizeof sndtimeo);
    if (zmq_connect(self->sock, endpoint) != 0) {
        cs_log_error("client: cannot connect to %s: %s", endpoint, zmq_strerror(zmq_errno()));
        zmq_close(self->sock);
        free(self);
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
    zmq_close((*self_p)->sock);
    free(*self_p);
    *self_p = NULL;
}

enum { R_OK, R_NOSVC, R_LOST, R_TIMEOUT, R_ERROR };

/* Send one request and wait for its own reply, discarding stale ones. */
static int s_roundtrip(cs_client *self, const char *service, const uint8_t *req,
                       size_t req_len, bool retry, int64_t deadline, uint8_t **reply,
                       size_t *reply_len)
{
    uint64_t corr = self->next_corr++;
    unsigned char flags = retry ? 1 : 0;
    const void *d[6] = {"", "CSC1", service, &corr, &flags, req};
    size_t s[6] = {0, 4, strlen(service), sizeof corr, 1, req_len};
    if (cs_zsend(self->sock, 6, d, s) != 0)
        return R_ERROR;
    for (;;) {
        int64_t left = deadline - s_now_ms();
        if (left <= 0)
            return R_TIMEOUT;
        zmq_pollitem_t item = {self->sock, 0, ZMQ_POLLIN, 0};
        int rc = zmq_poll(&item, 1, (long)left);
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
            cs_zmsg_size(&m, 3) != sizeof corr ||
            memcmp(cs_zmsg_data(&m, 3), &corr, sizeof corr) != 0) {
            cs_zmsg_close(&m);     /* stale or malformed */
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
    int64_t deadline = s_now_ms() + cs_config_get()->rpc_timeout_ms;
    int r = s_roundtrip(self, service, req, req_len, retry, deadline, reply, reply_len);
    if (r == R_LOST && retry) {
        cs_log_warn("client: worker of %s lost a request, retrying once", service);
        r = s_roundtrip(self, service, req, req_len, retry, deadline, reply, reply_len);
    }
    switch (r) {
    case R_OK:
        return 0;
    case R_NOSVC:
        return cs_err_set(e, 503, "service_unavailable", NULL,
                          "Dịch vụ %s tạm thời không sẵn sàng.",
                          "Service %s is temporarily unavailable.", service);
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
