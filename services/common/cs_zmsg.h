/*  cs_zmsg: multipart ZeroMQ messages as arrays of frames, for the broker, cs_client and
 *  cs_worker (internal to the runtime; services do not use it).
 *
 *  A cs_zmsg holds up to CS_ZMSG_MAX frames; a message with more is refused on receipt
 *  (the rest is read and dropped), so a malformed peer cannot make anyone allocate
 *  without bound. */
#ifndef CS_ZMSG_H
#define CS_ZMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <zmq.h>

#define CS_ZMSG_MAX 8

typedef struct {
    int n;
    zmq_msg_t f[CS_ZMSG_MAX];
} cs_zmsg;

/* Receive a whole multipart message. 0, or -1 (errno from zmq; EPROTO: too many frames,
 * message dropped). flags: 0 or ZMQ_DONTWAIT. */
int cs_zmsg_recv(cs_zmsg *m, void *sock, int flags);
void cs_zmsg_close(cs_zmsg *m);

size_t cs_zmsg_size(cs_zmsg *m, int i);
const void *cs_zmsg_data(cs_zmsg *m, int i);
/* Frame i equals the NUL-terminated string s. */
bool cs_zmsg_is(cs_zmsg *m, int i, const char *s);

/* Send n frames given as (data, size) pairs. 0 / -1. */
int cs_zsend(void *sock, int n, const void *const *data, const size_t *size);

#endif
