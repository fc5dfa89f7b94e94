/*  cs_err: the one error convention of the project.
 *
 *  Functions return 0 on success and -1 on failure; on failure they fill the cs_err the
 *  caller passed (never NULL). An error has PostgreSQL's shape: a stable code
 *  ("score_out_of_range"), a short factual message in Vietnamese and in English, optionally
 *  the field at fault and a detail. The HTTP status travels with it from the service,
 *  through the protobuf Reply, to the JSON body and the log line.
 *
 *  cs_err is a plain value (no heap), so it can live on the stack of every call. */
#ifndef CS_ERR_H
#define CS_ERR_H

#include <stdarg.h>
#include <stdbool.h>

typedef struct {
    int  status;            /* HTTP status; 0 means "no error" */
    char code[64];
    char field[128];
    char message_vi[512];
    char message_en[512];
    char detail[512];
    int  retry_after;       /* seconds, > 0: the caller may try again then (429, 503);
                               the gateway sends it as Retry-After */
} cs_err;

/* Clear to "no error". */
void cs_err_clear(cs_err *e);
bool cs_err_isset(const cs_err *e);

/* Set an error. vi_fmt and en_fmt are printf formats that consume the same arguments in
 * the same order (the compiler checks the arguments against en_fmt; "%.0s" consumes an
 * argument without printing it, for a text used in one language only). Fixed messages are
 * passed as the formats themselves, with no arguments. field may be NULL. Always returns -1
 * so callers can `return cs_err_set(...)`. */
int cs_err_set(cs_err *e, int status, const char *code, const char *field,
               const char *vi_fmt, const char *en_fmt, ...)
    __attribute__((format(printf, 6, 7)));
int cs_err_vset(cs_err *e, int status, const char *code, const char *field,
                const char *vi_fmt, const char *en_fmt, va_list ap);

/* Add a detail (free text, English or data) to an error already set. */
void cs_err_detail(cs_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prefix both messages of an error already set with where it happened ("Dòng 4" / "Line
 * 4", an item's index: "Dòng 4: <message>"), set its field when field is not NULL, and
 * put where_en in the detail when it has none. A long message loses its end, never
 * overruns. */
void cs_err_prefix(cs_err *e, const char *where_vi, const char *where_en, const char *field);

/* Frequent errors, same messages everywhere. All return -1. */
int cs_err_invalid(cs_err *e, const char *field, const char *why_vi, const char *why_en); /* 400 invalid_input */
int cs_err_not_found(cs_err *e, const char *what);          /* 404 not_found; what = English noun */
int cs_err_forbidden(cs_err *e);                             /* 403 forbidden */
int cs_err_unauthenticated(cs_err *e);                       /* 401 unauthenticated */
int cs_err_conflict(cs_err *e, const char *code, const char *vi, const char *en); /* 409 */
int cs_err_internal(cs_err *e, const char *detail);          /* 500 internal; detail logged, not shown */
/* 401 session_stale: the session the context came from ended or its user changed since the
 * gateway resolved it (cs_db_tx_as); the gateway resolves it again and retries once. */
#define CS_ERR_SESSION_STALE "session_stale"
/* 403: a sysadmin's request under a province's support grant, and the province has no live
 * grant (none, revoked, expired): catalog.support_current, 017_support_grants.sql */
#define CS_ERR_SUPPORT "support_not_granted"
int cs_err_session_stale(cs_err *e);

#endif
