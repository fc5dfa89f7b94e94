/*  pbjson: generic JSON <-> protobuf over protobuf-c descriptors. See pbjson.h. */
#include "pbjson.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_points.h"
#include "textrules.h"

/* ---------------------------------------------------------------------------------- */
/* UTF-8                                                                               */

bool pbjson_utf8_valid(const char *str, size_t n, size_t *bad_at)
{
    const unsigned char *s = (const unsigned char *) str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len;
        unsigned cp;
        if (c < 0x80) { i++; continue; }
        else if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
        else goto bad;
        if (i + len > n)
            goto bad;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                goto bad;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        /* overlong forms, UTF-16 surrogates, beyond Unicode */
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            goto bad;
        i += len;
        continue;
    bad:
        if (bad_at)
            *bad_at = i;
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------------------------- */
/* messages                                                                            */

ProtobufCMessage *pbjson_new(const ProtobufCMessageDescriptor *d)
{
    ProtobufCMessage *m = malloc(d->sizeof_message);
    if (!m)
        abort();
    d->message_init(m);
    return m;
}

void pbjson_free(ProtobufCMessage **m_p)
{
    if (m_p && *m_p) {
        protobuf_c_message_free_unpacked(*m_p, NULL);
        *m_p = NULL;
    }
}

const ProtobufCFieldDescriptor *pbjson_field(const ProtobufCMessageDescriptor *d,
                                             const char *name, int type)
{
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(d, name);
    if (f && type >= 0 && (int) f->type != type)
        return NULL;
    return f;
}

static void *s_slot(const ProtobufCMessage *m, unsigned offset)
{
    return (char *) m + offset;
}

static size_t s_elem_size(ProtobufCType t)
{
    switch (t) {
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32: case PROTOBUF_C_TYPE_ENUM:
        return 4;
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
        return 8;
    case PROTOBUF_C_TYPE_FLOAT:  return sizeof(float);
    case PROTOBUF_C_TYPE_DOUBLE: return sizeof(double);
    case PROTOBUF_C_TYPE_BOOL:   return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_STRING: return sizeof(char *);
    case PROTOBUF_C_TYPE_BYTES:  return sizeof(ProtobufCBinaryData);
    case PROTOBUF_C_TYPE_MESSAGE: return sizeof(ProtobufCMessage *);
    }
    return 0;
}

static bool s_is_points(const ProtobufCFieldDescriptor *f)
{
    return f->type == PROTOBUF_C_TYPE_SINT64;
}

/* Release what a singular slot holds (strings, bytes, sub-messages) before it is replaced. */
static void s_release(const ProtobufCFieldDescriptor *f, void *slot)
{
    if (f->type == PROTOBUF_C_TYPE_STRING) {
        char **p = slot;
        if (*p && *p != (const char *) f->default_value && *p != protobuf_c_empty_string)
            free(*p);
        *p = NULL;
    } else if (f->type == PROTOBUF_C_TYPE_BYTES) {
        ProtobufCBinaryData *b = slot;
        const ProtobufCBinaryData *def = f->default_value;
        if (b->data && (!def || b->data != def->data))
            free(b->data);
        b->data = NULL;
        b->len = 0;
    } else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
        ProtobufCMessage **p = slot;
        pbjson_free(p);
    }
}

/* Mark a singular field present. */
static void s_mark_present(ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
        *(uint32_t *) s_slot(m, f->quantifier_offset) = f->id;
    else if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->type != PROTOBUF_C_TYPE_STRING &&
             f->type != PROTOBUF_C_TYPE_MESSAGE && f->quantifier_offset)
        *(protobuf_c_boolean *) s_slot(m, f->quantifier_offset) = 1;
}

/* Room for one more element of a repeated field; returns the new element's slot. */
static void *s_append(ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
    size_t *count = s_slot(m, f->quantifier_offset);
    void **arr = s_slot(m, f->offset);
    size_t es = s_elem_size(f->type);
    char *grown = realloc(*arr, (*count + 1) * es);
    if (!grown)
        abort();
    memset(grown + *count * es, 0, es);
    *arr = grown;
    return grown + (*count)++ * es;
}

/* ---------------------------------------------------------------------------------- */
/* errors (messages in Vietnamese and English)                                         */

static int s_wrong_type(cs_err *e, const char *field, const char *expected)
{
    return cs_err_set(e, 400, "wrong_type", field,
                      "Trường \"%s\" sai kiểu dữ liệu (cần %s)",
                      "Field \"%s\" has the wrong type (expected %s)", field, expected);
}

static int s_invalid_points(cs_err *e, const char *field)
{
    return cs_err_set(e, 400, "invalid_points", field,
                      "Điểm ở trường \"%s\" không hợp lệ (số, tối đa hai chữ số thập phân)",
                      "Points in field \"%s\" are invalid (a number with at most two decimals)",
                      field);
}

static int s_unknown_field(cs_err *e, const char *field)
{
    return cs_err_set(e, 400, "unknown_field", field,
                      "Trường \"%s\" không tồn tại", "Unknown field \"%s\"", field);
}

static int s_invalid_utf8(cs_err *e, const char *field, size_t at)
{
    cs_err_set(e, 400, "invalid_utf8", field,
               "Dữ liệu không phải UTF-8 hợp lệ (byte %zu)",
               "Data is not valid UTF-8 (at byte %zu)", at);
    return -1;
}

static const char *s_type_name(const ProtobufCFieldDescriptor *f)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_SINT64: return "points";
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SFIXED64:
        return "integer";
    case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
        return "non-negative integer";
    case PROTOBUF_C_TYPE_FLOAT: case PROTOBUF_C_TYPE_DOUBLE: return "number";
    case PROTOBUF_C_TYPE_BOOL: return "boolean";
    case PROTOBUF_C_TYPE_ENUM: return "enum name";
    case PROTOBUF_C_TYPE_STRING: return "string";
    case PROTOBUF_C_TYPE_BYTES: return "base64 string";
    case PROTOBUF_C_TYPE_MESSAGE: return "object";
    }
    return "?";
}

/* ---------------------------------------------------------------------------------- */
/* typed values                                                                        */

/* An integer of type t (not points) into slot; false when out of range for t. */
static bool s_store_int(ProtobufCType t, void *slot, json_int_t v)
{
    switch (t) {
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
        if (v < INT32_MIN || v > INT32_MAX) return false;
        *(int32_t *) slot = (int32_t) v;
        return true;
    case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
        if (v < 0 || v > (json_int_t) UINT32_MAX) return false;
        *(uint32_t *) slot = (uint32_t) v;
        return true;
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SFIXED64:
        *(int64_t *) slot = (int64_t) v;
        return true;
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
        if (v < 0) return false;
        *(uint64_t *) slot = (uint64_t) v;
        return true;
    default:
        return false;
    }
}

static bool s_is_int_type(ProtobufCType t)
{
    switch (t) {
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
        return true;
    default:
        return false;
    }
}

/* Points from a JSON real: the double must be exactly what a decimal with at most two
 * decimals parses to (17.5, 0.29), so "17.505" — which no 2-decimal text reproduces — is
 * refused. The shortest such text then goes through the exact integer parser. */
static int s_points_from_real(double d, int64_t *out)
{
    if (!isfinite(d))
        return -1;
    for (int k = 0; k <= 2; k++) {
        char buf[400];
        int n = snprintf(buf, sizeof buf, "%.*f", k, d);
        if (n <= 0 || (size_t) n >= sizeof buf)
            return -1;
        if (strtod(buf, NULL) == d)
            return cs_points_parse(buf, out);
    }
    return -1;
}

static int s_base64_decode(const char *s, ProtobufCBinaryData *b)
{
    size_t len = strlen(s);
    size_t cap = len / 4 * 3 + 3;
    uint8_t *buf = malloc(cap ? cap : 1);
    size_t bin_len = 0;
    const char *end = NULL;
    if (!buf)
        abort();
    if (sodium_base642bin(buf, cap, s, len, NULL, &bin_len, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 || end != s + len) {
        free(buf);
        return -1;
    }
    b->data = buf;
    b->len = bin_len;
    return 0;
}

static char *s_strdup(const char *s)
{
    char *d = strdup(s);
    if (!d)
        abort();
    return d;
}

/* The JSON reals of the document being parsed whose literal has more than two decimals
 * (0.99999999999999999999, 1.005): jansson keeps only the double, which may round to a
 * value with two decimals (1.0), so the literals are read from the text itself. Set by
 * pbjson_parse for the time of one fill (one thread). */
static _Thread_local const json_t *const *tl_inexact;
static _Thread_local size_t tl_n_inexact;

static bool s_inexact_literal(const json_t *v)
{
    for (size_t i = 0; i < tl_n_inexact; i++)
        if (tl_inexact[i] == v)
            return true;
    return false;
}

/* True when the number literal s[0..n) has more than two decimals once its exponent is
 * applied and trailing zeros dropped ("17.50" and "1.005e2" have two, "1.005" three). */
static bool s_literal_inexact(const char *s, size_t n)
{
    size_t i = 0, frac = 0, zeros = 0;
    long exp10 = 0;
    if (i < n && s[i] == '-')
        i++;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i < n && s[i] == '.') {
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            frac++;
            zeros = s[i] == '0' ? zeros + 1 : 0;
        }
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        int sign = 1;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            sign = s[i++] == '-' ? -1 : 1;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            if (exp10 < 100000)
                exp10 = exp10 * 10 + (s[i] - '0');
        exp10 *= sign;
    }
    return (long) (frac - zeros) - exp10 > 2;
}

/* Number literals of a valid JSON text, in document order: for each, whether it is
 * inexact (above). Strings are skipped with their escapes. Returns the count; flags
 * (may be NULL) gets at most cap of them. */
static size_t s_scan_numbers(const char *t, size_t n, bool *flags, size_t cap)
{
    size_t count = 0;
    for (size_t i = 0; i < n;) {
        char c = t[i];
        if (c == '"') {
            for (i++; i < n && t[i] != '"'; i++)
                if (t[i] == '\\')
                    i++;
            i++;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            size_t start = i;
            while (i < n && strchr("+-.eE0123456789", t[i]) && t[i])
                i++;
            if (flags && count < cap)
                flags[count] = s_literal_inexact(t + start, i - start);
            count++;
        } else {
            i++;
        }
    }
    return count;
}

/* Walks v in document order (jansson keeps object keys in insertion order, and duplicate
 * keys are refused) collecting the numbers whose literal is flagged. */
static void s_collect_inexact(const json_t *v, const bool *flags, size_t n_flags, size_t *k,
                              const json_t **out, size_t *n_out)
{
    if (json_is_number(v)) {
        if (*k < n_flags && flags[*k])
            out[(*n_out)++] = v;
        (*k)++;
    } else if (json_is_object(v)) {
        const char *key;
        json_t *x;
        json_object_foreach((json_t *) v, key, x)
            s_collect_inexact(x, flags, n_flags, k, out, n_out);
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
            s_collect_inexact(x, flags, n_flags, k, out, n_out);
    }
}

static int s_fill_obj(ProtobufCMessage *m, const json_t *obj, const char *prefix, cs_err *e);

/* One JSON value into a value slot of field f (a singular slot or a repeated element). */
static int s_value_from_json(const ProtobufCFieldDescriptor *f, void *slot, const json_t *v,
                             const char *path, cs_err *e)
{
    if (s_is_points(f)) {
        int64_t p;
        if (json_is_integer(v)) {
            json_int_t i = json_integer_value(v);
            if (i > INT64_MAX / 100 || i < INT64_MIN / 100)
                return s_invalid_points(e, path);
            p = (int64_t) i * 100;
        } else if (json_is_real(v)) {
            if (s_inexact_literal(v) || s_points_from_real(json_real_value(v), &p) != 0)
                return s_invalid_points(e, path);
        } else if (json_is_string(v)) {
            if (cs_points_parse(json_string_value(v), &p) != 0)
                return s_invalid_points(e, path);
        } else {
            return s_wrong_type(e, path, s_type_name(f));
        }
        *(int64_t *) slot = p;
        return 0;
    }
    if (s_is_int_type(f->type)) {
        if (!json_is_integer(v) || !s_store_int(f->type, slot, json_integer_value(v)))
            return s_wrong_type(e, path, s_type_name(f));
        return 0;
    }
    switch (f->type) {
    case PROTOBUF_C_TYPE_FLOAT:
        if (!json_is_number(v)) return s_wrong_type(e, path, s_type_name(f));
        *(float *) slot = (float) json_number_value(v);
        return 0;
    case PROTOBUF_C_TYPE_DOUBLE:
        if (!json_is_number(v)) return s_wrong_type(e, path, s_type_name(f));
        *(double *) slot = json_number_value(v);
        return 0;
    case PROTOBUF_C_TYPE_BOOL:
        if (!json_is_boolean(v)) return s_wrong_type(e, path, s_type_name(f));
        *(protobuf_c_boolean *) slot = json_is_true(v);
        return 0;
    case PROTOBUF_C_TYPE_ENUM: {
        const ProtobufCEnumValue *ev;
        if (!json_is_string(v)) return s_wrong_type(e, path, s_type_name(f));
        ev = protobuf_c_enum_descriptor_get_value_by_name(f->descriptor, json_string_value(v));
        if (!ev) return s_wrong_type(e, path, s_type_name(f));
        *(int *) slot = ev->value;
        return 0;
    }
    case PROTOBUF_C_TYPE_STRING:
        if (!json_is_string(v)) return s_wrong_type(e, path, s_type_name(f));
        if (gw_text_check(f->name, path, json_string_value(v), json_string_length(v), e) != 0)
            return -1;
        *(char **) slot = s_strdup(json_string_value(v));
        return 0;
    case PROTOBUF_C_TYPE_BYTES:
        if (!json_is_string(v) || s_base64_decode(json_string_value(v), slot) != 0)
            return s_wrong_type(e, path, s_type_name(f));
        return 0;
    case PROTOBUF_C_TYPE_MESSAGE: {
        ProtobufCMessage *sub;
        if (!json_is_object(v)) return s_wrong_type(e, path, s_type_name(f));
        sub = pbjson_new(f->descriptor);
        *(ProtobufCMessage **) slot = sub;      /* owned by the parent from here on */
        return s_fill_obj(sub, v, path, e);
    }
    default:
        return s_wrong_type(e, path, s_type_name(f));
    }
}

static int s_fill_obj(ProtobufCMessage *m, const json_t *obj, const char *prefix, cs_err *e)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *) obj, key, v) {
        char path[256];
        const ProtobufCFieldDescriptor *f;
        if (prefix && *prefix)
            snprintf(path, sizeof path, "%s.%s", prefix, key);
        else
            snprintf(path, sizeof path, "%s", key);
        f = protobuf_c_message_descriptor_get_field_by_name(m->descriptor, key);
        if (!f)
            return s_unknown_field(e, path);
        if (json_is_null(v))
            continue;                                   /* null = absent */
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t i;
            json_t *el;
            if (!json_is_array(v))
                return s_wrong_type(e, path, "array");
            json_array_foreach(v, i, el) {
                char epath[300];
                snprintf(epath, sizeof epath, "%s[%zu]", path, i);
                if (json_is_null(el))
                    return s_wrong_type(e, epath, s_type_name(f));
                if (s_value_from_json(f, s_append(m, f), el, epath, e) != 0)
                    return -1;
            }
        } else {
            void *slot = s_slot(m, f->offset);
            s_release(f, slot);
            if (s_value_from_json(f, slot, v, path, e) != 0)
                return -1;
            s_mark_present(m, f);
        }
    }
    return 0;
}

int pbjson_fill(ProtobufCMessage *m, const json_t *obj, cs_err *e)
{
    if (!json_is_object(obj))
        return cs_err_set(e, 400, "wrong_type", NULL,
                          "Nội dung yêu cầu phải là một đối tượng JSON",
                          "The request body must be a JSON object%s", "");
    return s_fill_obj(m, obj, NULL, e);
}

int pbjson_parse(const ProtobufCMessageDescriptor *d, const char *body, size_t n,
                 ProtobufCMessage **out, cs_err *e)
{
    size_t bad;
    json_error_t jerr;
    json_t *root;
    ProtobufCMessage *m;

    *out = NULL;
    if (!pbjson_utf8_valid(body, n, &bad))
        return s_invalid_utf8(e, NULL, bad);
    m = pbjson_new(d);
    if (n == 0) {
        *out = m;
        return 0;
    }
    root = json_loadb(body, n, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        pbjson_free(&m);
        cs_err_set(e, 400, "malformed_json", NULL,
                   "JSON không hợp lệ tại dòng %d, cột %d",
                   "Malformed JSON at line %d, column %d", jerr.line, jerr.column);
        cs_err_detail(e, "%s", jerr.text);
        return -1;
    }
    size_t n_num = s_scan_numbers(body, n, NULL, 0);
    bool *flags = calloc(n_num + 1, sizeof *flags);
    const json_t **inexact = calloc(n_num + 1, sizeof *inexact);
    if (!flags || !inexact)
        abort();
    s_scan_numbers(body, n, flags, n_num);
    size_t k = 0, n_inexact = 0;
    s_collect_inexact(root, flags, n_num, &k, inexact, &n_inexact);
    tl_inexact = inexact;
    tl_n_inexact = n_inexact;
    int rc = pbjson_fill(m, root, e);
    tl_inexact = NULL;
    tl_n_inexact = 0;
    free(flags);
    free(inexact);
    json_decref(root);
    if (rc != 0) {
        pbjson_free(&m);
        return -1;
    }
    *out = m;
    return 0;
}

/* ---------------------------------------------------------------------------------- */
/* text (path and query parameters)                                                    */

static bool s_parse_i64(const char *s, long long *v)
{
    char *end;
    if (!*s || !(*s == '-' || (*s >= '0' && *s <= '9')))
        return false;
    errno = 0;
    *v = strtoll(s, &end, 10);
    return errno == 0 && *end == '\0';
}

static int s_value_from_text(const ProtobufCFieldDescriptor *f, void *slot, const char *t,
                             const char *name, cs_err *e)
{
    size_t bad;
    if (!pbjson_utf8_valid(t, strlen(t), &bad))
        return s_invalid_utf8(e, name, bad);
    if (s_is_points(f)) {
        int64_t p;
        if (cs_points_parse(t, &p) != 0)
            return s_invalid_points(e, name);
        *(int64_t *) slot = p;
        return 0;
    }
    if (s_is_int_type(f->type)) {
        long long v;
        if (f->type == PROTOBUF_C_TYPE_UINT64 || f->type == PROTOBUF_C_TYPE_FIXED64) {
            char *end;
            if (!*t || *t < '0' || *t > '9')
                return s_wrong_type(e, name, s_type_name(f));
            errno = 0;
            unsigned long long u = strtoull(t, &end, 10);
            if (errno || *end)
                return s_wrong_type(e, name, s_type_name(f));
            *(uint64_t *) slot = u;
            return 0;
        }
        if (!s_parse_i64(t, &v) || !s_store_int(f->type, slot, v))
            return s_wrong_type(e, name, s_type_name(f));
        return 0;
    }
    switch (f->type) {
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_DOUBLE: {
        char *end;
        double d;
        errno = 0;
        d = strtod(t, &end);
        if (!*t || *end || errno || !isfinite(d))
            return s_wrong_type(e, name, s_type_name(f));
        if (f->type == PROTOBUF_C_TYPE_FLOAT)
            *(float *) slot = (float) d;
        else
            *(double *) slot = d;
        return 0;
    }
    case PROTOBUF_C_TYPE_BOOL:
        if (!strcmp(t, "true") || !strcmp(t, "1"))
            *(protobuf_c_boolean *) slot = 1;
        else if (!strcmp(t, "false") || !strcmp(t, "0"))
            *(protobuf_c_boolean *) slot = 0;
        else
            return s_wrong_type(e, name, s_type_name(f));
        return 0;
    case PROTOBUF_C_TYPE_ENUM: {
        const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value_by_name(f->descriptor, t);
        if (!ev) return s_wrong_type(e, name, s_type_name(f));
        *(int *) slot = ev->value;
        return 0;
    }
    case PROTOBUF_C_TYPE_STRING:
        if (gw_text_check(f->name, name, t, strlen(t), e) != 0)
            return -1;
        *(char **) slot = s_strdup(t);
        return 0;
    case PROTOBUF_C_TYPE_BYTES:
        if (s_base64_decode(t, slot) != 0)
            return s_wrong_type(e, name, s_type_name(f));
        return 0;
    default:
        return s_wrong_type(e, name, "object");
    }
}

int pbjson_set_text(ProtobufCMessage *m, const char *name, const char *text, cs_err *e)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(m->descriptor, name);
    if (!f)
        return s_unknown_field(e, name);
    if (f->type == PROTOBUF_C_TYPE_MESSAGE)
        return s_wrong_type(e, name, "object");
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
        /* append only when the text is good: parse into a scratch slot first */
        union { int64_t i; double d; void *p; ProtobufCBinaryData b; } tmp;
        memset(&tmp, 0, sizeof tmp);
        if (s_value_from_text(f, &tmp, text, name, e) != 0)
            return -1;
        memcpy(s_append(m, f), &tmp, s_elem_size(f->type));
        return 0;
    }
    void *slot = s_slot(m, f->offset);
    s_release(f, slot);
    if (s_value_from_text(f, slot, text, name, e) != 0)
        return -1;
    s_mark_present(m, f);
    return 0;
}

const char *pbjson_get_string(const ProtobufCMessage *m, const char *name)
{
    const ProtobufCFieldDescriptor *f = pbjson_field(m->descriptor, name, PROTOBUF_C_TYPE_STRING);
    if (!f || f->label == PROTOBUF_C_LABEL_REPEATED)
        return NULL;
    return *(char *const *) s_slot(m, f->offset);
}

const uint8_t *pbjson_get_bytes(const ProtobufCMessage *m, const char *name, size_t *len)
{
    const ProtobufCFieldDescriptor *f = pbjson_field(m->descriptor, name, PROTOBUF_C_TYPE_BYTES);
    *len = 0;
    if (!f || f->label == PROTOBUF_C_LABEL_REPEATED)
        return NULL;
    if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset &&
        !*(const protobuf_c_boolean *) s_slot(m, f->quantifier_offset))
        return NULL;
    const ProtobufCBinaryData *b = s_slot(m, f->offset);
    *len = b->len;
    return b->data ? b->data : (const uint8_t *) "";
}

/* ---------------------------------------------------------------------------------- */
/* output                                                                              */

static json_t *s_value_to_json(const ProtobufCFieldDescriptor *f, const void *slot)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_SINT64: {
        int64_t v = *(const int64_t *) slot;
        if (v % 100 == 0)
            return json_integer(v / 100);
        /* the dump precision (pbjson_dumps) prints this back as the 2-decimal text */
        return json_real((double) v / 100.0);
    }
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
        return json_integer(*(const int32_t *) slot);
    case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
        return json_integer(*(const uint32_t *) slot);
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SFIXED64:
        return json_integer(*(const int64_t *) slot);
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
        return json_integer((json_int_t) *(const uint64_t *) slot);
    case PROTOBUF_C_TYPE_FLOAT:
        return json_real(*(const float *) slot);
    case PROTOBUF_C_TYPE_DOUBLE:
        return json_real(*(const double *) slot);
    case PROTOBUF_C_TYPE_BOOL:
        return json_boolean(*(const protobuf_c_boolean *) slot);
    case PROTOBUF_C_TYPE_ENUM: {
        int v = *(const int *) slot;
        const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(f->descriptor, v);
        return ev ? json_string(ev->name) : json_integer(v);
    }
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(char *const *) slot;
        /* a service may hand back bytes that are not UTF-8: never emit invalid JSON */
        json_t *j = json_string(s ? s : "");
        return j ? j : json_string("\xEF\xBF\xBD");
    }
    case PROTOBUF_C_TYPE_BYTES: {
        const ProtobufCBinaryData *b = slot;
        size_t cap = sodium_base64_ENCODED_LEN(b->len, sodium_base64_VARIANT_ORIGINAL);
        char *buf = malloc(cap);
        json_t *j;
        if (!buf)
            abort();
        sodium_bin2base64(buf, cap, b->data ? b->data : (const unsigned char *) "", b->len,
                          sodium_base64_VARIANT_ORIGINAL);
        j = json_string(buf);
        free(buf);
        return j;
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessage *sub = *(ProtobufCMessage *const *) slot;
        return sub ? pbjson_to_json(sub) : json_null();
    }
    }
    return json_null();
}

/* Whether a singular field holds a value. */
static bool s_present(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
    const void *slot = s_slot(m, f->offset);
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
        return *(const uint32_t *) s_slot(m, f->quantifier_offset) == f->id;
    if (f->type == PROTOBUF_C_TYPE_STRING)
        return *(char *const *) slot != NULL;
    if (f->type == PROTOBUF_C_TYPE_MESSAGE)
        return *(ProtobufCMessage *const *) slot != NULL;
    if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset)
        return *(const protobuf_c_boolean *) s_slot(m, f->quantifier_offset);
    return true;    /* required, or proto3 plain field */
}

json_t *pbjson_to_json(const ProtobufCMessage *m)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    json_t *obj = json_object();
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *) s_slot(m, f->quantifier_offset);
            const char *arr = *(char *const *) s_slot(m, f->offset);
            size_t es = s_elem_size(f->type);
            json_t *a = json_array();
            for (size_t k = 0; k < n; k++)
                json_array_append_new(a, s_value_to_json(f, arr + k * es));
            json_object_set_new(obj, f->name, a);
        } else if (s_present(m, f)) {
            json_object_set_new(obj, f->name, s_value_to_json(f, s_slot(m, f->offset)));
        }
    }
    return obj;
}

char *pbjson_dumps(const json_t *j)
{
    /* 15 significant digits print v/100.0 back as its 2-decimal text for any points value
     * below 10^13 (17.5, 0.29 — not 0.28999999999999998). */
    return json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15) |
                         JSON_ENCODE_ANY);
}

/* ---------------------------------------------------------------------------------- */
/* OpenAPI schemas                                                                     */

json_t *pbjson_field_schema(const ProtobufCFieldDescriptor *f, json_t *schemas)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_SINT64:
        return json_pack("{s:s, s:f, s:s}", "type", "number", "multipleOf", 0.01,
                         "description", "points (at most two decimals)");
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
        return json_pack("{s:s, s:s}", "type", "integer", "format", "int32");
    case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
        return json_pack("{s:s, s:s, s:i}", "type", "integer", "format", "int32", "minimum", 0);
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SFIXED64:
        return json_pack("{s:s, s:s}", "type", "integer", "format", "int64");
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
        return json_pack("{s:s, s:s, s:i}", "type", "integer", "format", "int64", "minimum", 0);
    case PROTOBUF_C_TYPE_FLOAT: case PROTOBUF_C_TYPE_DOUBLE:
        return json_pack("{s:s}", "type", "number");
    case PROTOBUF_C_TYPE_BOOL:
        return json_pack("{s:s}", "type", "boolean");
    case PROTOBUF_C_TYPE_STRING:
        return json_pack("{s:s, s:I}", "type", "string", "maxLength",
                         (json_int_t) gw_text_max(f->name));
    case PROTOBUF_C_TYPE_BYTES:
        return json_pack("{s:s, s:s}", "type", "string", "format", "byte");
    case PROTOBUF_C_TYPE_ENUM: {
        const ProtobufCEnumDescriptor *ed = f->descriptor;
        json_t *vals = json_array();
        for (unsigned i = 0; i < ed->n_values; i++)
            json_array_append_new(vals, json_string(ed->values[i].name));
        return json_pack("{s:s, s:o}", "type", "string", "enum", vals);
    }
    case PROTOBUF_C_TYPE_MESSAGE:
        return pbjson_schema_ref(f->descriptor, schemas);
    }
    return json_object();
}

json_t *pbjson_schema_ref(const ProtobufCMessageDescriptor *d, json_t *schemas)
{
    char ref[512];
    snprintf(ref, sizeof ref, "#/components/schemas/%s", d->name);
    if (!json_object_get(schemas, d->name)) {
        json_t *props = json_object();
        json_t *schema = json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props,
                                   "additionalProperties", 0);
        /* placed before the fields so a message used twice is described once */
        json_object_set_new(schemas, d->name, schema);
        for (unsigned i = 0; i < d->n_fields; i++) {
            const ProtobufCFieldDescriptor *f = &d->fields[i];
            json_t *s = pbjson_field_schema(f, schemas);
            if (f->label == PROTOBUF_C_LABEL_REPEATED)
                s = json_pack("{s:s, s:o}", "type", "array", "items", s);
            json_object_set_new(props, f->name, s);
        }
    }
    return json_pack("{s:s}", "$ref", ref);
}
