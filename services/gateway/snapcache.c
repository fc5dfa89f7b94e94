/*  Immutable public answers in memory. See snapcache.h. */
#include "snapcache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define GW_SNAP_BUCKETS 1024u     /* power of two; a province has a few versions a year */

typedef struct s_entry {
    struct s_entry *next;
    char *url;
    gw_snap snap;
} s_entry;

/* Every public read looks here, from every pool thread: a shared read lock made its
 * counter's cache line travel between the cores on each read, so readers take no lock.
 * An entry is filled before it is published at the head of its bucket (release), a
 * reader follows the chain from an acquired head, and nothing published ever changes. */
struct gw_snapcache {
    pthread_mutex_t lock;           /* writers */
    size_t max_bytes, used, entries;
    _Atomic(s_entry *) buckets[GW_SNAP_BUCKETS];
};

/* FNV-1a: the keys are our own URLs, a spread is all that is needed. */
static unsigned s_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (uint8_t) *s) * 16777619u;
    return h & (GW_SNAP_BUCKETS - 1);
}

static s_entry *s_find(gw_snapcache *self, const char *url)
{
    for (s_entry *x = atomic_load_explicit(&self->buckets[s_hash(url)], memory_order_acquire);
         x; x = x->next)
        if (strcmp(x->url, url) == 0)
            return x;
    return NULL;
}

gw_snapcache *gw_snapcache_new(size_t max_bytes)
{
    gw_snapcache *self = calloc(1, sizeof *self);
    if (!self)
        abort();
    pthread_mutex_init(&self->lock, NULL);
    self->max_bytes = max_bytes;
    return self;
}

void gw_snapcache_destroy(gw_snapcache **self_p)
{
    gw_snapcache *self = self_p ? *self_p : NULL;
    if (!self)
        return;
    for (size_t i = 0; i < GW_SNAP_BUCKETS; i++) {
        for (s_entry *x = atomic_load(&self->buckets[i]), *next; x; x = next) {
            next = x->next;
            free(x);     /* one allocation: entry, url, strings and bytes */
        }
    }
    pthread_mutex_destroy(&self->lock);
    free(self);
    *self_p = NULL;
}

const gw_snap *gw_snapcache_get(gw_snapcache *self, const char *url)
{
    s_entry *x = s_find(self, url);
    return x ? &x->snap : NULL;
}

/* Copy s to *w and advance it past the terminating NUL. */
static char *s_put_str(char **w, const char *s)
{
    size_t n = strlen(s) + 1;
    char *at = memcpy(*w, s, n);
    *w += n;
    return at;
}

int gw_snapcache_put(gw_snapcache *self, const char *url, const gw_snap *snap)
{
    const char *name = snap->file_name ? snap->file_name : "";
    size_t need = sizeof(s_entry) + snap->len + strlen(url) + strlen(snap->content_type)
                  + strlen(name) + strlen(snap->etag) + strlen(snap->cache_control) + 5;
    pthread_mutex_lock(&self->lock);
    int rc = 0;
    if (s_find(self, url))
        goto done;
    if (need > self->max_bytes || self->used > self->max_bytes - need) {
        rc = -1;
        goto done;
    }
    /* one block: the entry, then the bytes, then the strings */
    s_entry *x = malloc(need);
    if (!x)
        abort();
    uint8_t *bytes = (uint8_t *) (x + 1);
    memcpy(bytes, snap->bytes, snap->len);
    char *w = (char *) bytes + snap->len;
    x->url = s_put_str(&w, url);
    x->snap = (gw_snap) {
        .bytes = bytes,
        .len = snap->len,
        .content_type = s_put_str(&w, snap->content_type),
        .file_name = s_put_str(&w, name),
        .etag = s_put_str(&w, snap->etag),
        .cache_control = s_put_str(&w, snap->cache_control),
        .route = snap->route,
    };
    unsigned b = s_hash(url);
    x->next = atomic_load_explicit(&self->buckets[b], memory_order_relaxed);
    atomic_store_explicit(&self->buckets[b], x, memory_order_release);
    self->used += need;
    self->entries++;
done:
    pthread_mutex_unlock(&self->lock);
    return rc;
}

size_t gw_snapcache_bytes(gw_snapcache *self, size_t *entries)
{
    pthread_mutex_lock(&self->lock);
    size_t used = self->used;
    if (entries)
        *entries = self->entries;
    pthread_mutex_unlock(&self->lock);
    return used;
}
