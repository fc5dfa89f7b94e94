/*  Text rules of the JSON <-> protobuf mapping (issue 10, item 5): every string field of
 *  every rpc input has a maximum length in characters, by field name (the same name means
 *  the same thing in every .proto: `name`, `note`, `leaf_code`...); the OpenAPI document
 *  shows it as maxLength. Names shown to people (`name`, `full_name`, `title`,
 *  `file_name`...) may hold no bidirectional control (U+202E turns "txt.exe" around) and
 *  may not be only white space. */
#ifndef GW_TEXTRULES_H
#define GW_TEXTRULES_H

#include <stddef.h>
#include "cs_err.h"

/* Most characters a string field of this name may hold. */
size_t gw_text_max(const char *field);

/* Check text s (valid UTF-8, n bytes) for field `field`; path names it in the error.
 * 0, or -1 with 400 text_too_long / invalid_text. */
int gw_text_check(const char *field, const char *path, const char *s, size_t n, cs_err *e);

#endif
