/*  cs_client: asks a service, through the broker, and waits for its reply.
 *
 *  One cs_client owns one ZeroMQ DEALER socket, so a client belongs to one thread (the
 *  gateway keeps one per pool thread). Wire protocol: docs/DESIGN.md §2.
 *
 *  cs_client_call returns 0 with *reply (the packed chiso.Reply, caller frees) or -1 with
 *  e set: 503 service_unavailable when no live worker took the request within
 *  CHISO_NOSVC_MS, 503 worker_lost when the worker died with it (retried once first when
 *  `retry` is true: reads and writes carrying an idempotency key), 504 timeout after
 *  CHISO_RPC_TIMEOUT_MS, 503 broker_unavailable when the request cannot be sent or the broker
 *  stopped answering. While waiting, the client asks the broker every CHISO_HEARTBEAT_MS x
 *  CHISO_LIVENESS whether it still holds the request ("mmi.held", docs/DESIGN.md §2), so a
 *  broker that restarted or died is noticed in seconds, not at the timeout; a retryable call
 *  is then sent once more on a fresh socket. `endpoint` may list several brokers,
 *  comma-separated: a silent one is left for the next. Late replies to an earlier, abandoned
 *  request are discarded. */
#ifndef CS_CLIENT_H
#define CS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cs_err.h"

typedef struct cs_client cs_client;

/* zmq_ctx is shared by the process (zmq_ctx_new); endpoint as CHISO_BROKER. */
cs_client *cs_client_new(void *zmq_ctx, const char *endpoint);
void cs_client_destroy(cs_client **self_p);

int cs_client_call(cs_client *self, const char *service,
                   const uint8_t *req, size_t req_len, bool retry,
                   uint8_t **reply, size_t *reply_len, cs_err *e);

/* Ask the broker which services have live workers: fills a malloc'd, comma-separated
 * list "catalog=2,ranking=1" into *list. 0 / -1. */
int cs_client_status(cs_client *self, char **list, cs_err *e);

#endif
