#include "cs_config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

static cs_config s_config;
static pthread_once_t s_once = PTHREAD_ONCE_INIT;

const char *cs_env(const char *name, const char *def)
{
    const char *v = getenv(name);
    return (v && *v) ? v : def;
}

int64_t cs_env_int(const char *name, int64_t def)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return def;
    char *end = NULL;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || *end)
        return def;
    return n;
}

/* A positive int setting: a zero, negative or absurd value falls back to the default rather
 * than turning a timer into a busy loop. */
static int s_pos_int(const char *name, int def)
{
    int64_t v = cs_env_int(name, def);
    return (v > 0 && v <= 1000000000) ? (int)v : def;
}

static int64_t s_pos_i64(const char *name, int64_t def)
{
    int64_t v = cs_env_int(name, def);
    return v > 0 ? v : def;
}

static void s_load(void)
{
    s_config.broker = cs_env("CHISO_BROKER", "tcp://127.0.0.1:5555");
    s_config.db = cs_env("CHISO_DB", "dbname=chiso");
    s_config.heartbeat_ms = s_pos_int("CHISO_HEARTBEAT_MS", 500);
    s_config.liveness = s_pos_int("CHISO_LIVENESS", 3);
    s_config.nosvc_ms = s_pos_int("CHISO_NOSVC_MS", 1000);
    s_config.rpc_timeout_ms = s_pos_int("CHISO_RPC_TIMEOUT_MS", 15000);
    s_config.max_msg = s_pos_i64("CHISO_MAX_MSG", 33554432);
    s_config.port = s_pos_int("CHISO_PORT", 8080);
    s_config.var_dir = cs_env("CHISO_VAR_DIR", "./var");
    s_config.web_dir = cs_env("CHISO_WEB_DIR", "./web");
    s_config.threads = s_pos_int("CHISO_THREADS", 8);
    s_config.max_body = s_pos_i64("CHISO_MAX_BODY", 1048576);
    s_config.max_upload = s_pos_i64("CHISO_MAX_UPLOAD", 20971520);
}

const cs_config *cs_config_get(void)
{
    pthread_once(&s_once, s_load);
    return &s_config;
}
