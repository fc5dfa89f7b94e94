/*  rank_cache: see rank_cache.h. */
#include "rank_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define RANK_CACHE_SLOTS 64

typedef struct {
    long long province_id, period_id, version;
    uint64_t used;              /* last use, for the least recently used */
    uint8_t *data;
    size_t len;
} s_entry;

static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;
static s_entry s_entries[RANK_CACHE_SLOTS];
static uint64_t s_clock;

static void *s_arena_alloc(void *data, size_t n)
{
    return cs_call_alloc(data, n ? n : 1);
}

static void s_arena_free(void *data, void *p)
{
    (void)data;
    (void)p;                    /* freed with the call's arena */
}

ProtobufCMessage *rank_cache_get(cs_call *c, const ProtobufCMessageDescriptor *d,
                                 long long province_id, long long period_id, long long version)
{
    uint8_t *copy = NULL;
    size_t len = 0;
    pthread_mutex_lock(&s_lock);
    for (size_t i = 0; i < RANK_CACHE_SLOTS; i++) {
        s_entry *e = &s_entries[i];
        if (e->data && e->province_id == province_id && e->period_id == period_id &&
            e->version == version) {
            e->used = ++s_clock;
            len = e->len;
            copy = cs_call_alloc(c, len ? len : 1);
            memcpy(copy, e->data, len);
            break;
        }
    }
    pthread_mutex_unlock(&s_lock);
    if (!copy)
        return NULL;
    ProtobufCAllocator a = {.alloc = s_arena_alloc, .free = s_arena_free, .allocator_data = c};
    return protobuf_c_message_unpack(d, &a, len, copy);
}

void rank_cache_put(long long province_id, long long period_id, long long version,
                    const ProtobufCMessage *msg)
{
    size_t len = protobuf_c_message_get_packed_size(msg);
    uint8_t *data = malloc(len ? len : 1);
    if (!data)
        return;
    protobuf_c_message_pack(msg, data);
    pthread_mutex_lock(&s_lock);
    s_entry *slot = NULL;
    /* the period's own entry, else a free one, else the least recently used */
    for (size_t i = 0; i < RANK_CACHE_SLOTS && !slot; i++)
        if (s_entries[i].data && s_entries[i].province_id == province_id &&
            s_entries[i].period_id == period_id)
            slot = &s_entries[i];
    for (size_t i = 0; i < RANK_CACHE_SLOTS && !slot; i++)
        if (!s_entries[i].data)
            slot = &s_entries[i];
    if (!slot) {
        slot = &s_entries[0];
        for (size_t i = 1; i < RANK_CACHE_SLOTS; i++)
            if (s_entries[i].used < slot->used)
                slot = &s_entries[i];
    }
    free(slot->data);
    *slot = (s_entry){.province_id = province_id, .period_id = period_id, .version = version,
                      .used = ++s_clock, .data = data, .len = len};
    pthread_mutex_unlock(&s_lock);
}

long long rank_cache_version(cs_call *c, long long period_id)
{
    const char *p[1] = {cs_call_int(c, period_id)};
    PGresult *r = cs_call_exec(c, "SELECT ranking.input_version($1)", 1, p);
    if (!r || PQntuples(r) != 1)
        return -1;
    return atoll(PQgetvalue(r, 0, 0));
}
