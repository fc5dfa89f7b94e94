/*  cs_log: JSON-lines logs on stderr, one object per line.
 *
 *  Every line has ts (UTC, ISO 8601 with ms), level, service and msg; request lines add
 *  request_id, rpc, status and ms. Strings are escaped with jansson so Vietnamese text and
 *  control characters stay valid JSON. Thread-safe (one write(2) per line). */
#ifndef CS_LOG_H
#define CS_LOG_H

/* Name the process in every line ("catalog", "gateway"...). Call once at start-up. */
void cs_log_init(const char *service);

void cs_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cs_log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cs_log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line per handled request. code may be NULL (success). */
void cs_log_request(const char *request_id, const char *rpc, int status,
                    const char *code, double ms);

#endif
