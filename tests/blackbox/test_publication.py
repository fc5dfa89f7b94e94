"""Approval, publication and the public results (SPEC §9, §12), on worked examples played
through the public API by scripts/load-scenario.

compute -> a leader approves -> the province admin publishes version n: exactly the canonical
JSON bytes (RFC 8785, checked here against an independent canonicaliser), ETag = their
SHA-256, never changed afterwards; later changes make version n+1 and the older versions
stay readable; a pending tie blocks publication; another province reaches nothing."""

import hashlib
import http.client
import json
import os
import subprocess
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (api, assert_error, env, new_province, psql_app, psql_super,  # noqa: E402
                     sysadmin)
from test_examples import EXAMPLES, LOADER, _load_module, _scenario  # noqa: E402


def jcs(value):
    """RFC 8785 canonical form, written independently of the service: keys sorted by UTF-16
    code units, no whitespace, minimal string escaping, integers only (no real numbers in a
    snapshot: decimals are two-decimal strings)."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(jcs(k) + ":" + jcs(value[k]) for k in keys) + "}"
    if isinstance(value, list):
        return "[" + ",".join(jcs(v) for v in value) + "]"
    if isinstance(value, str):
        out = ['"']
        for ch in value:
            o = ord(ch)
            if ch == '"':
                out.append('\\"')
            elif ch == "\\":
                out.append("\\\\")
            elif ch in "\b\f\n\r\t":
                out.append({"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
            elif o < 0x20:
                out.append("\\u%04x" % o)
            else:
                out.append(ch)
        out.append('"')
        return "".join(out)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    raise AssertionError(f"a snapshot holds no real numbers: {value!r}")


def raw_get(path, headers=None):
    """GET without decoding: (status, body bytes, lower-case headers). The public snapshot
    is checked as the bytes on the wire."""
    u = urllib.parse.urlsplit(env("CHISO_URL").rstrip("/") + path)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)
    try:
        conn.request("GET", u.path, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.read(), {k.lower(): v for k, v in r.headers.items()}
    finally:
        conn.close()


def _browser():
    import shutil
    return bool((shutil.which("chromium") or shutil.which("chromium-browser"))
                and shutil.which("chromedriver"))


def _play(name, scenario=None):
    mod = _load_module()
    ld = mod.Loader(mod.Api(env("CHISO_URL")), scenario or _scenario(name), 2025)
    for step in ("organisation", "users", "assignments", "self_assessment"):
        getattr(ld, step)()
    ld._round(1)
    ld.explanation()
    ld._round(2)
    ld.survey()
    ld.leadership()
    return ld, ld.results()


def _without(groups, keys=("name",)):
    """Snapshot groups without the fields a snapshot adds to the expected format."""
    out = {}
    for g, v in groups.items():
        v = dict(v)
        v["agencies"] = [{k: x for k, x in a.items() if k not in keys} for a in v["agencies"]]
        out[g] = v
    return out


class TestPublication(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ld, cls.results = _play("01-basic")
        cls.pid = cls.ld.period
        st, p, _ = api("GET", f"/api/v1/provinces/{cls.ld.province}", token=cls.ld.admin)
        cls.code = p["code"] if st == 200 else None
        cls.leader = cls.ld.leaders[0][1]

    def _path(self, version=None, code=None):
        path = f"/api/v1/public/provinces/{code or self.code}/periods/{self.pid}/results"
        return path + (f"/versions/{version}" if version else "")

    def _public(self, version=None, code=None, headers=None):
        return api("GET", self._path(version, code), headers=headers)

    def _publish(self, body=None, token=None):
        pending = any(a.get("head_rating") == "pending_data"
                      for g in self.results.values() for a in g["agencies"])
        b = dict(body or {})
        if pending and "confirm_pending_heads" not in b:
            b.update(confirm_pending_heads=True, reason=b.get("reason") or "Chưa có số liệu hồ sơ")
        return api("POST", f"/api/v1/periods/{self.pid}/publish", b, token=token or self.ld.admin)

    def _verify(self, version, expect_version):
        st, raw, h = raw_get(self._path(version))
        self.assertEqual(st, 200, raw)
        self.assertTrue(h.get("content-type", "").startswith("application/json"), h)
        sha = hashlib.sha256(raw).hexdigest()
        self.assertEqual(h.get("etag"), f'"{sha}"')
        doc = json.loads(raw.decode("utf-8"))
        self.assertEqual(jcs(doc).encode("utf-8"), raw, "not the canonical (RFC 8785) form")
        self.assertEqual((doc["province"], doc["year"], doc["version"]),
                         (self.code, 2025, expect_version))
        return raw, sha, doc, h

    def test_1_cycle(self):
        ld, pid = self.ld, self.pid
        self.assertTrue(self.code)
        # Nothing public before publication.
        assert_error(self, self._public(), 404, "not_published")
        assert_error(self, self._public(1), 404, "not_published")
        assert_error(self, api("GET", f"/api/v1/public/provinces/{self.code}/periods"),
                     404, "not_published")
        st, plist, _ = api("GET", "/api/v1/public/provinces")
        self.assertEqual(st, 200, plist)
        self.assertNotIn(self.code, [p["code"] for p in plist.get("provinces", [])])

        # Who may do what.
        head = ld.heads["STP"]
        assert_error(self, api("POST", f"/api/v1/periods/{pid}/approve", {"note": "x"},
                               token=head), 403, "forbidden")
        assert_error(self, api("POST", f"/api/v1/periods/{pid}/approve", {"note": "x"},
                               token=ld.admin), 403, "forbidden")
        assert_error(self, self._publish(token=self.leader), 403, "forbidden")
        assert_error(self, self._publish(token=head), 403, "forbidden")
        # Not approved yet; an approval needs a note.
        assert_error(self, self._publish(), 409, "not_approved")
        assert_error(self, api("POST", f"/api/v1/periods/{pid}/approve", {"note": "  "},
                               token=self.leader), 400, "invalid_input")
        st, appr, _ = api("POST", f"/api/v1/periods/{pid}/approve",
                          {"note": "Đồng ý kết quả"}, token=self.leader)
        self.assertEqual(st, 200, appr)
        self.assertTrue(appr["current"])

        # 01-basic has no dossier counts: heads rated pending_data block publication
        # unless the admin confirms them (with a reason).
        self.assertTrue(any(a["head_rating"] == "pending_data"
                            for g in self.results.values() for a in g["agencies"]))
        assert_error(self, api("POST", f"/api/v1/periods/{pid}/publish", {}, token=ld.admin),
                     409, "heads_pending_data")
        st, snap, _ = self._publish()
        self.assertEqual(st, 200, snap)
        self.assertEqual(snap["version"], 1)
        self.assertEqual(snap["approval_id"], appr["id"])
        self.assertEqual(snap["approved_by"], ld.leaders[0][0])
        self.assertTrue(snap["published_by"])
        raw1, sha1, doc1, h = self._verify(None, 1)
        self.assertEqual(sha1, snap["sha256"])
        self.assertIn("max-age", h.get("cache-control", ""))
        self.assertEqual(_without(doc1["groups"]), self.results)
        raw1v, _, _, hv = self._verify(1, 1)
        self.assertEqual(raw1v, raw1)
        self.assertIn("immutable", hv.get("cache-control", ""))
        # If-None-Match with the ETag: 304, no body.
        st, body, h304 = raw_get(self._path(1), {"If-None-Match": f'"{sha1}"'})
        self.assertEqual(st, 304, body)
        self.assertEqual(body, b"")
        self.assertEqual(h304.get("etag"), f'"{sha1}"')
        st, body, _ = raw_get(self._path(), {"If-None-Match": f'"{sha1}"'})
        self.assertEqual(st, 304, body)
        st, body, _ = raw_get(self._path(1), {"If-None-Match": '"0000"'})
        self.assertEqual((st, body), (200, raw1))

        # Listed publicly now.
        st, plist, _ = api("GET", "/api/v1/public/provinces")
        self.assertIn(self.code, [p["code"] for p in plist["provinces"]])
        st, periods, _ = api("GET", f"/api/v1/public/provinces/{self.code}/periods")
        self.assertEqual(st, 200, periods)
        per = [p for p in periods["periods"] if p["period_id"] == pid][0]
        self.assertEqual(per["latest_version"], 1)
        self.assertEqual([v["sha256"] for v in per["versions"]], [sha1])

        # The configuration is editable until publication, not after.
        assert_error(self, api("PUT", f"/api/v1/periods/{pid}/config",
                               {"config": '{"ranking": {"quota_percent": 25}}'}, token=ld.admin),
                     409, "period_published")

        # The database role cannot change or remove a snapshot.
        for sql in ("UPDATE ranking.snapshots SET reason = 'x' WHERE period_id = :'p'",
                    "DELETE FROM ranking.snapshots WHERE period_id = :'p'"):
            with self.assertRaises(Exception):
                psql_app(f"SELECT set_config('chiso.province_id', '{ld.province}', false);"
                         + sql, {"p": pid})
        with self.assertRaises(Exception):
            psql_super("UPDATE ranking.snapshots SET reason = 'x' WHERE period_id = :'p'",
                       {"p": pid})

        # A later score change leaves version 1 as it was; results now differ from the
        # approved computation, so publishing again needs a new compute and a reason.
        ld._open("appraisal_2")
        stc = ld.agency_ids["STC"]
        st, body, _ = api("PUT", f"/api/v1/periods/{pid}/agencies/{stc}/appraisal/2",
                          {"items": [{"leaf_code": "1.1", "score": 12,
                                      "comment": "Điều chỉnh sau công bố"}]}, token=ld.appraiser)
        self.assertEqual(st, 200, body)
        ld._close("appraisal_2")
        self.assertEqual(self._verify(1, 1)[0], raw1)
        self._check_published_scorecards(doc1, sha1)
        assert_error(self, self._publish({"reason": "Đính chính"}), 409, "results_changed")
        st, _, _ = api("POST", f"/api/v1/periods/{pid}/compute", {}, token=ld.admin)
        self.assertEqual(st, 200)
        # no reason (01-basic has heads pending data: confirming them needs one too)
        assert_error(self, self._publish({"confirm_pending_heads": True}), 400, "invalid_input")
        st, snap2, _ = self._publish({"reason": "Đính chính điểm tiêu chí 1.1 của STC"})
        self.assertEqual(st, 200, snap2)
        self.assertEqual(snap2["version"], 2)
        raw2, sha2, doc2, _ = self._verify(None, 2)
        self.assertNotEqual(sha2, sha1)
        self.assertEqual(self._verify(1, 1)[0], raw1)       # version 1 still verifies
        stc_doc = [a for a in doc2["groups"]["01"]["agencies"] if a["code"] == "STC"][0]
        self.assertEqual(stc_doc["contents"]["1"], "34.00")   # 39.50 - (17.50 - 12)

        # Version 2 has the corrected value: the agency's scorecard shows it, nothing differs.
        st, own, _ = api("GET", f"/api/v1/periods/{pid}/agencies/{stc}/scorecard",
                         token=ld.heads["STC"])
        self.assertEqual(st, 200, own)
        self.assertEqual((own["published"]["version"], own["published"]["sha256"]), (2, sha2))
        self.assertEqual(own["result"]["contents"][0]["value"], 34)
        self.assertFalse(own["published"].get("working_differs", False))
        self.assertEqual([v["sha256"] for v in own["published"]["versions"]], [sha1, sha2])

        st, lst, _ = api("GET", f"/api/v1/periods/{pid}/snapshots", token=ld.admin)
        self.assertEqual(st, 200, lst)
        self.assertEqual([s["version"] for s in lst["snapshots"]], [1, 2])
        self.assertEqual([s["sha256"] for s in lst["snapshots"]], [sha1, sha2])

        # Audited in the same transactions.
        acts = psql_super("SELECT entity, action, reason FROM core.audit WHERE province_id = :'p'"
                          " AND entity IN ('ranking.approval', 'ranking.snapshot') ORDER BY id",
                          {"p": ld.province})
        self.assertEqual([a[1] for a in acts if a[1] in ("approve", "publish")],
                         ["approve", "publish", "publish"])
        self.assertIn(["ranking.snapshot", "publish", "Đính chính điểm tiêu chí 1.1 của STC"],
                      acts)

    def _check_published_scorecards(self, doc1, sha1):
        """After a score changed behind version 1: the agency (and everyone) reads version 1's
        values on its scorecard, named with its SHA-256; the admin's working results are
        marked where they differ from it."""
        ld, pid = self.ld, self.pid
        stc, stp = ld.agency_ids["STC"], ld.agency_ids["STP"]
        pub = {a["code"]: a for a in doc1["groups"]["01"]["agencies"]}
        two = lambda v: "%.2f" % v

        st, own, _ = api("GET", f"/api/v1/periods/{pid}/agencies/{stc}/scorecard",
                         token=ld.heads["STC"])
        self.assertEqual(st, 200, own)
        p = own["published"]
        self.assertEqual((p["version"], p["sha256"]), (1, sha1))
        self.assertEqual(p["url"], self._path(1))
        self.assertEqual([v["version"] for v in p["versions"]], [1])
        self.assertTrue(p["working_differs"])
        res = own["result"]
        for key in ("total", "max", "quality_pct", "cchc_pct"):
            self.assertEqual(two(res[key]), pub["STC"][key], key)
        self.assertEqual((res["rank"], res["band"], res["cchc_band"], res["head_rating"]),
                         (pub["STC"]["rank"], pub["STC"]["band"], pub["STC"]["cchc_band"],
                          pub["STC"]["head_rating"]))
        self.assertEqual(two(res["contents"][0]["value"]), "39.50")   # not the working 34.00
        self.assertEqual(res, p["result"])
        # the ranking the agency may see: its group as published, in order
        self.assertEqual([a["code"] for a in p["group"]], list(pub))
        self.assertEqual([a["rank"] for a in p["group"]], [a["rank"] for a in pub.values()])
        self.assertEqual(p["good_or_better"], doc1["groups"]["01"]["good_or_better"])
        # an agency whose values did not move: the same version, nothing differs
        st, other, _ = api("GET", f"/api/v1/periods/{pid}/agencies/{stp}/scorecard",
                           token=ld.heads["STP"])
        self.assertEqual(st, 200, other)
        self.assertFalse(other["published"].get("working_differs", False))
        self.assertEqual(two(other["result"]["total"]), pub["STP"]["total"])

        # The admin: the working result, and version 1's beside it, marked as different.
        st, sc, _ = api("GET", f"/api/v1/periods/{pid}/agencies/{stc}/scorecard", token=ld.admin)
        self.assertEqual(st, 200, sc)
        self.assertEqual(two(sc["result"]["contents"][0]["value"]), "34.00")
        self.assertEqual(two(sc["published"]["result"]["contents"][0]["value"]), "39.50")
        self.assertTrue(sc["published"]["working_differs"])
        st, res, _ = api("GET", f"/api/v1/periods/{pid}/results", token=ld.admin)
        self.assertEqual(st, 200, res)
        self.assertEqual((res["published"]["version"], res["published"]["sha256"]), (1, sha1))
        self.assertTrue(res["published"]["working_differs"])
        flags = {a["code"]: a.get("differs_from_published", False)
                 for g in res["groups"] for a in g["agencies"]}
        self.assertTrue(flags["STC"])
        self.assertFalse(flags["SXD"])

    @unittest.skipUnless(_browser(), "chromium and chromium-driver are not installed")
    def test_3_public_page(self):
        """The public page in a real browser at a phone's width (390 px): the ranking of
        the latest version, the hash checked in the page, and what changed from version 1
        (test_1_cycle published versions 1 and 2)."""
        from test_webui import WebDriver
        wd = WebDriver()
        try:
            wd.cmd("POST", "/window/rect", {"width": 390, "height": 844})
            base = env("CHISO_URL").rstrip("/")
            wd.get(f"{base}/public.html?p={self.code}&k={self.pid}&v=2")
            wd.wait_text("#msg", lambda s: "phiên bản 2" in s, timeout=20)
            self.assertEqual(wd.attribute("#check", "data-verified"), "yes")
            self.assertIn("trùng khớp", wd.text("#check"))
            st, lst, _ = api("GET", f"/api/v1/periods/{self.pid}/snapshots", token=self.ld.admin)
            self.assertEqual(wd.text("#sha"), lst["snapshots"][1]["sha256"])
            self.assertIn("sha256sum", wd.text("#cmd"))
            row = wd.text('#groups tr[data-agency="SXD"]')
            self.assertIn("Hoàn thành xuất sắc nhiệm vụ", row)
            self.assertIn("99,75", row)
            changed = wd.text("#change-list")
            self.assertIn("STC", changed)
            self.assertIn("39,50 → 34,00", changed)
            # Nothing wider than the phone: no sideways scrolling.
            self.assertLessEqual(wd.js("return window.innerWidth"), 390)
            width = wd.js("return document.documentElement.scrollWidth")
            self.assertLessEqual(width, 390)
            # Version 1 has no earlier version to compare with.
            wd.get(f"{base}/public.html?p={self.code}&k={self.pid}&v=1")
            wd.wait_text("#msg", lambda s: "phiên bản 1" in s, timeout=20)
            self.assertEqual(wd.attribute("#check", "data-verified"), "yes")
            self.assertFalse(wd.js("return document.querySelector('#changes').hidden") is False)
        finally:
            wd.quit()

    def test_4_feed_out_by_key(self):
        """Portal clients read the published results with their API key (SPEC §12 feed out):
        a live key is accepted and its use recorded, an unknown or revoked key is 401; the
        routes stay public without one. The check is the portal service's own."""
        sa = sysadmin()
        st, key, _ = api("POST", "/api/v1/portal/keys", {"name": "Cổng DVC – đọc kết quả"},
                         token=sa)
        self.assertEqual(st, 200, key)
        last_used = lambda: {k["id"]: k.get("last_used_at")
                             for k in api("GET", "/api/v1/portal/keys", token=sa)[1]["items"]}
        self.assertIsNone(last_used()[key["id"]])
        with_key = {"X-API-Key": key["key"]}
        st, raw, h = raw_get(self._path(1), with_key)
        self.assertEqual(st, 200, raw)
        self.assertEqual(h["etag"], '"%s"' % hashlib.sha256(raw).hexdigest())
        self.assertEqual(raw, raw_get(self._path(1))[1])        # the same bytes as anyone's
        self.assertIsNotNone(last_used()[key["id"]])
        st, body, _ = raw_get(self._path(1), dict(with_key, **{"If-None-Match": h["etag"]}))
        self.assertEqual((st, body), (304, b""))
        st, periods, _ = api("GET", f"/api/v1/public/provinces/{self.code}/periods",
                             headers=with_key)
        self.assertEqual(st, 200, periods)
        self.assertEqual(api("GET", "/api/v1/public/provinces", headers=with_key)[0], 200)

        bad = {"X-API-Key": "cpk_" + "0" * 64}
        for path in (self._path(1), self._path(), f"/api/v1/public/provinces/{self.code}/periods",
                     "/api/v1/public/provinces",
                     f"/api/v1/public/provinces/{self.code}/periods/{self.pid}/versions/1/results.csv"):
            assert_error(self, api("GET", path, headers=bad), 401, "invalid_api_key")
        st, _, _ = api("DELETE", f"/api/v1/portal/keys/{key['id']}", token=sa)
        self.assertEqual(st, 200)
        assert_error(self, api("GET", self._path(1), headers=with_key), 401, "invalid_api_key")
        # no key at all: still the public route
        self.assertEqual(raw_get(self._path(1))[0], 200)
        # documented: a key is optional on the public routes
        st, oa, _ = api("GET", "/api/v1/openapi.json")
        self.assertEqual(st, 200)
        op = oa["paths"]["/api/v1/public/provinces/{province_code}/periods/{period_id}/results"]
        self.assertIn({"apiKey": []}, op["get"]["security"])
        self.assertIn({}, op["get"]["security"])

    def test_2_other_province(self):
        other = new_province()
        # Another province's admin or public path with another code reaches nothing.
        assert_error(self, api("GET", f"/api/v1/periods/{self.pid}/snapshots",
                               token=other["token"]), 404, "not_found")
        assert_error(self, api("POST", f"/api/v1/periods/{self.pid}/publish", {},
                               token=other["token"]), 404, "not_found")
        assert_error(self, self._public(code=other["code"]), 404, "not_published")
        assert_error(self, self._public(1, code=other["code"]), 404, "not_published")


class TestTies(unittest.TestCase):
    def test_tie_blocks_until_recorded(self):
        ld, results = _play("03-ties")
        pid = ld.period
        self.assertTrue(results["03"]["publication_blocked_by_tie"])
        leader = ld.leaders[0][1]
        st, body, _ = api("POST", f"/api/v1/periods/{pid}/approve", {"note": "Đồng ý"},
                          token=leader)
        self.assertEqual(st, 200, body)
        body_pub = {"confirm_pending_heads": True, "reason": "Chưa có số liệu hồ sơ"}
        resp = api("POST", f"/api/v1/periods/{pid}/publish", body_pub, token=ld.admin)
        assert_error(self, resp, 409, "publication_blocked_by_tie")
        tied = [a["code"] for a in results["03"]["agencies"] if a["tie_pending"]]
        msg = resp[1]["error"]["message_en"]
        self.assertIn("03", msg)
        for code in tied:
            self.assertIn(code, msg)

        # An order naming more agencies than the tie is kept, shown, but does not apply.
        other = [a["code"] for a in results["03"]["agencies"] if not a["tie_pending"]][0]
        st, wide, _ = api("POST", f"/api/v1/periods/{pid}/tiebreaks",
                          {"group_code": "03",
                           "agency_ids": [ld.agency_ids[c] for c in tied + [other]],
                           "reason": "Thứ tự rộng hơn đồng hạng"}, token=leader)
        self.assertEqual(st, 200, wide)
        st, res, _ = api("GET", f"/api/v1/periods/{pid}/results", token=ld.admin)
        self.assertEqual(st, 200, res)
        status = {t["id"]: t.get("applies", False) for t in res["tiebreaks"]}
        self.assertFalse(status[wide["id"]])
        self.assertEqual(sum(status.values()), 1)       # group 01's recorded order
        self.assertTrue({g["group_code"]: g for g in res["groups"]}["03"]
                        ["publication_blocked_by_tie"])

        # The leadership phase is closed: a leader still records the order of this tie,
        # and the order of group 01's other tie stays in force.
        st, tb, _ = api("POST", f"/api/v1/periods/{pid}/tiebreaks",
                        {"group_code": "03", "agency_ids": [ld.agency_ids[c] for c in tied],
                         "reason": "Chủ tịch UBND tỉnh quyết định"}, token=leader)
        self.assertEqual(st, 200, tb)
        st, res, _ = api("POST", f"/api/v1/periods/{pid}/compute", {}, token=ld.admin)
        self.assertEqual(st, 200, res)
        groups = {g["group_code"]: g for g in res["groups"]}
        self.assertFalse(groups["03"].get("publication_blocked_by_tie", False))
        first3 = groups["03"]["agencies"][0]
        self.assertEqual(first3["code"], tied[0])
        self.assertEqual(first3["band"], "excellent")
        # group 01: still ordered by its own recorded decision (A7 before A6)
        codes01 = [a["code"] for a in groups["01"]["agencies"]]
        self.assertLess(codes01.index("A7"), codes01.index("A6"))
        status = {t["id"]: t.get("applies", False) for t in res["tiebreaks"]}
        self.assertTrue(status[tb["id"]])
        self.assertFalse(status[wide["id"]])
        self.assertEqual(sum(status.values()), 2)
        # New results need a new approval before the first publication.
        assert_error(self, api("POST", f"/api/v1/periods/{pid}/publish", body_pub,
                               token=ld.admin), 409, "not_approved")
        st, body, _ = api("POST", f"/api/v1/periods/{pid}/approve", {"note": "Đồng ý lần 2"},
                          token=leader)
        self.assertEqual(st, 200, body)
        st, snap, _ = api("POST", f"/api/v1/periods/{pid}/publish", body_pub, token=ld.admin)
        self.assertEqual(st, 200, snap)
        self.assertEqual(snap["version"], 1)


class TestLoadScenarioPublish(unittest.TestCase):
    def _run(self, name):
        e = dict(os.environ)
        for var in ("CHISO_URL", "CHISO_ADMIN_USER", "CHISO_ADMIN_PASSWORD"):
            e[var] = env(var)
        return subprocess.run([sys.executable, LOADER, "--publish",
                               os.path.join(EXAMPLES, f"{name}.scenario.json")],
                              env=e, capture_output=True, text=True, timeout=600)

    def test_basic_prints_a_verifiable_url(self):
        p = self._run("01-basic")
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(EXAMPLES, "01-basic.expected.json"), encoding="utf-8") as f:
            self.assertEqual(json.loads(p.stdout), json.load(f))
        url = p.stderr.strip().splitlines()[-1]
        base = env("CHISO_URL").rstrip("/")
        self.assertTrue(url.startswith(base + "/api/v1/public/"), url)
        st, raw, h = raw_get(url[len(base):])
        self.assertEqual(st, 200, raw)
        self.assertEqual(h["etag"], '"%s"' % hashlib.sha256(raw).hexdigest())
        doc = json.loads(raw)
        self.assertEqual(jcs(doc).encode("utf-8"), raw)
        self.assertEqual(_without(doc["groups"]), json.loads(p.stdout))

    def test_ties_refused(self):
        p = self._run("03-ties")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("publication_blocked_by_tie", p.stderr)
        self.assertTrue(p.stdout.strip())       # the results were still printed


class TestJcs(unittest.TestCase):
    def test_reference_canonicaliser(self):
        """The test's own canonicaliser on RFC 8785's examples (§3.2.3 sorting)."""
        v = {"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
             "1": "One", "\U0001f600": "Emoji: Grinning Face", "\u0080": "Control", "\u00f6": "Latin Small Letter O With Diaeresis"}
        keys = [k for k in json.loads(jcs(v))]
        self.assertEqual(keys, ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"])
        self.assertEqual(jcs({"b": [1, True, None], "a": "x\"\n\u0001é"}),
                         '{"a":"x\\"\\n\\u0001é","b":[1,true,null]}')


if __name__ == "__main__":
    unittest.main()
