/*  gw_metrics: request counts and a latency histogram, by route pattern, method and
 *  status, shown in the Prometheus text format at /metrics. Process-wide, thread-safe. */
#ifndef GW_METRICS_H
#define GW_METRICS_H

/* Record one request. route is the pattern ("/api/v1/agencies/{id}") or a class of path
 * ("static", "unmatched"); the string must live for the whole process. */
void gw_metrics_observe(const char *method, const char *route, int status, double seconds);

/* The Prometheus text (caller frees). */
char *gw_metrics_render(void);

#endif
