/*  cs_text: small tests on text fields that every service applies to its input. */
#ifndef CS_TEXT_H
#define CS_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* True when s is NULL, empty, or only spaces, tabs, CR and LF: a required text left
 * blank. (Other bytes, the vertical tab and form feed included, count as content.) */
bool cs_text_blank(const char *s);

/* True when the UTF-8 text s (n bytes) is not empty and has nothing but white space,
 * Unicode's included (no-break space U+00A0, U+2000..U+200B, U+3000, U+FEFF...): a name
 * that shows as nothing. */
bool cs_text_only_spaces(const char *s, size_t n);

/* True when the UTF-8 text s (n bytes) holds a bidirectional control (U+061C, U+200E,
 * U+200F, U+202A..U+202E, U+2066..U+2069), which can make a name display as another
 * ("invoice\u202Efdp.exe"). */
bool cs_text_has_bidi(const char *s, size_t n);

/* Characters (code points) of valid UTF-8 text s of n bytes. */
size_t cs_text_chars(const char *s, size_t n);

#endif
