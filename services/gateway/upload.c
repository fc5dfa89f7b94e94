/*  gw_upload: streaming evidence files into the content-addressed store. See upload.h. */
#include "upload.h"

#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cs_text.h"
#include "pbjson.h"

struct gw_upload {
    char var_dir[1024];
    char tmp_path[1200];
    int fd;
    int64_t max_size;
    int64_t size;
    bool too_large;
    bool stored;
    crypto_hash_sha256_state sha;
    char hex[65];
    char type[128];
};

/* Types accepted as evidence, decided from the content (never from the name). */
static const char *const s_allowed[] = {
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "image/jpeg",
    "image/png",
};

/* A libmagic handle is not thread-safe: one for the process, used under a lock (a type
 * check reads a few KiB of one file), opened on first use, closed by gw_upload_shutdown. */
static pthread_mutex_t s_magic_lock = PTHREAD_MUTEX_INITIALIZER;
static magic_t s_magic;

static int s_mkdirs(const char *path)
{
    char buf[1100];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0750) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return (mkdir(buf, 0750) != 0 && errno != EEXIST) ? -1 : 0;
}

/* A new temporary file <var_dir>/<sub>/<prefix>XXXXXX. */
static gw_upload *s_new(const char *var_dir, const char *sub, const char *prefix,
                        int64_t max_size, const char *what, cs_err *e)
{
    gw_upload *self = calloc(1, sizeof *self);
    char dir[1100];
    if (!self)
        abort();
    snprintf(self->var_dir, sizeof self->var_dir, "%s", var_dir);
    snprintf(dir, sizeof dir, "%s/%s", var_dir, sub);
    snprintf(self->tmp_path, sizeof self->tmp_path, "%s/%sXXXXXX", dir, prefix);
    self->max_size = max_size;
    crypto_hash_sha256_init(&self->sha);
    if (s_mkdirs(dir) != 0 || (self->fd = mkstemp(self->tmp_path)) < 0) {
        free(self);
        cs_err_internal(e, what);
        return NULL;
    }
    return self;
}

gw_upload *gw_upload_new(const char *var_dir, int64_t max_size, cs_err *e)
{
    return s_new(var_dir, "evidence/tmp", "up-", max_size,
                 "cannot create a temporary evidence file", e);
}

gw_upload *gw_upload_new_feed(const char *var_dir, int64_t max_size, cs_err *e)
{
    gw_upload *self = s_new(var_dir, "feeds", "feed-", max_size, "cannot create a feed file", e);
    /* the portal service may run as another user of the same group */
    if (self)
        fchmod(self->fd, 0640);
    return self;
}

int gw_upload_feed_done(gw_upload *self, cs_err *e)
{
    if (self->too_large)
        return cs_err_internal(e, "the feed file is gone (too large)");
    if (self->fd >= 0 && close(self->fd) != 0) {
        self->fd = -1;
        return cs_err_internal(e, "cannot write the feed file");
    }
    self->fd = -1;
    return 0;
}

const char *gw_upload_feed_name(const gw_upload *self)
{
    const char *slash = strrchr(self->tmp_path, '/');
    return slash ? slash + 1 : self->tmp_path;
}

void gw_upload_destroy(gw_upload **self_p)
{
    gw_upload *self = self_p ? *self_p : NULL;
    if (!self)
        return;
    if (self->fd >= 0)
        close(self->fd);
    if (!self->stored && self->tmp_path[0])
        unlink(self->tmp_path);
    free(self);
    *self_p = NULL;
}

static int s_too_large(gw_upload *self, cs_err *e)
{
    if (!self->too_large) {
        self->too_large = true;
        close(self->fd);
        self->fd = -1;
        unlink(self->tmp_path);
        self->tmp_path[0] = '\0';
    }
    return cs_err_set(e, 413, "file_too_large", "file",
                      "Tệp vượt quá dung lượng cho phép (%lld byte)",
                      "The file is larger than allowed (%lld bytes)",
                      (long long) self->max_size);
}

int gw_upload_write(gw_upload *self, const void *data, size_t n, cs_err *e)
{
    if (self->too_large || self->size + (int64_t) n > self->max_size)
        return s_too_large(self, e);
    const char *p = data;
    size_t left = n;
    while (left > 0) {
        ssize_t w = write(self->fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return cs_err_internal(e, "cannot write the temporary evidence file");
        p += w;
        left -= (size_t) w;
    }
    crypto_hash_sha256_update(&self->sha, data, n);
    self->size += (int64_t) n;
    return 0;
}

int gw_upload_too_large(const gw_upload *self)
{
    return self->too_large;
}

int gw_upload_finish(gw_upload *self, cs_err *e)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    char dir[1100], final[1200];
    const char *mime;
    bool ok = false;

    if (self->too_large)
        return s_too_large(self, e);
    if (fsync(self->fd) != 0)
        return cs_err_internal(e, "cannot flush the temporary evidence file");
    crypto_hash_sha256_final(&self->sha, digest);
    sodium_bin2hex(self->hex, sizeof self->hex, digest, sizeof digest);

    pthread_mutex_lock(&s_magic_lock);
    if (!s_magic) {
        s_magic = magic_open(MAGIC_MIME_TYPE);
        if (s_magic && magic_load(s_magic, NULL) != 0) {
            magic_close(s_magic);
            s_magic = NULL;
        }
    }
    mime = s_magic ? magic_file(s_magic, self->tmp_path) : NULL;
    snprintf(self->type, sizeof self->type, "%s", mime ? mime : "");
    pthread_mutex_unlock(&s_magic_lock);
    if (!self->type[0])
        return cs_err_internal(e, "libmagic could not read the file");
    for (size_t i = 0; i < sizeof s_allowed / sizeof s_allowed[0]; i++)
        if (strcmp(self->type, s_allowed[i]) == 0)
            ok = true;
    if (!ok) {
        cs_err_set(e, 415, "unsupported_file_type", "file",
                   "Loại tệp không được chấp nhận (%s); chỉ nhận PDF, DOCX, XLSX, ODT, ODS, JPEG, PNG",
                   "File type not accepted (%s); allowed: PDF, DOCX, XLSX, ODT, ODS, JPEG, PNG",
                   self->type);
        return -1;
    }

    snprintf(dir, sizeof dir, "%s/evidence/%.2s", self->var_dir, self->hex);
    snprintf(final, sizeof final, "%s/%s", dir, self->hex);
    if (s_mkdirs(dir) != 0)
        return cs_err_internal(e, "cannot create the evidence folder");
    if (access(final, F_OK) == 0) {
        unlink(self->tmp_path);         /* the same content is already stored */
    } else if (rename(self->tmp_path, final) != 0) {
        return cs_err_internal(e, "cannot store the evidence file");
    } else {
        chmod(final, 0640);
    }
    self->stored = true;
    close(self->fd);
    self->fd = -1;
    return 0;
}

void gw_upload_shutdown(void)
{
    pthread_mutex_lock(&s_magic_lock);
    if (s_magic)
        magic_close(s_magic);
    s_magic = NULL;
    pthread_mutex_unlock(&s_magic_lock);
}

const char *gw_upload_sha256(const gw_upload *self) { return self->hex; }
int64_t gw_upload_size(const gw_upload *self) { return self->size; }
const char *gw_upload_type(const gw_upload *self) { return self->type; }

static int s_bad_name(cs_err *e, const char *why_vi, const char *why_en)
{
    return cs_err_set(e, 400, "bad_file_name", "file_name",
                      "Tên tệp không hợp lệ: %s%.0s", "Invalid file name: %.0s%s", why_vi, why_en);
}

int gw_file_name_check(const char *name, size_t len, cs_err *e)
{
    if (!name || len == 0)
        return s_bad_name(e, "thiếu tên tệp", "missing");
    if (len > 255)
        return s_bad_name(e, "dài quá 255 byte", "longer than 255 bytes");
    if (memchr(name, '\0', len))
        return s_bad_name(e, "chứa ký tự NUL", "contains NUL");
    if (!pbjson_utf8_valid(name, len, NULL))
        return s_bad_name(e, "không phải UTF-8", "not UTF-8");
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) name[i];
        if (c == '/' || c == '\\')
            return s_bad_name(e, "chứa dấu / hoặc \\", "contains / or \\");
        if (c < 0x20 || c == 0x7F)
            return s_bad_name(e, "chứa ký tự điều khiển", "contains control characters");
    }
    if (strcmp(name, "..") == 0 || strcmp(name, ".") == 0)
        return s_bad_name(e, "là '.' hoặc '..'", "is '.' or '..'");
    /* "hoadon\u202Efdp.exe" shows as "hoadonexe.pdf" */
    if (cs_text_has_bidi(name, len))
        return s_bad_name(e, "chứa ký tự điều khiển hướng chữ (bidi)",
                          "contains a bidirectional control character");
    if (cs_text_only_spaces(name, len))
        return s_bad_name(e, "chỉ có khoảng trắng", "is only white space");
    return 0;
}

int gw_store_path(const char *var_dir, const char *sha256, char *buf, size_t len)
{
    if (!sha256 || strlen(sha256) != 64)
        return -1;
    for (int i = 0; i < 64; i++) {
        char c = sha256[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return -1;
    }
    int n = snprintf(buf, len, "%s/evidence/%.2s/%s", var_dir, sha256, sha256);
    return (n < 0 || (size_t) n >= len) ? -1 : 0;
}
