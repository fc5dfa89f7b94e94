/*  gw_req: a request's state across libmicrohttpd's calls, and the small header helpers
 *  every request module uses. See request.h. */
#include "request.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* One spare per thread: a request's state is about 5 KB, and allocating and zeroing all
 * of it for every request was a visible share of the gateway's CPU on public reads
 * (make bench, P4). Only the part above `m` (request.h) is zeroed again. A thread key,
 * not a plain thread-local pointer, so that a pool thread's spare is freed when it ends. */
static pthread_key_t s_spare_key;
static pthread_once_t s_spare_once = PTHREAD_ONCE_INIT;

static void s_spare_init(void)
{
    if (pthread_key_create(&s_spare_key, free) != 0)
        abort();
}

gw_req *gw_req_new(gw_http *h, const char *method, const char *url)
{
    pthread_once(&s_spare_once, s_spare_init);
    gw_req *r = pthread_getspecific(s_spare_key);
    if (r)
        pthread_setspecific(s_spare_key, NULL);
    else if (!(r = malloc(sizeof *r)))
        return NULL;
    memset(r, 0, offsetof(gw_req, m));
    r->m.route = NULL;
    r->m.n_params = 0;
    r->allow[0] = r->request_id[0] = r->file_name[0] = r->feed_type[0] = r->code[0] = '\0';
    r->h = h;
    r->t0 = gw_req_now();
    snprintf(r->method, sizeof r->method, "%s", method);
    r->url = strdup(url);
    if (!r->url) {
        free(r);
        return NULL;
    }
    r->lang = "vi";
    return r;
}

void gw_req_destroy(gw_req **self_p)
{
    gw_req *r = self_p ? *self_p : NULL;
    if (!r)
        return;
    if (r->pp)
        MHD_destroy_post_processor(r->pp);
    gw_upload_destroy(&r->up);
    json_decref(r->form);
    free(r->body);
    free(r->url);
    if (r->resp)                            /* made, but the client went away first */
        MHD_destroy_response(r->resp);
    pthread_once(&s_spare_once, s_spare_init);
    if (pthread_getspecific(s_spare_key) || pthread_setspecific(s_spare_key, r) != 0)
        free(r);
    *self_p = NULL;
}

/* "en" when Accept-Language ranks English above Vietnamese, else "vi". */
static const char *s_lang(const char *al)
{
    const char *best = "vi";
    double best_q = -1;
    while (al && *al) {
        const char *end = strchr(al, ',');
        size_t n = end ? (size_t) (end - al) : strlen(al);
        char item[64];
        snprintf(item, sizeof item, "%.*s", (int) (n < sizeof item ? n : sizeof item - 1), al);
        char *tag = item;
        while (*tag == ' ')
            tag++;
        double q = 1;
        char *semi = strchr(tag, ';');
        if (semi) {
            *semi = '\0';
            char *qp = strstr(semi + 1, "q=");
            if (qp)
                q = strtod(qp + 2, NULL);
        }
        if ((strncasecmp(tag, "en", 2) == 0 || strncasecmp(tag, "vi", 2) == 0) &&
            (tag[2] == '\0' || tag[2] == '-' || tag[2] == ' ') && q > best_q) {
            best_q = q;
            best = strncasecmp(tag, "en", 2) == 0 ? "en" : "vi";
        }
        al = end ? end + 1 : NULL;
    }
    return best;
}

/* A random request id without a system call per request: randombytes_buf asks the kernel
 * (getrandom) every time, which was 2 % of the gateway's CPU on public reads (make bench,
 * P4). Each thread draws a key once and numbers its ids through ChaCha20: just as
 * unpredictable to a client, and never the same twice within a thread. */
static _Thread_local unsigned char tl_id_key[crypto_stream_chacha20_ietf_KEYBYTES];
static _Thread_local uint64_t tl_id_n;

static void s_random_id(char *out, size_t len)
{
    unsigned char nonce[crypto_stream_chacha20_ietf_NONCEBYTES] = {0}, raw[12];
    if (tl_id_n == 0)
        randombytes_buf(tl_id_key, sizeof tl_id_key);
    tl_id_n++;
    memcpy(nonce, &tl_id_n, sizeof tl_id_n);
    crypto_stream_chacha20_ietf(raw, sizeof raw, nonce, tl_id_key);
    sodium_bin2hex(out, len, raw, sizeof raw);
}

void gw_req_identify(gw_req *r, struct MHD_Connection *c)
{
    const char *rid = gw_req_header(c, "X-Request-Id");
    if (gw_req_token_ok(rid, 64))
        snprintf(r->request_id, sizeof r->request_id, "%s", rid);
    else
        s_random_id(r->request_id, sizeof r->request_id);
    r->lang = s_lang(gw_req_header(c, MHD_HTTP_HEADER_ACCEPT_LANGUAGE));
}

const gw_route *gw_req_route(const gw_req *r)
{
    return r->kind == GW_REQ_API && r->match_rc == GW_MATCH_OK ? r->m.route : NULL;
}

bool gw_req_reads(const gw_req *r)
{
    return strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
}

const char *gw_req_header(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

bool gw_req_token_ok(const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(isalnum((unsigned char) s[i]) || s[i] == '-' || s[i] == '_' || s[i] == '.' ||
              s[i] == ':'))
            return false;
    return true;
}

bool gw_req_ctype_is(const char *ct, const char *want)
{
    size_t n = strlen(want);
    return ct && strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

void gw_req_client_ip(struct MHD_Connection *c, char *buf, size_t len)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    buf[0] = '\0';
    if (!ci || !ci->client_addr)
        return;
    if (ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *) ci->client_addr)->sin_addr, buf, (socklen_t) len);
    else if (ci->client_addr->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *) ci->client_addr)->sin6_addr, buf, (socklen_t) len);
}

double gw_req_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}
