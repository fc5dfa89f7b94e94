#include "cs_log.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static char s_service[64] = "chiso";

void cs_log_init(const char *service)
{
    snprintf(s_service, sizeof s_service, "%s", service ? service : "chiso");
}

static json_t *s_line(const char *level, const char *msg)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char ts[96];
    snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (int)(tv.tv_usec / 1000));
    json_t *o = json_object();
    json_object_set_new(o, "ts", json_string(ts));
    json_object_set_new(o, "level", json_string(level));
    json_object_set_new(o, "service", json_string(s_service));
    /* A message that is not valid UTF-8 (bytes from a peer) must not lose the line. */
    json_t *m = json_string(msg);
    if (!m)
        m = json_string("(message not valid UTF-8)");
    json_object_set_new(o, "msg", m);
    return o;
}

/* One write(2) per line so lines of concurrent threads never interleave. */
static void s_emit(json_t *o)
{
    char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(9));
    json_decref(o);
    if (!text)
        return;
    size_t n = strlen(text);
    char *line = malloc(n + 2);
    if (line) {
        memcpy(line, text, n);
        line[n] = '\n';
        ssize_t w = write(STDERR_FILENO, line, n + 1);
        (void)w;
        free(line);
    }
    free(text);
}

static void s_vlog(const char *level, const char *fmt, va_list ap)
{
    char msg[2048];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    vsnprintf(msg, sizeof msg, fmt, ap);
#pragma GCC diagnostic pop
    s_emit(s_line(level, msg));
}

void cs_log_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    s_vlog("info", fmt, ap);
    va_end(ap);
}

void cs_log_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    s_vlog("warn", fmt, ap);
    va_end(ap);
}

void cs_log_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    s_vlog("error", fmt, ap);
    va_end(ap);
}

/* Printable ASCII with nothing JSON would escape: such a string goes into a line as it is. */
static bool s_plain(const char *s)
{
    for (; *s; s++)
        if ((unsigned char) *s < 0x20 || (unsigned char) *s > 0x7e || *s == '"' || *s == '\\')
            return false;
    return true;
}

/* Appenders for the request line below: each copies and returns the end. */
static char *s_cat(char *w, const char *s, size_t n)
{
    memcpy(w, s, n);
    return w + n;
}

static char *s_cat_str(char *w, const char *s)
{
    return s_cat(w, s, strlen(s));
}

/* v in decimal, at least `digits` digits (zero-padded). */
static char *s_cat_uint(char *w, unsigned long long v, int digits)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char) ('0' + v % 10);
        v /= 10;
    } while (v || n < digits);
    while (n)
        *w++ = tmp[--n];
    return w;
}

/* "YYYY-MM-DDTHH:MM:SS" of sec into out (20 bytes with the NUL). The calendar is worked
 * out once a second per thread: glibc's gmtime_r takes a process-wide lock. */
static void s_utc_second(time_t sec, char *out)
{
    static _Thread_local time_t tl_sec = -1;
    static _Thread_local char tl_text[20];
    if (sec != tl_sec) {
        struct tm tm;
        gmtime_r(&sec, &tm);
        char *w = tl_text;
        w = s_cat_uint(w, (unsigned) tm.tm_year + 1900, 4);
        *w++ = '-';
        w = s_cat_uint(w, (unsigned) tm.tm_mon + 1, 2);
        *w++ = '-';
        w = s_cat_uint(w, (unsigned) tm.tm_mday, 2);
        *w++ = 'T';
        w = s_cat_uint(w, (unsigned) tm.tm_hour, 2);
        *w++ = ':';
        w = s_cat_uint(w, (unsigned) tm.tm_min, 2);
        *w++ = ':';
        w = s_cat_uint(w, (unsigned) tm.tm_sec, 2);
        *w = '\0';
        tl_sec = sec;
    }
    memcpy(out, tl_text, sizeof tl_text);
}

/* One line per request in every process, so the common case — our own request id, rpc
 * and error code, all plain identifiers — is put together straight in one buffer instead
 * of going through a jansson object (make bench, public reads: the jansson line was 5 % of
 * the gateway's CPU, and snprintf with its float formatting another 5 % after it). Anything
 * else takes the general path. */
void cs_log_request(const char *request_id, const char *rpc, int status,
                    const char *code, double ms)
{
    request_id = request_id ? request_id : "";
    rpc = rpc ? rpc : "";
    if (s_plain(request_id) && s_plain(rpc) && (!code || s_plain(code)) && strlen(request_id) < 128
        && strlen(rpc) < 128 && (!code || strlen(code) < 128) && ms >= 0 && ms < 1e9
        && status >= 0 && status < 1000 && strlen(s_service) < 64 && s_plain(s_service)) {
        struct timeval tv;
        gettimeofday(&tv, NULL);
        char day[20], line[1024], *w = line;
        s_utc_second(tv.tv_sec, day);
        unsigned long long us = (unsigned long long) (ms * 1000.0 + 0.5);   /* %.3f of ms */
        w = s_cat_str(w, "{\"ts\":\"");
        w = s_cat(w, day, 19);
        *w++ = '.';
        w = s_cat_uint(w, (unsigned long long) tv.tv_usec / 1000, 3);
        w = s_cat_str(w, status >= 500 ? "Z\",\"level\":\"error\",\"service\":\""
                                       : "Z\",\"level\":\"info\",\"service\":\"");
        w = s_cat_str(w, s_service);
        w = s_cat_str(w, "\",\"msg\":\"request\",\"request_id\":\"");
        w = s_cat_str(w, request_id);
        w = s_cat_str(w, "\",\"rpc\":\"");
        w = s_cat_str(w, rpc);
        w = s_cat_str(w, "\",\"status\":");
        w = s_cat_uint(w, (unsigned) status, 1);
        if (code) {
            w = s_cat_str(w, ",\"code\":\"");
            w = s_cat_str(w, code);
            *w++ = '"';
        }
        w = s_cat_str(w, ",\"ms\":");
        w = s_cat_uint(w, us / 1000, 1);
        *w++ = '.';
        w = s_cat_uint(w, us % 1000, 3);
        w = s_cat_str(w, "}\n");
        ssize_t n = write(STDERR_FILENO, line, (size_t) (w - line));
        (void) n;
        return;
    }
    json_t *o = s_line(status >= 500 ? "error" : "info", "request");
    json_t *v = json_string(request_id);
    json_object_set_new(o, "request_id", v ? v : json_string(""));
    v = json_string(rpc);
    json_object_set_new(o, "rpc", v ? v : json_string(""));
    json_object_set_new(o, "status", json_integer(status));
    if (code)
        json_object_set_new(o, "code", json_string(code));
    json_object_set_new(o, "ms", json_real((double)(long long)(ms * 1000.0 + 0.5) / 1000.0));
    s_emit(o);
}
