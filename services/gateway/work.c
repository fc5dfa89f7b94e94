/*  The threads for blocking calls. See work.h. */
#include "work.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

typedef struct s_job {
    struct s_job *next;
    gw_work_fn fn;
    void *arg;
} s_job;

struct gw_work {
    pthread_mutex_t lock;
    pthread_cond_t ready;
    s_job *head, *tail;
    bool stopping;
    size_t n_threads;
    pthread_t *threads;
};

static void *s_thread(void *arg)
{
    gw_work *self = arg;
    pthread_mutex_lock(&self->lock);
    for (;;) {
        while (!self->head && !self->stopping)
            pthread_cond_wait(&self->ready, &self->lock);
        s_job *job = self->head;
        if (!job)
            break;                      /* stopping, and nothing left to run */
        self->head = job->next;
        if (!self->head)
            self->tail = NULL;
        pthread_mutex_unlock(&self->lock);
        job->fn(job->arg);
        free(job);
        pthread_mutex_lock(&self->lock);
    }
    pthread_mutex_unlock(&self->lock);
    return NULL;
}

gw_work *gw_work_new(size_t threads)
{
    gw_work *self = calloc(1, sizeof *self);
    if (!self)
        abort();
    pthread_mutex_init(&self->lock, NULL);
    pthread_cond_init(&self->ready, NULL);
    self->threads = calloc(threads ? threads : 1, sizeof *self->threads);
    if (!self->threads)
        abort();
    for (size_t i = 0; i < threads; i++) {
        if (pthread_create(&self->threads[i], NULL, s_thread, self) != 0)
            break;
        self->n_threads++;
    }
    if (self->n_threads == 0) {
        gw_work_destroy(&self);
        return NULL;
    }
    return self;
}

int gw_work_submit(gw_work *self, gw_work_fn fn, void *arg)
{
    s_job *job = malloc(sizeof *job);
    if (!job)
        abort();
    *job = (s_job) {.fn = fn, .arg = arg};
    pthread_mutex_lock(&self->lock);
    if (self->stopping) {
        pthread_mutex_unlock(&self->lock);
        free(job);
        return -1;
    }
    if (self->tail)
        self->tail->next = job;
    else
        self->head = job;
    self->tail = job;
    pthread_cond_signal(&self->ready);
    pthread_mutex_unlock(&self->lock);
    return 0;
}

void gw_work_destroy(gw_work **self_p)
{
    gw_work *self = self_p ? *self_p : NULL;
    if (!self)
        return;
    pthread_mutex_lock(&self->lock);
    self->stopping = true;
    pthread_cond_broadcast(&self->ready);
    pthread_mutex_unlock(&self->lock);
    for (size_t i = 0; i < self->n_threads; i++)
        pthread_join(self->threads[i], NULL);
    free(self->threads);
    pthread_cond_destroy(&self->ready);
    pthread_mutex_destroy(&self->lock);
    free(self);
    *self_p = NULL;
}
