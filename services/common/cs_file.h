/*  cs_file: what a service checks of an uploaded file's facts before recording them (the
 *  gateway streamed the file into the content-addressed store and filled file_sha256,
 *  file_size, file_type and file_name): submissions' evidence, appraisal's opinion files. */
#ifndef CS_FILE_H
#define CS_FILE_H

#include "cs_err.h"

/* 0 when the name of an uploaded file is a plain file name: not empty, at most 255 bytes,
 * valid UTF-8, no control characters, no '/', '\\', ':' and not "." / ".." or starting with
 * '.'; else -1 with 400 invalid_file_name. */
int cs_file_check_name(const char *name, cs_err *e);

/* 0 when s is 64 lower-case hex digits, else -1 with 400 invalid_input. */
int cs_file_check_sha256(const char *s, cs_err *e);

#endif
