#include "cs_err.h"

#include <stdio.h>
#include <string.h>

void cs_err_clear(cs_err *e)
{
    memset(e, 0, sizeof *e);
}

bool cs_err_isset(const cs_err *e)
{
    return e->status != 0;
}

int cs_err_vset(cs_err *e, int status, const char *code, const char *field,
                const char *vi_fmt, const char *en_fmt, va_list ap)
{
    cs_err_clear(e);
    e->status = status ? status : 500;
    snprintf(e->code, sizeof e->code, "%s", code ? code : "internal");
    if (field)
        snprintf(e->field, sizeof e->field, "%s", field);
    /* Both formats consume the same arguments: walk the list twice. */
    va_list ap2;
    va_copy(ap2, ap);
    /* The formats are the callers' literals, checked by the attribute on cs_err_set. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    vsnprintf(e->message_vi, sizeof e->message_vi, vi_fmt ? vi_fmt : "", ap);
    vsnprintf(e->message_en, sizeof e->message_en, en_fmt ? en_fmt : "", ap2);
#pragma GCC diagnostic pop
    va_end(ap2);
    return -1;
}

int cs_err_set(cs_err *e, int status, const char *code, const char *field,
               const char *vi_fmt, const char *en_fmt, ...)
{
    va_list ap;
    va_start(ap, en_fmt);
    cs_err_vset(e, status, code, field, vi_fmt, en_fmt, ap);
    va_end(ap);
    return -1;
}

void cs_err_detail(cs_err *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    vsnprintf(e->detail, sizeof e->detail, fmt, ap);
#pragma GCC diagnostic pop
    va_end(ap);
}

void cs_err_prefix(cs_err *e, const char *where_vi, const char *where_en, const char *field)
{
    /* Room for the prefix: the end of a long message is cut, never overrun. */
    char vi[sizeof e->message_vi + 160], en[sizeof e->message_en + 160];
    snprintf(vi, sizeof vi, "%.150s: %s", where_vi, e->message_vi);
    snprintf(en, sizeof en, "%.150s: %s", where_en, e->message_en);
    snprintf(e->message_vi, sizeof e->message_vi, "%.511s", vi);
    snprintf(e->message_en, sizeof e->message_en, "%.511s", en);
    if (field)
        snprintf(e->field, sizeof e->field, "%s", field);
    if (!e->detail[0])
        snprintf(e->detail, sizeof e->detail, "%s", where_en);
}

int cs_err_invalid(cs_err *e, const char *field, const char *why_vi, const char *why_en)
{
    return cs_err_set(e, 400, "invalid_input", field, "Dữ liệu không hợp lệ: %s%.0s",
                      "Invalid input: %.0s%s", why_vi ? why_vi : "", why_en ? why_en : "");
}

int cs_err_not_found(cs_err *e, const char *what)
{
    cs_err_set(e, 404, "not_found", NULL, "Không tìm thấy đối tượng yêu cầu.",
               "%s not found.", what ? what : "Object");
    if (what)
        cs_err_detail(e, "%s", what);
    return -1;
}

int cs_err_forbidden(cs_err *e)
{
    return cs_err_set(e, 403, "forbidden", NULL, 
                      "Bạn không có quyền thực hiện thao tác này.",
                      "You are not allowed to do this.");
}

int cs_err_unauthenticated(cs_err *e)
{
    return cs_err_set(e, 401, "unauthenticated", NULL, 
                      "Cần đăng nhập.", "Authentication required.");
}

int cs_err_session_stale(cs_err *e)
{
    return cs_err_set(e, 401, CS_ERR_SESSION_STALE, NULL,
                      "Phiên đăng nhập đã kết thúc hoặc quyền của người dùng đã thay đổi.",
                      "The session has ended or the user's rights have changed.");
}

int cs_err_conflict(cs_err *e, const char *code, const char *vi, const char *en)
{
    /* the texts are data, not formats (clang's -Wformat-security) */
    return cs_err_set(e, 409, code ? code : "conflict", NULL, "%s%.0s", "%.0s%s",
                      vi ? vi : "Xung đột dữ liệu.", en ? en : "Conflict.");
}

int cs_err_internal(cs_err *e, const char *detail)
{
    cs_err_set(e, 500, "internal", NULL,  "Lỗi nội bộ của hệ thống.",
               "Internal error.");
    if (detail)
        cs_err_detail(e, "%s", detail);
    return -1;
}
