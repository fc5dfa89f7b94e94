/*  cs_text: small tests on text fields that every service applies to its input. */
#ifndef CS_TEXT_H
#define CS_TEXT_H

#include <stdbool.h>

/* True when s is NULL, empty, or only spaces, tabs, CR and LF: a required text left
 * blank. (Other bytes, the vertical tab and form feed included, count as content.) */
bool cs_text_blank(const char *s);

#endif
