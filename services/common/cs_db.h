/*  cs_db: one PostgreSQL connection (libpq) with reconnect and whole-transaction retry.
 *
 *  Always parameters, never SQL built from strings. Each distinct statement text is prepared
 *  once per connection, transparently (forgotten on reconnect, prepared again if the server
 *  discarded it); transaction control and utility statements run unnamed. Errors are mapped
 *  to cs_err by SQLSTATE: 23505 -> 409 duplicate, 23503 -> 409 referenced, 23514/22xxx -> 400,
 *  40001/40P01 -> retryable (cs_db_tx retries the whole transaction), connection loss ->
 *  reconnect then 503 db_unavailable if still down. */
#ifndef CS_DB_H
#define CS_DB_H

#include <libpq-fe.h>
#include <stdbool.h>
#include "cs_err.h"

typedef struct cs_db cs_db;

cs_db *cs_db_new(const char *conninfo);
void cs_db_destroy(cs_db **self_p);

/* The live connection, reconnecting first if it was lost. NULL and e set if it cannot. */
PGconn *cs_db_conn(cs_db *self, cs_err *e);

/* Run sql with text parameters (NULL entries are SQL NULL). Returns the result (caller
 * PQclear()s) for PGRES_TUPLES_OK / PGRES_COMMAND_OK, else NULL with e set. */
PGresult *cs_db_exec(cs_db *self, cs_err *e, const char *sql, int nparams,
                     const char *const *params);

/* Queue sql to go with the next statement of this connection (cs_db_exec, or the COMMIT of
 * cs_db_tx), all in one round trip (libpq pipeline mode). For what the caller does not need
 * at once: an audit row, a write whose outcome only has to be known before COMMIT. out
 * receives its result when it has run (caller PQclear()s; stays NULL if it never ran);
 * NULL: only its success matters. Its failure is the failure of the statement it went
 * with (the server skips the rest), so the transaction rolls back. Params are copied. */
void cs_db_queue(cs_db *self, const char *sql, int nparams, const char *const *params,
                 PGresult **out);

/* This transaction inserts audit rows, which it leaves unlinked (the trigger notes them in
 * the session; deploy/migrations/086_audit_link_after_commit.sql): cs_db_tx links them into
 * their provinces' chains right after its COMMIT, in the same round trip, before it
 * returns. */
void cs_db_link_after(cs_db *self);

/* True when the last error on this connection was a serialization failure or deadlock
 * (40001, 40P01), or the connection was lost before COMMIT: the whole transaction may be
 * run again. */
bool cs_db_retryable(const cs_db *self);

/* SQLSTATE of the last failed statement ("" when none): for a handler that treats one
 * particular failure (e.g. "23505") in its own words. */
const char *cs_db_sqlstate(const cs_db *self);

/* Run fn inside BEGIN ... COMMIT, with the tenant set for the transaction only
 * (set_config('chiso.province_id', ..., true) and friends, see docs/DESIGN.md §4).
 * fn returns 0 to commit, -1 to roll back (e set). Retries the whole transaction up to 5
 * times when it failed retryably. */
typedef int (*cs_db_tx_fn)(cs_db *db, void *arg, cs_err *e);
int cs_db_tx(cs_db *self, long long province_id, long long user_id, bool system_scope,
             bool read_only, cs_db_tx_fn fn, void *arg, cs_err *e);

/* Who a transaction runs for. With session_sha256 (bytea text "\\x..."), the statement that
 * sets the tenant also asks catalog.session_current() whether that session is still live
 * and its user still has this province, agency and roles (a text[] literal): when not, the
 * transaction ends there with 401 session_stale (CS_ERR_SESSION_STALE), before fn runs. The
 * check rides on a statement sent anyway, so it costs no round trip. */
typedef struct {
    long long province_id, user_id, agency_id;
    bool system_scope;
    const char *session_sha256;
    const char *roles;
    /* a sysadmin under the province's support grant: with session_sha256, the statement
     * asks catalog.support_current() instead (403 support_not_granted without a live
     * grant, 401 session_stale without a live sysadmin session) */
    bool support;
} cs_db_who;
int cs_db_tx_as(cs_db *self, const cs_db_who *who, bool read_only, cs_db_tx_fn fn, void *arg,
                cs_err *e);

#endif
