/*  test_rank_export: the renderers of services/ranking (rank_report.h, rank_draw.h) on a
 *  report built here: the CSV byte for byte, the cells of the XLSX as the library writes
 *  them, the PDF and SVG as documents of the right kind. The black-box test
 *  (tests/blackbox/test_reports.py) reads the files back cell by cell and as text.
 *
 *  CHISO_EXPORT_DIR=<dir> keeps the files this test renders, to look at them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rank_draw.h"
#include "rank_national.h"
#include "rank_report.h"

static const rank_report_leaf s_leaves[] = {
    {.code = "1.1", .title = "Ban hành kế hoạch cải cách hành chính", .content = 1,
     .max_points = 200, .has_self = true, .self = 200, .has_r1 = true, .r1 = 150,
     .effective = 150},
    {.code = "8.1", .title = "Tỷ lệ hồ sơ đúng hạn", .content = 2, .max_points = 300,
     .is_auto = true, .auto_num = 95, .auto_den = 100, .effective = 285},
};

static rank_report_row s_rows[] = {
    {.id = 1, .code = "SNV", .name = "Sở Nội vụ", .rank = 1, .total = 9150, .max = 10000,
     .quality_pct = 9150, .cchc_pct = 9150, .contents = {4300, 3200, 1000, 500, 250, -100},
     .band = "excellent", .cchc_band = "tot", .head_rating = "Hoàn thành tốt nhiệm vụ",
     .has_late_pct = true, .late_pct = 125, .n_shortcomings = 3, .leaves = s_leaves,
     .n_leaves = 2},
    {.id = 2, .code = "STP", .name = "Sở Tư pháp, \"Đoàn\"", .rank = 2, .tie_pending = true,
     .total = 7012, .max = 10000, .quality_pct = 7012, .cchc_pct = 7012,
     .contents = {3000, 2500, 900, 400, 212, 0}, .band = "complete", .cchc_band = "kha"},
    {.id = 3, .code = "SYT", .name = "=Sở Y tế", .rank = 2, .tie_pending = true, .total = 7012,
     .max = 10000, .quality_pct = 7012, .cchc_pct = 7012, .band = "complete",
     .cchc_band = "kha"},
};

static rank_report_group s_groups[] = {
    {.code = "SO", .name = "Sở, ban, ngành", .good_or_better = 1, .excellent_quota = 0,
     .rows = s_rows, .n = 3},
    {.code = "HUYEN", .name = "UBND cấp huyện", .rows = NULL, .n = 0},
};

static const rank_report_yoy_cell s_yoy_cells[3][2] = {
    {{.present = true, .rank = 2, .quality_pct = 8800, .cchc_pct = 8700, .band = "good"},
     {.present = true, .rank = 1, .quality_pct = 9150, .cchc_pct = 9150, .band = "excellent"}},
    {{.present = false},
     {.present = true, .rank = 2, .quality_pct = 7012, .cchc_pct = 7012, .band = "complete"}},
    {{.present = true, .rank = 1, .quality_pct = 9000, .cchc_pct = 9000, .band = "excellent"},
     {.present = true, .rank = 2, .quality_pct = 7012, .cchc_pct = 7012, .band = "complete"}},
};
static const char *const s_yoy_labels[] = {"2024 (K2024)", "2025 (CCHC-2025)"};
static const rank_report_yoy_agency s_yoy_agencies[] = {
    {.code = "SNV", .name = "Sở Nội vụ", .cells = s_yoy_cells[0]},
    {.code = "STP", .name = "Sở Tư pháp", .cells = s_yoy_cells[1]},
    {.code = "SYT", .name = "Sở Y tế", .cells = s_yoy_cells[2]},
};
static const rank_report_yoy s_yoy = {s_yoy_labels, 2, s_yoy_agencies, 3};

static rank_report s_report(int version)
{
    rank_report r = {.province_name = "Quảng Ngãi", .period_code = "CCHC-2025",
                     .period_name = "Chỉ số CCHC năm 2025", .year = 2025,
                     .generated_at = "2026-01-05 09:30", .groups = s_groups, .n_groups = 2};
    if (version > 0) {
        r.snapshot_version = version;
        r.snapshot_sha256 = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
        r.yoy = &s_yoy;
    }
    return r;
}

static void s_keep(const char *name, const rank_buf *b)
{
    const char *dir = getenv("CHISO_EXPORT_DIR");
    if (!dir || !*dir)
        return;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b->data, 1, b->len, f), b->len);
    fclose(f);
}

static void test_csv_exact(void **state)
{
    (void)state;
    rank_report r = s_report(0);
    rank_buf b = {0};
    cs_err e;
    cs_err_clear(&e);
    assert_int_equal(rank_export_csv(&r, &b, &e), 0);
    s_keep("export.csv", &b);
    const char *want =
        "\xEF\xBB\xBF"
        "Mã nhóm,Nhóm,Hạng,Mã cơ quan,\"Tên cơ quan, đơn vị\",Tổng điểm (T),Điểm tối đa (M),"
        "Chỉ số Q (%),Chỉ số CCHC R (%),C1,C2,C3,C4,C5,C6,Xếp loại,Xếp loại CCHC,"
        "Đánh giá người đứng đầu,Tỷ lệ hồ sơ trễ hạn (%),\"Số tồn tại, hạn chế\",Ghi chú\r\n"
        "SO,\"Sở, ban, ngành\",1,SNV,Sở Nội vụ,91.50,100.00,91.50,91.50,43.00,32.00,10.00,5.00,"
        "2.50,-1.00,Hoàn thành xuất sắc nhiệm vụ,Tốt,Hoàn thành tốt nhiệm vụ,1.25,3,\r\n"
        "SO,\"Sở, ban, ngành\",2,STP,\"Sở Tư pháp, \"\"Đoàn\"\"\",70.12,100.00,70.12,70.12,"
        "30.00,25.00,9.00,4.00,2.12,0.00,Hoàn thành nhiệm vụ,Khá,,,0,"
        "\"Đồng hạng, chờ lãnh đạo quyết định thứ tự\"\r\n"
        "SO,\"Sở, ban, ngành\",2,SYT,'=Sở Y tế,70.12,100.00,70.12,70.12,"
        "0.00,0.00,0.00,0.00,0.00,0.00,Hoàn thành nhiệm vụ,Khá,,,0,"
        "\"Đồng hạng, chờ lãnh đạo quyết định thứ tự\"\r\n";
    assert_int_equal(b.len, strlen(want));
    assert_memory_equal(b.data, want, b.len);
    rank_buf_free(&b);
}

static bool s_contains(const rank_buf *b, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= b->len; i++)
        if (memcmp(b->data + i, needle, n) == 0)
            return true;
    return false;
}

static void test_xlsx_is_a_workbook(void **state)
{
    (void)state;
    rank_report r = s_report(2);
    rank_buf b = {0};
    cs_err e;
    cs_err_clear(&e);
    assert_int_equal(rank_export_xlsx(&r, &b, &e), 0);
    s_keep("export.xlsx", &b);
    assert_true(b.len > 2000);
    assert_memory_equal(b.data, "PK\x03\x04", 4);      /* a zip container */
    assert_true(s_contains(&b, "xl/worksheets/sheet1.xml"));
    /* 2 group sheets + the years compared + the one agency with leaves (the others have no
     * leaf detail, as in a snapshot) */
    assert_true(s_contains(&b, "xl/worksheets/sheet4.xml"));
    assert_false(s_contains(&b, "xl/worksheets/sheet5.xml"));
    rank_buf_free(&b);
}

static void test_pdf_is_a_pdf(void **state)
{
    (void)state;
    for (int version = 0; version <= 3; version += 3) {
        rank_report r = s_report(version);
        rank_buf b = {0};
        cs_err e;
        cs_err_clear(&e);
        assert_int_equal(rank_export_pdf(&r, &b, &e), 0);
        s_keep(version ? "export-v3.pdf" : "export.pdf", &b);
        assert_true(b.len > 5000);
        assert_memory_equal(b.data, "%PDF-", 5);
        /* One page of tables and one of charts for the group that has agencies. */
        assert_true(s_contains(&b, "/Count 2"));
        rank_buf_free(&b);
    }
}

static void test_svg_charts(void **state)
{
    (void)state;
    rank_report r = s_report(0);
    static const char *const names[] = {"bands.svg", "ranks.svg", "contents.svg"};
    for (int k = RANK_CHART_BANDS; k <= RANK_CHART_CONTENTS; k++) {
        rank_buf b = {0};
        cs_err e;
        cs_err_clear(&e);
        assert_int_equal(rank_chart_svg(&r, &s_groups[0], (rank_chart_kind)k, &b, &e), 0);
        s_keep(names[k], &b);
        assert_true(s_contains(&b, "<svg"));
        assert_true(s_contains(&b, "</svg>"));
        rank_buf_free(&b);
    }
}

static void test_file_names_and_labels(void **state)
{
    (void)state;
    rank_report r = s_report(0);
    r.period_code = "2025/A\"b";
    char *n = rank_report_file_name(&r, "Kết quả Chỉ số CCHC", "xlsx");
    assert_string_equal(n, "Kết quả Chỉ số CCHC 2025-A-b.xlsx");
    free(n);
    r.snapshot_version = 4;
    n = rank_report_file_name(&r, "Phụ lục", "pdf");
    assert_string_equal(n, "Phụ lục 2025-A-b - công bố v4.pdf");
    free(n);
    assert_string_equal(rank_report_band_vi("good"), "Hoàn thành tốt nhiệm vụ");
    assert_string_equal(rank_report_band_vi("trung_binh"), "Trung bình");
    assert_string_equal(rank_report_band_vi("vung_manh"), "vung_manh");
}

static void test_yoy_change(void **state)
{
    (void)state;
    int64_t dq, dr;
    int drank;
    assert_true(rank_report_yoy_change(&s_yoy, &s_yoy_agencies[0], &dq, &dr, &drank));
    assert_int_equal(dq, 350);
    assert_int_equal(dr, 450);
    assert_int_equal(drank, 1);
    /* Not ranked the year before: nothing to compare. */
    assert_false(rank_report_yoy_change(&s_yoy, &s_yoy_agencies[1], &dq, &dr, &drank));
    assert_true(rank_report_yoy_change(&s_yoy, &s_yoy_agencies[2], &dq, &dr, &drank));
    assert_int_equal(dq, -1988);
    assert_int_equal(drank, -1);
}

static void test_snapshot_document(void **state)
{
    (void)state;
    const char *doc =
        "{\"groups\":{\"01\":{\"agencies\":[{\"band\":\"good\",\"cchc_band\":\"kha\","
        "\"cchc_pct\":\"72.50\",\"code\":\"SNV\",\"contents\":{\"1\":\"40.00\",\"2\":\"30.00\","
        "\"3\":\"8.00\",\"4\":\"0.00\",\"5\":\"0.00\",\"6\":\"-1.00\"},\"max\":\"100.00\","
        "\"name\":\"Sở Nội vụ\",\"quality_pct\":\"77.00\",\"rank\":1,\"tie_pending\":false,"
        "\"total\":\"77.00\"}],\"excellent_quota\":0,\"good_or_better\":1,"
        "\"publication_blocked_by_tie\":false}},\"province\":\"QNG\",\"version\":2,\"year\":2025}";
    rank_report r;
    rank_report_doc *d = NULL;
    cs_err e;
    cs_err_clear(&e);
    assert_int_equal(rank_report_from_snapshot(doc, strlen(doc), &r, &d, &e), 0);
    assert_int_equal(r.snapshot_version, 2);
    assert_int_equal(r.year, 2025);
    assert_int_equal(r.n_groups, 1);
    assert_string_equal(r.groups[0].code, "01");
    assert_int_equal(r.groups[0].good_or_better, 1);
    const rank_report_row *row = &r.groups[0].rows[0];
    assert_string_equal(row->name, "Sở Nội vụ");
    assert_int_equal(row->quality_pct, 7700);
    assert_int_equal(row->cchc_pct, 7250);
    assert_int_equal(row->contents[5], -100);
    assert_int_equal(row->n_leaves, 0);
    rank_report_doc_destroy(&d);
    assert_null(d);
    /* Not a snapshot: refused, nothing kept. */
    assert_int_equal(rank_report_from_snapshot("{\"x\":1}", 7, &r, &d, &e), -1);
    assert_null(d);
    const char *bad = "{\"groups\":{\"01\":{\"agencies\":[{\"code\":\"A\",\"rank\":1,"
                      "\"total\":\"1.234\"}]}}}";
    assert_int_equal(rank_report_from_snapshot(bad, strlen(bad), &r, &d, &e), -1);
    assert_null(d);
}

static void test_national_figures(void **state)
{
    (void)state;
    int64_t odd[] = {9000, 7000, 8000};
    assert_int_equal(rank_national_median(odd, 3), 8000);
    int64_t even[] = {7001, 9000, 7000, 8000};
    assert_int_equal(rank_national_median(even, 4), 7501);     /* (7001 + 8000) / 2 half-up */
    assert_int_equal(rank_national_median(NULL, 0), 0);
    rank_report r = s_report(0);
    rank_national_row row = {0};
    assert_int_equal(rank_national_stats(&r, &row), 0);
    assert_int_equal(row.agencies, 3);
    assert_int_equal(row.bands[0], 1);      /* excellent */
    assert_int_equal(row.bands[2], 2);      /* complete */
    assert_int_equal(row.cchc_bands[0], 1); /* tot */
    assert_int_equal(row.cchc_bands[1], 2); /* kha */
    assert_int_equal(row.quality_mean, 7725);   /* (9150 + 7012 + 7012) / 3 = 7724.67 */
    assert_int_equal(row.quality_median, 7012);
    rank_buf b = {0};
    cs_err e;
    cs_err_clear(&e);
    row.province_code = "QNG";
    row.province_name = "Quảng Ngãi";
    row.period_code = "K2025";
    row.sha256 = "ab";
    assert_int_equal(rank_export_national_xlsx(&row, 1, &b, &e), 0);
    s_keep("national.xlsx", &b);
    assert_memory_equal(b.data, "PK\x03\x04", 4);
    rank_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_exact),
        cmocka_unit_test(test_xlsx_is_a_workbook),
        cmocka_unit_test(test_pdf_is_a_pdf),
        cmocka_unit_test(test_svg_charts),
        cmocka_unit_test(test_file_names_and_labels),
        cmocka_unit_test(test_yoy_change),
        cmocka_unit_test(test_snapshot_document),
        cmocka_unit_test(test_national_figures),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rank_draw_shutdown();
    return rc;
}

