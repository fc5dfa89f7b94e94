/*  libFuzzer target: the gateway's router (method + path -> route and parameters). The
 *  input is "METHOD path": the first space splits them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "router.h"

static int s_one(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    char *buf = malloc(size + 1);
    if (!buf)
        abort();
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *sp = strchr(buf, ' ');
    const char *method = "GET", *path = buf;
    if (sp) {
        *sp = '\0';
        method = buf;
        path = sp + 1;
    }
    gw_match m;
    char allow[128];
    int rc = gw_router_match(method, path, &m, allow, sizeof allow);
    if (rc == GW_MATCH_OK) {
        if (!m.route || m.n_params > GW_MAX_PARAMS)
            abort();
        for (size_t i = 0; i < m.n_params; i++)
            if (strlen(m.name[i]) >= sizeof m.name[i] || strlen(m.value[i]) >= sizeof m.value[i])
                abort();
    } else if (rc == GW_MATCH_BAD_METHOD) {
        if (strlen(allow) >= sizeof allow)
            abort();
    } else if (rc != GW_MATCH_NO_PATH) {
        abort();
    }
    free(buf);
    return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return s_one(data, size);
}
#endif
