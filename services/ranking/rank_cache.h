/*  rank_cache: a period's working results, kept once computed, served again while nothing
 *  they are computed from has changed.
 *
 *  The key is the period's input version (ranking.input_version(period), migration 085):
 *  every statement that changes an input increments it in its own transaction, so the
 *  results read at version v are the results of every snapshot that sees version v. An
 *  entry is the packed ListResults reply of the whole period (every group, the published
 *  marks): Compute stores it after computing, ListResults serves it when the version it
 *  reads matches, else computes and stores it. Per process, a few periods (least recently
 *  used out), guarded by a mutex: the worker threads share it. */
#ifndef RANK_CACHE_H
#define RANK_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include "cs_service.h"

/* The stored reply of (province, period) at exactly this version, unpacked into the call's
 * arena, or NULL (none, another version). */
ProtobufCMessage *rank_cache_get(cs_call *c, const ProtobufCMessageDescriptor *d,
                                 long long province_id, long long period_id, long long version);

/* Store msg as the reply of (province, period) at version (replacing an older one). */
void rank_cache_put(long long province_id, long long period_id, long long version,
                    const ProtobufCMessage *msg);

/* The version of the period's inputs as this call's snapshot sees them; -1 on error. */
long long rank_cache_version(cs_call *c, long long period_id);

#endif
