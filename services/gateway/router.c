/*  router: method + path -> route. See router.h. */
#include "router.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "cs_log.h"
#include "pbjson.h"

void gw_router_each(void (*fn)(const gw_route *r, void *arg), void *arg)
{
    for (size_t t = 0; gw_route_tables[t]; t++)
        for (const gw_route *r = gw_route_tables[t]; r->method; r++)
            fn(r, arg);
}

/* Match path against pattern; capture parameters into m. Returns the number of literal
 * segments matched (higher = more specific) or -1. Every request is tried against every
 * route, so a literal segment is compared byte by byte and a mismatch stops at its first
 * differing byte, without measuring the rest of either string (make bench, public reads:
 * the strchr/strlen form was a tenth of the gateway's CPU). */
static int s_match(const char *p, const char *s, gw_match *m)
{
    int literals = 0;
    m->n_params = 0;
    while (*p && *s) {
        if (*p != '/' || *s != '/')
            return -1;
        p++, s++;
        const char *pe = *p == '{' ? strchrnul(p, '/') : NULL;
        if (pe && pe - p >= 2 && pe[-1] == '}') {
            size_t pl = (size_t) (pe - p), sl = strcspn(s, "/");
            if (sl == 0 || m->n_params >= GW_MAX_PARAMS || sl >= sizeof m->value[0] ||
                pl - 2 >= sizeof m->name[0])
                return -1;
            memcpy(m->name[m->n_params], p + 1, pl - 2);
            m->name[m->n_params][pl - 2] = '\0';
            memcpy(m->value[m->n_params], s, sl);
            m->value[m->n_params][sl] = '\0';
            m->n_params++;
            p = pe;
            s += sl;
            continue;
        }
        while (*p && *p != '/' && *p == *s)
            p++, s++;
        if ((*p && *p != '/') || (*s && *s != '/'))
            return -1;
        literals++;
    }
    return (*p || *s) ? -1 : literals;
}

int gw_router_match(const char *method, const char *path, gw_match *m,
                    char *allow, size_t allow_len)
{
    int best = -1;
    bool path_known = false;
    gw_match tmp;
    if (allow && allow_len)
        allow[0] = '\0';
    /* pass 1: the most specific pattern with this method (the method first: it is the
     * cheaper test, and most routes fail it) */
    for (size_t t = 0; gw_route_tables[t]; t++)
        for (const gw_route *r = gw_route_tables[t]; r->method; r++) {
            if (strcmp(r->method, method) != 0)
                continue;
            int lit = s_match(r->path, path, &tmp);
            if (lit > best) {
                best = lit;
                *m = tmp;
                m->route = r;
            }
        }
    if (best >= 0)
        return GW_MATCH_OK;
    /* does the path exist under another method? (405 with Allow, else 404) */
    for (size_t t = 0; gw_route_tables[t] && !path_known; t++)
        for (const gw_route *r = gw_route_tables[t]; r->method && !path_known; r++)
            path_known = s_match(r->path, path, &tmp) >= 0;
    if (!path_known)
        return GW_MATCH_NO_PATH;
    /* pass 2: which methods this path does answer (for the Allow header) */
    for (size_t t = 0; allow && gw_route_tables[t]; t++)
        for (const gw_route *r = gw_route_tables[t]; r->method; r++) {
            if (s_match(r->path, path, &tmp) < 0 || strstr(allow, r->method))
                continue;
            size_t used = strlen(allow);
            snprintf(allow + used, allow_len - used, "%s%s", used ? ", " : "", r->method);
        }
    return GW_MATCH_BAD_METHOD;
}

int gw_router_check(void)
{
    int problems = 0;
    for (size_t t = 0; gw_route_tables[t]; t++)
        for (const gw_route *r = gw_route_tables[t]; r->method; r++) {
            const ProtobufCMethodDescriptor *md =
                r->desc ? protobuf_c_service_descriptor_get_method_by_name(r->desc, r->rpc) : NULL;
            if (!md) {
                cs_log_error("route table: %s %s names rpc %s, not in service %s", r->method,
                             r->path, r->rpc ? r->rpc : "(null)", r->service);
                problems++;
                continue;
            }
            for (const char *p = strchr(r->path, '{'); p; p = strchr(p + 1, '{')) {
                const char *end = strchr(p, '}');
                char name[64];
                if (!end || (size_t) (end - p - 1) >= sizeof name)
                    break;
                memcpy(name, p + 1, (size_t) (end - p - 1));
                name[end - p - 1] = '\0';
                if (!pbjson_field(md->input, name, -1)) {
                    cs_log_error("route table: %s %s: {%s} is not a field of %s", r->method,
                                 r->path, name, md->input->name);
                    problems++;
                }
            }
            for (size_t t2 = 0; gw_route_tables[t2]; t2++)
                for (const gw_route *o = gw_route_tables[t2]; o->method && o != r; o++)
                    if (!strcmp(o->method, r->method) && !strcmp(o->path, r->path)) {
                        cs_log_error("route table: %s %s listed twice", r->method, r->path);
                        problems++;
                    }
        }
    return problems;
}
