/*  libFuzzer target: request assembly of uploads (services/gateway/body.c) — libmicrohttpd's
 *  multipart post processor feeding the gateway's part iterators, the file name checks, the
 *  text fields, and gw_upload (temporary file, SHA-256, size cap, type from the content).
 *
 *  A post processor needs a real connection, so an in-process daemon without a listening
 *  socket is driven by MHD_run on this thread: each input is the body of one POST sent on
 *  a socketpair, boundary "XyZ". The first byte picks the route kind (GW_UPLOAD: the file
 *  goes to the evidence store; GW_FEED: to a feed file for the portal) and how small the
 *  caps are, the rest is the body. The handler is http.c's minus the broker:
 *  gw_body_begin / take / end, then what dispatch would check of the result. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <microhttpd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "body.h"
#include "reply.h"
#include "request.h"
#include "routes.h"

static const gw_route s_mp_upload = {"POST", "/upload", "t", NULL, "Upload", GW_UPLOAD, ""};
static const gw_route s_mp_feed = {"POST", "/feed", "t", NULL, "Feed", GW_FEED, ""};
static cs_config s_mp_cfg;
static gw_http s_mp_http;
static struct MHD_Daemon *s_mp_daemon;
static const gw_route *s_mp_route;

/* What dispatch would make of the assembled request; aborts on a broken invariant. */
static void s_mp_check(gw_req *r)
{
    cs_err e;
    if (r->file_parts < 0 || r->body_len > (size_t) s_mp_cfg.max_upload ||
        r->form_bytes > GW_FORM_FIELDS_MAX + 65536 || strlen(r->file_name) >= sizeof r->file_name)
        abort();
    if (r->file_name[0] && gw_file_name_check(r->file_name, strlen(r->file_name), &e) != 0)
        abort();
    if (!r->up)
        return;
    if (r->pp && r->file_parts == 0)
        return;                             /* missing_file */
    if (r->feed) {                          /* the feed file the portal would read */
        char path[1200];
        if (gw_upload_size(r->up) > s_mp_cfg.max_upload)
            abort();
        if (gw_upload_feed_done(r->up, &e) != 0)
            return;
        snprintf(path, sizeof path, "%s/feeds/%s", s_mp_cfg.var_dir, gw_upload_feed_name(r->up));
        unlink(path);
        return;
    }
    if (gw_upload_finish(r->up, &e) != 0) {
        if (e.status != 413 && e.status != 415 && e.status != 400)
            abort();
        return;
    }
    const char *sha = gw_upload_sha256(r->up);
    char path[1200];
    if (!sha || strlen(sha) != 64 || gw_upload_size(r->up) > s_mp_cfg.max_upload ||
        gw_store_path(s_mp_cfg.var_dir, sha, path, sizeof path) != 0)
        abort();
    unlink(path);                           /* keep the store from filling up */
}

static enum MHD_Result s_mp_handler(void *cls, struct MHD_Connection *c, const char *url,
                                    const char *method, const char *version,
                                    const char *upload_data, size_t *upload_data_size,
                                    void **con_cls)
{
    gw_req *r = *con_cls;
    (void) cls, (void) version;
    if (!r) {
        r = gw_req_new(&s_mp_http, method, url);
        if (!r)
            abort();
        r->kind = GW_REQ_API;
        r->match_rc = GW_MATCH_OK;
        r->m.route = s_mp_route;
        *con_cls = r;
        return gw_body_begin(r, c);
    }
    if (*upload_data_size) {
        if (!r->responded)
            gw_body_take(r, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (r->responded)
        return MHD_YES;
    gw_body_end(r);
    if (r->failed)
        return gw_reply_error(r, c, &r->err);
    s_mp_check(r);
    return gw_reply(r, c, 200, "text/plain", NULL, 0);
}

static void s_mp_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                           enum MHD_RequestTerminationCode toe)
{
    (void) cls, (void) c, (void) toe;
    gw_req *r = *con_cls;
    gw_req_destroy(&r);
    *con_cls = NULL;
}

static char s_mp_dir[256];

static int s_mp_remove(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) st, (void) flag, (void) ftw;
    return remove(path);
}

/* The temporary store goes with the process. */
static void s_mp_cleanup(void)
{
    nftw(s_mp_dir, s_mp_remove, 16, FTW_DEPTH | FTW_PHYS);
}

static void s_mp_init(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(s_mp_dir, sizeof s_mp_dir, "%s/chiso-fuzz-multipart-XXXXXX", tmp && *tmp ? tmp : P_tmpdir);
    if (!mkdtemp(s_mp_dir))
        abort();
    atexit(s_mp_cleanup);
    const char *dir = s_mp_dir;
    s_mp_cfg.var_dir = dir;
    s_mp_cfg.max_body = 4096;
    s_mp_http.cfg = &s_mp_cfg;
    s_mp_daemon = MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET, 0, NULL, NULL, s_mp_handler, NULL,
                                   MHD_OPTION_NOTIFY_COMPLETED, s_mp_completed, NULL,
                                   MHD_OPTION_END);
    if (!s_mp_daemon)
        abort();
}

/* One request through the daemon; returns when the server has closed the connection. */
static void s_mp_request(const uint8_t *body, size_t size, bool upload)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        abort();
    char head[256];
    int hl = snprintf(head, sizeof head,
                      "POST %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                      "Content-Type: multipart/form-data; boundary=XyZ\r\n"
                      "Content-Length: %zu\r\n\r\n", upload ? "/upload" : "/feed", size);
    struct sockaddr_storage addr = {.ss_family = AF_UNIX};
    if (MHD_add_connection(s_mp_daemon, sv[1], (struct sockaddr *) &addr, sizeof(sa_family_t)) != MHD_YES)
        abort();
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    size_t sent = 0, total = (size_t) hl + size;
    char buf[65536];
    /* MHD_run does not block: each turn handles what the socket holds. The cap on turns
     * only guards against a server that would never answer (a hang is a finding too) */
    for (int turns = 0; turns < 1000000; turns++) {
        while (sent < total) {
            bool in_head = sent < (size_t) hl;
            const void *p = in_head ? (const void *) (head + sent) : (const void *) (body + sent - hl);
            ssize_t k = send(sv[0], p, in_head ? (size_t) hl - sent : total - sent, MSG_NOSIGNAL);
            if (k <= 0)
                break;
            sent += (size_t) k;
        }
        MHD_run(s_mp_daemon);
        ssize_t k = recv(sv[0], buf, sizeof buf, 0);
        if (k == 0 || (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
            break;                          /* closed after the answer */
        if (turns == 999999)
            abort();
    }
    close(sv[0]);
    MHD_run(s_mp_daemon);
}

static int s_one(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    if (!s_mp_daemon)
        s_mp_init();
    bool upload = !(data[0] & 1);
    /* small caps now and then, so the limits are crossed mid-part */
    s_mp_cfg.max_upload = (data[0] & 2) ? 64 : 1 << 20;
    s_mp_route = upload ? &s_mp_upload : &s_mp_feed;
    s_mp_request(data + 1, size - 1, upload);
    return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return s_one(data, size);
}
#endif
