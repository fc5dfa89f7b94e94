/*  cs_config: configuration from the environment, read once at start-up.
 *
 *  Variables (defaults in brackets):
 *    CHISO_BROKER        broker endpoint                       [tcp://127.0.0.1:5555]
 *    CHISO_DB            libpq connection string of the services' role  [dbname=chiso]
 *    CHISO_HEARTBEAT_MS  worker/broker heartbeat interval      [500]
 *    CHISO_LIVENESS      heartbeats missed before a peer is dead [3]
 *    CHISO_NOSVC_MS      how long the broker holds a request for a service with no
 *                        live worker before answering "unavailable" [1000]
 *    CHISO_RPC_TIMEOUT_MS how long a client waits for a reply   [15000]
 *    CHISO_MAX_MSG       largest ZeroMQ message accepted, bytes [33554432]
 *    CHISO_PORT          gateway HTTP port                     [8080]
 *    CHISO_VAR_DIR       data folder (evidence store, pids)    [./var]
 *    CHISO_WEB_DIR       static web UI folder                  [./web]
 *    CHISO_THREADS       gateway threads for calls to the services [8]
 *    CHISO_WORKERS       worker threads per service process, each with its own database
 *                        connection (1..256) [CS_WORKERS_DEFAULT = 4]: measured with make bench on 2 cores, score
 *                        saves through the gateway ran 417/s with 1 thread, and in three
 *                        paired runs 667/606/707 per s with 2 against 808/736/751 with 4 (a
 *                        thread waits on PostgreSQL round trips most of a request, so twice
 *                        the cores keeps both busy; the CPU per save did not change)
 *    CHISO_DB_IDLE_TX_MS the server ends a service's session left idle inside a transaction
 *                        this long (its process cut off or frozen), releasing its locks [10000]
 *    CHISO_MAX_BODY      largest JSON body, bytes              [1048576]
 *    CHISO_MAX_UPLOAD    largest evidence file, bytes          [20971520] */
#ifndef CS_CONFIG_H
#define CS_CONFIG_H

#include <stdint.h>

typedef struct {
    const char *broker;
    const char *db;
    int heartbeat_ms;
    int liveness;
    int nosvc_ms;
    int rpc_timeout_ms;
    int64_t max_msg;
    int port;
    const char *var_dir;
    const char *web_dir;
    int threads;
    int64_t max_body;
    int64_t max_upload;
} cs_config;

/* Default of CHISO_WORKERS (measured, see above). cs_service_run reads the variable itself
 * when it starts, not through cs_config_get, so a test may set it in a forked child. */
#define CS_WORKERS_DEFAULT 4

/* The process-wide configuration (read from the environment on first call). */
const cs_config *cs_config_get(void);

/* A string variable, or def when unset or empty. */
const char *cs_env(const char *name, const char *def);
/* An integer variable, or def when unset, empty or not a number. */
int64_t cs_env_int(const char *name, int64_t def);

#endif
