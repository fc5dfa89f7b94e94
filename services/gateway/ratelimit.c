/*  gw_ratelimit: per-key token buckets in a fixed open-addressing table. See ratelimit.h. */
#include "ratelimit.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RL_SLOTS 4096               /* distinct clients remembered at once */
#define RL_PROBE 16                 /* slots looked at per key before reusing the idlest */
#define RL_KEY   64                 /* an IPv6 text address fits */

typedef struct {
    char key[RL_KEY];
    double tokens;
    double at;                      /* when tokens was last brought up to date */
} s_slot;

struct gw_ratelimit {
    double rate, burst;
    pthread_mutex_t lock;
    s_slot *slots;
};

gw_ratelimit *gw_ratelimit_new(double rate, double burst)
{
    gw_ratelimit *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->slots = calloc(RL_SLOTS, sizeof *self->slots);
    if (!self->slots) {
        free(self);
        return NULL;
    }
    self->rate = rate > 0 ? rate : 1;
    self->burst = burst >= 1 ? burst : 1;
    pthread_mutex_init(&self->lock, NULL);
    return self;
}

void gw_ratelimit_destroy(gw_ratelimit **self_p)
{
    gw_ratelimit *self = self_p ? *self_p : NULL;
    if (!self)
        return;
    pthread_mutex_destroy(&self->lock);
    free(self->slots);
    free(self);
    *self_p = NULL;
}

static unsigned s_hash(const char *s)
{
    unsigned h = 2166136261u;                       /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char) *s) * 16777619u;
    return h;
}

/* key's slot: its own, else an empty one, else the one idle for longest (reset). */
static s_slot *s_find(gw_ratelimit *self, const char *key, double now)
{
    unsigned h = s_hash(key);
    s_slot *idlest = NULL;
    for (unsigned i = 0; i < RL_PROBE; i++) {
        s_slot *s = &self->slots[(h + i) % RL_SLOTS];
        if (strcmp(s->key, key) == 0 && s->key[0])
            return s;
        if (!idlest || s->at < idlest->at)
            idlest = s;
        if (!s->key[0])
            break;
    }
    snprintf(idlest->key, sizeof idlest->key, "%s", key);
    idlest->tokens = self->burst;
    idlest->at = now;
    return idlest;
}

int gw_ratelimit_take(gw_ratelimit *self, const char *key, double now, int *retry_after)
{
    char k[RL_KEY];
    /* an empty key (no address) still gets a bucket: all such callers share it */
    snprintf(k, sizeof k, "%s", key && *key ? key : "-");
    pthread_mutex_lock(&self->lock);
    s_slot *s = s_find(self, k, now);
    if (now > s->at) {
        s->tokens += (now - s->at) * self->rate;
        if (s->tokens > self->burst)
            s->tokens = self->burst;
    }
    s->at = now;
    int rc = 0;
    if (s->tokens >= 1) {
        s->tokens -= 1;
    } else {
        double wait = ceil((1 - s->tokens) / self->rate);
        *retry_after = wait < 1 ? 1 : (int) wait;
        rc = -1;
    }
    pthread_mutex_unlock(&self->lock);
    return rc;
}
