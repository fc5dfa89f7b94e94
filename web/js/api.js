/* The one client of the JSON API under /api/v1. The session token lives in sessionStorage
 * (gone with the tab) and, for links the browser follows by itself (evidence downloads), in
 * the chiso_session cookie of this tab's path, which the gateway also reads. */
import { getLang, t } from "./i18n.js";

let token = sessionStorage.getItem("chiso_token") || "";
let onExpired = null;

export function setToken(tok) {
  token = tok || "";
  if (token) {
    sessionStorage.setItem("chiso_token", token);
    document.cookie = "chiso_session=" + token + "; path=/; SameSite=Strict";
  } else {
    sessionStorage.removeItem("chiso_token");
    document.cookie = "chiso_session=; path=/; max-age=0; SameSite=Strict";
  }
}
export const hasToken = () => !!token;
export function whenExpired(fn) { onExpired = fn; }

/* An error from the API ({api: {code, message_vi, message_en, field, detail}, status}) or
 * one of ours ({key}). */
export class ApiError extends Error {
  constructor(status, api, key) {
    super(api ? api.code : key);
    this.status = status;
    this.api = api || null;
    this.key = key || null;
  }
}

/* The error's text in the chosen language. */
export function errText(err) {
  if (err && err.api) {
    const e = err.api;
    return (getLang() === "en" ? e.message_en : e.message_vi) || e.message || e.code;
  }
  if (err && err.key) return t(err.key, err.vars);
  if (err instanceof Error) return err.name + ": " + err.message;   // a fault of the page itself
  return t("network_error");
}

function key() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/* api("PUT", "/api/v1/...", {json}) or api("POST", path, null, {raw: text|Blob, type}). */
export async function api(method, path, body, opts) {
  opts = opts || {};
  const headers = { "Accept": "application/json", "Accept-Language": getLang() };
  let data;
  if (opts.raw !== undefined) {
    headers["Content-Type"] = opts.type || "text/csv; charset=utf-8";
    data = opts.raw;
  } else if (body !== undefined && body !== null) {
    headers["Content-Type"] = "application/json";
    data = JSON.stringify(body);
  }
  if (token && !opts.public) headers["Authorization"] = "Bearer " + token;
  /* A write carries a fresh key, so the gateway may retry it (a service restarting)
   * without applying it twice. */
  if (method !== "GET" && !path.startsWith("/api/v1/auth/")) headers["Idempotency-Key"] = key();
  let r;
  try {
    r = await fetch(path, { method, headers, body: data });
  } catch (e) {
    throw new ApiError(0, null, "network_error");
  }
  const json = await r.json().catch(() => ({}));
  if (!r.ok) {
    if (r.status === 401 && token && !opts.public && !path.endsWith("/auth/login") && onExpired) onExpired();
    throw new ApiError(r.status, (json && json.error) ||
      { code: "http_" + r.status, message_vi: "Lỗi HTTP " + r.status, message_en: "HTTP error " + r.status });
  }
  return json;
}

/* GET that answers null on 404 (something not created yet). */
export async function getOrNull(path) {
  try {
    return await api("GET", path);
  } catch (e) {
    if (e.status === 404) return null;
    throw e;
  }
}

export const P = (periodId) => "/api/v1/periods/" + periodId;
export const AG = (periodId, agencyId) => P(periodId) + "/agencies/" + agencyId;
