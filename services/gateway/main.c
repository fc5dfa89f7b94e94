/*  chiso-gateway: the HTTP front of chiso (docs/DESIGN.md §5).
 *  Configuration from the environment (cs_config.h); stops on SIGINT/SIGTERM. */
#include <signal.h>
#include <stdio.h>
#include <zmq.h>
#include "cs_config.h"
#include "cs_err.h"
#include "cs_log.h"
#include "http.h"

int main(void)
{
    sigset_t stop;
    int sig = 0;
    cs_err e;

    cs_log_init("gateway");
    /* block the stop signals before any thread starts, so only sigwait below sees them */
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    const cs_config *cfg = cs_config_get();
    void *zmq = zmq_ctx_new();
    if (!zmq) {
        cs_log_error("cannot create the ZeroMQ context");
        return 1;
    }
    cs_err_clear(&e);
    gw_http *http = gw_http_new(cfg, zmq, &e);
    if (!http) {
        cs_log_error("%s", e.message_en);
        zmq_ctx_term(zmq);
        return 1;
    }
    cs_log_info("listening on port %d, broker %s, %d threads", cfg->port, cfg->broker,
                cfg->threads);
    sigwait(&stop, &sig);
    cs_log_info("stopping (signal %d)", sig);
    gw_http_destroy(&http);
    zmq_ctx_term(zmq);
    return 0;
}
