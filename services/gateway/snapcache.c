/*  Immutable public answers in memory. See snapcache.h. */
#include "snapcache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define GW_SNAP_BUCKETS 1024u     /* power of two; a province has a few versions a year */

typedef struct s_entry {
    struct s_entry *next;
    char *url;
    gw_snap snap;
} s_entry;

struct gw_snapcache {
    pthread_rwlock_t lock;
    size_t max_bytes, used, entries;
    s_entry *buckets[GW_SNAP_BUCKETS];
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
    for (s_entry *x = self->buckets[s_hash(url)]; x; x = x->next)
        if (strcmp(x->url, url) == 0)
            return x;
    return NULL;
}

gw_snapcache *gw_snapcache_new(size_t max_bytes)
{
    gw_snapcache *self = calloc(1, sizeof *self);
    if (!self)
        abort();
    pthread_rwlock_init(&self->lock, NULL);
    self->max_bytes = max_bytes;
    return self;
}

void gw_snapcache_destroy(gw_snapcache **self_p)
{
    gw_snapcache *self = self_p ? *self_p : NULL;
    if (!self)
        return;
    for (size_t i = 0; i < GW_SNAP_BUCKETS; i++) {
        for (s_entry *x = self->buckets[i], *next; x; x = next) {
            next = x->next;
            free(x);     /* one allocation: entry, url, strings and bytes */
        }
    }
    pthread_rwlock_destroy(&self->lock);
    free(self);
    *self_p = NULL;
}

const gw_snap *gw_snapcache_get(gw_snapcache *self, const char *url)
{
    pthread_rwlock_rdlock(&self->lock);
    s_entry *x = s_find(self, url);
    pthread_rwlock_unlock(&self->lock);
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
    pthread_rwlock_wrlock(&self->lock);
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
    };
    unsigned b = s_hash(url);
    x->next = self->buckets[b];
    self->buckets[b] = x;
    self->used += need;
    self->entries++;
done:
    pthread_rwlock_unlock(&self->lock);
    return rc;
}

size_t gw_snapcache_bytes(gw_snapcache *self, size_t *entries)
{
    pthread_rwlock_rdlock(&self->lock);
    size_t used = self->used;
    if (entries)
        *entries = self->entries;
    pthread_rwlock_unlock(&self->lock);
    return used;
}
