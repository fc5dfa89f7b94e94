#include "surveys_collect.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cs_json.h"
#include "cs_pg.h"
#include "cs_phase.h"
#include "cs_text.h"
#include "likert.h"
#include "qr_svg.h"
#include "response_import.h"
#include "survey_import.h"
#include "surveys.pb-c.h"
#include "surveys_rpc.h"

#define MAX_QUESTIONS   200
#define MAX_INVITATIONS 1000
#define TOKEN_BYTES     32

static const char *const s_groups[] = {"hdnd_province", "hdnd_commune", "business", "citizen"};

/* --- questionnaires ------------------------------------------------------------------- */

/* Questionnaires of a period (one, when id > 0) with their questions, into *out. */
static int s_load_questionnaires(cs_call *c, long long period_id, long long id,
                                 Chiso__Surveys__Questionnaire ***items, size_t *n_items)
{
    const char *prov = cs_call_int(c, cs_call_province(c));
    const char *p[] = {prov, cs_call_int(c, period_id), cs_call_int(c, id)};
    PGresult *r = cs_call_exec(c,
        "SELECT id, code, title, respondent_group, method, min_responses, coalesce(quota, 0),"
        "       extract(epoch FROM created_at)::bigint"
        "  FROM surveys.questionnaires"
        " WHERE province_id = $1 AND period_id = $2 AND ($3::bigint = 0 OR id = $3)"
        " ORDER BY code", 3, p);
    if (!r)
        return -1;
    PGresult *qr = cs_call_exec(c,
        "SELECT qu.questionnaire_id, qu.id, qu.position, qu.leaf_code, qu.text_vi"
        "  FROM surveys.questions qu JOIN surveys.questionnaires q ON q.id = qu.questionnaire_id"
        " WHERE q.province_id = $1 AND q.period_id = $2 AND ($3::bigint = 0 OR q.id = $3)"
        " ORDER BY qu.questionnaire_id, qu.position", 3, p);
    if (!qr)
        return -1;
    int n = PQntuples(r), nq = PQntuples(qr);
    Chiso__Surveys__Questionnaire **list =
        (Chiso__Surveys__Questionnaire **)cs_call_array(c, (size_t)n);
    for (int i = 0; i < n; i++) {
        Chiso__Surveys__Questionnaire *q = (Chiso__Surveys__Questionnaire *)cs_call_msg(
            c, &chiso__surveys__questionnaire__descriptor);
        q->has_id = true;
        q->id = cs_pg_ll(r, i, 0);
        q->has_period_id = true;
        q->period_id = period_id;
        q->code = PQgetvalue(r, i, 1);
        q->title = PQgetvalue(r, i, 2);
        q->respondent_group = PQgetvalue(r, i, 3);
        q->method = PQgetvalue(r, i, 4);
        q->has_min_responses = true;
        q->min_responses = (int32_t)cs_pg_ll(r, i, 5);
        q->has_quota = true;
        q->quota = (int32_t)cs_pg_ll(r, i, 6);
        q->has_created_at = true;
        q->created_at = cs_pg_ll(r, i, 7);
        int cnt = 0;
        for (int k = 0; k < nq; k++)
            cnt += cs_pg_ll(qr, k, 0) == q->id;
        q->questions = (Chiso__Surveys__Question **)cs_call_array(c, (size_t)cnt);
        for (int k = 0; k < nq; k++) {
            if (cs_pg_ll(qr, k, 0) != q->id)
                continue;
            Chiso__Surveys__Question *qu = (Chiso__Surveys__Question *)cs_call_msg(
                c, &chiso__surveys__question__descriptor);
            qu->has_id = true;
            qu->id = cs_pg_ll(qr, k, 1);
            qu->has_position = true;
            qu->position = (int32_t)cs_pg_ll(qr, k, 2);
            qu->leaf_code = PQgetvalue(qr, k, 3);
            qu->text = PQgetvalue(qr, k, 4);
            q->questions[q->n_questions++] = qu;
        }
        list[i] = q;
    }
    *items = list;
    *n_items = (size_t)n;
    return 0;
}

int surveys_create_questionnaire(cs_call *c, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
    const Chiso__Surveys__Questionnaire *in = (const Chiso__Surveys__Questionnaire *)in_;
    cs_err *e = cs_call_err(c);
    if (!surveys_is_writer(c))
        return cs_err_forbidden(e);
    if (!in->has_period_id || in->period_id <= 0)
        return cs_err_invalid(e, "period_id", "thiếu kỳ đánh giá", "period_id is required");
    /* the period first: another province's period does not exist, whatever the body says */
    if (cs_phase_period_exists(c, in->period_id) != 0)
        return -1;
    if (cs_text_blank(in->code))
        return cs_err_invalid(e, "code", "thiếu mã phiếu khảo sát", "code is required");
    if (cs_text_blank(in->title))
        return cs_err_invalid(e, "title", "thiếu tiêu đề", "title is required");
    bool group_ok = false;
    for (size_t i = 0; i < sizeof s_groups / sizeof s_groups[0]; i++)
        group_ok |= in->respondent_group && strcmp(in->respondent_group, s_groups[i]) == 0;
    if (!group_ok)
        return cs_err_invalid(e, "respondent_group",
                              "nhóm đối tượng phải là hdnd_province, hdnd_commune, business "
                              "hoặc citizen",
                              "respondent_group must be hdnd_province, hdnd_commune, business "
                              "or citizen");
    const char *method = in->method && *in->method ? in->method : "mean";
    if (strcmp(method, "mean") != 0 && strcmp(method, "share") != 0)
        return cs_err_invalid(e, "method", "phương pháp phải là mean hoặc share",
                              "method must be mean or share");
    int min_resp = in->has_min_responses ? in->min_responses : 1;
    if (min_resp < 1)
        return cs_err_invalid(e, "min_responses", "số phiếu tối thiểu phải từ 1",
                              "min_responses must be at least 1");
    if (in->has_quota && in->quota < 0)
        return cs_err_invalid(e, "quota", "hạn mức không được âm", "quota cannot be negative");
    if (in->n_questions == 0 || in->n_questions > MAX_QUESTIONS)
        return cs_err_invalid(e, "questions", "cần từ 1 đến 200 câu hỏi",
                              "between 1 and 200 questions are needed");

    const char *prov = cs_call_int(c, cs_call_province(c));
    const char *pid = cs_call_int(c, in->period_id);
    for (size_t i = 0; i < in->n_questions; i++) {
        const Chiso__Surveys__Question *q = in->questions[i];
        if (cs_text_blank(q->text))
            return cs_err_invalid(e, cs_call_printf(c, "questions[%zu].text", i),
                                  "thiếu nội dung câu hỏi", "the question text is missing");
        const char *pl[] = {prov, pid, q->leaf_code ? q->leaf_code : ""};
        PGresult *r = cs_call_exec(c,
            "SELECT 1 FROM catalog.period_leaves n"
            " WHERE n.province_id = $1 AND n.period_id = $2 AND n.code = $3"
            "   AND n.content = 3 LIMIT 1", 3, pl);
        if (!r)
            return -1;
        if (PQntuples(r) == 0)
            return cs_err_set(e, 400, "survey_unknown_leaf",
                              cs_call_printf(c, "questions[%zu].leaf_code", i),
                              "\"%s\" không phải tiêu chí lá của nội dung 3 trong các bộ chỉ số "
                              "của kỳ", "\"%s\" is not a content-3 leaf of the period's index sets",
                              q->leaf_code ? q->leaf_code : "");
    }

    const char *pq[] = {prov, pid, in->code, in->title, in->respondent_group, method,
                        cs_call_int(c, min_resp),
                        in->has_quota && in->quota > 0 ? cs_call_int(c, in->quota) : NULL,
                        cs_call_int(c, cs_call_user(c))};
    PGresult *r = cs_call_exec(c,
        "INSERT INTO surveys.questionnaires (province_id, period_id, code, title,"
        "    respondent_group, method, min_responses, quota, created_by)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id", 9, pq);
    if (!r)
        return -1;
    long long qid = cs_pg_ll(r, 0, 0);
    for (size_t i = 0; i < in->n_questions; i++) {
        const char *pi[] = {prov, cs_call_int(c, qid), cs_call_int(c, (long long)i + 1),
                            in->questions[i]->leaf_code, in->questions[i]->text};
        if (!cs_call_exec(c,
                "INSERT INTO surveys.questions (province_id, questionnaire_id, position,"
                "                               leaf_code, text_vi)"
                " VALUES ($1, $2, $3, $4, $5)", 5, pi))
            return -1;
    }
    if (cs_call_audit(c, "questionnaire", qid, "create", NULL,
                      cs_call_printf(c, "{\"period_id\": %lld, \"code\": %s, \"questions\": %zu}",
                                     (long long)in->period_id, cs_json_quote(c, in->code),
                                     in->n_questions), NULL) != 0)
        return -1;

    Chiso__Surveys__Questionnaire **items;
    size_t n;
    if (s_load_questionnaires(c, in->period_id, qid, &items, &n) != 0)
        return -1;
    *out = &items[0]->base;
    return 0;
}

int surveys_list_questionnaires(cs_call *c, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
    const Chiso__Surveys__ListQuestionnairesRequest *in =
        (const Chiso__Surveys__ListQuestionnairesRequest *)in_;
    cs_err *e = cs_call_err(c);
    if (!surveys_is_writer(c) && !(cs_call_province(c) && cs_call_has_role(c, "viewer")))
        return cs_err_forbidden(e);
    if (!in->has_period_id || in->period_id <= 0)
        return cs_err_invalid(e, "period_id", "thiếu kỳ đánh giá", "period_id is required");
    if (cs_phase_period_exists(c, in->period_id) != 0)
        return -1;
    Chiso__Surveys__QuestionnaireList *l = (Chiso__Surveys__QuestionnaireList *)cs_call_msg(
        c, &chiso__surveys__questionnaire_list__descriptor);
    if (s_load_questionnaires(c, in->period_id, 0, &l->items, &l->n_items) != 0)
        return -1;
    *out = &l->base;
    return 0;
}

/* --- invitations ---------------------------------------------------------------------- */

/* The printed link's start: an http(s) URL of printable ASCII (the token is appended). */
static int s_check_link_base(cs_err *e, const char *base)
{
    size_t n = strlen(base);
    bool scheme = strncmp(base, "https://", 8) == 0 || strncmp(base, "http://", 7) == 0;
    bool printable = true;
    for (size_t i = 0; i < n; i++)
        printable = printable && base[i] > ' ' && base[i] < 0x7f;
    if (!scheme || !printable || n > 512)
        return cs_err_invalid(e, "link_base",
                              "đầu liên kết phải là địa chỉ http(s) không có khoảng trắng, tối đa 512 ký tự",
                              "link_base must be an http(s) address without spaces, at most 512 characters");
    return 0;
}

/* Each token's link and the link's QR code (the printable sheet). */
static int s_links(cs_call *c, const char *base, Chiso__Surveys__InvitationsReply *rep)
{
    rep->links = (Chiso__Surveys__InvitationLink **)cs_call_array(c, rep->n_tokens);
    for (size_t i = 0; i < rep->n_tokens; i++) {
        Chiso__Surveys__InvitationLink *l = (Chiso__Surveys__InvitationLink *)cs_call_msg(
            c, &chiso__surveys__invitation_link__descriptor);
        l->token = rep->tokens[i];
        l->link = cs_call_printf(c, "%s%s", base, rep->tokens[i]);
        char *svg = NULL;
        if (qr_svg(l->link, &svg, NULL, cs_call_err(c)) != 0)
            return -1;
        l->qr_svg = cs_call_strdup(c, svg);
        free(svg);
        rep->links[rep->n_links++] = l;
    }
    return 0;
}

int surveys_create_invitations(cs_call *c, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
    const Chiso__Surveys__InvitationsRequest *in =
        (const Chiso__Surveys__InvitationsRequest *)in_;
    cs_err *e = cs_call_err(c);
    if (!surveys_is_writer(c))
        return cs_err_forbidden(e);
    int count = in->has_count ? in->count : 1;
    if (count < 1 || count > MAX_INVITATIONS)
        return cs_err_invalid(e, "count", "số lời mời phải từ 1 đến 1000",
                              "count must be between 1 and 1000");
    if (in->has_expires_at && cs_time_check(e, "expires_at", in->expires_at) < 0)
        return -1;
    if (in->has_expires_at && in->expires_at <= (int64_t)time(NULL))
        return cs_err_invalid(e, "expires_at", "thời hạn phải ở tương lai",
                              "expires_at must be in the future");
    if (in->link_base && s_check_link_base(e, in->link_base) != 0)
        return -1;
    const char *prov = cs_call_int(c, cs_call_province(c));
    const char *qid = cs_call_int(c, in->has_questionnaire_id ? in->questionnaire_id : 0);
    const char *aid = cs_call_int(c, in->has_agency_id ? in->agency_id : 0);
    const char *pq[] = {prov, qid};
    PGresult *r = cs_call_exec(c,
        "SELECT 1 FROM surveys.questionnaires WHERE province_id = $1 AND id = $2", 2, pq);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(e, "questionnaire");
    const char *pa[] = {prov, aid};
    r = cs_call_exec(c, "SELECT 1 FROM catalog.agencies WHERE province_id = $1 AND id = $2 AND active",
                     2, pa);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_set(e, 400, "unknown_agency", "agency_id",
                          "Không có cơ quan %lld trong tỉnh", "There is no agency %lld in the province",
                          (long long)in->agency_id);

    /* Tokens: 32 random bytes, base64url; the store keeps only their SHA-256. */
    Chiso__Surveys__InvitationsReply *rep = (Chiso__Surveys__InvitationsReply *)cs_call_msg(
        c, &chiso__surveys__invitations_reply__descriptor);
    rep->tokens = (char **)cs_call_array(c, (size_t)count);
    size_t hashes_len = (size_t)count * 66 + 3;
    char *hashes = cs_call_alloc(c, hashes_len), *w = hashes;
    *w++ = '{';
    for (int i = 0; i < count; i++) {
        unsigned char raw[TOKEN_BYTES];
        randombytes_buf(raw, sizeof raw);
        size_t tlen = sodium_base64_ENCODED_LEN(sizeof raw,
                                                sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        char *tok = cs_call_alloc(c, tlen);
        sodium_bin2base64(tok, tlen, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        rep->tokens[rep->n_tokens++] = tok;
        const char *hex = surveys_sha256_hex(c, tok, strlen(tok));
        w += sprintf(w, "%s%s", i ? "," : "", hex);
    }
    *w++ = '}';
    *w = '\0';
    const char *pi[] = {prov, qid, aid, hashes,
                        in->has_expires_at ? cs_call_int(c, in->expires_at) : NULL};
    if (!cs_call_exec(c,
            "INSERT INTO surveys.invitations (province_id, questionnaire_id, agency_id,"
            "                                 token_hash, expires_at)"
            " SELECT $1, $2, $3, decode(h, 'hex'), to_timestamp($5::bigint)"
            "   FROM unnest($4::text[]) AS h", 5, pi))
        return -1;
    if (cs_call_audit(c, "survey_invitations", in->questionnaire_id, "create", NULL,
                      cs_call_printf(c, "{\"agency_id\": %lld, \"count\": %d}",
                                     (long long)in->agency_id, count), NULL) != 0)
        return -1;
    if (in->link_base && s_links(c, in->link_base, rep) != 0)
        return -1;
    rep->has_questionnaire_id = true;
    rep->questionnaire_id = in->questionnaire_id;
    rep->has_agency_id = true;
    rep->agency_id = in->agency_id;
    *out = &rep->base;
    return 0;
}

/* --- answering (public) --------------------------------------------------------------- */

static const char *s_token_hash(cs_call *c, const char *token)
{
    if (cs_text_blank(token) || strlen(token) > 128) {
        cs_err_set(cs_call_err(c), 404, "survey_token_unknown", "token",
                   "Lời mời khảo sát không tồn tại", "No such survey invitation");
        return NULL;
    }
    return surveys_sha256_hex(c, token, strlen(token));
}

static int s_token_state(cs_call *c, const char *state)
{
    cs_err *e = cs_call_err(c);
    if (strcmp(state, "used") == 0)
        return cs_err_set(e, 409, "survey_token_used", "token",
                          "Lời mời này đã được dùng để trả lời",
                          "This invitation has already been answered");
    if (strcmp(state, "expired") == 0)
        return cs_err_set(e, 409, "survey_token_expired", "token",
                          "Lời mời này đã hết hạn", "This invitation has expired");
    if (strcmp(state, "quota_full") == 0)
        return cs_err_set(e, 409, "survey_quota_full", "token",
                          "Đã đủ số phiếu cho cơ quan này", "The quota for this agency is full");
    if (strcmp(state, "invalid_answers") == 0)
        return cs_err_set(e, 400, "survey_answers_invalid", "answers",
                          "Cần trả lời mỗi câu hỏi đúng một lần, bằng một số từ 1 đến 5",
                          "Every question needs exactly one answer, a number from 1 to 5");
    if (strcmp(state, "phase_closed") == 0)
        return cs_err_set(e, 409, "phase_closed", "phase",
                          "Đợt khảo sát không mở lúc này: không nhận câu trả lời",
                          "The survey is not open now: answers are not accepted");
    if (strcmp(state, "open") == 0 || strcmp(state, "ok") == 0)
        return 0;
    return cs_err_set(e, 404, "survey_token_unknown", "token",
                      "Lời mời khảo sát không tồn tại", "No such survey invitation");
}

int surveys_get_form(cs_call *c, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
    const Chiso__Surveys__FormRequest *in = (const Chiso__Surveys__FormRequest *)in_;
    const char *hash = s_token_hash(c, in->token);
    if (!hash)
        return -1;
    const char *p[] = {hash};
    PGresult *r = cs_call_exec(c, "SELECT * FROM surveys.form_by_token(decode($1, 'hex'))", 1, p);
    if (!r)
        return -1;
    int n = PQntuples(r);
    if (s_token_state(c, n ? PQgetvalue(r, 0, 0) : "unknown") != 0)
        return -1;
    Chiso__Surveys__SurveyForm *f = (Chiso__Surveys__SurveyForm *)cs_call_msg(
        c, &chiso__surveys__survey_form__descriptor);
    f->title = PQgetvalue(r, 0, 1);
    f->respondent_group = PQgetvalue(r, 0, 2);
    f->agency_name = PQgetvalue(r, 0, 3);
    f->questions = (Chiso__Surveys__Question **)cs_call_array(c, (size_t)n);
    for (int i = 0; i < n; i++) {
        if (PQgetisnull(r, i, 4))
            continue;
        Chiso__Surveys__Question *q = (Chiso__Surveys__Question *)cs_call_msg(
            c, &chiso__surveys__question__descriptor);
        q->has_id = true;
        q->id = cs_pg_ll(r, i, 4);
        q->has_position = true;
        q->position = (int32_t)cs_pg_ll(r, i, 5);
        q->text = PQgetvalue(r, i, 6);
        f->questions[f->n_questions++] = q;
    }
    *out = &f->base;
    return 0;
}

int surveys_submit_response(cs_call *c, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
    const Chiso__Surveys__ResponseRequest *in = (const Chiso__Surveys__ResponseRequest *)in_;
    cs_err *e = cs_call_err(c);
    const char *hash = s_token_hash(c, in->token);
    if (!hash)
        return -1;
    if (in->n_answers == 0 || in->n_answers > MAX_QUESTIONS)
        return cs_err_invalid(e, "answers", "cần ít nhất một câu trả lời",
                              "at least one answer is needed");
    char *ids = cs_call_alloc(c, in->n_answers * 22 + 3), *wi = ids;
    char *vals = cs_call_alloc(c, in->n_answers * 12 + 3), *wv = vals;
    *wi++ = '{';
    *wv++ = '{';
    for (size_t i = 0; i < in->n_answers; i++) {
        const Chiso__Surveys__Answer *a = in->answers[i];
        if (!a->has_value || a->value < 1 || a->value > 5)
            return cs_err_set(e, 400, "survey_answers_invalid",
                              cs_call_printf(c, "answers[%zu].value", i),
                              "Câu trả lời phải là một số từ 1 đến 5",
                              "An answer must be a number from 1 to 5");
        if (!a->has_question_id || a->question_id <= 0)
            return cs_err_set(e, 400, "survey_answers_invalid",
                              cs_call_printf(c, "answers[%zu].question_id", i),
                              "Thiếu mã câu hỏi", "question_id is missing");
        wi += sprintf(wi, "%s%lld", i ? "," : "", (long long)a->question_id);
        wv += sprintf(wv, "%s%d", i ? "," : "", (int)a->value);
    }
    *wi++ = '}';
    *wi = '\0';
    *wv++ = '}';
    *wv = '\0';
    const char *p[] = {hash, ids, vals};
    PGresult *r = cs_call_exec(c,
        "SELECT surveys.submit_response(decode($1, 'hex'), $2::bigint[], $3::int[])", 3, p);
    if (!r)
        return -1;
    if (s_token_state(c, PQgetvalue(r, 0, 0)) != 0)
        return -1;
    Chiso__Surveys__ResponseReply *rep = (Chiso__Surveys__ResponseReply *)cs_call_msg(
        c, &chiso__surveys__response_reply__descriptor);
    rep->has_accepted = true;
    rep->accepted = true;
    *out = &rep->base;
    return 0;
}

/* --- responses collected elsewhere ----------------------------------------------------- */

int surveys_import_responses(cs_call *c, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
    const Chiso__Surveys__ImportResponsesRequest *in =
        (const Chiso__Surveys__ImportResponsesRequest *)in_;
    cs_err *e = cs_call_err(c);
    if (!surveys_is_writer(c))
        return cs_err_forbidden(e);
    const char *prov = cs_call_int(c, cs_call_province(c));
    const char *qid = cs_call_int(c, in->has_questionnaire_id ? in->questionnaire_id : 0);
    const char *pq[] = {prov, qid};
    PGresult *r = cs_call_exec(c,
        "SELECT q.period_id, coalesce(q.quota, 0), count(qu.id)"
        "  FROM surveys.questionnaires q LEFT JOIN surveys.questions qu ON qu.questionnaire_id = q.id"
        " WHERE q.province_id = $1 AND q.id = $2 GROUP BY q.id", 2, pq);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(e, "questionnaire");
    long long period_id = cs_pg_ll(r, 0, 0), quota = cs_pg_ll(r, 0, 1);
    int nq = (int)cs_pg_ll(r, 0, 2);
    if (cs_phase_require(c, period_id, 0, "survey") != 0)
        return -1;
    PGresult *qr = cs_call_exec(c,
        "SELECT id FROM surveys.questions WHERE province_id = $1 AND questionnaire_id = $2"
        " ORDER BY position", 2, pq);
    if (!qr)
        return -1;
    PGresult *ar = cs_call_exec(c,
        "SELECT a.id, a.code, (SELECT count(*) FROM surveys.responses r"
        "                       WHERE r.questionnaire_id = $2 AND r.agency_id = a.id)"
        "  FROM catalog.agencies a WHERE a.province_id = $1 AND a.active", 2, pq);
    if (!ar)
        return -1;

    const char *csv = in->csv ? in->csv : "";
    response_import *ri = response_import_new(nq);
    cs_err pe;
    cs_err_clear(&pe);
    int rc = response_import_parse_csv(ri, csv, strlen(csv), &pe);
    if (rc != 0)
        *e = pe;
    size_t n = response_import_count(ri);
    int na = PQntuples(ar);
    long long *agency_of = cs_call_alloc(c, (n + 1) * sizeof *agency_of);
    long long *count = cs_call_alloc(c, ((size_t)na + 1) * sizeof *count);
    for (int k = 0; k < na; k++)
        count[k] = cs_pg_ll(ar, k, 2);
    /* Every line is checked before anything is written: known agency, quota per agency. */
    for (size_t i = 0; i < n && rc == 0; i++) {
        const response_row *row = response_import_row(ri, i);
        int k = 0;
        while (k < na && strcmp(PQgetvalue(ar, k, 1), row->agency_code) != 0)
            k++;
        if (k == na) {
            rc = cs_err_set(e, 400, "survey_unknown_agency", cs_call_printf(c, "line %d", row->line),
                            "Dòng %d: không có cơ quan mã \"%s\" trong tỉnh",
                            "Line %d: no agency with code \"%s\" in the province",
                            row->line, row->agency_code);
            break;
        }
        agency_of[i] = cs_pg_ll(ar, k, 0);
        if (quota > 0 && ++count[k] > quota)
            rc = cs_err_set(e, 409, "survey_quota_full", cs_call_printf(c, "line %d", row->line),
                            "Dòng %d: vượt hạn mức %lld phiếu của cơ quan %s",
                            "Line %d: over the quota of %lld responses for agency %s",
                            row->line, quota, row->agency_code);
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        const response_row *row = response_import_row(ri, i);
        char *vals = cs_call_alloc(c, (size_t)nq * 2 + 3), *w = vals;
        char *ids = cs_call_alloc(c, (size_t)nq * 22 + 3), *wi = ids;
        *w++ = '{';
        *wi++ = '{';
        for (int k = 0; k < nq; k++) {
            w += sprintf(w, "%s%d", k ? "," : "", row->values[k]);
            wi += sprintf(wi, "%s%s", k ? "," : "", PQgetvalue(qr, k, 0));
        }
        *w++ = '}';
        *w = '\0';
        *wi++ = '}';
        *wi = '\0';
        const char *pr[] = {prov, qid, cs_call_int(c, agency_of[i]), ids, vals};
        if (!cs_call_exec(c,
                "WITH r AS (INSERT INTO surveys.responses (province_id, questionnaire_id,"
                "                                          agency_id, source)"
                "           VALUES ($1, $2, $3, 'import') RETURNING id)"
                " INSERT INTO surveys.answers (response_id, province_id, question_id, likert)"
                " SELECT r.id, $1, x.q, x.v FROM r, unnest($4::bigint[], $5::int[]) AS x(q, v)",
                5, pr))
            rc = -1;
    }
    response_import_destroy(&ri);
    if (rc != 0)
        return -1;
    const char *sha = surveys_sha256_hex(c, csv, strlen(csv));
    if (cs_call_audit(c, "survey_responses_import", in->questionnaire_id, "import", NULL,
                      cs_call_printf(c, "{\"row_count\": %zu, \"sha256\": \"%s\"}", n, sha),
                      NULL) != 0)
        return -1;
    Chiso__Surveys__ImportResponsesReply *rep = (Chiso__Surveys__ImportResponsesReply *)
        cs_call_msg(c, &chiso__surveys__import_responses_reply__descriptor);
    rep->has_questionnaire_id = true;
    rep->questionnaire_id = in->questionnaire_id;
    rep->has_row_count = true;
    rep->row_count = (int32_t)n;
    rep->sha256 = (char *)sha;
    *out = &rep->base;
    return 0;
}

/* --- conversion ----------------------------------------------------------------------- */

int surveys_compute_points(cs_call *c, const ProtobufCMessage *in_, ProtobufCMessage **out)
{
    const Chiso__Surveys__ComputeRequest *in = (const Chiso__Surveys__ComputeRequest *)in_;
    cs_err *e = cs_call_err(c);
    if (!surveys_is_writer(c))
        return cs_err_forbidden(e);
    if (!in->has_period_id || in->period_id <= 0)
        return cs_err_invalid(e, "period_id", "thiếu kỳ đánh giá", "period_id is required");
    if (cs_phase_require(c, in->period_id, 0, "survey") != 0)
        return -1;

    survey_ref ref = {0};
    if (surveys_load_ref(c, in->period_id, &ref) != 0)
        return -1;
    /* Every agency+leaf invited or answered about (imported responses have no invitation),
     * with what was answered. */
    const char *p[] = {cs_call_int(c, cs_call_province(c)), cs_call_int(c, in->period_id)};
    PGresult *r = cs_call_exec(c,
        "WITH t AS ("
        "  SELECT x.agency_id, qu.leaf_code, max(q.min_responses) AS min_resp,"
        "         bool_and(q.method = 'share') AS share"
        "    FROM (SELECT questionnaire_id, agency_id FROM surveys.invitations"
        "          UNION SELECT questionnaire_id, agency_id FROM surveys.responses) x"
        "    JOIN surveys.questionnaires q ON q.id = x.questionnaire_id"
        "    JOIN surveys.questions qu ON qu.questionnaire_id = q.id"
        "   WHERE q.province_id = $1 AND q.period_id = $2"
        "   GROUP BY x.agency_id, qu.leaf_code),"
        " agg AS ("
        "  SELECT r.agency_id, qu.leaf_code, count(DISTINCT r.id) AS responses, count(*) AS n,"
        "         sum(an.likert) AS total, count(*) FILTER (WHERE an.likert >= 4) AS satisfied"
        "    FROM surveys.answers an"
        "    JOIN surveys.responses r ON r.id = an.response_id"
        "    JOIN surveys.questions qu ON qu.id = an.question_id"
        "    JOIN surveys.questionnaires q ON q.id = r.questionnaire_id"
        "   WHERE q.province_id = $1 AND q.period_id = $2"
        "   GROUP BY r.agency_id, qu.leaf_code)"
        " SELECT a.code, a.group_code, t.agency_id, t.leaf_code, coalesce(agg.responses, 0),"
        "        coalesce(agg.n, 0), coalesce(agg.total, 0), coalesce(agg.satisfied, 0),"
        "        t.share, t.min_resp"
        "   FROM t JOIN catalog.agencies a ON a.id = t.agency_id"
        "   LEFT JOIN agg ON agg.agency_id = t.agency_id AND agg.leaf_code = t.leaf_code"
        "  ORDER BY a.code, t.leaf_code", 2, p);
    if (!r)
        return -1;
    int n = PQntuples(r);
    Chiso__Surveys__ComputeReply *rep = (Chiso__Surveys__ComputeReply *)cs_call_msg(
        c, &chiso__surveys__compute_reply__descriptor);
    rep->flagged = (Chiso__Surveys__ComputeFlag **)cs_call_array(c, (size_t)n);
    rep->items = (Chiso__Surveys__SurveyPoint **)cs_call_array(c, (size_t)n);
    survey_import *si = survey_import_new(false);
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        const char *code = PQgetvalue(r, i, 0), *group = PQgetvalue(r, i, 1);
        long long agency_id = cs_pg_ll(r, i, 2);
        const char *leaf = PQgetvalue(r, i, 3);
        long long responses = cs_pg_ll(r, i, 4), answers = cs_pg_ll(r, i, 5);
        long long total = cs_pg_ll(r, i, 6), satisfied = cs_pg_ll(r, i, 7);
        bool share = strcmp(PQgetvalue(r, i, 8), "t") == 0;
        long long min_resp = cs_pg_ll(r, i, 9);

        /* Only leaves of the agency's own index set that apply to it get a value. */
        const survey_ref_leaf *lf = NULL;
        for (size_t k = 0; k < ref.n_leaves && !lf; k++)
            if (!strcmp(ref.leaves[k].group_code, group) && !strcmp(ref.leaves[k].leaf_code, leaf))
                lf = &ref.leaves[k];
        bool na = false;
        for (size_t k = 0; k < ref.n_na && !na; k++)
            na = ref.na[k].agency_id == agency_id && !strcmp(ref.na[k].leaf_code, leaf);
        if (!lf || na)
            continue;
        if (responses < min_resp || answers == 0) {
            Chiso__Surveys__ComputeFlag *f = (Chiso__Surveys__ComputeFlag *)cs_call_msg(
                c, &chiso__surveys__compute_flag__descriptor);
            f->agency_code = (char *)code;
            f->leaf_code = (char *)leaf;
            f->has_responses = true;
            f->responses = (int32_t)responses;
            f->has_min_responses = true;
            f->min_responses = (int32_t)min_resp;
            rep->flagged[rep->n_flagged++] = f;
            continue;
        }
        int64_t pts;
        rc = share ? likert_share_points(lf->max_points, satisfied, answers, &pts, e)
                   : likert_mean_points(lf->max_points, total, answers, &pts, e);
        if (rc != 0)
            break;
        cs_err ae;
        cs_err_clear(&ae);
        survey_import_add(si, code, leaf, true, pts, &ae);
        Chiso__Surveys__SurveyPoint *sp = (Chiso__Surveys__SurveyPoint *)cs_call_msg(
            c, &chiso__surveys__survey_point__descriptor);
        sp->agency_code = (char *)code;
        sp->leaf_code = (char *)leaf;
        sp->has_agency_id = true;
        sp->agency_id = agency_id;
        sp->has_points = true;
        sp->points = pts;
        rep->items[rep->n_items++] = sp;
    }
    if (rc == 0 && survey_import_count(si) > 0) {
        cs_err ve;
        cs_err_clear(&ve);
        if (survey_import_validate(si, &ref, &ve) != 0) {
            *e = ve;
            rc = -1;
        } else {
            char *canon = survey_import_canonical(si);
            const char *raw = cs_call_strdup(c, canon);
            free(canon);
            ProtobufCMessage *batch = NULL;
            rc = surveys_write_batch(c, in->period_id, si, "responses", raw, strlen(raw), &batch);
            rep->batch = (Chiso__Surveys__ImportBatch *)batch;
        }
    }
    survey_import_destroy(&si);
    if (rc != 0)
        return -1;
    *out = &rep->base;
    return 0;
}
