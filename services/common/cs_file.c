/*  cs_file: checks on an uploaded file's facts as a service receives them (see cs_file.h). */
#include "cs_file.h"

#include <stdbool.h>
#include <string.h>

static bool s_valid_utf8(const unsigned char *s)
{
    while (*s) {
        int n = *s < 0x80 ? 0 : (*s & 0xE0) == 0xC0 ? 1 : (*s & 0xF0) == 0xE0 ? 2
                : (*s & 0xF8) == 0xF0 ? 3 : -1;
        if (n < 0 || (n == 1 && *s < 0xC2))
            return false;
        unsigned cp = n == 0 ? *s : n == 1 ? (*s & 0x1Fu) : n == 2 ? (*s & 0x0Fu) : (*s & 0x07u);
        s++;
        for (int i = 0; i < n; i++, s++) {
            if ((*s & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (*s & 0x3Fu);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
    }
    return true;
}

int cs_file_check_name(const char *name, cs_err *e)
{
    size_t n = name ? strlen(name) : 0;
    bool ok = n > 0 && n <= 255 && name[0] != '.' && s_valid_utf8((const unsigned char *)name);
    for (size_t i = 0; ok && i < n; i++) {
        unsigned char ch = (unsigned char)name[i];
        if (ch < 0x20 || ch == 0x7F || ch == '/' || ch == '\\' || ch == ':')
            ok = false;
    }
    if (!ok)
        return cs_err_set(e, 400, "invalid_file_name", "file_name", "%s%.0s", "%.0s%s",
                          "Tên tệp không hợp lệ (không được chứa đường dẫn hay ký tự điều khiển).",
                          "Invalid file name (no paths or control characters).");
    return 0;
}

int cs_file_check_sha256(const char *s, cs_err *e)
{
    size_t n = s ? strlen(s) : 0;
    bool ok = n == 64;
    for (size_t i = 0; ok && i < n; i++)
        ok = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f');
    if (!ok)
        return cs_err_invalid(e, "file_sha256", "mã SHA-256 của tệp không hợp lệ",
                              "the file's SHA-256 is not valid");
    return 0;
}
