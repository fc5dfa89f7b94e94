/*  libFuzzer target: the broker's frame parsing. A real broker runs in a thread on an
 *  inproc endpoint; each input is cut into frames (a length byte, then that many bytes,
 *  repeated) and sent from a DEALER as one message, as any peer on the broker's port could.
 *  Then the broker must still answer mmi.status: a crash, a hang or a broken state fails. */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>
#include "broker.h"

static void *s_ctx, *s_dealer;
static uint64_t s_corr;

static void *s_broker_thread(void *arg)
{
    static volatile sig_atomic_t stop = 0;
    broker_run(arg, &stop);
    return NULL;
}

static void s_init(void)
{
    if (s_ctx)
        return;
    s_ctx = zmq_ctx_new();
    broker_opts o = {.endpoint = "inproc://fuzz-broker", .heartbeat_ms = 1000, .liveness = 3,
                     .nosvc_ms = 1000, .max_msg = 1 << 20, .expire_ms = 5000};
    broker *b = broker_new(s_ctx, &o);
    if (!b)
        abort();
    pthread_t t;
    if (pthread_create(&t, NULL, s_broker_thread, b) != 0)
        abort();
    pthread_detach(t);
    s_dealer = zmq_socket(s_ctx, ZMQ_DEALER);
    int linger = 0;
    zmq_setsockopt(s_dealer, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_connect(s_dealer, "inproc://fuzz-broker") != 0)
        abort();
}

/* The broker answers mmi.status to a well-formed client request within 5 s. */
static void s_still_alive(void)
{
    s_corr++;
    unsigned char flags = 0;
    zmq_send(s_dealer, "", 0, ZMQ_SNDMORE);
    zmq_send(s_dealer, "CSC1", 4, ZMQ_SNDMORE);
    zmq_send(s_dealer, "mmi.status", 10, ZMQ_SNDMORE);
    zmq_send(s_dealer, &s_corr, sizeof s_corr, ZMQ_SNDMORE);
    zmq_send(s_dealer, &flags, 1, ZMQ_SNDMORE);
    zmq_send(s_dealer, "", 0, 0);
    for (;;) {
        zmq_pollitem_t it = {s_dealer, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&it, 1, 5000) <= 0)
            abort();                        /* no answer: the broker is stuck or gone */
        int frame = 0, more = 1;
        bool ours = false;
        while (more) {
            zmq_msg_t m;
            zmq_msg_init(&m);
            if (zmq_msg_recv(&m, s_dealer, 0) < 0)
                abort();
            if (frame == 3 && zmq_msg_size(&m) == sizeof s_corr &&
                memcmp(zmq_msg_data(&m), &s_corr, sizeof s_corr) == 0)
                ours = true;
            more = zmq_msg_more(&m);
            zmq_msg_close(&m);
            frame++;
        }
        if (ours)
            return;                         /* other messages (requests, heartbeats) skipped */
    }
}

static int s_one(const uint8_t *data, size_t size)
{
    s_init();
    size_t at = 0;
    int frames = 0;
    while (at < size && frames < 16) {
        size_t n = data[at++];
        if (n > size - at)
            n = size - at;
        bool last = at + n >= size || frames == 15;
        zmq_send(s_dealer, data + at, n, last ? 0 : ZMQ_SNDMORE);
        at += n;
        frames++;
    }
    if (frames == 0)
        zmq_send(s_dealer, "", 0, 0);
    s_still_alive();
    return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return s_one(data, size);
}
#endif
