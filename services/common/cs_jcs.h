/*  cs_jcs: canonical JSON (RFC 8785, JCS) of a jansson value, for the published snapshots
 *  whose SHA-256 anyone may check (SPEC §12).
 *
 *  Object members sorted by their names' UTF-16 code units, no whitespace, strings with the
 *  minimal escaping of RFC 8785 §3.2.2.2 (\" \\ \b \f \n \r \t, other controls as \u00xx,
 *  everything else, UTF-8 included, as is), integers in decimal, true/false/null. Real
 *  numbers are refused: the documents this serves carry decimals as strings (the examples'
 *  two-decimal format), and ECMAScript's shortest double form is not worth a copy here. */
#ifndef CS_JCS_H
#define CS_JCS_H

#include <jansson.h>
#include <stddef.h>

/* The canonical bytes of v (malloc'd, NUL-terminated, *len without the NUL), or NULL when v
 * holds a real number or a string that is not valid UTF-8. The caller frees. */
char *cs_jcs_dump(const json_t *v, size_t *len);

#endif
