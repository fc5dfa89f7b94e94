/*  libmicrohttpd's own refusals in the JSON shape. See refusal.h. */
#include "refusal.h"

#include <dlfcn.h>
#include <link.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdint.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_log.h"
#include "reply.h"

typedef struct MHD_Response *(*s_create_fn)(size_t, void *, enum MHD_ResponseMemoryMode);
typedef enum MHD_Result (*s_queue_fn)(struct MHD_Connection *, unsigned int, struct MHD_Response *);

static pthread_once_t s_once = PTHREAD_ONCE_INIT;
static s_create_fn s_real_create;
static s_queue_fn s_real_queue;
static uintptr_t s_mhd_lo, s_mhd_hi;        /* libmicrohttpd's loaded segments */

/* What the library created last on this thread (its error path creates, then queues). */
static _Thread_local struct MHD_Response *tl_created;
static _Thread_local const char *tl_html;

/* dl_iterate_phdr callback: the address range of the object that holds *data. */
static int s_find_range(struct dl_phdr_info *info, size_t size, void *data)
{
    uintptr_t want = *(uintptr_t *) data, lo = UINTPTR_MAX, hi = 0;
    (void) size;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD)
            continue;
        uintptr_t a = info->dlpi_addr + ph->p_vaddr;
        lo = a < lo ? a : lo;
        hi = a + ph->p_memsz > hi ? a + ph->p_memsz : hi;
    }
    if (want < lo || want >= hi)
        return 0;
    s_mhd_lo = lo;
    s_mhd_hi = hi;
    return 1;
}

/* Found once: every response the gateway makes passes through here, so the caller test
 * is a comparison, not a symbol lookup. */
static void s_init(void)
{
    s_real_create = (s_create_fn) dlsym(RTLD_NEXT, "MHD_create_response_from_buffer");
    s_real_queue = (s_queue_fn) dlsym(RTLD_NEXT, "MHD_queue_response");
    if (!s_real_create || !s_real_queue)
        abort();                            /* no libmicrohttpd: cannot serve at all */
    uintptr_t at = (uintptr_t) s_real_create;
    dl_iterate_phdr(s_find_range, &at);
}

static bool s_from_mhd(const void *return_address)
{
    uintptr_t a = (uintptr_t) return_address;
    return a >= s_mhd_lo && a < s_mhd_hi;
}

void gw_refusal_error(unsigned status, const char *html, cs_err *e)
{
    const char *t = html ? html : "";
    bool content_length = strstr(t, "Content-Length") != NULL;
    switch (status) {
    case MHD_HTTP_URI_TOO_LONG:
        cs_err_set(e, 414, "uri_too_long", NULL, "Địa chỉ yêu cầu quá dài%s",
                   "The request URI is too long%s", "");
        break;
    case MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE:
        cs_err_set(e, 431, "headers_too_large", NULL, "Phần đầu yêu cầu (headers) quá lớn%s",
                   "The request headers are too large%s", "");
        break;
    case MHD_HTTP_CONTENT_TOO_LARGE:
        if (strstr(t, "chunk"))
            cs_err_set(e, 413, "body_too_large", NULL,
                       "Một khối (chunk) của nội dung quá lớn%s",
                       "A chunk of the request body is too large%s", "");
        else
            cs_err_set(e, 413, "body_too_large", "Content-Length",
                       "Giá trị Content-Length quá lớn%s",
                       "The Content-Length value is too large%s", "");
        break;
    case MHD_HTTP_HTTP_VERSION_NOT_SUPPORTED:
        cs_err_set(e, 505, "http_version_not_supported", NULL,
                   "Phiên bản HTTP không được hỗ trợ (chỉ HTTP/1.0 và HTTP/1.1)%s",
                   "The HTTP version is not supported (HTTP/1.0 and HTTP/1.1 only)%s", "");
        break;
    case MHD_HTTP_BAD_REQUEST:
        if (content_length)
            cs_err_set(e, 400, "bad_content_length", "Content-Length",
                       "Giá trị Content-Length không phải là một số hợp lệ%s",
                       "The Content-Length value is not a valid number%s", "");
        else if (strstr(t, "chunked"))
            cs_err_set(e, 400, "malformed_chunked", NULL,
                       "Mã hóa chunked của nội dung không hợp lệ%s",
                       "The chunked transfer encoding is malformed%s", "");
        else if (strstr(t, "Host"))
            cs_err_set(e, 400, "missing_host", "Host",
                       "Yêu cầu HTTP/1.1 phải có header Host%s",
                       "An HTTP/1.1 request must have a Host header%s", "");
        else
            cs_err_set(e, 400, "malformed_request", NULL, "Yêu cầu HTTP sai cú pháp%s",
                       "The HTTP request is syntactically incorrect%s", "");
        break;
    default:
        cs_err_set(e, (int) status, "internal", NULL, "Lỗi nội bộ của máy chủ HTTP%s",
                   "Internal error of the HTTP server%s", "");
        break;
    }
}

struct MHD_Response *MHD_create_response_from_buffer(size_t size, void *buffer,
                                                     enum MHD_ResponseMemoryMode mode)
{
    pthread_once(&s_once, s_init);
    struct MHD_Response *resp = s_real_create(size, buffer, mode);
    if (s_from_mhd(__builtin_return_address(0))) {
        tl_created = resp;
        tl_html = buffer;
    }
    return resp;
}

enum MHD_Result MHD_queue_response(struct MHD_Connection *c, unsigned int status,
                                   struct MHD_Response *resp)
{
    pthread_once(&s_once, s_init);
    if (!resp || resp != tl_created || !s_from_mhd(__builtin_return_address(0)))
        return s_real_queue(c, status, resp);
    tl_created = NULL;
    /* the request was not read to its end: no header of it is looked at (the library
     * has already dropped its buffer), so Vietnamese and English both, vi first */
    cs_err e;
    gw_refusal_error(status, tl_html, &e);
    char request_id[32];
    unsigned char raw[12];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(request_id, sizeof request_id, raw, sizeof raw);
    struct MHD_Response *json = gw_reply_refusal(&e, request_id);
    if (!json)
        return s_real_queue(c, status, resp);
    enum MHD_Result ret = s_real_queue(c, status, json);
    MHD_destroy_response(json);
    cs_log_request(request_id, "refused", (int) status, e.code, 0.0);
    return ret;
}
