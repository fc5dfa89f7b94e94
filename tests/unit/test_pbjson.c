/*  pbjson: JSON <-> protobuf over descriptors, with proto/gwtest.proto covering every type. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "../../services/gateway/pbjson.h"
#include "gwtest.pb-c.h"

static const ProtobufCMessageDescriptor *ALL = &chiso__gwtest__all__descriptor;

/* Parse `json` as gwtest.All; on failure return NULL with e filled. */
static Chiso__Gwtest__All *s_parse(const char *json, cs_err *e)
{
    ProtobufCMessage *m = NULL;
    cs_err_clear(e);
    if (pbjson_parse(ALL, json, strlen(json), &m, e) != 0)
        return NULL;
    return (Chiso__Gwtest__All *) m;
}

static void s_expect_error(const char *json, const char *code, const char *field)
{
    cs_err e;
    Chiso__Gwtest__All *m = s_parse(json, &e);
    if (m) {
        print_error("accepted: %s\n", json);
        pbjson_free((ProtobufCMessage **) &m);
        fail();
    }
    assert_int_equal(e.status, 400);
    assert_string_equal(e.code, code);
    if (field)
        assert_string_equal(e.field, field);
    assert_true(strlen(e.message_vi) > 0);
    assert_true(strlen(e.message_en) > 0);
}

/* Round trip: parse, render, compare with the expected compact text. */
static void s_roundtrip(const char *json, const char *expected)
{
    cs_err e;
    Chiso__Gwtest__All *m = s_parse(json, &e);
    if (!m) {
        print_error("%s: %s %s\n", json, e.code, e.message_en);
        fail();
    }
    json_t *j = pbjson_to_json(&m->base);
    char *out = pbjson_dumps(j);
    assert_string_equal(out, expected);
    free(out);
    json_decref(j);

    /* and through the wire: pack, unpack, render again */
    size_t n = protobuf_c_message_get_packed_size(&m->base);
    uint8_t *buf = malloc(n ? n : 1);
    protobuf_c_message_pack(&m->base, buf);
    ProtobufCMessage *back = protobuf_c_message_unpack(ALL, NULL, n, buf);
    assert_non_null(back);
    j = pbjson_to_json(back);
    out = pbjson_dumps(j);
    assert_string_equal(out, expected);
    free(out);
    json_decref(j);
    protobuf_c_message_free_unpacked(back, NULL);
    free(buf);
    pbjson_free((ProtobufCMessage **) &m);
    assert_null(m);
}

#define EMPTY_REPEATED "\"items\":[],\"ids\":[],\"tags\":[],\"marks\":[],\"poss\":[]"

static void test_every_scalar_both_ways(void **state)
{
    (void) state;
    s_roundtrip("{\"i32\":-2147483648,\"i64\":-9007199254740993,\"u32\":4294967295,"
                "\"u64\":9223372036854775807,\"s32\":-5,\"points\":17.5,\"f32\":7,"
                "\"f64\":8,\"sf32\":-9,\"sf64\":-10,\"fl\":1.5,\"db\":2.25,\"flag\":true,"
                "\"text\":\"Sở Nội vụ\",\"blob\":\"AAEC/w==\",\"pos\":\"DEPUTY\"}",
                "{\"i32\":-2147483648,\"i64\":-9007199254740993,\"u32\":4294967295,"
                "\"u64\":9223372036854775807,\"s32\":-5,\"points\":17.5,\"f32\":7,"
                "\"f64\":8,\"sf32\":-9,\"sf64\":-10,\"fl\":1.5,\"db\":2.25,\"flag\":true,"
                "\"text\":\"Sở Nội vụ\",\"blob\":\"AAEC/w==\",\"pos\":\"DEPUTY\","
                EMPTY_REPEATED "}");
    /* false, zero and empty string are values, not absence */
    s_roundtrip("{\"flag\":false,\"i64\":0,\"text\":\"\",\"pos\":\"HEAD\",\"points\":0}",
                "{\"i64\":0,\"points\":0,\"flag\":false,\"text\":\"\",\"pos\":\"HEAD\","
                EMPTY_REPEATED "}");
}

static void test_absent_and_null(void **state)
{
    (void) state;
    s_roundtrip("{}", "{" EMPTY_REPEATED "}");
    s_roundtrip("{\"i64\":null,\"text\":null,\"item\":null,\"items\":null}",
                "{" EMPTY_REPEATED "}");
    cs_err e;
    ProtobufCMessage *m = NULL;
    assert_int_equal(pbjson_parse(ALL, "", 0, &m, &e), 0);   /* empty body = empty message */
    assert_false(((Chiso__Gwtest__All *) m)->has_i64);
    pbjson_free(&m);
}

static void test_points_values(void **state)
{
    (void) state;
    cs_err e;
    struct { const char *json; int64_t want; } ok[] = {
        {"{\"points\":17.5}", 1750},     {"{\"points\":17.50}", 1750},
        {"{\"points\":17}", 1700},       {"{\"points\":0.29}", 29},
        {"{\"points\":0.01}", 1},        {"{\"points\":-1.25}", -125},
        {"{\"points\":\"17.50\"}", 1750}, {"{\"points\":\"0.05\"}", 5},
        {"{\"points\":45.00}", 4500},    {"{\"points\":1e1}", 1000},
        {"{\"points\":92233720368547.75}", 9223372036854775},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        Chiso__Gwtest__All *m = s_parse(ok[i].json, &e);
        if (!m) {
            print_error("%s: %s\n", ok[i].json, e.code);
            fail();
        }
        assert_true(m->has_points);
        assert_int_equal(m->points, ok[i].want);
        pbjson_free((ProtobufCMessage **) &m);
    }
    const char *bad[] = {
        "{\"points\":17.505}", "{\"points\":0.001}", "{\"points\":\"17.505\"}",
        "{\"points\":\"abc\"}", "{\"points\":\"\"}", "{\"points\":\"1e2\"}",
        "{\"points\":92233720368547758.08}", "{\"points\":1e300}",
        "{\"points\":92233720368547759}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        s_expect_error(bad[i], "invalid_points", "points");
    s_expect_error("{\"points\":true}", "wrong_type", "points");
    s_expect_error("{\"points\":[1]}", "wrong_type", "points");
    s_expect_error("{\"marks\":[1, 2.345]}", "invalid_points", "marks[1]");
}

static void test_points_output(void **state)
{
    (void) state;
    s_roundtrip("{\"points\":0.29,\"marks\":[0.01,-0.05,100,33.33,-17.5]}",
                "{\"points\":0.29,\"items\":[],\"ids\":[],\"tags\":[],"
                "\"marks\":[0.01,-0.05,100,33.33,-17.5],\"poss\":[]}");
    s_roundtrip("{\"points\":123456789.99}",
                "{\"points\":123456789.99," EMPTY_REPEATED "}");
}

static void test_nested_and_repeated(void **state)
{
    (void) state;
    const char *in = "{\"item\":{\"leaf_code\":\"1.1\",\"score\":2.25},"
                     "\"items\":[{\"leaf_code\":\"2.4.1\",\"score\":1,\"note\":\"ghi chú\"},"
                     "{\"leaf_code\":\"2.4.2\"}],\"ids\":[1,2,3],\"tags\":[\"a\",\"bé\"],"
                     "\"poss\":[\"HEAD\",\"DEPUTY\"]}";
    s_roundtrip(in, "{\"item\":{\"leaf_code\":\"1.1\",\"score\":2.25},"
                    "\"items\":[{\"leaf_code\":\"2.4.1\",\"score\":1,\"note\":\"ghi chú\"},"
                    "{\"leaf_code\":\"2.4.2\"}],\"ids\":[1,2,3],\"tags\":[\"a\",\"bé\"],"
                    "\"marks\":[],\"poss\":[\"HEAD\",\"DEPUTY\"]}");
    cs_err e;
    Chiso__Gwtest__All *m = s_parse(in, &e);
    assert_non_null(m);
    assert_int_equal(m->n_items, 2);
    assert_int_equal(m->items[0]->score, 100);
    assert_false(m->items[1]->has_score);
    assert_int_equal(m->n_ids, 3);
    assert_int_equal(m->ids[2], 3);
    assert_int_equal(m->poss[1], CHISO__GWTEST__POSITION__DEPUTY);
    pbjson_free((ProtobufCMessage **) &m);
}

static void test_unknown_fields(void **state)
{
    (void) state;
    s_expect_error("{\"nope\":1}", "unknown_field", "nope");
    s_expect_error("{\"item\":{\"leaf_code\":\"x\",\"bogus\":true}}", "unknown_field", "item.bogus");
    s_expect_error("{\"items\":[{},{\"zz\":1}]}", "unknown_field", "items[1].zz");
    s_expect_error("{\"I64\":1}", "unknown_field", "I64");  /* names are case-sensitive */
}

static void test_wrong_types(void **state)
{
    (void) state;
    s_expect_error("{\"i64\":\"12\"}", "wrong_type", "i64");
    s_expect_error("{\"i64\":1.5}", "wrong_type", "i64");
    s_expect_error("{\"i32\":2147483648}", "wrong_type", "i32");
    s_expect_error("{\"u32\":-1}", "wrong_type", "u32");
    s_expect_error("{\"u64\":-1}", "wrong_type", "u64");
    s_expect_error("{\"flag\":1}", "wrong_type", "flag");
    s_expect_error("{\"flag\":\"true\"}", "wrong_type", "flag");
    s_expect_error("{\"text\":5}", "wrong_type", "text");
    s_expect_error("{\"text\":{}}", "wrong_type", "text");
    s_expect_error("{\"pos\":\"CHIEF\"}", "wrong_type", "pos");
    s_expect_error("{\"pos\":1}", "wrong_type", "pos");
    s_expect_error("{\"blob\":\"***\"}", "wrong_type", "blob");
    s_expect_error("{\"item\":[]}", "wrong_type", "item");
    s_expect_error("{\"items\":{}}", "wrong_type", "items");
    s_expect_error("{\"ids\":[1,null]}", "wrong_type", "ids[1]");
    s_expect_error("{\"tags\":[\"a\",2]}", "wrong_type", "tags[1]");
    s_expect_error("{\"fl\":\"1.5\"}", "wrong_type", "fl");
    s_expect_error("[1,2]", "wrong_type", NULL);
    s_expect_error("\"x\"", "malformed_json", NULL);   /* jansson: top level must be a container */
}

static void test_malformed(void **state)
{
    (void) state;
    s_expect_error("{", "malformed_json", NULL);
    s_expect_error("{\"i64\":1,}", "malformed_json", NULL);
    s_expect_error("{\"i64\":1} x", "malformed_json", NULL);
    s_expect_error("{\"i64\":1,\"i64\":2}", "malformed_json", NULL);   /* duplicate key */
    s_expect_error("{\"text\":\"a\\u0000b\"}", "malformed_json", NULL);  /* NUL inside */
    s_expect_error("{\"i64\":99999999999999999999}", "malformed_json", NULL);
}

static void test_invalid_utf8(void **state)
{
    (void) state;
    s_expect_error("{\"text\":\"\xC3\x28\"}", "invalid_utf8", NULL);
    s_expect_error("{\"text\":\"\xC0\xAF\"}", "invalid_utf8", NULL);       /* overlong '/' */
    s_expect_error("{\"text\":\"\xED\xA0\x80\"}", "invalid_utf8", NULL);   /* surrogate */
    s_expect_error("{\"text\":\"\xF4\x90\x80\x80\"}", "invalid_utf8", NULL); /* > U+10FFFF */
    s_expect_error("{\"text\":\"\xE1\xBB\"}", "invalid_utf8", NULL);       /* truncated */
    s_expect_error("{\"te\xFFxt\":1}", "invalid_utf8", NULL);              /* in a key */
    size_t at = 0;
    assert_false(pbjson_utf8_valid("ab\xFF", 3, &at));
    assert_int_equal(at, 2);
    assert_true(pbjson_utf8_valid("Đắk Lắk \xF0\x9F\x98\x80", strlen("Đắk Lắk \xF0\x9F\x98\x80"), NULL));
}

static void test_set_text(void **state)
{
    (void) state;
    cs_err e;
    ProtobufCMessage *m = pbjson_new(&chiso__gwtest__fill__descriptor);
    Chiso__Gwtest__Fill *f = (Chiso__Gwtest__Fill *) m;
    assert_int_equal(pbjson_set_text(m, "period_id", "42", &e), 0);
    assert_true(f->has_period_id);
    assert_int_equal(f->period_id, 42);
    assert_int_equal(pbjson_set_text(m, "leaf_code", "2.4.1", &e), 0);
    assert_int_equal(pbjson_set_text(m, "leaf_code", "2.4.2", &e), 0);   /* replaced */
    assert_string_equal(f->leaf_code, "2.4.2");
    assert_int_equal(pbjson_set_text(m, "flag", "true", &e), 0);
    assert_true(f->flag);
    assert_int_equal(pbjson_set_text(m, "score", "1.25", &e), 0);
    assert_int_equal(f->score, 125);
    assert_string_equal(pbjson_get_string(m, "leaf_code"), "2.4.2");
    assert_null(pbjson_get_string(m, "period_id"));

    assert_int_equal(pbjson_set_text(m, "agency_id", "12x", &e), -1);
    assert_string_equal(e.code, "wrong_type");
    assert_string_equal(e.field, "agency_id");
    assert_int_equal(pbjson_set_text(m, "agency_id", "", &e), -1);
    assert_int_equal(pbjson_set_text(m, "agency_id", "99999999999999999999", &e), -1);
    assert_int_equal(pbjson_set_text(m, "flag", "yes", &e), -1);
    assert_int_equal(pbjson_set_text(m, "score", "1.255", &e), -1);
    assert_string_equal(e.code, "invalid_points");
    assert_int_equal(pbjson_set_text(m, "nope", "1", &e), -1);
    assert_string_equal(e.code, "unknown_field");
    assert_string_equal(e.field, "nope");
    assert_int_equal(pbjson_set_text(m, "leaf_code", "\xFF", &e), -1);
    assert_string_equal(e.code, "invalid_utf8");
    assert_string_equal(e.field, "leaf_code");
    assert_false(f->has_agency_id);

    assert_non_null(pbjson_field(m->descriptor, "session_token", PROTOBUF_C_TYPE_STRING));
    assert_null(pbjson_field(m->descriptor, "session_token", PROTOBUF_C_TYPE_INT64));
    assert_null(pbjson_field(m->descriptor, "nope", -1));
    pbjson_free(&m);

    /* repeated fields take query values one at a time */
    m = pbjson_new(ALL);
    assert_int_equal(pbjson_set_text(m, "ids", "5", &e), 0);
    assert_int_equal(pbjson_set_text(m, "ids", "6", &e), 0);
    assert_int_equal(pbjson_set_text(m, "ids", "x", &e), -1);
    assert_int_equal(pbjson_set_text(m, "tags", "a", &e), 0);
    assert_int_equal(pbjson_set_text(m, "item", "a", &e), -1);
    assert_int_equal(((Chiso__Gwtest__All *) m)->n_ids, 2);
    assert_int_equal(((Chiso__Gwtest__All *) m)->ids[1], 6);
    assert_string_equal(((Chiso__Gwtest__All *) m)->tags[0], "a");
    pbjson_free(&m);
}

/* GW_RAW replies: the gateway reads the bytes field as it is, absent is NULL. */
static void test_get_bytes(void **state)
{
    (void) state;
    Chiso__Gwtest__All m = CHISO__GWTEST__ALL__INIT;
    size_t len = 99;
    assert_null(pbjson_get_bytes(&m.base, "blob", &len));
    assert_int_equal(len, 0);
    m.has_blob = 1;
    assert_non_null(pbjson_get_bytes(&m.base, "blob", &len));     /* present and empty */
    assert_int_equal(len, 0);
    static const uint8_t raw[] = {0x00, 0xff, 'a', 0x00};
    m.blob.data = (uint8_t *) raw;
    m.blob.len = sizeof raw;
    const uint8_t *b = pbjson_get_bytes(&m.base, "blob", &len);
    assert_int_equal(len, sizeof raw);
    assert_memory_equal(b, raw, sizeof raw);
    assert_null(pbjson_get_bytes(&m.base, "text", &len));          /* not a bytes field */
    assert_null(pbjson_get_bytes(&m.base, "nope", &len));
}

static void test_path_overrides_body(void **state)
{
    (void) state;
    cs_err e;
    ProtobufCMessage *m = NULL;
    const char *body = "{\"agency_id\":7,\"leaf_code\":\"x\"}";
    assert_int_equal(pbjson_parse(&chiso__gwtest__fill__descriptor, body, strlen(body), &m, &e), 0);
    assert_int_equal(pbjson_set_text(m, "agency_id", "3", &e), 0);
    assert_int_equal(((Chiso__Gwtest__Fill *) m)->agency_id, 3);
    pbjson_free(&m);
}

/* Issue 10 item 5: a points literal with more than two decimals is refused whatever the
 * double it rounds to (0.99999999999999999999 is the double 1.0); the text decides. */
static void test_points_exact_literal(void **state)
{
    (void) state;
    s_expect_error("{\"points\":0.99999999999999999999}", "invalid_points", "points");
    s_expect_error("{\"points\":1.0000000000000000001}", "invalid_points", "points");
    s_expect_error("{\"points\":100.001e0}", "invalid_points", "points");
    s_expect_error("{\"points\":1E-3}", "invalid_points", "points");
    s_expect_error("{\"item\":{\"note\":\"1.999\",\"score\":2.000000000000000000001}}",
                   "invalid_points", "item.score");
    s_expect_error("{\"db\":0.333,\"marks\":[1.5,\"2\",2.999999999999999999999]}",
                   "invalid_points", "marks[2]");
    /* exact values are still accepted, also written with an exponent or trailing zeros;
     * other numbers (a double field, numbers inside strings) are not concerned */
    struct { const char *json; int64_t want; } ok[] = {
        {"{\"points\":1.005e2}", 10050}, {"{\"points\":17.5000000}", 1750},
        {"{\"points\":-0.10}", -10},     {"{\"points\":12.5E-1}", 125},
        {"{\"text\":\"0.99999999999999999999 \\\" 1.001\",\"db\":3.14159,\"points\":1}", 100},
    };
    cs_err e;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        Chiso__Gwtest__All *m = s_parse(ok[i].json, &e);
        if (!m) {
            print_error("%s: %s %s\n", ok[i].json, e.code, e.field);
            fail();
        }
        assert_int_equal(m->points, ok[i].want);
        pbjson_free((ProtobufCMessage **) &m);
    }
}

/* Issue 10 item 5: every string field has a maximum length (shown in the schema); names
 * with a bidi control or only white space are refused, from JSON and from text. */
static void test_text_rules(void **state)
{
    (void) state;
    char big[200];
    memset(big, 0, sizeof big);
    snprintf(big, sizeof big, "{\"item\":{\"leaf_code\":\"%065d\"}}", 0);
    s_expect_error(big, "text_too_long", "item.leaf_code");
    snprintf(big, sizeof big, "{\"item\":{\"leaf_code\":\"%064d\"}}", 0);
    cs_err e;
    Chiso__Gwtest__All *m = s_parse(big, &e);
    assert_non_null(m);
    pbjson_free((ProtobufCMessage **) &m);
    /* 64 Vietnamese letters are 64 characters, not 128 bytes */
    char viet[400] = "{\"item\":{\"leaf_code\":\"";
    for (int i = 0; i < 64; i++)
        strcat(viet, "ệ");
    strcat(viet, "\"}}");
    m = s_parse(viet, &e);
    assert_non_null(m);
    pbjson_free((ProtobufCMessage **) &m);

    ProtobufCMessage *f = pbjson_new(&chiso__gwtest__fill__descriptor);
    cs_err_clear(&e);
    assert_int_equal(pbjson_set_text(f, "file_name", "hoadon\u202Efdp.exe", &e), -1);
    assert_string_equal(e.code, "invalid_text");
    assert_string_equal(e.field, "file_name");
    assert_int_equal(pbjson_set_text(f, "file_name", "\u00A0 \u3000", &e), -1);
    assert_string_equal(e.code, "invalid_text");
    assert_int_equal(pbjson_set_text(f, "file_name", "Báo cáo 2025.pdf", &e), 0);
    /* a code may be only spaces as far as the gateway goes (the service says "required") */
    assert_int_equal(pbjson_set_text(f, "leaf_code", "  ", &e), 0);
    pbjson_free(&f);

    json_t *schemas = json_object();
    json_decref(pbjson_schema_ref(&chiso__gwtest__fill__descriptor, schemas));
    json_t *props = json_object_get(json_object_get(schemas, "chiso.gwtest.Fill"), "properties");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(props, "leaf_code"),
                                                        "maxLength")), 64);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(props, "file_name"),
                                                        "maxLength")), 255);
    json_decref(schemas);
}

static void test_schema(void **state)
{
    (void) state;
    json_t *schemas = json_object();
    json_t *ref = pbjson_schema_ref(ALL, schemas);
    assert_string_equal(json_string_value(json_object_get(ref, "$ref")),
                        "#/components/schemas/chiso.gwtest.All");
    json_t *all = json_object_get(schemas, "chiso.gwtest.All");
    assert_non_null(all);
    json_t *props = json_object_get(all, "properties");
    assert_string_equal(json_string_value(json_object_get(json_object_get(props, "items"), "type")), "array");
    assert_string_equal(json_string_value(json_object_get(json_object_get(props, "points"), "type")), "number");
    assert_string_equal(json_string_value(json_object_get(json_object_get(props, "i64"), "type")), "integer");
    assert_non_null(json_object_get(schemas, "chiso.gwtest.Item"));
    json_decref(ref);
    json_decref(schemas);
}

/* Mutations of valid documents (deterministic): every outcome is a message or one of the
 * documented 400 codes, never a crash or a leak (run under SANITIZER=address,undefined). */
static void test_mutations(void **state)
{
    (void) state;
    const char *seeds[] = {
        "{\"i32\":-5,\"points\":17.5,\"text\":\"Sở\",\"blob\":\"AAEC\",\"pos\":\"HEAD\"}",
        "{\"items\":[{\"leaf_code\":\"1.1\",\"score\":2.25}],\"ids\":[1,2],\"marks\":[0.5]}",
        "{\"item\":{\"note\":\"ghi chú\"},\"flag\":true,\"db\":1e3,\"u64\":18}",
    };
    const char *codes[] = {"malformed_json", "invalid_utf8", "unknown_field", "wrong_type",
                           "invalid_points", "text_too_long", "invalid_text"};
    const char alphabet[] = "{}[]\":,.-+0123456789eE truefalsnul\\\x80\xC3\xA1\xFF";
    uint32_t seed = 12345;
    int ok = 0, refused = 0;
    for (int round = 0; round < 20000; round++) {
        const char *src = seeds[round % 3];
        size_t n = strlen(src);
        char buf[512];
        memcpy(buf, src, n);
        int edits = 1 + (int) (round % 4);
        for (int k = 0; k < edits; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % n;
            seed = seed * 1103515245u + 12345u;
            char ch = alphabet[(seed >> 8) % (sizeof alphabet - 1)];
            switch ((seed >> 20) % 3) {
            case 0: buf[at] = ch; break;                                /* replace */
            case 1: if (n + 1 < sizeof buf) {                           /* insert */
                        memmove(buf + at + 1, buf + at, n - at); buf[at] = ch; n++; }
                    break;
            default: if (n > 1) { memmove(buf + at, buf + at + 1, n - at - 1); n--; } /* delete */
            }
        }
        cs_err e;
        ProtobufCMessage *m = NULL;
        cs_err_clear(&e);
        if (pbjson_parse(ALL, buf, n, &m, &e) == 0) {
            json_t *j = pbjson_to_json(m);          /* whatever was accepted renders back */
            char *txt = pbjson_dumps(j);
            assert_non_null(txt);
            free(txt);
            json_decref(j);
            pbjson_free(&m);
            ok++;
        } else {
            bool known = false;
            for (size_t c = 0; c < sizeof codes / sizeof codes[0]; c++)
                known = known || strcmp(e.code, codes[c]) == 0;
            if (!known || e.status != 400) {
                print_error("unexpected %d %s for %.*s\n", e.status, e.code, (int) n, buf);
                fail();
            }
            assert_null(m);
            refused++;
        }
    }
    assert_true(ok > 100);
    assert_true(refused > 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_scalar_both_ways),
        cmocka_unit_test(test_absent_and_null),
        cmocka_unit_test(test_points_values),
        cmocka_unit_test(test_points_output),
        cmocka_unit_test(test_nested_and_repeated),
        cmocka_unit_test(test_unknown_fields),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_set_text),
        cmocka_unit_test(test_get_bytes),
        cmocka_unit_test(test_path_overrides_body),
        cmocka_unit_test(test_schema),
        cmocka_unit_test(test_points_exact_literal),
        cmocka_unit_test(test_text_rules),
        cmocka_unit_test(test_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
