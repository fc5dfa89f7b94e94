/*  gw_req: a request's state across libmicrohttpd's calls, and the small header helpers
 *  every request module uses. See request.h. */
#include "request.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

gw_req *gw_req_new(gw_http *h, const char *method, const char *url)
{
    gw_req *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
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

void gw_req_identify(gw_req *r, struct MHD_Connection *c)
{
    const char *rid = gw_req_header(c, "X-Request-Id");
    if (gw_req_token_ok(rid, 64)) {
        snprintf(r->request_id, sizeof r->request_id, "%s", rid);
    } else {
        unsigned char raw[12];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2hex(r->request_id, sizeof r->request_id, raw, sizeof raw);
    }
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
