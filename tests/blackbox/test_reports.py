"""Reports officials work in (issue 8, SPEC §9): a period's results exported as XLSX (read
back cell by cell from the zip's XML), the PDF decision annex (text through pdftotext,
pages through pdftoppm), CSV (round trip), the SVG charts; who may export what."""

import csv
import datetime
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import xml.etree.ElementTree as ET
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import api, assert_error, new_province, new_user, sysadmin  # noqa: E402
from test_examples import _play, _scenario  # noqa: E402

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}

# Names with every kind of Vietnamese mark, a comma and a quote: they must come back exactly.
NAMES = {
    "SNV": "Sở Nội vụ tỉnh Quảng Ngãi",
    "STP": "Sở Tư pháp, \"Phòng\" Hộ tịch",
    "SXD": "Sở Xây dựng",
    "SYT": "Sở Y tế – Bệnh viện Đa khoa",
}


def _cell_ref(ref):
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


class Workbook:
    """The sheets of an .xlsx as {sheet name: {(row, col): value}} (1-based), numbers as
    floats, plus each cell's number format code."""

    def __init__(self, data):
        self.z = zipfile.ZipFile(io.BytesIO(data))
        shared = []
        if "xl/sharedStrings.xml" in self.z.namelist():
            for si in ET.fromstring(self.z.read("xl/sharedStrings.xml")).findall("m:si", NS):
                shared.append("".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")))
        styles = ET.fromstring(self.z.read("xl/styles.xml"))
        fmts = {int(f.get("numFmtId")): f.get("formatCode")
                for f in styles.findall("m:numFmts/m:numFmt", NS)}
        xfs = [int(x.get("numFmtId", "0")) for x in styles.findall("m:cellXfs/m:xf", NS)]
        wb = ET.fromstring(self.z.read("xl/workbook.xml"))
        rels = ET.fromstring(self.z.read("xl/_rels/workbook.xml.rels"))
        target = {r.get("Id"): r.get("Target") for r in rels}
        self.order, self.sheets, self.formats, self.xml = [], {}, {}, {}
        for s in wb.findall("m:sheets/m:sheet", NS):
            name = s.get("name")
            path = "xl/" + target[s.get(f"{{{NS['r']}}}id")]
            root = ET.fromstring(self.z.read(path))
            cells, cf = {}, {}
            for c in root.iter(f"{{{NS['m']}}}c"):
                rc = _cell_ref(c.get("r"))
                v = c.find("m:v", NS)
                t = c.get("t")
                if t == "s":
                    cells[rc] = shared[int(v.text)]
                elif t == "inlineStr":
                    cells[rc] = "".join(x.text or "" for x in c.iter(f"{{{NS['m']}}}t"))
                elif v is not None:
                    cells[rc] = float(v.text)
                style = int(c.get("s", "0"))
                cf[rc] = fmts.get(xfs[style]) if style < len(xfs) else None
            self.order.append(name)
            self.sheets[name], self.formats[name], self.xml[name] = cells, cf, root


def _pdftotext(pdf):
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "a.pdf")
        with open(p, "wb") as f:
            f.write(pdf)
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", p, "-"], capture_output=True,
                             check=True).stdout.decode("utf-8")
    return out


class TestExports(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ld, _ = _play(_scenario("01-basic"))
        cls.period = cls.ld.period
        cls.admin = cls.ld.admin
        for code, name in NAMES.items():
            st, body, _ = api("PATCH", f"/api/v1/agencies/{cls.ld.agency_ids[code]}",
                              {"name": name}, token=cls.admin)
            assert st == 200, body
        # An earlier year's period on the same index set, with nothing scored: every agency
        # has Q = 0 there, so the year over year change is the whole of this year's Q.
        st, sets, _ = api("GET", "/api/v1/index-sets", token=cls.admin)
        assert st == 200, sets
        iset = next(s for s in sets["items"] if s["group_code"] == "01")
        st, cls.earlier, _ = api("POST", "/api/v1/periods", {
            "code": "K2024", "name": "Kỳ đánh giá 2024", "year": 2024, "config": "{}"},
            token=cls.admin)
        assert st == 200, cls.earlier
        st, body, _ = api("PUT", f"/api/v1/periods/{cls.earlier['id']}/index-sets/01",
                          {"index_set_id": iset["id"]}, token=cls.admin)
        assert st == 200, body
        st, cls.results, _ = api("GET", f"/api/v1/periods/{cls.period}/results",
                                 token=cls.admin)
        assert st == 200, cls.results
        cls.agencies = cls.results["groups"][0]["agencies"]

    def _get(self, suffix, token=None, headers=None):
        return api("GET", f"/api/v1/periods/{self.period}/{suffix}", token=token or self.admin,
                   headers=headers)

    def _disposition_name(self, h):
        disp = h.get("content-disposition", "")
        self.assertTrue(disp.startswith("attachment"), disp)
        m = re.search(r"filename\*=UTF-8''([^;]+)", disp)
        self.assertIsNotNone(m, disp)
        return urllib.parse.unquote(m.group(1))

    def test_xlsx_cell_by_cell(self):
        st, data, h = self._get("results.xlsx")
        self.assertEqual(st, 200, data)
        self.assertEqual(h["content-type"],
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        self.assertEqual(self._disposition_name(h), "Kết quả Chỉ số CCHC K2025.xlsx")
        wb = Workbook(data)
        # One sheet per group (its name), the years compared, then one per agency (its code).
        self.assertEqual(wb.order[:2], ["Nhóm 01", "So sánh qua các năm"])
        self.assertEqual(sorted(wb.order[2:]), sorted(a["code"] for a in self.agencies))
        y = wb.sheets["So sánh qua các năm"]
        self.assertEqual([y[(2, c)] for c in (1, 2, 3, 7, 11, 12, 13)],
                         ["Mã cơ quan", "Tên cơ quan, đơn vị", "Q (%) 2024 (K2024)",
                          "Q (%) 2025 (K2025)", "Thay đổi Q", "Thay đổi R", "Số bậc hạng tăng"])
        for i, a in enumerate(self.agencies):
            row = 3 + i
            self.assertEqual((y[(row, 1)], y[(row, 3)], y[(row, 7)], y[(row, 9)]),
                             (a["code"], 0, a["quality_pct"], a["rank"]))
            self.assertEqual((y[(row, 11)], y[(row, 12)], y[(row, 13)]),
                             (a["quality_pct"], a["cchc_pct"], y[(row, 5)] - a["rank"]))
        g = wb.sheets["Nhóm 01"]
        self.assertEqual(g[(1, 1)], "Kết quả Chỉ số CCHC Kỳ đánh giá 2025 — Nhóm 01")
        header = [g[(3, c)] for c in range(1, 20)]
        self.assertEqual(header[:7], ["Hạng", "Mã cơ quan", "Tên cơ quan, đơn vị",
                                      "Tổng điểm (T)", "Điểm tối đa (M)", "Chỉ số Q (%)",
                                      "Chỉ số CCHC R (%)"])
        self.assertEqual(header[7:13], ["C1", "C2", "C3", "C4", "C5", "C6"])
        self.assertEqual(header[13:15], ["Xếp loại", "Xếp loại CCHC"])
        for i, a in enumerate(self.agencies):
            row = 4 + i
            self.assertEqual(g[(row, 1)], a["rank"])
            self.assertEqual(g[(row, 2)], a["code"])
            self.assertEqual(g[(row, 3)], NAMES.get(a["code"], f"Cơ quan {a['code']}"))
            self.assertEqual(g[(row, 4)], a["total"])
            self.assertEqual(g[(row, 5)], a["max"])
            self.assertEqual(g[(row, 6)], a["quality_pct"])
            self.assertEqual(g[(row, 7)], a["cchc_pct"])
            for k in range(6):
                self.assertEqual(g[(row, 8 + k)], a["contents"][k]["value"])
            band = {"excellent": "Hoàn thành xuất sắc nhiệm vụ", "good": "Hoàn thành tốt nhiệm vụ",
                    "complete": "Hoàn thành nhiệm vụ",
                    "not_complete": "Không hoàn thành nhiệm vụ"}[a["band"]]
            self.assertEqual(g[(row, 14)], band)
            # Numbers are numbers shown with two decimals.
            for col in range(4, 14):
                self.assertEqual(wb.formats["Nhóm 01"][(row, col)], "0.00", (row, col))
        self.assertNotIn((4 + len(self.agencies), 2), g)
        # Frozen header (and the rank, code, name columns), a filter over the table, widths.
        root = wb.xml["Nhóm 01"]
        pane = root.find("m:sheetViews/m:sheetView/m:pane", NS)
        self.assertEqual((pane.get("state"), pane.get("topLeftCell")), ("frozen", "D4"))
        self.assertEqual(root.find("m:autoFilter", NS).get("ref"),
                         f"A3:S{3 + len(self.agencies)}")
        widths = {int(c.get("min")): float(c.get("width")) for c in root.findall("m:cols/m:col", NS)}
        self.assertGreater(widths[3], 40)
        # An agency's leaves: self, round 1, round 2, survey, leaders, the value that counts.
        st, sc, _ = self._get(f"agencies/{self.ld.agency_ids['STC']}/scorecard")
        self.assertEqual(st, 200, sc)
        leaf = wb.sheets["STC"]
        self.assertEqual(leaf[(1, 1)], "STC — Cơ quan STC (Nhóm 01)")
        self.assertEqual(leaf[(2, 1)], "Mã tiêu chí")
        self.assertEqual(len(sc["leaves"]), 15)
        for i, l in enumerate(sc["leaves"]):
            row = 3 + i
            self.assertEqual(leaf[(row, 1)], l["leaf_code"])
            self.assertEqual(leaf[(row, 2)], l["content"])
            self.assertEqual(leaf[(row, 3)], l["title"])
            self.assertEqual(leaf[(row, 4)], l["max_points"])
            for col, key in ((6, "self"), (7, "round1"), (8, "round2"), (9, "survey")):
                self.assertEqual(leaf.get((row, col)), l.get(key), (l["leaf_code"], key))
            self.assertEqual(leaf[(row, 14)], l["effective"])
        l11 = sc["leaves"][0]
        self.assertEqual((l11["leaf_code"], leaf[(3, 6)], leaf[(3, 7)], leaf[(3, 8)]),
                         ("1.1", 18, 16, 17.5))
        l41 = next(i for i, l in enumerate(sc["leaves"]) if l["leaf_code"] == "4.1")
        self.assertEqual((leaf[(3 + l41, 10)], leaf[(3 + l41, 11)]), (4.5, 2))

    def test_pdf_text_and_pages(self):
        st, pdf, h = self._get("results.pdf")
        self.assertEqual(st, 200, pdf)
        self.assertEqual(h["content-type"], "application/pdf")
        self.assertEqual(self._disposition_name(h), "Phụ lục kết quả Chỉ số CCHC K2025.pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"))
        text = _pdftotext(pdf)
        flat = " ".join(text.split())
        for needle in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                       "PHỤ LỤC", "Kỳ đánh giá 2025", "Trang 1/", "Hoàn thành xuất sắc nhiệm vụ"):
            self.assertIn(needle, flat)
        for name in NAMES.values():
            self.assertIn(name, flat)
        self.assertIn("chưa công bố", flat)     # working results say so
        # Pages: A4, as many as pdfinfo says, each rendered.
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "a.pdf")
            with open(p, "wb") as f:
                f.write(pdf)
            info = subprocess.run(["pdfinfo", p], capture_output=True, check=True, text=True).stdout
            pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
            self.assertIn("595.276 x 841.89 pts (A4)", info)
            self.assertGreaterEqual(pages, 2)       # the table, then the charts
            self.assertIn(f"Trang {pages}/{pages}", flat)
            subprocess.run(["pdftoppm", "-r", "50", "-png", p, os.path.join(d, "pg")], check=True)
            pngs = sorted(f for f in os.listdir(d) if f.endswith(".png"))
            self.assertEqual(len(pngs), pages)
            for png in pngs:
                with open(os.path.join(d, png), "rb") as f:
                    head = f.read(24)
                w, hgt = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
                self.assertEqual((w, hgt), (414, 585), png)

    def test_csv_round_trip(self):
        st, data, h = self._get("results.csv")
        self.assertEqual(st, 200, data)
        self.assertEqual(h["content-type"], "text/csv; charset=utf-8")
        self.assertTrue(data.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        self.assertEqual(rows[0][:5], ["Mã nhóm", "Nhóm", "Hạng", "Mã cơ quan",
                                       "Tên cơ quan, đơn vị"])
        self.assertEqual(len(rows), 1 + len(self.agencies))
        for row, a in zip(rows[1:], self.agencies):
            self.assertEqual(row[:5], ["01", "Nhóm 01", str(a["rank"]), a["code"],
                                       NAMES.get(a["code"], f"Cơ quan {a['code']}")])
            self.assertEqual([float(x) for x in row[5:9]],
                             [a["total"], a["max"], a["quality_pct"], a["cchc_pct"]])
            self.assertRegex(row[7], r"^-?\d+\.\d\d$")

    def test_chart_svg(self):
        for chart in ("bands", "ranks", "contents"):
            st, svg, h = self._get(f"charts/{chart}?group_code=01")
            self.assertEqual(st, 200, svg)
            self.assertEqual(h["content-type"], "image/svg+xml")
            self.assertNotIn("content-disposition", h)
            root = ET.fromstring(svg)
            self.assertTrue(root.tag.endswith("svg"))
        assert_error(self, self._get("charts/pie?group_code=01"), 400, "invalid_input")
        assert_error(self, self._get("charts/ranks?group_code=NOPE"), 404, "not_found")

    def test_etag_revalidation(self):
        st, data, h = self._get("results.csv")
        self.assertEqual(st, 200)
        self.assertIn("no-cache", h.get("cache-control", ""))
        st, body, _ = self._get("results.csv", headers={"If-None-Match": h["etag"]})
        self.assertEqual((st, body), (304, b""))

    def test_year_over_year(self):
        st, body, _ = self._get("year-over-year")
        self.assertEqual(st, 200, body)
        self.assertEqual(body["periods"], ["2024 (K2024)", "2025 (K2025)"])
        self.assertEqual([a["code"] for a in body["agencies"]],
                         [a["code"] for a in self.agencies])
        for got, a in zip(body["agencies"], self.agencies):
            before, now = got["periods"]
            self.assertEqual(got["name"], NAMES.get(a["code"], f"Cơ quan {a['code']}"))
            self.assertEqual((before["period"], before["quality_pct"], before["band"]),
                             ("2024 (K2024)", 0, "not_complete"))
            self.assertNotIn("quality_change", before)
            self.assertEqual((now["rank"], now["band"], now["quality_pct"], now["cchc_pct"]),
                             (a["rank"], a["band"], a["quality_pct"], a["cchc_pct"]))
            self.assertEqual((now["quality_change"], now["cchc_change"], now["rank_change"]),
                             (a["quality_pct"], a["cchc_pct"], before["rank"] - a["rank"]))
        # The earlier period alone has nothing before it.
        st, body, _ = api("GET", f"/api/v1/periods/{self.earlier['id']}/year-over-year",
                          token=self.ld.leaders[0][1])
        self.assertEqual(st, 200, body)
        self.assertEqual(body["periods"], ["2024 (K2024)"])
        assert_error(self, self._get("year-over-year", token=self.ld.heads["STP"]), 403,
                     "forbidden")
        other = new_province()
        assert_error(self, self._get("year-over-year", token=other["token"]), 404, "not_found")

    _snapshot = None

    def _publish(self):
        """Compute, approve and publish the period once for the tests that need it."""
        if TestExports._snapshot:
            return TestExports._snapshot
        st, body, _ = api("POST", f"/api/v1/periods/{self.period}/compute", {}, token=self.admin)
        self.assertEqual(st, 200, body)
        st, body, _ = api("POST", f"/api/v1/periods/{self.period}/approve",
                          {"note": "Phê duyệt để xuất báo cáo"}, token=self.ld.leaders[0][1])
        self.assertEqual(st, 200, body)
        st, snap, _ = api("POST", f"/api/v1/periods/{self.period}/publish", {}, token=self.admin)
        if st == 409 and snap["error"]["code"] == "heads_pending_data":
            # No dossier counts in the scenario: the admin confirms, as load-scenario does.
            st, snap, _ = api("POST", f"/api/v1/periods/{self.period}/publish", {
                "confirm_pending_heads": True, "reason": "Chưa có số liệu hồ sơ"},
                token=self.admin)
        self.assertEqual(st, 200, snap)
        TestExports._snapshot = snap
        return snap

    def test_national_view(self):
        sa = sysadmin()
        code = f"SC{self.ld.run}".upper()
        # Nothing of this province before it publishes: working results never count.
        if not TestExports._snapshot:
            st, body, _ = api("GET", "/api/v1/national/results", token=sa)
            self.assertEqual(st, 200, body)
            self.assertNotIn(code, [r["province_code"] for r in body.get("rows", [])])
        snap = self._publish()
        st, body, _ = api("GET", "/api/v1/national/results", token=sa)
        self.assertEqual(st, 200, body)
        mine = [r for r in body["rows"] if r["province_code"] == code]
        self.assertEqual(len(mine), 1, body)      # 2025 only: 2024 was never published
        row = mine[0]
        self.assertEqual((row["year"], row["period_code"], row["version"], row["sha256"]),
                         (2025, "K2025", snap["version"], snap["sha256"]))
        self.assertEqual(row["agencies"], len(self.agencies))
        bands = {b["band"]: b["count"] for b in row["bands"]}
        for band in ("excellent", "good", "complete", "not_complete"):
            self.assertEqual(bands[band], sum(a["band"] == band for a in self.agencies), band)
        self.assertEqual(bands["other"], 0)
        cchc = {b["band"]: b["count"] for b in row["cchc_bands"]}
        self.assertEqual(sum(cchc.values()), len(self.agencies))
        qs = sorted(round(a["quality_pct"] * 100) for a in self.agencies)
        mean = (sum(qs) * 2 + len(qs)) // (2 * len(qs))        # half-up, hundredths
        mid = len(qs) // 2
        median = qs[mid] if len(qs) % 2 else (qs[mid - 1] + qs[mid] + 1) // 2
        self.assertEqual((round(row["quality_mean"] * 100), round(row["quality_median"] * 100)),
                         (mean, median))
        st, body, _ = api("GET", "/api/v1/national/results?year=2024", token=sa)
        self.assertEqual(st, 200, body)
        self.assertNotIn(code, [r["province_code"] for r in body.get("rows", [])])
        # The same as a workbook.
        st, data, h = api("GET", "/api/v1/national/results.xlsx?year=2025", token=sa)
        self.assertEqual(st, 200, data)
        self.assertEqual(self._disposition_name(h), "Kết quả Chỉ số CCHC toàn quốc.xlsx")
        sheet = Workbook(data).sheets["Toàn quốc"]
        r = next(r for r in range(3, 1000) if sheet.get((r, 1)) == code)
        self.assertEqual((sheet[(r, 3)], sheet[(r, 6)], sheet[(r, 17)], sheet[(r, 21)]),
                         (2025, len(self.agencies), mean / 100, snap["sha256"]))
        # Only the sysadmin: a province's admin and leaders see their own province.
        for token in (self.admin, self.ld.leaders[0][1]):
            assert_error(self, api("GET", "/api/v1/national/results", token=token), 403,
                         "forbidden")
            assert_error(self, api("GET", "/api/v1/national/results.xlsx", token=token), 403,
                         "forbidden")
        assert_error(self, api("GET", "/api/v1/national/results"), 401, "unauthenticated")
        assert_error(self, api("GET", "/api/v1/national/results?year=1999", token=sa), 400,
                     "invalid_input")

    def test_national_view_portal_key(self):
        """A national portal client reads the national view with its key; a province's key,
        a revoked key and a made-up key are refused."""
        sa = sysadmin()
        code = f"SC{self.ld.run}".upper()
        snap = self._publish()
        national = api("POST", "/api/v1/portal/keys", {"name": "Cổng quốc gia (báo cáo)"},
                       token=sa)[1]["key"]
        st, body, _ = api("GET", "/api/v1/national/results?year=2025",
                          headers={"X-API-Key": national})
        self.assertEqual(st, 200, body)
        self.assertEqual(body, api("GET", "/api/v1/national/results?year=2025", token=sa)[1])
        row = next(r for r in body["rows"] if r["province_code"] == code)
        self.assertEqual((row["version"], row["sha256"]), (snap["version"], snap["sha256"]))
        st, data, h = api("GET", "/api/v1/national/results.xlsx?year=2025",
                          headers={"X-API-Key": national})
        self.assertEqual(st, 200, data)
        self.assertIn(code, [v for (r, c), v in Workbook(data).sheets["Toàn quốc"].items()
                             if c == 1])
        province = new_province()
        pkey = api("POST", "/api/v1/portal/keys", {"name": "Cổng tỉnh",
                                                   "province_id": province["id"]},
                   token=sa)[1]
        for path in ("/api/v1/national/results", "/api/v1/national/results.xlsx"):
            assert_error(self, api("GET", path, headers={"X-API-Key": pkey["key"]}), 403,
                         "key_not_national")
            assert_error(self, api("GET", path, headers={"X-API-Key": "cpk_" + "0" * 64}), 401,
                         "invalid_api_key")
        # The key travels in the header only, never in the query.
        assert_error(self, api("GET", f"/api/v1/national/results?api_key={national}"), 401,
                     "unauthenticated")
        revoked = api("POST", "/api/v1/portal/keys", {"name": "Cổng cũ"}, token=sa)[1]
        self.assertEqual(api("DELETE", f"/api/v1/portal/keys/{revoked['id']}", token=sa)[0], 200)
        assert_error(self, api("GET", "/api/v1/national/results",
                               headers={"X-API-Key": revoked["key"]}), 401, "invalid_api_key")
        # A session wins over a key: a province admin with a national key is still refused.
        assert_error(self, api("GET", "/api/v1/national/results", token=self.admin,
                               headers={"X-API-Key": national}), 403, "forbidden")

    def test_pdf_same_bytes(self):
        """The same snapshot exports the same PDF bytes (cairo's dates are the publication
        time), so its ETag holds and If-None-Match is answered 304."""
        v = self._publish()["version"]
        st1, pdf1, h1 = self._get(f"snapshots/{v}/results.pdf")
        time.sleep(1.1)         # cairo's own date would differ by now
        st2, pdf2, h2 = self._get(f"snapshots/{v}/results.pdf")
        self.assertEqual((st1, st2), (200, 200))
        self.assertEqual(pdf1, pdf2)
        self.assertEqual(h1["etag"], h2["etag"])
        self.assertEqual(h1["etag"].strip('"'), hashlib.sha256(pdf1).hexdigest())
        st, body, _ = self._get(f"snapshots/{v}/results.pdf",
                                headers={"If-None-Match": h1["etag"]})
        self.assertEqual((st, body), (304, b""))
        info = subprocess.run(["pdfinfo", "-isodates", "-"], input=pdf1, capture_output=True,
                              check=True).stdout.decode()
        snaps = api("GET", f"/api/v1/periods/{self.period}/snapshots", token=self.admin)[1]
        at = next(x["published_at"] for x in snaps["snapshots"] if x["version"] == v)
        when = datetime.datetime.fromtimestamp(at, datetime.timezone.utc)
        self.assertRegex(info, r"CreationDate:\s+" + when.strftime("%Y-%m-%dT%H:%M:%S"))

    def test_snapshot_exports(self):
        snap = self._publish()
        v, sha = snap["version"], snap["sha256"]
        code = re.search(r"/provinces/([^/]+)/", snap["public_url"]).group(1)
        public = f"/api/v1/public/provinces/{code}/periods/{self.period}/versions/{v}/results"
        # Any user of the province reads the published version: an agency's head too.
        for token in (self.admin, self.ld.heads["STP"]):
            st, pdf, h = self._get(f"snapshots/{v}/results.pdf", token=token)
            self.assertEqual(st, 200, pdf)
            self.assertEqual(self._disposition_name(h),
                             f"Phụ lục kết quả Chỉ số CCHC K2025 - công bố v{v}.pdf")
            flat = " ".join(_pdftotext(pdf).split())
            self.assertIn(f"Kết quả công bố, phiên bản {v}", flat)
            self.assertIn(f"SHA-256: {sha}", flat)
            for name in NAMES.values():
                self.assertIn(name, flat)
            self.assertNotIn("chưa công bố", flat)
        # The public reads it without a login, as CSV identical to the tenant's.
        st, csv_pub, h = api("GET", f"{public}.csv")
        self.assertEqual(st, 200, csv_pub)
        self.assertTrue(h["cache-control"].startswith("public"))
        st, csv_ten, _ = self._get(f"snapshots/{v}/results.csv")
        self.assertEqual(csv_pub, csv_ten)
        rows = list(csv.reader(io.StringIO(csv_pub.decode("utf-8-sig"), newline="")))
        self.assertEqual([r[3] for r in rows[1:]], [a["code"] for a in self.agencies])
        st, data, _ = api("GET", f"{public}.xlsx")
        self.assertEqual(st, 200, data)
        wb = Workbook(data)
        self.assertEqual(wb.order, ["Nhóm 01"])        # results only: leaves are not frozen
        self.assertIn(sha, wb.sheets["Nhóm 01"][(2, 1)])
        # A version that does not exist, another province's code, another province's user.
        assert_error(self, self._get(f"snapshots/{v + 1}/results.pdf"), 404, "not_published")
        assert_error(self, api("GET", public.replace(f"/versions/{v}/", f"/versions/{v + 1}/")
                               + ".csv"), 404, "not_published")
        other = new_province()
        assert_error(self, api("GET", public.replace(f"/provinces/{code}/",
                                                     f"/provinces/{other['code']}/") + ".pdf"),
                     404, "not_published")
        assert_error(self, self._get(f"snapshots/{v}/results.csv", token=other["token"]), 404,
                     "not_published")
        assert_error(self, api("GET", f"/api/v1/periods/{self.period}/snapshots/{v}/results.csv"),
                     401, "unauthenticated")

    def test_who_may_export(self):
        other = new_province()
        leader = self.ld.leaders[0][1]
        for suffix in ("results.xlsx", "results.pdf", "results.csv", "charts/ranks"):
            with self.subTest(route=suffix):
                # Leaders of the province may; an agency's own users may not.
                self.assertEqual(self._get(suffix, token=leader)[0], 200)
                assert_error(self, self._get(suffix, token=self.ld.heads["STP"]), 403, "forbidden")
                assert_error(self, api("GET", f"/api/v1/periods/{self.period}/{suffix}"), 401,
                             "unauthenticated")
                # Another province's period does not exist for it, nor does an unknown one.
                assert_error(self, self._get(suffix, token=other["token"]), 404, "not_found")
                assert_error(self, api("GET", f"/api/v1/periods/999999999/{suffix}",
                                       token=self.admin), 404, "not_found")

    def test_viewer_may_export(self):
        viewer = new_user({"id": self.ld.province, "token": self.admin}, ["viewer"])
        st, data, _ = self._get("results.csv", token=viewer["token"])
        self.assertEqual(st, 200, data)


if __name__ == "__main__":
    unittest.main()
