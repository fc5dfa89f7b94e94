/*  gw_upload: one evidence file on its way into the content-addressed store.
 *
 *  The body is written, chunk by chunk, to a temporary file under
 *  <var>/evidence/tmp while its SHA-256 is computed (libsodium, streaming). Past the size
 *  cap the temporary file is deleted at once (413 file_too_large). gw_upload_finish
 *  decides the type from the content (libmagic; PDF, DOCX, XLSX, ODT, ODS, JPEG, PNG, else
 *  415 unsupported_file_type) and moves the file to <var>/evidence/<h[0..1]>/<h>, where the
 *  same content is stored once. The original file name is data only (gw_file_name_check). */
#ifndef GW_UPLOAD_H
#define GW_UPLOAD_H

#include <stddef.h>
#include <stdint.h>
#include "cs_err.h"

typedef struct gw_upload gw_upload;

/* A new upload into var_dir's store, at most max_size bytes. NULL + e on failure. */
gw_upload *gw_upload_new(const char *var_dir, int64_t max_size, cs_err *e);
/* A data feed (GW_FEED) on its way to the portal service, written the same way (chunk by
 * chunk, SHA-256 as it comes, the cap) to <var>/feeds/feed-XXXXXX, with no type check and
 * nothing stored: the service reads the file while the request runs and the gateway
 * deletes it with gw_upload_destroy once the answer is in, so a province's whole file is
 * never held in memory, here or in the service. */
gw_upload *gw_upload_new_feed(const char *var_dir, int64_t max_size, cs_err *e);
/* All of the feed is written: flush and close it. 0 / -1. */
int gw_upload_feed_done(gw_upload *self, cs_err *e);
/* The feed file's name in <var>/feeds ("feed-XXXXXX"), for the service. */
const char *gw_upload_feed_name(const gw_upload *self);

/* Delete the temporary file if the upload did not finish; NULLs the pointer. */
void gw_upload_destroy(gw_upload **self_p);

/* Append data. -1 with 413 file_too_large (temporary file gone) past the cap. */
int gw_upload_write(gw_upload *self, const void *data, size_t n, cs_err *e);
/* Check the type, store the file. 0 / -1 (415, 500). */
int gw_upload_finish(gw_upload *self, cs_err *e);
/* Whether the cap was passed (the rest of the body is to be ignored). */
int gw_upload_too_large(const gw_upload *self);

const char *gw_upload_sha256(const gw_upload *self);    /* 64 lowercase hex, after finish */
int64_t gw_upload_size(const gw_upload *self);
const char *gw_upload_type(const gw_upload *self);      /* MIME type, after finish */

/* A client-given file name kept as data: UTF-8, 1..255 bytes, no '/', '\\', NUL, control
 * characters or '..' component. 0 / -1 (400 bad_file_name). */
int gw_file_name_check(const char *name, size_t len, cs_err *e);

/* Release the process-wide type checker (at shutdown, after the last upload). */
void gw_upload_shutdown(void);

/* Path of a stored file from its hash (refuses anything but 64 hex digits). 0 / -1. */
int gw_store_path(const char *var_dir, const char *sha256, char *buf, size_t len);

#endif
