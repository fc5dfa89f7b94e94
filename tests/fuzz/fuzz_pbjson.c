/*  libFuzzer target: the gateway's JSON -> protobuf mapping (pbjson_parse) over the test
 *  message that has every field type, and over a real rpc input; what is accepted must
 *  render back. Built by `make fuzz`; its corpus and crash inputs are replayed by
 *  tests/unit/test_fuzz_regress.c in `make test`. */
#include <stdint.h>
#include <stdlib.h>
#include "catalog.pb-c.h"
#include "gwtest.pb-c.h"
#include "pbjson.h"

static int s_one(const uint8_t *data, size_t size)
{
    const ProtobufCMessageDescriptor *ds[] = {&chiso__gwtest__all__descriptor,
                                              &chiso__create_user_request__descriptor};
    for (size_t i = 0; i < sizeof ds / sizeof ds[0]; i++) {
        cs_err e;
        ProtobufCMessage *m = NULL;
        cs_err_clear(&e);
        if (pbjson_parse(ds[i], (const char *) data, size, &m, &e) == 0) {
            json_t *j = pbjson_to_json(m);
            char *txt = pbjson_dumps(j);
            if (!txt)
                abort();
            free(txt);
            json_decref(j);
            pbjson_free(&m);
        } else if (e.status != 400 || m) {
            abort();                        /* a refusal is always a 400 and leaves nothing */
        }
    }
    return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return s_one(data, size);
}
#endif
