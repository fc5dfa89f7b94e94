#include "cs_zmsg.h"

#include <errno.h>
#include <string.h>

int cs_zmsg_recv(cs_zmsg *m, void *sock, int flags)
{
    m->n = 0;
    bool overflow = false;
    for (;;) {
        zmq_msg_t part;
        zmq_msg_init(&part);
        if (zmq_msg_recv(&part, sock, m->n == 0 && !overflow ? flags : 0) < 0) {
            int err = errno;
            zmq_msg_close(&part);
            cs_zmsg_close(m);
            errno = err;
            return -1;
        }
        bool more = zmq_msg_more(&part);
        if (m->n < CS_ZMSG_MAX && !overflow) {
            zmq_msg_init(&m->f[m->n]);
            zmq_msg_move(&m->f[m->n++], &part);
            zmq_msg_close(&part);
        } else {
            overflow = true;
            zmq_msg_close(&part);
        }
        if (!more)
            break;
    }
    if (overflow) {
        cs_zmsg_close(m);
        errno = EPROTO;
        return -1;
    }
    return 0;
}

void cs_zmsg_close(cs_zmsg *m)
{
    for (int i = 0; i < m->n; i++)
        zmq_msg_close(&m->f[i]);
    m->n = 0;
}

size_t cs_zmsg_size(cs_zmsg *m, int i)
{
    return i < m->n ? zmq_msg_size(&m->f[i]) : 0;
}

const void *cs_zmsg_data(cs_zmsg *m, int i)
{
    return i < m->n ? zmq_msg_data(&m->f[i]) : NULL;
}

bool cs_zmsg_is(cs_zmsg *m, int i, const char *s)
{
    size_t n = strlen(s);
    return i < m->n && zmq_msg_size(&m->f[i]) == n &&
           (n == 0 || memcmp(zmq_msg_data(&m->f[i]), s, n) == 0);
}

int cs_zsend(void *sock, int n, const void *const *data, const size_t *size)
{
    for (int i = 0; i < n; i++) {
        int fl = i + 1 < n ? ZMQ_SNDMORE : 0;
        if (zmq_send(sock, data[i], size[i], fl) < 0)
            return -1;
    }
    return 0;
}
