"""Role x route matrix (issue 10, item 8), generated from /api/v1/openapi.json: every route
the gateway serves is called by every role of SPEC §1 (plus an anonymous caller, a portal
client with an API key and the admin of another province) against one province's objects,
and the answer must follow the table below. A route that is in the OpenAPI document but not
in the table fails the test, so a new route cannot skip the matrix: add it with the roles
that may act on it.

The table says which callers may get past authorisation (any answer but 401/403/404: 200, or
400/409 for the empty body and closed phases the matrix uses). Everyone else must be refused
with 401, 403 or 404 (another province's objects do not exist for them), and no call may
answer 5xx.

Reads are also checked for what they give away: agency B's private content (a score note and
an evidence file, each carrying a marker) must not appear in any answer to a caller who may
not read B (A's editor and head, the leaders, the specialist, the surveyor, the appraiser
without scope, the sysadmin), the province's own marker (an agency's name) in no answer to
another province's admin, the sysadmin or a portal client, and the other province's marker
in no answer to this province's users. Every GET route with an agency in its path is called
for agency B too, where only those who may read B may get past authorisation."""
import unittest
from urllib.parse import quote

from harness import api, env, login, new_province, new_user, unique
from test_submissions import PDF, World, ok, upload

AG = "/api/v1/periods/{period_id}/agencies/{agency_id}"
SNAP = "/api/v1/periods/{period_id}/snapshots/{version}/results."
PUB = "/api/v1/public/provinces/{province_code}/periods/{period_id}"
ADMIN = {"province_admin"}
READ_ALL = {"province_admin", "viewer"}
LEADERS = {"leader", "leader_none"}
# Roles: sysadmin, province_admin, viewer, editor / head (of agency A), editor_b (of B),
# appraiser (council scope over group 01), appraiser_none (no scope), specialist (agency S),
# leader (oversees A), leader_none (oversees nothing), surveyor; and portal_client (an API
# key of this province), which no session route accepts.
EVERYONE = {"sysadmin", "province_admin", "viewer", "editor", "head", "editor_b", "appraiser",
            "appraiser_none", "specialist", "leader", "leader_none", "surveyor"}
IN_PROVINCE = EVERYONE - {"sysadmin"}
AGENCY_READERS = READ_ALL | {"editor", "head", "appraiser", "leader"}
# Whose reach to agency A comes from being tied to A: for agency B the matrix swaps them
# (A's editor for B's, the others drop out).
TIED_TO_A = {"editor", "head", "leader"}
# Who may not read anything of agency B (its private content carries the B marker).
B_BLIND = {"sysadmin", "editor", "head", "leader", "leader_none", "specialist", "surveyor",
           "appraiser_none", "portal_client", "other_province"}

TABLE = {
    "POST /api/v1/auth/login": "public",
    "POST /api/v1/auth/logout": EVERYONE,
    "GET /api/v1/auth/me": EVERYONE,
    "POST /api/v1/provinces": {"sysadmin"},
    "GET /api/v1/provinces": EVERYONE,
    "GET /api/v1/provinces/{id}": EVERYONE,
    "POST /api/v1/users": {"sysadmin", "province_admin"},
    "GET /api/v1/users": {"sysadmin", "province_admin", "viewer"},
    "GET /api/v1/users/{id}": READ_ALL,            # {id}: the viewer (not the caller)
    "PATCH /api/v1/users/{id}": ADMIN,
    "POST /api/v1/agency-groups": ADMIN,
    "GET /api/v1/agency-groups": IN_PROVINCE,
    "POST /api/v1/agencies": ADMIN,
    "POST /api/v1/agencies/import": ADMIN,
    "GET /api/v1/agencies": IN_PROVINCE,
    "GET /api/v1/agencies/{id}": IN_PROVINCE,
    "PATCH /api/v1/agencies/{id}": ADMIN,
    "POST /api/v1/agencies/{agency_id}/people": ADMIN,
    "GET /api/v1/agencies/{agency_id}/people": READ_ALL | {"editor", "head", "appraiser",
                                                          "appraiser_none", "leader",
                                                          "leader_none"},
    "POST /api/v1/people/{person_id}/discipline": ADMIN,
    "GET /api/v1/people/{person_id}/discipline": READ_ALL | {"editor", "head", "appraiser",
                                                           "appraiser_none", "leader",
                                                           "leader_none"},
    "POST /api/v1/index-sets": ADMIN,
    "GET /api/v1/index-sets": IN_PROVINCE,
    "GET /api/v1/index-sets/{id}": IN_PROVINCE,
    "POST /api/v1/index-sets/{id}/copy": ADMIN,
    "PATCH /api/v1/index-sets/{id}": ADMIN,
    "POST /api/v1/periods": ADMIN,
    "GET /api/v1/periods": IN_PROVINCE,
    "GET /api/v1/periods/{id}": IN_PROVINCE,
    "PUT /api/v1/periods/{period_id}/config": ADMIN,
    "PUT /api/v1/periods/{period_id}/index-sets/{group_code}": ADMIN,
    "PUT /api/v1/periods/{period_id}/phases/{phase}": ADMIN,
    "GET /api/v1/periods/{period_id}/phases": IN_PROVINCE,
    "POST /api/v1/periods/{period_id}/extensions": ADMIN,
    "POST /api/v1/support-grants": ADMIN,
    "GET /api/v1/support-grants": READ_ALL,
    "POST /api/v1/support-grants/{id}/revoke": ADMIN,
    "GET /api/v1/audit": READ_ALL,
    # one's own reminders (issue 8 item 5); another's notification does not exist: 404
    "GET /api/v1/notifications": EVERYONE,
    "POST /api/v1/notifications/{id}/read": EVERYONE,
    # submissions
    "PUT " + AG + "/scores": {"editor", "head"},
    "POST " + AG + "/scores/csv": {"editor", "head"},
    "GET " + AG + "/self-assessment": AGENCY_READERS,
    "POST " + AG + "/evidence/files": {"editor", "head"},
    "POST " + AG + "/evidence/documents": {"editor", "head"},
    "GET /api/v1/evidence/{id}/download": AGENCY_READERS,
    "GET /api/v1/evidence/{id}/preview": AGENCY_READERS,
    "DELETE /api/v1/evidence/{id}": {"editor", "head"},
    "POST " + AG + "/na-proposals": {"editor", "head"},
    "POST " + AG + "/submit": {"head"},
    "POST " + AG + "/withdraw": {"head"},
    "POST " + AG + "/reopen": ADMIN,
    "PUT " + AG + "/explanations": {"editor", "head"},
    # appraisal
    "PUT /api/v1/periods/{period_id}/council/{user_id}": ADMIN,
    "GET /api/v1/periods/{period_id}/council": READ_ALL | LEADERS | {"appraiser",
                                                                    "appraiser_none"},
    "PUT " + AG + "/appraisal/{round}": {"appraiser"},
    "GET " + AG + "/appraisal": READ_ALL | {"appraiser", "leader", "editor", "head"},
    "PUT " + AG + "/na-decisions": ADMIN | {"appraiser"},
    "POST " + AG + "/opinions": {"appraiser"},
    # each sees the requests it may: a specialist those addressed to its agency, a council
    # member those of its scope, a leader those of the agencies it oversees
    "GET /api/v1/opinions": READ_ALL | LEADERS | {"appraiser", "appraiser_none", "specialist"},
    "PUT /api/v1/opinions/{id}/answer": {"specialist"},
    # files on the answer: attached and removed by the addressed agency's specialists; read
    # by who reads the opinion beside the appraisal record (not the agency appraised)
    "POST /api/v1/opinions/{id}/files": {"specialist"},
    "DELETE /api/v1/opinion-files/{id}": {"specialist"},
    "GET /api/v1/opinion-files/{id}/download": READ_ALL | {"appraiser", "leader", "specialist"},
    "GET /api/v1/opinion-files/{id}/preview": READ_ALL | {"appraiser", "leader", "specialist"},
    # an agency reads its own appeals (the service narrows the list to it)
    "POST " + AG + "/appeals": {"head"},
    "GET /api/v1/periods/{period_id}/appeals": READ_ALL | LEADERS | {
        "appraiser", "appraiser_none", "editor", "head", "editor_b", "specialist"},
    "PUT /api/v1/appeals/{appeal_id}/items/{leaf_code}/answer": ADMIN | {"appraiser"},
    # leadership
    "PUT /api/v1/periods/{period_id}/leaders/{user_id}/agencies": ADMIN,
    # {user_id}: the leader overseeing nothing; another leader does not read it
    "GET /api/v1/periods/{period_id}/leaders/{user_id}/agencies": READ_ALL | {"leader_none"},
    "PUT " + AG + "/leader-score": {"leader"},
    "GET " + AG + "/leader-scores": READ_ALL | {"leader"},
    "POST /api/v1/periods/{period_id}/tiebreaks": LEADERS,
    "GET /api/v1/periods/{period_id}/tiebreaks": READ_ALL | LEADERS,
    # surveys
    "PUT /api/v1/periods/{period_id}/survey-points": ADMIN | {"surveyor"},
    "POST /api/v1/periods/{period_id}/survey-points/csv": ADMIN | {"surveyor"},
    # agency users get their own agency's values only (the service filters)
    "GET /api/v1/periods/{period_id}/survey-points": READ_ALL | LEADERS | {
        "surveyor", "editor", "head", "editor_b"},
    "POST /api/v1/periods/{period_id}/survey-points/compute": ADMIN | {"surveyor"},
    "POST /api/v1/periods/{period_id}/questionnaires": ADMIN | {"surveyor"},
    "GET /api/v1/periods/{period_id}/questionnaires": READ_ALL | {"surveyor"},
    "POST /api/v1/questionnaires/{questionnaire_id}/invitations": ADMIN | {"surveyor"},
    "POST /api/v1/questionnaires/{questionnaire_id}/responses/csv": ADMIN | {"surveyor"},
    "GET /api/v1/survey/{token}": "public",
    "POST /api/v1/survey/{token}": "public",
    # ranking: working results are the overseers' (SPEC §4: an agency sees its scorecard)
    "POST /api/v1/periods/{period_id}/compute": ADMIN,
    "GET /api/v1/periods/{period_id}/results": READ_ALL | LEADERS,
    "GET /api/v1/periods/{period_id}/results.xlsx": READ_ALL | LEADERS,
    "GET /api/v1/periods/{period_id}/results.pdf": READ_ALL | LEADERS,
    "GET /api/v1/periods/{period_id}/results.csv": READ_ALL | LEADERS,
    "GET /api/v1/periods/{period_id}/charts/{chart}": READ_ALL | LEADERS,
    "GET /api/v1/periods/{period_id}/year-over-year": READ_ALL | LEADERS,
    "GET " + AG + "/scorecard": READ_ALL | LEADERS | {"editor", "head"},
    "POST /api/v1/periods/{period_id}/approve": LEADERS,
    "POST /api/v1/periods/{period_id}/publish": ADMIN,
    # what was published, by whom: the whole province
    "GET /api/v1/periods/{period_id}/snapshots": IN_PROVINCE,
    "GET " + SNAP + "xlsx": IN_PROVINCE,
    "GET " + SNAP + "pdf": IN_PROVINCE,
    "GET " + SNAP + "csv": IN_PROVINCE,
    "GET /api/v1/national/results": {"sysadmin"},
    "GET /api/v1/national/results.xlsx": {"sysadmin"},
    "GET /api/v1/public/provinces": "public",
    "GET /api/v1/public/provinces/{province_code}/periods": "public",
    "GET " + PUB + "/results": "public",
    "GET " + PUB + "/results/versions/{version}": "public",
    "GET " + PUB + "/versions/{version}/results.xlsx": "public",
    "GET " + PUB + "/versions/{version}/results.pdf": "public",
    "GET " + PUB + "/versions/{version}/results.csv": "public",
    # portal: the feed by API key only; keys are the sysadmin's, the mapping the province's
    "POST /api/v1/portal/batches": {"portal_client"},
    "GET /api/v1/portal/batches": READ_ALL,
    "POST /api/v1/portal/keys": {"sysadmin"},
    "GET /api/v1/portal/keys": {"sysadmin"},
    "DELETE /api/v1/portal/keys/{id}": {"sysadmin"},
    "GET /api/v1/portal/agency-map": READ_ALL,
    "PUT /api/v1/portal/agency-map/{portal_code}": ADMIN,
    "DELETE /api/v1/portal/agency-map/{portal_code}": ADMIN,
}

# Findings of the matrix not fixed yet: (route, caller) -> the answer seen; the test fails
# when the answer changes, so a fix removes its line here.
KNOWN = {}


def _b_allowed(allowed):
    """Who may get past authorisation on the same route for agency B."""
    out = set(allowed) - TIED_TO_A
    if "editor" in allowed:
        out.add("editor_b")
    if "leader_none" in allowed:
        out.add("leader")   # what a leader overseeing nothing may, any leader may
    return out


class TestRoleMatrix(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        w = cls.w = World()
        w.scope(w.appraiser)
        sa = login(env("CHISO_ADMIN_USER"), env("CHISO_ADMIN_PASSWORD"))
        cls.other = new_province()
        cls.mark_b, cls.mark_p, cls.mark_o = unique("MB"), unique("MP"), unique("MO")
        # the province's own marker: an agency name every user of it may read
        ok(api("POST", "/api/v1/agencies", {"code": unique("C"), "name": f"Sở {cls.mark_p}",
                                            "group_code": "01"}, token=w.admin), "agency C")
        # the other province's marker
        ok(api("POST", "/api/v1/agency-groups", {"code": "01", "name": "Sở"},
               token=cls.other["token"]), "other group")
        ok(api("POST", "/api/v1/agencies", {"code": unique("O"), "name": f"Sở {cls.mark_o}",
                                            "group_code": "01"}, token=cls.other["token"]),
           "other agency")
        # agency B's private content: a score note and an evidence file; A's evidence for
        # the per-evidence routes
        w.open("self_assessment")
        ok(w.scores([{"leaf_code": "1.1", "score": 10, "note": f"Ghi chú {cls.mark_b}"}],
                    w.editor_b["token"], key="B"), "B's note")
        ev_b = ok(upload(w, w.editor_b["token"], PDF, leaf_code="2.2",
                         file_name=f"{cls.mark_b}.pdf", key="B"), "B's evidence")
        ev_a = ok(upload(w, w.editor["token"], PDF, leaf_code="2.2"), "A's evidence")
        # an opinion request on A to the specialist agency, with a file on its answer
        op = ok(api("POST", w.ag() + "/opinions", {"leaf_code": "1.1", "question": "Ý kiến?",
                                                   "specialist_agency_id": w.agency["S"]},
                    token=w.appraiser["token"]), "opinion")
        opf = ok(api("POST", f"/api/v1/opinions/{op['id']}/files?file_name=y-kien.pdf",
                     token=w.specialist["token"], raw=PDF,
                     headers={"Content-Type": "application/octet-stream"}), "opinion file")
        # working results, so that the result routes answer with what they hold
        ok(api("POST", f"/api/v1/periods/{w.period}/compute", {}, token=w.admin), "compute")
        # portal: one key the client uses, another the matrix revokes
        cls.key = ok(api("POST", "/api/v1/portal/keys",
                         {"name": unique("matrix"), "province_id": w.p["id"]}, token=sa), "key")
        grant = ok(api("POST", "/api/v1/support-grants", {"reason": "ma trận quyền", "hours": 1},
                       token=w.admin), "support grant")
        spare = ok(api("POST", "/api/v1/portal/keys",
                       {"name": unique("spare"), "province_id": w.p["id"]}, token=sa), "spare")
        cls.tokens = {
            # a session of its own: the matrix logs every caller out at the end, and the
            # harness's sysadmin session is shared by the tests that follow
            "sysadmin": sa,
            "province_admin": w.admin,
            "viewer": w.viewer["token"], "editor": w.editor["token"],
            "head": w.head["token"], "editor_b": w.editor_b["token"],
            "appraiser": w.appraiser["token"],
            "appraiser_none": new_user(w.p, ["appraiser"])["token"],
            "specialist": w.specialist["token"], "leader": w.leader["token"],
            "leader_none": w.leader_none["token"], "surveyor": w.surveyor["token"],
        }
        person = ok(api("POST", f"/api/v1/agencies/{w.agency['A']}/people",
                        {"full_name": "Nguyễn Văn Thủ Trưởng", "position": "head"},
                        token=w.admin), "person")
        st, isets, _ = api("GET", "/api/v1/index-sets", token=w.admin)
        cls.params = {
            # user_id: the leader overseeing nothing, so that an admin's empty assignment
            # changes nothing the other rows rely on
            "period_id": w.period, "agency_id": w.agency["A"], "user_id": w.leader_none["id"],
            "person_id": person["id"], "group_code": "01", "phase": "self_assessment",
            "round": 1, "questionnaire_id": 1, "token": "x" * 43,
            "province_code": w.p["code"], "version": 1, "chart": "bands",
            "appeal_id": 1, "leaf_code": "1.1", "portal_code": unique("PC"),
        }
        cls.ids = {"agencies": w.agency["A"], "users": w.viewer["id"], "provinces": w.p["id"],
                   "periods": w.period, "index-sets": isets["items"][0]["id"],
                   "evidence": ev_a["id"], "opinions": op["id"], "keys": spare["id"],
                   "opinion-files": opf["id"],
                   "notifications": 1, "support-grants": grant["id"]}
        cls.b_ids = dict(cls.ids, evidence=ev_b["id"])

    def _path(self, path, b=False):
        out = []
        segs = path.split("/")
        ids = self.b_ids if b else self.ids
        for i, seg in enumerate(segs):
            if seg.startswith("{") and seg.endswith("}"):
                name = seg[1:-1]
                if name == "id":
                    val = ids.get(segs[i - 1])
                elif name == "agency_id" and b:
                    val = self.w.agency["B"]
                else:
                    val = self.params.get(name)
                self.assertIsNotNone(val, f"no value for {seg} in {path}: add it to the matrix")
                out.append(quote(str(val), safe=""))
            else:
                out.append(seg)
        return "/".join(out)

    def _leaks(self, who, resp):
        """Markers in an answer that its caller may not see."""
        text = resp if isinstance(resp, (bytes, bytearray)) else repr(resp).encode("utf-8")
        found = []
        if who in B_BLIND and self.mark_b.encode() in text:
            found.append("agency B's private content")
        if who in ("sysadmin", "portal_client", "other_province", "anonymous") and \
                self.mark_p.encode() in text:
            found.append("data of a province not the caller's")
        if who != "other_province" and self.mark_o.encode() in text:
            found.append("another province's data")
        return found

    def _check(self, key, who, allowed, st, code, resp, wrong, bound):
        for leak in self._leaks(who, resp):
            wrong.append(f"{key} as {who}: {st}, answer holds {leak}")
        if (key, who) in KNOWN:
            if (st, code) != KNOWN[(key, who)]:
                wrong.append(f"{key} as {who}: {st} {code}, KNOWN says "
                             f"{KNOWN[(key, who)]}: update KNOWN")
            return
        if st >= 500:
            wrong.append(f"{key} as {who}: {st} {code}")
        elif allowed == "public":
            return
        elif who == "anonymous":
            if st != 401:
                wrong.append(f"{key} as anonymous: {st} {code} (want 401)")
        elif who == "other_province":
            # another province's objects do not exist for it; its own lists are its own
            if bound and st not in (401, 403, 404):
                wrong.append(f"{key} as another province's admin: {st} {code}")
        elif who in allowed:
            if st in (401, 403) or (st == 404 and code == "route_not_found"):
                wrong.append(f"{key} as {who}: {st} {code} (should be allowed)")
        elif st not in (401, 403, 404):
            wrong.append(f"{key} as {who}: {st} {code} (should be refused)")

    def test_every_route_every_role(self):
        st, doc, _ = api("GET", "/api/v1/openapi.json")
        self.assertEqual(st, 200)
        routes = [(m.upper(), p) for p, ops in doc["paths"].items() for m in ops
                  if m in ("get", "post", "put", "patch", "delete")]
        media = {(m.upper(), p): list(o.get("requestBody", {}).get("content", {}))
                 for p, ops in doc["paths"].items() for m, o in ops.items()
                 if isinstance(o, dict)}
        self.assertGreater(len(routes), 100)
        # removals after everything else (the evidence and key they remove are used above),
        # and logging out ends the callers' sessions: last
        routes.sort(key=lambda r: (r[1] == "/api/v1/auth/logout", r[0] == "DELETE"))
        missing = [f"{m} {p}" for m, p in routes if f"{m} {p}" not in TABLE]
        self.assertEqual(missing, [], "routes without a row in the role x route matrix")
        stale = sorted(set(TABLE) - {f"{m} {p}" for m, p in routes})
        self.assertEqual(stale, [], "rows of the matrix for routes the gateway no longer has")
        callers = dict(self.tokens, anonymous=None, other_province=self.other["token"],
                       portal_client=None)
        wrong = []
        calls = 0
        for method, path in routes:
            key = f"{method} {path}"
            allowed = TABLE[key]
            # the body each route takes, valid as far as the gateway goes, so that the
            # answer is the service's: its role check comes first
            body, raw, headers, query = (None if method == "GET" else {}), None, {}, ""
            kinds = media.get((method, path), [])
            if "text/csv" in kinds:
                body, raw, headers = None, b"a,b\n", {"Content-Type": "text/csv"}
            elif "application/octet-stream" in kinds:
                body, raw = None, PDF
                headers = {"Content-Type": "application/octet-stream"}
                query = ("?file_name=matrix.pdf" if path.startswith("/api/v1/opinions/")
                         else "?leaf_code=1.1&file_name=matrix.pdf")
            # a path naming an object of this province (not a code of the caller's own
            # namespace, such as a portal agency code)
            bound = any(seg.startswith("{") and seg != "{portal_code}"
                        for seg in path.split("/"))
            variants = [(False, allowed)]
            if method == "GET" and allowed != "public" and (
                    "{agency_id}" in path or path.startswith("/api/v1/evidence/")):
                variants.append((True, _b_allowed(allowed)))
            for b, expect in variants:
                url = self._path(path, b) + query
                label = key + (" (agency B)" if b else "")
                for who, token in callers.items():
                    h = dict(headers)
                    if who == "portal_client":
                        h["X-API-Key"] = self.key["key"]
                    st, resp, _ = api(method, url, body, token=token, raw=raw, headers=h)
                    calls += 1
                    code = resp.get("error", {}).get("code") if isinstance(resp, dict) else None
                    self._check(label, who, expect, st, code, resp, wrong, bound)
        self.assertGreater(calls, 1500)
        self.assertEqual(wrong, [], "\n".join(wrong))


if __name__ == "__main__":
    unittest.main()
