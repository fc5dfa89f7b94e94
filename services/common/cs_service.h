/*  cs_service: the runtime every service executable shares.
 *
 *  A service is a protobuf service descriptor (generated from proto/<name>.proto) plus a
 *  table of handlers, one per rpc. cs_service_run connects a worker to the broker and a
 *  database connection, then for each request:
 *    unpack chiso.Request -> find the rpc -> unpack its input -> BEGIN (tenant set for the
 *    transaction) -> [writes: idempotency check] -> handler -> [writes: store the reply
 *    under the idempotency key] -> COMMIT -> pack chiso.Reply.
 *  A handler failing (-1) rolls everything back, the audit records with it; a
 *  serialization failure or deadlock re-runs the whole transaction.
 *
 *  Handlers allocate their output (and anything else) from the call's arena, which is
 *  freed after the reply is sent: no frees in handlers. */
#ifndef CS_SERVICE_H
#define CS_SERVICE_H

#include <libpq-fe.h>
#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>
#include "cs_db.h"
#include "cs_err.h"
#include "envelope.pb-c.h"

typedef struct cs_call cs_call;

typedef int (*cs_rpc_fn)(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);

enum {
    CS_RPC_READ  = 0,       /* read-only transaction */
    CS_RPC_WRITE = 1 << 0,  /* read-write transaction, idempotency key honoured */
    CS_RPC_TENANT = 1 << 1, /* a call that arrives without a tenant (a portal client's API
                               key) and whose handler sets it with cs_call_set_tenant after
                               its own check; the runtime's Idempotency-Key handling is off
                               (the handler's data must make a repeat harmless) */
};

typedef struct {
    const char *name;       /* method name as in the .proto, e.g. "SaveScores" */
    cs_rpc_fn fn;
    unsigned flags;
} cs_rpc;

/* Run the service until SIGINT/SIGTERM. Every method of desc must have a handler (checked
 * at start-up). Returns the process exit code. */
int cs_service_run(const char *name, const ProtobufCServiceDescriptor *desc,
                   const cs_rpc *rpcs, size_t n_rpcs);

/* --- inside a handler ------------------------------------------------------------- */

const Chiso__Context *cs_call_ctx(const cs_call *c);
long long cs_call_province(const cs_call *c);   /* 0 when none */
long long cs_call_user(const cs_call *c);       /* 0 when anonymous */
long long cs_call_agency(const cs_call *c);     /* 0 when none */
bool cs_call_has_role(const cs_call *c, const char *role);
/* A sysadmin acting under the province's support grant (envelope.proto Context.support). */
bool cs_call_support(const cs_call *c);
cs_err *cs_call_err(cs_call *c);
cs_db *cs_call_db(cs_call *c);
/* A second connection of this worker, outside the call's transaction (autocommit), for the
 * rare record that must survive the call's rollback (a failed login attempt). Created on
 * first use, owned and closed by the worker. NULL with the call's error set if it cannot. */
cs_db *cs_call_side_db(cs_call *c);

/* Arena allocation, zeroed, freed after the reply. Never NULL (aborts on OOM). */
void *cs_call_alloc(cs_call *c, size_t n);
char *cs_call_strdup(cs_call *c, const char *s);             /* NULL -> NULL */
char *cs_call_printf(cs_call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A message of the given descriptor, initialised, from the arena. */
ProtobufCMessage *cs_call_msg(cs_call *c, const ProtobufCMessageDescriptor *d);
/* An array of n pointers from the arena (for repeated message fields). */
void **cs_call_array(cs_call *c, size_t n);

/* Run SQL in the call's transaction; the result is cleared with the arena. NULL + error
 * set on failure (mapped by SQLSTATE, see cs_db.h). */
PGresult *cs_call_exec(cs_call *c, const char *sql, int nparams, const char *const *params);
/* Queue SQL to go with the call's next statement or its COMMIT, in the same round trip
 * (cs_db_queue): for a write whose result is not needed at once. Returns where its result
 * will be (NULL until it has run; cleared with the arena). Its failure fails the statement
 * it goes with, and so the call. */
PGresult *const *cs_call_queue(cs_call *c, const char *sql, int nparams,
                               const char *const *params);
/* For the rest of the call's transaction, prepared statements run their generic plan
 * (plan_cache_mode = force_generic_plan, local to the transaction): planned once per
 * connection instead of at every execution. For hot statements by key whose plan does not
 * depend on the values, which the server otherwise keeps re-planning when it estimates
 * them badly (measured: the score save's reads over unnest($3) were planned every time).
 * Queued, so it costs no round trip. */
void cs_call_generic_plans(cs_call *c);
/* Text of a number for a query parameter, from the arena. */
const char *cs_call_int(cs_call *c, long long v);

/* Set the tenant (chiso.province_id) of the call's transaction after the handler checked
 * the caller may act there: row-level security then applies to that province exactly as
 * for a session's call, and cs_call_province() answers it. Only for CS_RPC_TENANT handlers
 * on calls whose context has no province; may be called again to move to another province
 * the caller may write (a national key). 0 / -1. */
int cs_call_set_tenant(cs_call *c, long long province_id);

/* Append to the audit trail (core.audit) in the call's transaction: who (from the
 * context), when (now), what (entity, its id, action), old and new values as JSON text
 * (may be NULL) and the reason (may be NULL). Queued (cs_call_queue): the row goes with the
 * next statement or the COMMIT, and if it cannot be written the call fails. 0 / -1. */
int cs_call_audit(cs_call *c, const char *entity, long long entity_id, const char *action,
                  const char *old_json, const char *new_json, const char *reason);
/* For a handler that writes its audit rows in its own statement (a PL/pgSQL function that
 * writes and audits in one call): the login the trail records for this call (a sysadmin
 * under the province's support grant as "support:<login>"; NULL when none), and
 * cs_call_audited(c) once such a statement is queued, so the rows are linked into the
 * province's chain after the COMMIT like cs_call_audit's. */
const char *cs_call_audit_login(cs_call *c);
void cs_call_audited(cs_call *c);
/* The same in the trail of another province than the caller's: a sysadmin's action on a
 * province (its admins) is recorded in that province's trail, where its people see it. The
 * tenant is that province for the insert only. 0 / -1. */
int cs_call_audit_in(cs_call *c, long long province_id, const char *entity, long long entity_id,
                     const char *action, const char *old_json, const char *new_json,
                     const char *reason);

#endif
