/*  The web UI's files and the built-in endpoints. See static.h. */
#include "static.h"

#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "call.h"
#include "metrics.h"
#include "reply.h"

const char *gw_builtin_name(const char *url)
{
    static const char *const names[] = {"/healthz", "/readyz", "/metrics", "/api/v1/openapi.json"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(url, names[i]) == 0)
            return names[i];
    return NULL;
}

/* Ready when every service of CHISO_SERVICES has a worker at the broker (mmi.status). */
static enum MHD_Result s_readyz(gw_req *r, struct MHD_Connection *c)
{
    cs_err e;
    char *list = NULL;
    cs_client *client = gw_call_client(r->h);
    json_t *live = json_object(), *missing = json_array();
    if (client && cs_client_status(client, &list, &e) == 0) {
        char *save = NULL;
        for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            char *eq = strchr(tok, '=');
            if (!eq)
                continue;
            *eq = '\0';
            json_object_set_new(live, tok, json_integer(strtoll(eq + 1, NULL, 10)));
        }
        free(list);
    }
    char wanted[512];
    snprintf(wanted, sizeof wanted, "%s",
             cs_env("CHISO_SERVICES", "catalog,submissions,appraisal,surveys,leadership,ranking"));
    json_t *services = json_object();
    char *save = NULL;
    for (char *s = strtok_r(wanted, ", ", &save); s; s = strtok_r(NULL, ", ", &save)) {
        json_int_t n = json_integer_value(json_object_get(live, s));
        json_object_set_new(services, s, json_integer(n));
        if (n <= 0)
            json_array_append_new(missing, json_string(s));
    }
    json_decref(live);
    bool ready = json_array_size(missing) == 0;
    return gw_reply_json(r, c, ready ? 200 : 503,
                         json_pack("{s:b, s:o, s:o}", "ready", ready, "services", services,
                                   "missing", missing));
}

/* Not public (issue 10, item 7): only with CHISO_METRICS_TOKEN as a Bearer token; without
 * that setting the gateway does not serve it at all. The tokens are compared by their
 * hashes in constant time. */
static enum MHD_Result s_metrics(gw_req *r, struct MHD_Connection *c)
{
    cs_err e;
    const char *want = cs_env("CHISO_METRICS_TOKEN", NULL);
    if (!want) {
        cs_err_set(&e, 404, "route_not_found", NULL, "Không có %s", "No route %s", r->url);
        return gw_reply_error(r, c, &e);
    }
    const char *auth = gw_req_header(c, MHD_HTTP_HEADER_AUTHORIZATION);
    const char *got = auth && strncasecmp(auth, "Bearer ", 7) == 0 ? auth + 7 : "";
    unsigned char hw[crypto_hash_sha256_BYTES], hg[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(hw, (const unsigned char *) want, strlen(want));
    crypto_hash_sha256(hg, (const unsigned char *) got, strlen(got));
    if (sodium_memcmp(hw, hg, sizeof hw) != 0) {
        cs_err_set(&e, 401, "unauthenticated", NULL,
                   "Cần mã truy cập số liệu (Authorization: Bearer)%s",
                   "The metrics token is required (Authorization: Bearer)%s", "");
        return gw_reply_error(r, c, &e);
    }
    char *text = gw_metrics_render();
    return gw_reply(r, c, 200, "text/plain; version=0.0.4; charset=utf-8", text, strlen(text));
}

enum MHD_Result gw_builtin_serve(gw_req *r, struct MHD_Connection *c)
{
    if (!gw_req_reads(r))
        return gw_reply_read_only(r, c);
    if (strcmp(r->url, "/healthz") == 0)
        return gw_reply_json(r, c, 200, json_pack("{s:s}", "status", "ok"));
    if (strcmp(r->url, "/readyz") == 0)
        return s_readyz(r, c);
    if (strcmp(r->url, "/metrics") == 0)
        return s_metrics(r, c);
    char *doc = strdup(r->h->openapi);
    if (!doc)
        abort();
    return gw_reply(r, c, 200, "application/json; charset=utf-8", doc, strlen(doc));
}

static const char *s_mime_of(const char *path)
{
    static const char *const map[][2] = {
        {".html", "text/html; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"}, {".json", "application/json"},
        {".svg", "image/svg+xml"}, {".png", "image/png"}, {".jpg", "image/jpeg"},
        {".ico", "image/x-icon"}, {".txt", "text/plain; charset=utf-8"},
        {".woff2", "font/woff2"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof map / sizeof map[0]; i++)
        if (strcasecmp(dot, map[i][0]) == 0)
            return map[i][1];
    return "application/octet-stream";
}

/* The file of rel under the web folder, opened, or -1. No way out of the folder: no '..'
 * or hidden segments, no backslashes, and the resolved path must still be inside the
 * resolved root (resolved per request: the folder may be replaced while we run). */
static int s_open_web_file(const char *web_dir, const char *rel, char *real, struct stat *st)
{
    char root[PATH_MAX], path[PATH_MAX + 8];
    if (!realpath(web_dir, root))
        root[0] = '\0';
    size_t root_len = strlen(root);
    if (!root[0] || strstr(rel, "/.") || strchr(rel, '\\') || rel[0] != '/')
        return -1;
    if (snprintf(path, sizeof path, "%s%s", root, rel) >= (int) sizeof path ||
        !realpath(path, real) || strncmp(real, root, root_len) != 0 || real[root_len] != '/')
        return -1;
    int fd = open(real, O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && (fstat(fd, st) != 0 || !S_ISREG(st->st_mode))) {
        close(fd);
        fd = -1;
    }
    return fd;
}

enum MHD_Result gw_static_serve(gw_req *r, struct MHD_Connection *c)
{
    if (!gw_req_reads(r))
        return gw_reply_read_only(r, c);
    const char *rel = strcmp(r->url, "/") == 0 ? "/index.html" : r->url;
    char real[PATH_MAX];
    struct stat st;
    int fd = s_open_web_file(r->h->cfg->web_dir, rel, real, &st);
    if (fd < 0) {
        cs_err e;
        cs_err_set(&e, 404, "not_found", NULL, "Không tìm thấy %s", "Not found: %s", r->url);
        return gw_reply_error(r, c, &e);
    }
    struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t) st.st_size, fd);
    if (!resp) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, s_mime_of(real));
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    return gw_reply_queue(r, c, 200, resp);
}
