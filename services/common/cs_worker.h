/*  cs_worker: one worker of a service, connected to the broker.
 *
 *  The ZeroMQ DEALER socket to the broker lives in a background I/O thread that announces
 *  the service, sends heartbeats, notices a dead broker and reconnects; the caller's thread
 *  receives requests and sends replies over an inproc pair. So a handler that takes longer
 *  than a heartbeat does not get the worker dropped, while a process that dies or is
 *  stopped (SIGKILL, SIGSTOP) stops heartbeating and is dropped by the broker. */
#ifndef CS_WORKER_H
#define CS_WORKER_H

#include <stddef.h>
#include <stdint.h>

typedef struct cs_worker cs_worker;

cs_worker *cs_worker_new(void *zmq_ctx, const char *endpoint, const char *service);
void cs_worker_destroy(cs_worker **self_p);

/* Wait for the next request. Returns 0 with *body (caller frees) or -1 when interrupted
 * (SIGINT/SIGTERM: zmq_ctx_shutdown) or on timeout_ms (-1: forever). */
int cs_worker_recv(cs_worker *self, uint8_t **body, size_t *len, int timeout_ms);

/* Answer the request last received. 0 / -1. */
int cs_worker_send(cs_worker *self, const uint8_t *body, size_t len);

#endif
