/*  qr_svg: a QR code as a small standalone SVG document, for the printed invitation sheet
 *  (the survey link a respondent scans). libqrencode makes the symbol; this file only draws it.
 *
 *  The drawing: viewBox "0 0 W W" with W = modules + 2·QR_SVG_QUIET (the quiet zone the
 *  standard asks for), a white background and one black <path> whose subpaths are the
 *  horizontal runs of dark modules ("M x y h n v1 h-n z"). The document carries no text of
 *  the input, no script and no style, so it is safe as an <img> on any page. */
#ifndef QR_SVG_H
#define QR_SVG_H

#include <stddef.h>
#include "cs_err.h"

#define QR_SVG_QUIET 4          /* modules of white border on each side */
#define QR_SVG_MAX_TEXT 1024    /* bytes; a link is far shorter */

/* The QR code of text (8-bit mode, error correction M, the smallest version holding it).
 * 0 with *out (malloc'd, NUL-terminated; the caller frees it) and, when modules is not NULL,
 * the symbol's width in modules (21 for version 1, +4 per version); -1 with e set:
 * 400 invalid_input (empty, or longer than QR_SVG_MAX_TEXT), 500 internal (libqrencode). */
int qr_svg(const char *text, char **out, int *modules, cs_err *e);

#endif
