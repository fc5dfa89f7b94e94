/*  cs_phase: phase windows of a period, checked inside the caller's transaction. */
#include "cs_phase.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *phase;
    const char *vi;
    const char *en;
} s_phase_name;

static const s_phase_name s_names[] = {
    {"self_assessment", "tự đánh giá", "self-assessment"},
    {"appraisal_1", "thẩm định vòng 1", "appraisal, round 1"},
    {"explanation", "giải trình", "explanation"},
    {"appraisal_2", "thẩm định vòng 2", "appraisal, round 2"},
    {"leadership", "lãnh đạo chấm điểm", "leadership scoring"},
    {"survey", "điều tra xã hội học", "survey"},
    {"publication", "công bố kết quả", "publication"},
    {"appeal", "phúc tra, kiến nghị", "appeal"},
};

static const s_phase_name *s_find(const char *phase)
{
    if (!phase)
        return NULL;
    for (size_t i = 0; i < sizeof s_names / sizeof s_names[0]; i++)
        if (strcmp(s_names[i].phase, phase) == 0)
            return &s_names[i];
    return NULL;
}

const char *cs_phase_title_vi(const char *phase)
{
    const s_phase_name *n = s_find(phase);
    return n ? n->vi : (phase ? phase : "");
}

const char *cs_phase_title_en(const char *phase)
{
    const s_phase_name *n = s_find(phase);
    return n ? n->en : (phase ? phase : "");
}

bool cs_phase_valid(const char *phase)
{
    return s_find(phase) != NULL;
}

int cs_phase_period_exists(cs_call *c, long long period_id)
{
    const char *p[] = {cs_call_int(c, period_id)};
    PGresult *r = cs_call_exec(c, "SELECT 1 FROM catalog.periods WHERE id = $1", 1, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(cs_call_err(c), "period");
    return 0;
}

int cs_phase_not_scheduled(cs_err *e, const char *phase)
{
    return cs_err_set(e, 409, "phase_not_scheduled", "phase",
                      "Kỳ đánh giá chưa có lịch cho giai đoạn «%s».%.0s",
                      "The period has no schedule for the phase %.0s\"%s\".",
                      cs_phase_title_vi(phase), cs_phase_title_en(phase));
}

int cs_phase_require(cs_call *c, long long period_id, long long agency_id, const char *phase)
{
    cs_err *e = cs_call_err(c);
    const char *pid = cs_call_int(c, period_id);

    if (cs_phase_period_exists(c, period_id) != 0)
        return -1;

    /* An extension only ever lengthens the window for its agency: greatest() ignores the
     * NULL of "no extension". */
    const char *p2[] = {pid, phase, cs_call_int(c, agency_id)};
    PGresult *r = cs_call_exec(c,
        "SELECT (ph.opens_at <= now() AND now() < greatest(ph.closes_at, x.closes_at))"
        "  FROM catalog.phases ph"
        "  LEFT JOIN catalog.phase_extensions x ON x.period_id = ph.period_id"
        "       AND x.phase = ph.phase AND x.agency_id = $3"
        " WHERE ph.period_id = $1 AND ph.phase = $2", 3, p2);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_phase_not_scheduled(e, phase);
    if (strcmp(PQgetvalue(r, 0, 0), "t") == 0)
        return 0;

    /* Closed: say which phase is open now and until when, in the province's time zone. */
    const char *p3[] = {pid};
    r = cs_call_exec(c,
        "SELECT ph.phase, to_char(ph.closes_at AT TIME ZONE pr.time_zone, 'HH24:MI DD/MM/YYYY'),"
        "       pr.time_zone"
        "  FROM catalog.phases ph"
        "  JOIN catalog.periods pe ON pe.id = ph.period_id"
        "  JOIN catalog.provinces pr ON pr.id = pe.province_id"
        " WHERE ph.period_id = $1 AND ph.opens_at <= now() AND now() < ph.closes_at"
        " ORDER BY ph.opens_at, ph.phase LIMIT 1", 1, p3);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_set(e, 409, "phase_closed", "phase",
                          "Giai đoạn «%s» không mở lúc này; hiện không có giai đoạn nào đang mở.%.0s",
                          "The phase %.0s\"%s\" is not open now; no phase is open at the moment.",
                          cs_phase_title_vi(phase), cs_phase_title_en(phase));
    const char *open = PQgetvalue(r, 0, 0);
    const char *until = PQgetvalue(r, 0, 1);
    const char *tz = PQgetvalue(r, 0, 2);
    /* Both messages consume the same arguments: each skips the other language's names. */
    cs_err_set(e, 409, "phase_closed", "phase",
               "Giai đoạn «%s»%.0s không mở lúc này; giai đoạn đang mở: «%s»%.0s, đến %s (%s).",
               "The phase %.0s\"%s\" is not open now; open now: %.0s\"%s\", until %s (%s).",
               cs_phase_title_vi(phase), cs_phase_title_en(phase),
               cs_phase_title_vi(open), cs_phase_title_en(open), until, tz);
    cs_err_detail(e, "open_phase=%s", open);
    return -1;
}

int cs_time_check(cs_err *e, const char *field, int64_t t)
{
    if (t >= 0 && t <= CS_TIME_MAX)
        return 0;
    return cs_err_set(e, 400, "invalid_time", field,
                      "Thời điểm %s ngoài khoảng cho phép (1970-01-01 đến 9999-12-31).",
                      "%s is outside the allowed range (1970-01-01 to 9999-12-31).", field);
}
