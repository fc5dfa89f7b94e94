/*  gw_work: the threads that run the blocking part of a request — the broker call and what
 *  surrounds it — so that libmicrohttpd's own threads never wait on a service.
 *
 *  libmicrohttpd's threads then only read requests and write answers: as few as the
 *  machine has cores, each serving many connections per wake-up, the way nginx's workers
 *  do (issue 11, P4: with one libmicrohttpd thread per blocking call, 16 of them, a public
 *  read paid a thread wake-up of its own). A request that needs a service is suspended
 *  (MHD_suspend_connection), handed to one of these threads, and resumed with its answer
 *  made; its own libmicrohttpd thread queues that answer (http.c). */
#ifndef GW_WORK_H
#define GW_WORK_H

#include <stddef.h>

typedef struct gw_work gw_work;
typedef void (*gw_work_fn)(void *arg);

/* threads >= 1 threads waiting for jobs. NULL when none could be started. */
gw_work *gw_work_new(size_t threads);

/* Run fn(arg) on one of the threads, in the order given; -1 once the pool is stopping
 * (nothing queued: the caller runs it itself). */
int gw_work_submit(gw_work *self, gw_work_fn fn, void *arg);

/* Stops taking jobs, runs the queued ones to their end, joins the threads; NULLs the
 * pointer. */
void gw_work_destroy(gw_work **self_p);

#endif
