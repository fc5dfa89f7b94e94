/* What the screens share about the signed-in user: roles, province (its time zone), periods,
 * agency groups and agencies (for names instead of ids in messages). */
import { api } from "./api.js";

export const S = {
  user: null,
  province: null,
  periods: [],
  periodId: 0,
  groups: new Map(),     // code -> name
  agencies: new Map(),   // id -> agency
  phases: [],            // phases of the current period
};

export const has = (role) => !!(S.user && (S.user.roles || []).includes(role));
export const hasAny = (...roles) => roles.some(has);
export const period = () => S.periods.find((p) => p.id === S.periodId) || null;

export function agencyName(id) {
  const a = S.agencies.get(Number(id));
  return a ? a.name : "#" + id;
}
export function groupName(code) { return S.groups.get(code) || ""; }

export async function loadAgencies() {
  try {
    const list = await api("GET", "/api/v1/agencies");
    S.agencies = new Map((list.items || []).map((a) => [a.id, a]));
  } catch (e) {
    /* some roles read only their own agency: keep what we have */
    if (S.user && S.user.agency_id && !S.agencies.has(S.user.agency_id)) {
      try { const a = await api("GET", "/api/v1/agencies/" + S.user.agency_id); S.agencies.set(a.id, a); } catch (e2) { /* names fall back to ids */ }
    }
  }
}

export async function loadPhases() {
  S.phases = [];
  if (!S.periodId) return;
  try { S.phases = (await api("GET", "/api/v1/periods/" + S.periodId + "/phases")).items || []; } catch (e) { /* none shown */ }
  S.extensions = [];
}

/* The window of a phase: {opens_at, closes_at, open, state: open|upcoming|closed|none}. */
export function phaseInfo(name) {
  const p = S.phases.find((x) => x.phase === name);
  if (!p) return { state: "none" };
  const now = Date.now() / 1000;
  const state = now < p.opens_at ? "upcoming" : now < p.closes_at ? "open" : "closed";
  return Object.assign({ state, open: state === "open" }, p);
}

export const PHASE_ORDER = ["self_assessment", "appraisal_1", "explanation", "appraisal_2", "survey", "leadership",
  "publication", "appeal"];

/* The index nodes (guidance, automatic sources) a group is scored against in a period;
 * an empty map when the user may not read them. Cached per period and group. */
const nodeCache = new Map();
export async function indexNodes(periodId, groupCode) {
  const key = periodId + "/" + groupCode;
  if (nodeCache.has(key)) return nodeCache.get(key);
  let map = new Map();
  try {
    const full = await api("GET", "/api/v1/periods/" + periodId);
    const link = (full.index_sets || []).find((x) => x.group_code === groupCode);
    if (link) {
      const set = await api("GET", "/api/v1/index-sets/" + link.index_set_id);
      map = new Map((set.nodes || []).map((n) => [n.code, n]));
    }
  } catch (e) { /* no guidance shown */ }
  nodeCache.set(key, map);
  return map;
}
