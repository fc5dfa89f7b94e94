"""leadership (SPEC §7, §10): leaders' assignments, content-4 scores and their mean, heads'
discipline read from the catalog, tie-break orders; roles, phase, audit, idempotency."""

import threading
import time
import unittest

from harness import (api, assert_error, new_province, new_user, psql_super, start_service, stop,
                     unique)
from test_surveys import _ok, scoring_world


class TestLeadership(unittest.TestCase):
    w = None

    def setUp(self):
        if TestLeadership.w is None:
            w = scoring_world(self, "leadership")
            p = w["province"]
            for name, roles in (("leader1", ["leader"]), ("leader2", ["leader"]),
                                ("leader3", ["leader"]), ("viewer", ["viewer"]),
                                ("surveyor", ["surveyor"])):
                w[name] = new_user(p, roles)
            w["editor"] = new_user(p, ["agency_editor"], agency_id=w["agencies"]["A1"])
            ag = w["agencies"]
            for period in (w["periods"]["open"], w["periods"]["closed"]):
                self.assign(w, period, "leader1", [ag["A1"], ag["A2"]])
                self.assign(w, period, "leader2", [ag["A1"]])
            TestLeadership.w = w
        self.w = TestLeadership.w
        self.pid = self.w["periods"]["open"]
        self.ag = self.w["agencies"]

    def assign(self, w, period, leader, ids, token=None):
        resp = api("PUT", f"/api/v1/periods/{period}/leaders/{w[leader]['id']}/agencies",
                   {"agency_ids": ids}, token=token or w["token"])
        if token is None:
            _ok(self, resp, "assign")
        return resp

    def score(self, leader, agency, value, leaf="4.1", period=None, headers=None):
        return api("PUT", f"/api/v1/periods/{period or self.pid}/agencies/{agency}/leader-score",
                   {"leaf_code": leaf, "score": value}, token=self.w[leader]["token"],
                   headers=headers)

    def scores(self, agency, token=None):
        st, body, _ = api("GET", f"/api/v1/periods/{self.pid}/agencies/{agency}/leader-scores",
                          token=token or self.w["token"])
        self.assertEqual(st, 200, body)
        return body

    def tiebreak(self, ids, group="01", leader="leader1", reason="Kết quả khảo sát cao hơn"):
        return api("POST", f"/api/v1/periods/{self.pid}/tiebreaks",
                   {"group_code": group, "agency_ids": ids, "reason": reason},
                   token=self.w[leader]["token"])

    def n_tiebreaks(self):
        return int(psql_super("SELECT count(*) FROM leadership.tiebreaks WHERE province_id = :'p'",
                              {"p": self.w["province"]["id"]})[0][0])

    # --- assignments ----------------------------------------------------------------------

    def test_assignments(self):
        w, ag = self.w, self.ag
        body = _ok(self, self.assign(w, self.pid, "leader3", [ag["A3"], ag["A2"]],
                                     token=w["token"]))
        self.assertEqual(sorted(body["agency_ids"]), sorted([ag["A3"], ag["A2"]]))
        body = _ok(self, self.assign(w, self.pid, "leader3", [ag["A3"]], token=w["token"]))
        self.assertEqual(body["agency_ids"], [ag["A3"]])
        rows = psql_super("SELECT agency_id FROM leadership.assignments WHERE period_id = :'pid'"
                          " AND leader_id = :'l'", {"pid": self.pid, "l": w["leader3"]["id"]})
        self.assertEqual(rows, [[str(ag["A3"])]])
        assert_error(self, self.assign(w, self.pid, "leader3", [ag["A3"]],
                                       token=w["leader1"]["token"]), 403, "forbidden")
        assert_error(self, self.assign(w, self.pid, "viewer", [ag["A3"]], token=w["token"]),
                     400, "not_a_leader")
        assert_error(self, self.assign(w, self.pid, "leader3", [ag["A3"], 987654321],
                                       token=w["token"]), 400, "unknown_agency")
        assert_error(self, self.assign(w, self.pid, "leader3", [ag["A3"], ag["A3"]],
                                       token=w["token"]), 400, "duplicate_agency")

    def test_read_assignment(self):
        """GetAssignment: the admin, a viewer and the leader themself read the set; another
        leader, an agency editor and another province may not."""
        w, ag = self.w, self.ag
        path = f"/api/v1/periods/{self.pid}/leaders/{w['leader1']['id']}/agencies"
        for token in (w["token"], w["viewer"]["token"], w["leader1"]["token"]):
            body = _ok(self, api("GET", path, token=token))
            self.assertEqual(sorted(body["agency_ids"]), sorted([ag["A1"], ag["A2"]]))
            self.assertEqual(body["user_id"], w["leader1"]["id"])
        for token in (w["leader2"]["token"], w["editor"]["token"], w["surveyor"]["token"]):
            assert_error(self, api("GET", path, token=token), 403, "forbidden")
        other = new_province()
        assert_error(self, api("GET", path, token=other["token"]), 404, "not_found")
        # a leader with no assignment in the period: an empty list, not an error
        body = _ok(self, api("GET", f"/api/v1/periods/{self.pid}/leaders/{w['viewer']['id']}/agencies",
                             token=w["token"]))
        self.assertEqual(body.get("agency_ids", []), [])

    # --- scores ---------------------------------------------------------------------------

    def test_scores_and_mean(self):
        a1 = self.ag["A1"]
        _ok(self, self.score("leader1", a1, 5))
        _ok(self, self.score("leader2", a1, 4.25))
        leaf = [lf for lf in self.scores(a1)["leaves"] if lf["leaf_code"] == "4.1"][0]
        self.assertEqual(leaf["count"], 2)
        self.assertEqual(leaf["mean"], 4.63)          # (5 + 4.25) / 2 = 4.625, half-up
        self.assertEqual(sorted(s["score"] for s in leaf["scores"]), [4.25, 5])
        body = _ok(self, self.score("leader2", a1, 4.5))
        self.assertEqual(body["old_score"], 4.25)
        leaf = [lf for lf in self.scores(a1)["leaves"] if lf["leaf_code"] == "4.1"][0]
        self.assertEqual(leaf["mean"], 4.75)
        rows = psql_super("SELECT score FROM leadership.scores WHERE period_id = :'pid'"
                          " AND agency_id = :'a' ORDER BY leader_id", {"pid": self.pid, "a": a1})
        self.assertEqual(rows, [["500"], ["450"]])
        audit = psql_super(
            "SELECT action, old_value->>'score', new_value->>'score' FROM core.audit"
            " WHERE province_id = :'p' AND entity = 'leader_score' AND user_id = :'u'"
            " ORDER BY id DESC LIMIT 1",
            {"p": self.w["province"]["id"], "u": self.w["leader2"]["id"]})
        self.assertEqual(audit[0][0], "change")
        self.assertEqual((float(audit[0][1]), float(audit[0][2])), (4.25, 4.5))
        # who may read
        for who in ("viewer", "leader1"):
            self.scores(a1, token=self.w[who]["token"])
        # Each leader's score is not for the agency's own staff (SPEC §1), and a leader
        # reads the agencies they oversee only.
        for path_agency, who in ((a1, "editor"), (self.ag["A2"], "editor"),
                                 (self.ag["A2"], "leader3")):
            assert_error(self, api("GET", f"/api/v1/periods/{self.pid}/agencies/{path_agency}"
                                          "/leader-scores", token=self.w[who]["token"]),
                         403, "forbidden")
        assert_error(self, api("GET", f"/api/v1/periods/{self.pid}/agencies/{a1}/leader-scores",
                               token=self.w["surveyor"]["token"]), 403, "forbidden")

    def test_score_refusals(self):
        a1, a2 = self.ag["A1"], self.ag["A2"]
        q = "SELECT count(*) FROM leadership.scores WHERE province_id = :'p'"
        before = psql_super(q, {"p": self.w["province"]["id"]})
        assert_error(self, self.score("leader2", a2, 4), 403, "leader_not_assigned")
        assert_error(self, self.score("leader3", a1, 4), 403, "leader_not_assigned")
        assert_error(self, self.score("leader1", a1, 5.25), 400, "score_out_of_range")
        assert_error(self, self.score("leader1", a1, -0.25), 400, "score_out_of_range")
        assert_error(self, self.score("leader1", a1, 4.1), 400, "score_step")
        assert_error(self, self.score("leader1", a1, 4, leaf="3.1"), 400, "unknown_leaf")
        assert_error(self, self.score("viewer", a1, 4), 403, "forbidden")
        assert_error(self, api("PUT", f"/api/v1/periods/{self.pid}/agencies/{a1}/leader-score",
                               {"leaf_code": "4.1", "score": 4}, token=self.w["token"]),
                     403, "forbidden")
        # (A2: test_extension_for_one_agency reopens the closed period for A1 only)
        assert_error(self, self.score("leader1", a2, 4, period=self.w["periods"]["closed"]),
                     409, "phase_closed")
        self.assertEqual(psql_super(q, {"p": self.w["province"]["id"]}), before)

    def test_extension_for_one_agency(self):
        """A per-agency extension of the closed leadership phase opens it for that agency only."""
        closed = self.w["periods"]["closed"]
        _ok(self, api("POST", f"/api/v1/periods/{closed}/extensions",
                      {"agency_id": self.ag["A1"], "phase": "leadership",
                       "closes_at": int(time.time()) + 3600, "reason": "Bổ sung hồ sơ"},
                      token=self.w["token"]), "extension")
        _ok(self, self.score("leader1", self.ag["A1"], 3.5, period=closed))
        assert_error(self, self.score("leader1", self.ag["A2"], 3.5, period=closed), 409,
                     "phase_closed")

    def test_concurrent_changes_audited_in_order(self):
        """Three copies of the service take the same leader's changes of one score at once:
        one row, one `set` then only `change`s, each old value the one it replaced."""
        extra = [start_service("leadership") for _ in range(2)]
        try:
            a3 = self.ag["A3"]
            self.assign(self.w, self.pid, "leader3", [a3], token=self.w["token"])
            values = [0.25 * k for k in range(1, 13)]
            results = []

            def put(v):
                results.append(self.score("leader3", a3, v)[0])
            threads = [threading.Thread(target=put, args=(v,)) for v in values]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(results, [200] * len(values))
        finally:
            for proc in extra:
                stop(proc)
        rows = psql_super(
            "SELECT action, old_value->>'score', new_value->>'score' FROM core.audit"
            " WHERE province_id = :'p' AND entity = 'leader_score' AND user_id = :'u'"
            " ORDER BY id", {"p": self.w["province"]["id"], "u": self.w["leader3"]["id"]})
        self.assertEqual(len(rows), len(values))
        self.assertEqual([r[0] for r in rows], ["set"] + ["change"] * (len(values) - 1))
        for prev, cur in zip(rows, rows[1:]):
            self.assertEqual(float(cur[1]), float(prev[2]))
        final = psql_super("SELECT score FROM leadership.scores WHERE period_id = :'pid'"
                           " AND agency_id = :'a' AND leader_id = :'u'",
                           {"pid": self.pid, "a": a3, "u": self.w["leader3"]["id"]})
        self.assertEqual(len(final), 1)
        self.assertEqual(int(final[0][0]), round(float(rows[-1][2]) * 100))

    def test_idempotent_score(self):
        key = unique("idem")
        a2 = self.ag["A2"]
        _ok(self, self.score("leader1", a2, 3, headers={"Idempotency-Key": key}))
        q = ("SELECT count(*) FROM core.audit WHERE province_id = :'p' AND entity = 'leader_score'"
             " AND new_value->>'agency_id' = :'a'")
        params = {"p": self.w["province"]["id"], "a": a2}
        before = psql_super(q, params)
        _ok(self, self.score("leader1", a2, 3, headers={"Idempotency-Key": key}))
        self.assertEqual(psql_super(q, params), before)

    def test_discipline_shown(self):
        a3 = self.ag["A3"]
        body = self.scores(a3)
        self.assertFalse(body.get("disciplined", False))
        person = _ok(self, api("POST", f"/api/v1/agencies/{a3}/people",
                               {"full_name": "Lê Văn Trưởng", "position": "head"},
                               token=self.w["token"]), "person")
        _ok(self, api("POST", f"/api/v1/people/{person['id']}/discipline",
                      {"decided_on": "2025-06-15", "form": "khiển trách",
                       "decision_no": "15/QĐ-UBND"}, token=self.w["token"]), "discipline")
        body = self.scores(a3)
        self.assertTrue(body["disciplined"])
        self.assertEqual(body["discipline"][0]["form"], "khiển trách")
        self.assertEqual(body["discipline"][0]["decided_on"], "2025-06-15")

    # --- tie-breaks -----------------------------------------------------------------------

    def test_tiebreaks(self):
        a1, a2, a3, x1 = (self.ag[k] for k in ("A1", "A2", "A3", "X1"))
        first = _ok(self, self.tiebreak([a2, a1]))
        self.assertTrue(first["current"])
        second = _ok(self, self.tiebreak([a1, a3, a2], reason="Xem xét lại"))
        self.assertEqual(second["agency_ids"], [a1, a3, a2])
        st, body, _ = api("GET", f"/api/v1/periods/{self.pid}/tiebreaks?group_code=01",
                          token=self.w["token"])
        self.assertEqual(st, 200, body)
        # Each tie keeps its own order: recording the order of {a1, a2, a3} leaves the
        # order of {a1, a2} current; a new order of {a1, a2} supersedes only that one.
        current = sorted(t["id"] for t in body["items"] if t["current"])
        self.assertEqual(current, sorted([first["id"], second["id"]]))
        third = _ok(self, self.tiebreak([a1, a2], reason="Đổi thứ tự"))
        st, body, _ = api("GET", f"/api/v1/periods/{self.pid}/tiebreaks?group_code=01",
                          token=self.w["token"])
        current = sorted(t["id"] for t in body["items"] if t["current"])
        self.assertEqual(current, sorted([second["id"], third["id"]]))
        old = psql_super("SELECT old_value->>'tiebreak_id' FROM core.audit WHERE province_id = :'p'"
                         " AND entity = 'tiebreak' AND entity_id = :'id'",
                         {"p": self.w["province"]["id"], "id": third["id"]})
        self.assertEqual(old, [[str(first["id"])]])
        rows = psql_super("SELECT agency_ids::text, decided_by FROM leadership.tiebreaks"
                          " WHERE id = :'id'", {"id": second["id"]})
        self.assertEqual(rows, [[f"{{{a1},{a3},{a2}}}", str(self.w["leader1"]["id"])]])
        audit = psql_super("SELECT reason FROM core.audit WHERE province_id = :'p'"
                           " AND entity = 'tiebreak' AND entity_id = :'id'",
                           {"p": self.w["province"]["id"], "id": second["id"]})
        self.assertEqual(audit, [["Xem xét lại"]])

        before = self.n_tiebreaks()
        assert_error(self, self.tiebreak([a1, 987654321]), 400, "unknown_agency")
        assert_error(self, self.tiebreak([a1, x1]), 400, "agency_other_group")
        assert_error(self, self.tiebreak([a1, a2, a1]), 400, "duplicate_agency")
        assert_error(self, self.tiebreak([a1]), 400, "tiebreak_too_short")
        assert_error(self, self.tiebreak([a1, a2], group="99"), 400, "unknown_group")
        # a group the period does not assess (no index set assigned to it)
        t = self.w["token"]
        _ok(self, api("POST", "/api/v1/agency-groups", {"code": "02", "name": "ĐVSN"}, token=t))
        b = [_ok(self, api("POST", "/api/v1/agencies",
                           {"code": code, "name": f"Đơn vị {code}", "group_code": "02"},
                           token=t))["id"] for code in ("B1", "B2")]
        assert_error(self, self.tiebreak(b, group="02"), 400, "group_not_in_period")
        assert_error(self, self.tiebreak([a1, a2], reason=""), 400, "invalid_input")
        assert_error(self, self.tiebreak([a1, a2], leader="viewer"), 403, "forbidden")
        assert_error(self, api("POST", f"/api/v1/periods/{self.pid}/tiebreaks",
                               {"group_code": "01", "agency_ids": [a1, a2], "reason": "x"},
                               token=self.w["token"]), 403, "forbidden")
        self.assertEqual(self.n_tiebreaks(), before)
        # A tie shows itself after compute: an order may be recorded outside the leadership
        # phase (any time before publication).
        st, body, _ = api("POST", f"/api/v1/periods/{self.w['periods']['closed']}/tiebreaks",
                          {"group_code": "01", "agency_ids": [a1, a2], "reason": "Sau khi tính điểm"},
                          token=self.w["leader1"]["token"])
        self.assertEqual(st, 200, body)

    def test_other_province(self):
        other = new_province()
        leader = new_user(other, ["leader"])
        a1 = self.ag["A1"]
        assert_error(self, api("GET", f"/api/v1/periods/{self.pid}/agencies/{a1}/leader-scores",
                               token=other["token"]), 404, "not_found")
        assert_error(self, api("PUT", f"/api/v1/periods/{self.pid}/agencies/{a1}/leader-score",
                               {"leaf_code": "4.1", "score": 4}, token=leader["token"]),
                     404, "not_found")
        assert_error(self, api("GET", f"/api/v1/periods/{self.pid}/tiebreaks",
                               token=other["token"]), 404, "not_found")


if __name__ == "__main__":
    unittest.main()
