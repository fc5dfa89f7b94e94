/*  Text rules by field name. See textrules.h. */
#include "textrules.h"

#include <string.h>
#include "cs_text.h"

typedef struct {
    const char *field;
    size_t max;
} s_rule;

/* Kept in step with the .proto files: a new string field gets GW_TEXT_DEFAULT until it is
 * listed here. Codes and dates are short; names fit a line; free texts a page or two. */
#define GW_TEXT_DEFAULT 1000
static const s_rule s_rules[] = {
    /* codes, keys, enumerations, dates */
    {"code", 64}, {"leaf_code", 64}, {"group_code", 64}, {"agency_code", 64},
    {"parent_code", 64}, {"phase", 64}, {"state", 64}, {"kind", 64}, {"band", 64},
    {"cchc_band", 64}, {"roles", 64}, {"lang", 16}, {"form", 64}, {"source", 64},
    {"auto_source", 64}, {"entity", 64}, {"action", 64}, {"respondent_group", 64},
    {"time_zone", 64}, {"prefix", 64}, {"number", 64}, {"decision_no", 64},
    {"issued_on", 32}, {"decided_on", 32}, {"from_date", 32}, {"to_date", 32},
    {"file_type", 128}, {"login", 64}, {"tags", 64}, {"service", 64}, {"rpc", 64},
    /* secrets and digests */
    {"password", 1024}, {"token", 128}, {"tokens", 128}, {"session_token", 128},
    {"api_key", 128}, {"file_sha256", 64}, {"sha256", 64}, {"idempotency_key", 128},
    /* names shown to people */
    {"name", 255}, {"full_name", 255}, {"title", 2000}, {"title_en", 2000}, {"agency_name", 255},
    {"leader_name", 255}, {"file_name", 255}, {"issuer", 255}, {"position", 255},
    /* free texts */
    {"note", 10000}, {"reason", 10000}, {"comment", 10000}, {"explanation", 10000},
    {"na_reason", 10000}, {"na_proposal", 10000}, {"text", 10000}, {"answer", 10000},
    {"question", 10000}, {"self_note", 10000}, {"round1_comment", 10000},
    {"round2_comment", 10000}, {"r1_comment", 10000}, {"r2_comment", 10000},
    {"guidance", 20000}, {"config", 65536},
    /* a CSV upload: the body's own cap (CHISO_MAX_BODY) is the real bound */
    {"csv", 64 * 1024 * 1024},
    /* a portal feed (GW_FEED): the upload cap (CHISO_MAX_UPLOAD) is the real bound */
    {"body", (size_t) 1 << 31},
    {"old_value", 65536}, {"new_value", 65536},
};

static const char *const s_names[] = {
    "name", "full_name", "title", "title_en", "agency_name", "leader_name", "file_name",
    "issuer", "position",
};

size_t gw_text_max(const char *field)
{
    for (size_t i = 0; field && i < sizeof s_rules / sizeof s_rules[0]; i++)
        if (strcmp(s_rules[i].field, field) == 0)
            return s_rules[i].max;
    return GW_TEXT_DEFAULT;
}

static int s_is_name(const char *field)
{
    for (size_t i = 0; field && i < sizeof s_names / sizeof s_names[0]; i++)
        if (strcmp(s_names[i], field) == 0)
            return 1;
    return 0;
}

int gw_text_check(const char *field, const char *path, const char *s, size_t n, cs_err *e)
{
    size_t max = gw_text_max(field);
    /* bytes bound the characters from above: count only when it could matter */
    if (n > max && cs_text_chars(s, n) > max)
        return cs_err_set(e, 400, "text_too_long", path ? path : field,
                          "Trường %s dài quá %zu ký tự.", "Field %s is longer than %zu characters.",
                          path ? path : field, max);
    if (s_is_name(field)) {
        if (cs_text_has_bidi(s, n))
            return cs_err_set(e, 400, "invalid_text", path ? path : field,
                              "Trường %s chứa ký tự điều khiển hướng chữ (bidi).",
                              "Field %s contains a bidirectional control character.",
                              path ? path : field);
        if (cs_text_only_spaces(s, n))
            return cs_err_set(e, 400, "invalid_text", path ? path : field,
                              "Trường %s chỉ có khoảng trắng.", "Field %s is only white space.",
                              path ? path : field);
    }
    return 0;
}
