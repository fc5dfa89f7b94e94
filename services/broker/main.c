/* chiso-broker: binds CHISO_BROKER and routes requests between clients and workers. */
#include <signal.h>
#include <string.h>
#include <zmq.h>
#include "broker.h"
#include "cs_config.h"
#include "cs_log.h"

static volatile sig_atomic_t s_stop;

static void s_on_signal(int sig)
{
    (void)sig;
    s_stop = 1;
}

int main(void)
{
    cs_log_init("broker");
    const cs_config *cfg = cs_config_get();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = s_on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    void *ctx = zmq_ctx_new();
    broker_opts opts = {cfg->broker, cfg->heartbeat_ms, cfg->liveness, cfg->nosvc_ms,
                        cfg->max_msg, cfg->rpc_timeout_ms};
    broker *b = broker_new(ctx, &opts);
    if (!b) {
        zmq_ctx_term(ctx);
        return 1;
    }
    int rc = broker_run(b, &s_stop);
    broker_destroy(&b);
    zmq_ctx_term(ctx);
    cs_log_info("broker stopped");
    return rc == 0 ? 0 : 1;
}
