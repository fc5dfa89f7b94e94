/*  broker: the request/reply broker between clients and service workers (docs/DESIGN.md §2).
 *
 *  One ROUTER socket. Clients speak CSC1, workers CSW1. Each service has a queue of waiting
 *  requests and a list of idle workers (least recently used first); a request goes to an
 *  idle worker of its service, one at a time per worker. Heartbeats go both ways; a worker
 *  silent for `liveness` intervals is dropped and the request it held is answered LOST; a
 *  request that waited `nosvc_ms` while its service had no live worker is answered NOSVC.
 *  `mmi.status` is answered by the broker itself. */
#ifndef BROKER_H
#define BROKER_H

#include <signal.h>
#include <stdint.h>

typedef struct broker broker;

typedef struct {
    const char *endpoint;   /* bind address, e.g. tcp://127.0.0.1:5555 */
    int heartbeat_ms;
    int liveness;
    int nosvc_ms;
    int64_t max_msg;
    int expire_ms;          /* a request still waiting after this long is dropped unanswered
                               (its client has given up: CHISO_RPC_TIMEOUT_MS); 0: never */
} broker_opts;

/* Binds at once; NULL when the endpoint cannot be bound (logged). */
broker *broker_new(void *zmq_ctx, const broker_opts *opts);
void broker_destroy(broker **self_p);

/* Serve until *stop becomes non-zero (checked at least every heartbeat) or the context is
 * terminated. 0 / -1. */
int broker_run(broker *self, volatile sig_atomic_t *stop);

#endif
