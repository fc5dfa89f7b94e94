/*  catalog: the rpc handlers of the catalog service (one function per rpc of
 *  proto/catalog.proto), grouped by module: cat_auth.c, cat_org.c, cat_agency.c,
 *  cat_index.c, cat_period.c. */
#ifndef CATALOG_H
#define CATALOG_H

#include "catalog.pb-c.h"
#include "cs_service.h"

#define CAT_RPC(name) int cat_##name(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)

/* cat_auth.c */
CAT_RPC(ResolveSession);
CAT_RPC(Login);
CAT_RPC(Logout);
CAT_RPC(Me);

/* cat_org.c: provinces and users */
CAT_RPC(CreateProvince);
CAT_RPC(ListProvinces);
CAT_RPC(GetProvince);
CAT_RPC(CreateUser);
CAT_RPC(ListUsers);
CAT_RPC(GetUser);
CAT_RPC(UpdateUser);

/* cat_agency.c: groups, agencies, people, discipline */
CAT_RPC(CreateAgencyGroup);
CAT_RPC(ListAgencyGroups);
CAT_RPC(CreateAgency);
CAT_RPC(ListAgencies);
CAT_RPC(GetAgency);
CAT_RPC(UpdateAgency);
CAT_RPC(ImportAgencies);
CAT_RPC(CreatePerson);
CAT_RPC(ListPeople);
CAT_RPC(CreateDiscipline);
CAT_RPC(ListDiscipline);

/* cat_index.c */
CAT_RPC(ImportIndexSet);
CAT_RPC(ListIndexSets);
CAT_RPC(GetIndexSet);
CAT_RPC(CopyIndexSet);
/* cat_index_edit.c: node by node, before use */
CAT_RPC(EditIndexSet);

/* SQL: whether a period using the index set `id_expr` has opened a phase — from then on
 * the set never changes (SPEC §3); shown as the set's `frozen`. */
#define CAT_INDEX_IN_USE_SQL(id_expr)                                                      \
    "EXISTS (SELECT 1 FROM catalog.period_index_sets ps_ JOIN catalog.phases ph_"          \
    " ON ph_.period_id = ps_.period_id WHERE ps_.index_set_id = " id_expr                   \
    " AND ph_.opens_at <= now())"
/* The whole set (contents and nodes), or NULL with 404. */
Chiso__IndexSet *cat_index_load(cs_call *c, long long id);
/* 0 when the set may still change; else -1 with 409 index_set_frozen naming the period. */
int cat_index_editable(cs_call *c, long long id, const char *code);
/* Validate rq exactly as an import does and write it: a new set (id 0) or set `id`'s head,
 * contents and nodes replaced. *id_out: the set's id. 0 / -1. */
int cat_index_store(cs_call *c, const Chiso__IndexSet *rq, long long id, long long *id_out);
/* An automatic source as stored (jsonb text), NULL for none. */
const char *cat_index_auto_json(cs_call *c, const Chiso__AutoRule *r);

/* cat_period.c: periods, phases, extensions, audit */
CAT_RPC(CreatePeriod);
CAT_RPC(ListPeriods);
CAT_RPC(GetPeriod);
CAT_RPC(SetPeriodIndexSet);
CAT_RPC(SetPhase);
CAT_RPC(SetPeriodConfig);
CAT_RPC(ListPhases);
CAT_RPC(GrantExtension);
CAT_RPC(ListAudit);
/* cat_notify.c: the caller's reminders (cat_remind.h) */
CAT_RPC(ListNotifications);
CAT_RPC(MarkNotificationRead);
CAT_RPC(CreateSupportGrant);
CAT_RPC(ListSupportGrants);
CAT_RPC(RevokeSupportGrant);

/* Argon2id hash (libsodium, interactive limits) of a password into out (from the arena).
 * -1 with 400 when shorter than 8 characters. Shared with cat_org.c. */
int cat_password_hash(cs_call *c, const char *password, const char **out);

/* The bound on concurrent Argon2id hashes of this process (CHISO_HASH_CONCURRENCY, default
 * CHISO_WORKERS / 2, at least 1). enter: 0, or -1 with 503 busy + retry_after when the
 * bound is reached (never waits: a waiting worker is what a login flood must not cost);
 * leave after the hash. */
int cat_hash_gate_enter(cs_err *e);
void cat_hash_gate_leave(void);

#endif
