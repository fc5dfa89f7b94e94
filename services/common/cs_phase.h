/*  cs_phase: is a phase of a period open now (for an agency)?
 *
 *  Phases live in catalog.phases (opens_at, closes_at) with per-agency extensions in
 *  catalog.phase_extensions (a later closes_at for one agency). Every write that belongs to a
 *  phase calls cs_phase_require() first, inside the call's transaction (tenant set). */
#ifndef CS_PHASE_H
#define CS_PHASE_H

#include "cs_service.h"

/* 0 when `phase` of the period is open now for that agency (agency_id 0: no extension
 * considered), honouring catalog.phase_extensions; else -1 with 409 phase_closed whose
 * messages (vi/en) name the phase asked for and the phase open now with its closing time
 * shown in the province's time zone (or say none is open), and 409 phase_not_scheduled
 * when the period has no such phase. A period of another province is 404 not_found. */
int cs_phase_require(cs_call *c, long long period_id, long long agency_id, const char *phase);

/* 0 when the period exists in the caller's province (row-level security hides the
 * others), else -1 with 404 not_found. */
int cs_phase_period_exists(cs_call *c, long long period_id);

/* 409 phase_not_scheduled on the field "phase": the period has no window for the phase
 * (its names in both languages). Returns -1. */
int cs_phase_not_scheduled(cs_err *e, const char *phase);

/* Vietnamese name of a phase ("tự đánh giá" for self_assessment); the phase itself when
 * unknown. */
const char *cs_phase_title_vi(const char *phase);
/* English name ("self-assessment"); the phase itself when unknown. */
const char *cs_phase_title_en(const char *phase);
/* true for the eight phase names of DESIGN.md §7. */
bool cs_phase_valid(const char *phase);

/* An instant from a client (Unix seconds, `*_at`) within what the database stores
 * (1970-01-01 .. 9999-12-31 UTC): checked before any SQL, so an absurd value is refused as
 * 400 invalid_time naming the field, never as the database's "timestamp out of range". */
#define CS_TIME_MAX 253402300799LL
int cs_time_check(cs_err *e, const char *field, int64_t t);

#endif
