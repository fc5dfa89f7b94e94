/*  portal_rpc: handlers of proto/portal.proto (see services/portal/README.md). */
#ifndef PORTAL_RPC_H
#define PORTAL_RPC_H

#include "cs_service.h"
#include "portal.pb-c.h"

int portal_create_key(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int portal_list_keys(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int portal_revoke_key(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
/* The gateway's check of a portal client's key on a public read (no tenant, no route). */
int portal_use_key(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int portal_ingest_rpc(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int portal_list_batches(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int portal_list_mapping(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int portal_put_mapping(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);
int portal_delete_mapping(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out);

#endif
