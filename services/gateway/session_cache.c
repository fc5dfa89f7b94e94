/*  gw_sessions: see session_cache.h. One mutex over a small table: a lookup is a hash
 *  compare and the unpacking of ~100 bytes, far below what it replaces (a broker round trip
 *  to the catalog and a transaction there). */
#include "session_cache.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    uint8_t hash[GW_SESSION_HASH];
    uint8_t *packed;        /* NULL: free */
    size_t len;
    int64_t kept_ms;        /* monotonic, when stored */
    int64_t expires_at;     /* Unix seconds, the session's own expiry (0: not said) */
} s_entry;

struct gw_sessions {
    pthread_mutex_t lock;
    s_entry *entries;       /* n_sets * GW_SESSIONS_WAYS */
    size_t n_sets;          /* power of two; 0 = the cache keeps nothing */
    int64_t ttl_ms;
    size_t count;
};

static int64_t s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

gw_sessions *gw_sessions_new(size_t capacity, int64_t ttl_ms)
{
    gw_sessions *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    pthread_mutex_init(&self->lock, NULL);
    self->ttl_ms = ttl_ms;
    size_t sets = 0;
    if (capacity > 0 && ttl_ms > 0) {
        sets = 1;
        while (sets * GW_SESSIONS_WAYS < capacity)
            sets *= 2;
        self->entries = calloc(sets * GW_SESSIONS_WAYS, sizeof *self->entries);
        if (!self->entries) {
            gw_sessions_destroy(&self);
            return NULL;
        }
    }
    self->n_sets = sets;
    return self;
}

void gw_sessions_destroy(gw_sessions **self_p)
{
    gw_sessions *self = self_p ? *self_p : NULL;
    if (!self)
        return;
    for (size_t i = 0; self->entries && i < self->n_sets * GW_SESSIONS_WAYS; i++)
        free(self->entries[i].packed);
    free(self->entries);
    pthread_mutex_destroy(&self->lock);
    free(self);
    *self_p = NULL;
}

void gw_sessions_hash(const char *token, uint8_t hash[GW_SESSION_HASH])
{
    crypto_hash_sha256(hash, (const unsigned char *)token, strlen(token));
}

/* The set of hash: its first bytes are already uniformly random. */
static s_entry *s_set(gw_sessions *self, const uint8_t *hash)
{
    uint64_t h;
    memcpy(&h, hash, sizeof h);
    return &self->entries[(h & (self->n_sets - 1)) * GW_SESSIONS_WAYS];
}

static void s_free(gw_sessions *self, s_entry *en)
{
    if (en->packed) {
        free(en->packed);
        en->packed = NULL;
        self->count--;
    }
}

static bool s_live(const gw_sessions *self, const s_entry *en, int64_t now_ms)
{
    return now_ms - en->kept_ms < self->ttl_ms &&
           (en->expires_at <= 0 || en->expires_at > (int64_t)time(NULL));
}

Chiso__SessionInfo *gw_sessions_get(gw_sessions *self, const uint8_t hash[GW_SESSION_HASH])
{
    if (!self->n_sets)
        return NULL;
    Chiso__SessionInfo *si = NULL;
    int64_t now = s_now_ms();
    pthread_mutex_lock(&self->lock);
    s_entry *set = s_set(self, hash);
    for (int w = 0; w < GW_SESSIONS_WAYS; w++) {
        s_entry *en = &set[w];
        if (!en->packed || memcmp(en->hash, hash, GW_SESSION_HASH) != 0)
            continue;
        if (s_live(self, en, now))
            si = chiso__session_info__unpack(NULL, en->len, en->packed);
        else
            s_free(self, en);
        break;
    }
    pthread_mutex_unlock(&self->lock);
    return si;
}

void gw_sessions_put(gw_sessions *self, const uint8_t hash[GW_SESSION_HASH],
                     const Chiso__SessionInfo *si)
{
    if (!self->n_sets)
        return;
    size_t len = chiso__session_info__get_packed_size(si);
    uint8_t *packed = malloc(len ? len : 1);
    if (!packed)
        return;     /* not kept: the next request asks the catalog again */
    chiso__session_info__pack(si, packed);
    int64_t now = s_now_ms();
    pthread_mutex_lock(&self->lock);
    s_entry *set = s_set(self, hash), *slot = NULL;
    for (int w = 0; w < GW_SESSIONS_WAYS && !slot; w++)
        if (set[w].packed && memcmp(set[w].hash, hash, GW_SESSION_HASH) == 0)
            slot = &set[w];
    for (int w = 0; w < GW_SESSIONS_WAYS && !slot; w++)
        if (!set[w].packed)
            slot = &set[w];
    if (!slot) {
        /* a full set forgets its oldest */
        slot = &set[0];
        for (int w = 1; w < GW_SESSIONS_WAYS; w++)
            if (set[w].kept_ms < slot->kept_ms)
                slot = &set[w];
    }
    s_free(self, slot);
    memcpy(slot->hash, hash, GW_SESSION_HASH);
    slot->packed = packed;
    slot->len = len;
    slot->kept_ms = now;
    slot->expires_at = si->has_expires_at ? si->expires_at : 0;
    self->count++;
    pthread_mutex_unlock(&self->lock);
}

void gw_sessions_drop(gw_sessions *self, const uint8_t hash[GW_SESSION_HASH])
{
    if (!self->n_sets)
        return;
    pthread_mutex_lock(&self->lock);
    s_entry *set = s_set(self, hash);
    for (int w = 0; w < GW_SESSIONS_WAYS; w++)
        if (set[w].packed && memcmp(set[w].hash, hash, GW_SESSION_HASH) == 0)
            s_free(self, &set[w]);
    pthread_mutex_unlock(&self->lock);
}

size_t gw_sessions_count(gw_sessions *self)
{
    pthread_mutex_lock(&self->lock);
    size_t n = self->count;
    pthread_mutex_unlock(&self->lock);
    return n;
}

static int s_unauthenticated(cs_err *e)
{
    return cs_err_set(e, 401, "unauthenticated", NULL,
                      "Cần đăng nhập (phiên không hợp lệ hoặc đã hết hạn)%s",
                      "Authentication required (session missing, invalid or expired)%s", "");
}

int gw_sessions_resolve(gw_sessions *self, const char *token, bool fresh,
                        gw_sessions_fetch_fn fetch, void *arg,
                        uint8_t hash[GW_SESSION_HASH], Chiso__SessionInfo **si, cs_err *e)
{
    gw_sessions_hash(token, hash);
    *si = NULL;
    if (fresh)
        gw_sessions_drop(self, hash);
    else if ((*si = gw_sessions_get(self, hash)) != NULL)
        return 0;
    if (fetch(arg, token, si, e) != 0) {
        if (e->status == 401 || e->status == 403 || e->status == 404)
            s_unauthenticated(e);
        return -1;
    }
    /* the catalog refuses expired sessions; an answer saying otherwise is not trusted */
    Chiso__SessionInfo *s = *si;
    if (!s->has_user_id || s->user_id <= 0 ||
        (s->has_expires_at && s->expires_at > 0 && s->expires_at < (int64_t)time(NULL))) {
        chiso__session_info__free_unpacked(s, NULL);
        *si = NULL;
        return s_unauthenticated(e);
    }
    gw_sessions_put(self, hash, s);
    return 0;
}
