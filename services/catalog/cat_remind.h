/*  cat_remind: reminders before a phase closes (SPEC §4, issue 8 item 5).
 *
 *  A pass at a time `now` goes through every province, each in its own transactions with
 *  the province as tenant (row-level security as for any call):
 *    1. catalog.reminders_enqueue(now) (migration 015) inserts the reminders due: the users
 *       with work left in a phase whose lead-time window has begun; unique per (period,
 *       phase, lead time, user), so a second pass or a second sender inserts nothing;
 *    2. pending e-mails of phases already closed become `expired` (never sent late);
 *    3. with a relay configured (cat_smtp.h), each pending e-mail is taken with
 *       FOR UPDATE SKIP LOCKED (another sender skips it), sent, and marked `sent` in the
 *       same transaction; on failure it is retried after 1, 2, 4, ... minutes (at most an
 *       hour apart) and given up (`failed`) after CAT_REMIND_MAX_ATTEMPTS. A user without
 *       an address: `no_address`. Without a relay nothing is e-mailed; the reminders are in
 *       the web UI (ListNotifications) all the same.
 *
 *  chiso-catalog runs a pass every CHISO_REMINDER_INTERVAL seconds (default 300, 0: never)
 *  on a thread of its own with its own connection; `chiso-admin reminders-run [--now TIME]`
 *  runs one pass, with an injected clock for tests. */
#ifndef CAT_REMIND_H
#define CAT_REMIND_H

#include <libpq-fe.h>
#include <stddef.h>
#include <time.h>
#include "cat_smtp.h"

#define CAT_REMIND_MAX_ATTEMPTS 8

typedef struct {
    int provinces, enqueued, expired, sent, retry, failed, no_address;
} cat_remind_stats;

/* One pass at `now` on db (a connection as chiso_app, outside any transaction). 0, or -1
 * with the database's message in err (an SMTP failure is not an error: it is retried). */
int cat_remind_pass(PGconn *db, time_t now, const cat_smtp *smtp, cat_remind_stats *st,
                    char *err, size_t err_len);

/* The retry delay after the n-th failed attempt (n >= 1), seconds. */
long cat_remind_backoff(int attempts);

/* chiso-catalog's background sender: start (when CHISO_REMINDER_INTERVAL > 0) and stop
 * (waits for a pass under way). 0 / -1. */
int cat_remind_start(void);
void cat_remind_stop(void);

#endif
