/*  Replays the fuzz targets' seed corpora and kept crash inputs (tests/fuzz/corpus/<t>,
 *  tests/fuzz/regress/<t>) through the same code the libFuzzer targets run, so that
 *  `make test` (both builds, ASan+UBSan included) keeps every input that once crashed
 *  fixed. Run from the repository root (scripts/test does). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define FUZZ_NO_ENTRY
#define s_one fuzz_pbjson_one
#include "../fuzz/fuzz_pbjson.c"
#undef s_one
#define s_one fuzz_router_one
#include "../fuzz/fuzz_router.c"
#undef s_one
#define s_one fuzz_csv_one
#include "../fuzz/fuzz_csv.c"
#undef s_one
#define s_one fuzz_broker_one
#include "../fuzz/fuzz_broker.c"
#undef s_one
#define s_one fuzz_cs_csv_one
#include "../fuzz/fuzz_cs_csv.c"
#undef s_one
#define s_one fuzz_multipart_one
#include "../fuzz/fuzz_multipart.c"
#undef s_one

/* Every regular file of dir through one(); the count of inputs run. */
static int s_replay(const char *dir, int (*one)(const uint8_t *, size_t))
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        fseek(f, 0, SEEK_END);
        long len = ftell(f);
        fseek(f, 0, SEEK_SET);
        uint8_t *buf = malloc(len > 0 ? (size_t) len : 1);
        assert_non_null(buf);
        size_t got = fread(buf, 1, (size_t) len, f);
        fclose(f);
        one(buf, got);
        free(buf);
        n++;
    }
    closedir(d);
    return n;
}

static void s_target(const char *name, int (*one)(const uint8_t *, size_t))
{
    char dir[256];
    snprintf(dir, sizeof dir, "tests/fuzz/corpus/%s", name);
    int seeds = s_replay(dir, one);
    snprintf(dir, sizeof dir, "tests/fuzz/regress/%s", name);
    s_replay(dir, one);
    assert_true(seeds > 0);                 /* the corpus is there (run from the root) */
}

static void test_pbjson(void **state) { (void) state; s_target("pbjson", fuzz_pbjson_one); }
static void test_router(void **state) { (void) state; s_target("router", fuzz_router_one); }
static void test_csv(void **state) { (void) state; s_target("csv", fuzz_csv_one); }
static void test_broker(void **state) { (void) state; s_target("broker", fuzz_broker_one); }
static void test_cs_csv(void **state) { (void) state; s_target("cs_csv", fuzz_cs_csv_one); }
static void test_multipart(void **state) { (void) state; s_target("multipart", fuzz_multipart_one); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pbjson),
        cmocka_unit_test(test_router),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_broker),
        cmocka_unit_test(test_cs_csv),
        cmocka_unit_test(test_multipart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
