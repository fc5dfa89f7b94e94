/* The public results page: published snapshots only, no login (SPEC §12).
 *
 * Reads /api/v1/public/provinces, /provinces/{code}/periods and the snapshot bytes of a
 * version; shows the ranking per group, bands, heads' ratings; hashes the very bytes it
 * received (SHA-256, compared with the ETag and the published hash) and says how anyone can
 * check them with sha256sum; lists what changed from the previous version. The choice is
 * kept in the address (?p=CODE&k=PERIOD&v=VERSION) so a link shows the same thing. */

const API = "/api/v1/public";
const $ = (s) => document.querySelector(s);

const BANDS = {
  excellent: "Hoàn thành xuất sắc nhiệm vụ", good: "Hoàn thành tốt nhiệm vụ",
  complete: "Hoàn thành nhiệm vụ", not_complete: "Không hoàn thành nhiệm vụ",
};
const CCHC = { tot: "Tốt", kha: "Khá", trung_binh: "Trung bình", yeu: "Yếu" };
const HEADS = {
  excellent: "Xuất sắc", good: "Tốt", complete: "Hoàn thành", not_complete: "Không hoàn thành",
  pending_data: "Chờ số liệu",
};
const GROUPS = { "01": "Sở, ban, ngành", "02": "Đơn vị sự nghiệp công lập", "03": "UBND xã, phường" };
const FIELDS = {
  rank: "Thứ hạng", total: "Tổng điểm", quality_pct: "Tỷ lệ điểm (%)", cchc_pct: "Chỉ số CCHC (%)",
  band: "Xếp loại", cchc_band: "Xếp loại CCHC", head_rating: "Xếp loại người đứng đầu", late_pct: "Tỷ lệ hồ sơ trễ hạn (%)",
};

/* "87.25" -> "87,25" (the Vietnamese decimal comma); other values as they are. */
const vn = (v) => (v === null || v === undefined ? "—" : String(v).replace(".", ","));
const label = (map, v) => (v === null || v === undefined ? "—" : map[v] || v);

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const k of kids.flat()) if (k !== null && k !== undefined) e.append(k.nodeType ? k : String(k));
  return e;
}

function say(text, error) {
  const m = $("#msg");
  m.textContent = text;
  m.className = "msg" + (error ? " error" : "");
}

async function getJson(path) {
  const r = await fetch(API + path, { headers: { Accept: "application/json" } });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error((body.error && body.error.message_vi) || "HTTP " + r.status);
  return body;
}

/* --- SHA-256 of the received bytes ------------------------------------------------------- */
/* crypto.subtle exists only on secure origins (https, localhost); the page also works over
 * plain http, so a small implementation of FIPS 180-4 is kept here for that case. */

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);

function sha256Js(bytes) {
  const n = bytes.length, total = ((n + 9 + 63) >> 6) << 6;
  const m = new Uint8Array(total);
  m.set(bytes);
  m[n] = 0x80;
  const dv = new DataView(m.buffer);
  dv.setUint32(total - 8, Math.floor(n / 0x20000000));
  dv.setUint32(total - 4, (n << 3) >>> 0);
  const H = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                             0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const W = new Uint32Array(64);
  const rot = (x, r) => (x >>> r) | (x << (32 - r));
  for (let off = 0; off < total; off += 64) {
    for (let i = 0; i < 16; i++) W[i] = dv.getUint32(off + 4 * i);
    for (let i = 16; i < 64; i++) {
      const s0 = rot(W[i - 15], 7) ^ rot(W[i - 15], 18) ^ (W[i - 15] >>> 3);
      const s1 = rot(W[i - 2], 17) ^ rot(W[i - 2], 19) ^ (W[i - 2] >>> 10);
      W[i] = (W[i - 16] + s0 + W[i - 7] + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, h] = H;
    for (let i = 0; i < 64; i++) {
      const t1 = (h + (rot(e, 6) ^ rot(e, 11) ^ rot(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + W[i]) >>> 0;
      const t2 = ((rot(a, 2) ^ rot(a, 13) ^ rot(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      h = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
    }
    H[0] += a; H[1] += b; H[2] += c; H[3] += d; H[4] += e; H[5] += f; H[6] += g; H[7] += h;
  }
  return Array.from(H, (x) => x.toString(16).padStart(8, "0")).join("");
}

async function sha256Hex(bytes) {
  if (globalThis.crypto && crypto.subtle) {
    const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    return Array.from(d, (x) => x.toString(16).padStart(2, "0")).join("");
  }
  return sha256Js(bytes);
}

/* --- state and choices ------------------------------------------------------------------- */

const S = { provinces: [], periods: [], code: "", period: 0, version: 0 };

function fill(select, items, value) {
  select.replaceChildren(...items.map(([v, text]) => el("option", { value: v }, text)));
  if (value !== undefined) select.value = String(value);
}

function remember() {
  const q = new URLSearchParams({ p: S.code, k: String(S.period), v: String(S.version) });
  history.replaceState(null, "", "?" + q.toString());
}

function currentPeriod() {
  return S.periods.find((p) => p.period_id === S.period);
}

async function chooseProvince(code, wantPeriod, wantVersion) {
  S.code = code;
  const list = await getJson("/provinces/" + encodeURIComponent(code) + "/periods");
  S.periods = list.periods || [];
  fill($("#period"), S.periods.map((p) => [p.period_id, p.name + " (" + p.year + ")"]));
  const p = S.periods.find((x) => x.period_id === wantPeriod) || S.periods[0];
  $("#period").value = String(p.period_id);
  await choosePeriod(p.period_id, wantVersion);
}

async function choosePeriod(id, wantVersion) {
  S.period = id;
  const p = currentPeriod();
  const versions = (p.versions || []).slice().reverse();
  fill($("#version"), versions.map((v) => [v.version, "Phiên bản " + v.version +
    (v.version === p.latest_version ? " (mới nhất)" : "")]));
  const v = versions.find((x) => x.version === wantVersion) || versions[0];
  $("#version").value = String(v.version);
  await show(v.version);
}

/* --- one version ------------------------------------------------------------------------- */

async function fetchVersion(version) {
  const p = currentPeriod();
  const info = p.versions.find((v) => v.version === version);
  const r = await fetch(info.url, { headers: { Accept: "application/json" } });
  if (!r.ok) throw new Error("HTTP " + r.status);
  const bytes = new Uint8Array(await r.arrayBuffer());
  const doc = JSON.parse(new TextDecoder("utf-8").decode(bytes));
  return { info, bytes, doc, etag: (r.headers.get("ETag") || "").replace(/"/g, "") };
}

function agencyRow(a) {
  return el("tr", { "data-agency": a.code },
    el("td", { class: "num", "data-label": "Hạng" }, a.rank, a.tie_pending ? el("span", { class: "tag" }, " (đồng hạng)") : null),
    el("td", { class: "who", "data-label": "Cơ quan" }, a.name ? a.code + " — " + a.name : a.code),
    el("td", { class: "num", "data-label": "Tổng điểm" }, vn(a.total) + " / " + vn(a.max)),
    el("td", { class: "num", "data-label": "Tỷ lệ (%)" }, vn(a.quality_pct)),
    el("td", { "data-label": "Xếp loại" }, el("span", { class: "band band-" + a.band }, label(BANDS, a.band))),
    el("td", { class: "num", "data-label": "Chỉ số CCHC (%)" }, vn(a.cchc_pct)),
    el("td", { "data-label": "Xếp loại CCHC" }, label(CCHC, a.cchc_band)),
    el("td", { "data-label": "Người đứng đầu" }, "head_rating" in a ? label(HEADS, a.head_rating) : "—"),
    el("td", { class: "num", "data-label": "Hồ sơ trễ hạn (%)" },
       a.late_pct === "n/a" ? "không có hồ sơ" : "late_pct" in a ? vn(a.late_pct) : "—"));
}

function groupTable(code, g) {
  const head = ["Hạng", "Cơ quan", "Tổng điểm", "Tỷ lệ (%)", "Xếp loại", "Chỉ số CCHC (%)",
                "Xếp loại CCHC", "Người đứng đầu", "Hồ sơ trễ hạn (%)"];
  const nums = new Set([0, 2, 3, 5, 8]);
  return el("section", { class: "card", "data-group": code },
    el("h2", {}, "Nhóm " + code + (GROUPS[code] ? " — " + GROUPS[code] : "")),
    el("p", { class: "small" }, "Số cơ quan đạt từ loại tốt: " + g.good_or_better +
       "; chỉ tiêu xuất sắc: " + g.excellent_quota),
    el("table", {},
      el("thead", {}, el("tr", {}, head.map((h, i) => el("th", { class: nums.has(i) ? "num" : null, scope: "col" }, h)))),
      el("tbody", {}, (g.agencies || []).map(agencyRow))));
}

/* What changed for each agency between two versions' documents. */
function changes(prev, cur) {
  const out = [];
  for (const [code, g] of Object.entries(cur.groups || {})) {
    const before = new Map(((prev.groups || {})[code] || { agencies: [] }).agencies.map((a) => [a.code, a]));
    for (const a of g.agencies || []) {
      const b = before.get(a.code);
      if (!b) { out.push(a.code + ": mới có trong phiên bản này"); continue; }
      const diffs = [];
      for (const [f, name] of Object.entries(FIELDS)) {
        if (JSON.stringify(a[f]) === JSON.stringify(b[f])) continue;
        const show = (v) => (f === "band" ? label(BANDS, v) : f === "cchc_band" ? label(CCHC, v)
          : f === "head_rating" ? label(HEADS, v) : vn(v));
        diffs.push(name + " " + show(b[f]) + " → " + show(a[f]));
      }
      for (const k of Object.keys(a.contents || {})) {
        if ((b.contents || {})[k] !== a.contents[k])
          diffs.push("Nội dung " + k + " " + vn((b.contents || {})[k]) + " → " + vn(a.contents[k]));
      }
      if (diffs.length) out.push(a.code + ": " + diffs.join("; "));
    }
  }
  return out;
}

async function show(version) {
  S.version = version;
  remember();
  say("Đang tải phiên bản " + version + "…");
  const cur = await fetchVersion(version);
  const hash = await sha256Hex(cur.bytes);
  const matches = hash === cur.info.sha256 && hash === cur.etag;
  $("#v-no").textContent = String(version);
  $("#v-at").textContent = new Date(cur.info.published_at * 1000).toLocaleString("vi-VN");
  $("#sha").textContent = cur.info.sha256;
  const check = $("#check");
  check.replaceChildren(matches
    ? el("span", { class: "ok" }, "✓ Trình duyệt đã tính lại SHA-256 của tệp nhận được: trùng khớp.")
    : el("span", { class: "bad" }, "✗ SHA-256 của tệp nhận được (" + hash + ") không trùng khớp."));
  check.dataset.verified = matches ? "yes" : "no";
  const url = new URL(cur.info.url, location.href).href;
  $("#cmd").textContent = "curl -s '" + url + "' | sha256sum\n# hoặc: tải tệp JSON gốc rồi chạy: sha256sum <tên tệp>";
  $("#raw").href = cur.info.url;
  $("#verify").hidden = false;
  const groups = cur.doc.groups || {};
  $("#groups").replaceChildren(...Object.keys(groups).sort().map((g) => groupTable(g, groups[g])));

  const list = $("#change-list");
  if (version > 1) {
    const prev = await fetchVersion(version - 1);
    const diff = changes(prev.doc, cur.doc);
    list.replaceChildren(...(diff.length ? diff : ["Không có thay đổi về kết quả."]).map((t) => el("li", {}, t)));
    $("#changes").hidden = false;
  } else {
    $("#changes").hidden = true;
  }
  say("Tỉnh " + cur.doc.province + ", năm " + cur.doc.year + ", phiên bản " + version + ".");
}

async function start() {
  const q = new URLSearchParams(location.search);
  try {
    const list = await getJson("/provinces");
    S.provinces = list.provinces || [];
    if (!S.provinces.length) {
      say("Chưa có tỉnh nào công bố kết quả.");
      return;
    }
    fill($("#province"), S.provinces.map((p) => [p.code, p.name + " (" + p.code + ")"]));
    const code = S.provinces.some((p) => p.code === q.get("p")) ? q.get("p") : S.provinces[0].code;
    $("#province").value = code;
    await chooseProvince(code, Number(q.get("k")), Number(q.get("v")));
  } catch (e) {
    say("Không tải được kết quả: " + e.message, true);
  }
  const guard = (fn) => async (ev) => {
    try { await fn(ev); } catch (e) { say("Không tải được kết quả: " + e.message, true); }
  };
  $("#province").addEventListener("change", guard((ev) => chooseProvince(ev.target.value)));
  $("#period").addEventListener("change", guard((ev) => choosePeriod(Number(ev.target.value))));
  $("#version").addEventListener("change", guard((ev) => show(Number(ev.target.value))));
}

start();
