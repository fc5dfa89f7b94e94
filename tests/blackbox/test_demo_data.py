"""The demonstration data (scripts/demo-data, what `make run` loads for a newcomer) against
the test system: it loads through the API without a refusal, a second run changes nothing,
and what it promises is there — the three automatic leaves fed by the national portal's
766 data (a banded ratio, a group score, a plain ratio; a commune whose online metric does
not apply is N/A, one with no record has "no portal data") and the dossier counts behind
the heads' late rate."""

import os
import subprocess
import sys
import unittest

from harness import api, env, login, ok, sysadmin

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "scripts", "demo-data")


def run_demo():
    e = dict(os.environ, CHISO_URL=env("CHISO_URL"), CHISO_VAR_DIR=env("CHISO_VAR_DIR"))
    return subprocess.run([sys.executable, SCRIPT], env=e, capture_output=True, text=True, timeout=300)


class TestDemoData(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        sa = sysadmin()
        st, provs, _ = api("GET", "/api/v1/provinces", token=sa)
        if any(p["code"] == "DLK" for p in provs.get("items", [])):
            raise AssertionError("province DLK exists before the demo data ran")
        cls.run1 = run_demo()
        if cls.run1.returncode != 0:
            raise AssertionError(f"demo-data failed: {cls.run1.stdout}\n{cls.run1.stderr}")
        accounts = {}
        with open(os.path.join(env("CHISO_VAR_DIR"), "demo-accounts.txt"), encoding="utf-8") as f:
            for line in f.readlines()[1:]:
                role, name, password = line.split()
                accounts[role] = (name, password)
        cls.admin = login(*accounts["province_admin"])
        periods = ok(api("GET", "/api/v1/periods", token=cls.admin), "periods")["items"]
        cls.period = periods[0]["id"]
        agencies = ok(api("GET", "/api/v1/agencies", token=cls.admin), "agencies")["items"]
        cls.agency = {a["code"]: a["id"] for a in agencies}

    def scorecard(self, code):
        sc = ok(api("GET", f"/api/v1/periods/{self.period}/agencies/{self.agency[code]}/scorecard",
                    token=self.admin), f"scorecard {code}")
        return {l["leaf_code"]: l for l in sc["leaves"]}, sc

    def test_loaded_once(self):
        self.assertIn("the portal's 766 data and dossier counts", self.run1.stdout)
        again = run_demo()
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("already exists, nothing to do", again.stdout)

    def test_automatic_leaves_of_an_agency(self):
        leaves, sc = self.scorecard("SNV")
        banded, group, online = leaves["2.3.1"], leaves["2.3.2"], leaves["2.7.1"]
        self.assertEqual((banded["auto_metric"], banded["auto_formula"], banded["auto_status"]),
                         ("TDGQ.1", "bands", "computed"))
        pct = 100 * banded["auto_numerator"] / banded["auto_denominator"]
        self.assertEqual(banded["effective"], 3 if pct >= 98 else 2 if pct >= 95 else 0)
        self.assertEqual((group["auto_metric"], group["auto_formula"], group["auto_status"]),
                         ("CKMB", "score", "computed"))
        self.assertEqual((online["auto_metric"], online["auto_formula"]), ("TTTT.1", "ratio"))
        self.assertAlmostEqual(online["effective"],
                               round(3 * online["auto_numerator"] / online["auto_denominator"], 2))
        # the dossier counts reached the head's late rate
        self.assertNotIn(sc["result"].get("late_pct"), (None, "n/a"), sc["result"])

    def test_communes_without_data_or_not_applicable(self):
        statuses = set()
        for code in (c for c in self.agency if c.startswith("XA")):
            leaves, _ = self.scorecard(code)
            statuses.add(leaves["2.7.1"]["auto_status"])
            if len(statuses) == 3:
                break
        self.assertEqual(statuses, {"computed", "no_portal_data", "not_applicable"})


if __name__ == "__main__":
    unittest.main()
