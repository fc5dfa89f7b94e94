/*  Self scores: bulk entry as JSON items or CSV (all or nothing), and the agency's view. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_phase.h"
#include "sub_access.h"
#include "sub_handlers.h"
#include "submissions.pb-c.h"

/* One entry to save, whatever the input format; where_* name it in errors. */
typedef struct {
    const char *leaf_code;
    bool has_score;
    int64_t score;
    const char *note;
    const char *where_vi, *where_en, *field;
} s_item;

/* What a save needs to know, read in one call that goes with BEGIN and the tenant (one round
 * trip; submissions.save_read, deploy/migrations/088_save_scores.sql): row 0 the agency's
 * group, the period, the phase window, the submission's state (its row locked first, so a
 * save and a submit of the agency serialise), rows 1..n per item its leaf, its N/A decision
 * and the stored score (locked). Errors come out in the order of the checks one by one;
 * their texts are made by the same helpers as before (cs_leaf, cs_phase, sub_require_draft),
 * which run their own queries only on that path. */
static const char SQL_SAVE_READ[] = "SELECT * FROM submissions.save_read($1, $2, $3::text[])";
enum { R_GROUP = 1, R_PERIOD, R_PHASE, R_STATE, R_CONTENT, R_MAX, R_STEP, R_NA, R_ID, R_SCORE,
       R_NOTE, R_AUTO };
/* The validated, changed items' writes and audit rows, in one call that goes with COMMIT. */
static const char SQL_SAVE_WRITE[] =
    "SELECT submissions.save_write($1, $2, $3, $4, $5, $6, $7::bigint[], $8::text[],"
    " $9::bigint[], $10::text[], $11::text[], $12::text[])";

/* An array literal of n texts, {"a",NULL,"b\"c"}: each quoted (any text stays one element),
 * NULL entries SQL NULL. */
static const char *s_array(cs_call *c, const char *const *v, size_t n)
{
    size_t len = 3;
    for (size_t i = 0; i < n; i++)
        len += 5 + (v[i] ? 2 * strlen(v[i]) : 0);
    char *lit = cs_call_alloc(c, len), *p = lit;
    *p++ = '{';
    for (size_t i = 0; i < n; i++) {
        if (i)
            *p++ = ',';
        if (!v[i]) {
            memcpy(p, "NULL", 4);
            p += 4;
            continue;
        }
        *p++ = '"';
        for (const char *q = v[i]; *q; q++) {
            if (*q == '"' || *q == '\\')
                *p++ = '\\';
            *p++ = *q;
        }
        *p++ = '"';
    }
    *p++ = '}';
    *p = '\0';
    return lit;
}

/* The items' leaf codes as a text[] literal. */
static const char *s_codes(cs_call *c, const s_item *items, size_t n)
{
    const char **v = cs_call_alloc(c, (n + 1) * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = items[i].leaf_code;
    return s_array(c, v, n);
}

/* Item i's error: JSON "items[2].score", CSV the line ("line 4"). */
static int s_item_err(cs_err *e, const s_item *it)
{
    if (e->status == 400) {
        char field[128];
        if (strncmp(it->field, "line ", 5) == 0)
            snprintf(field, sizeof field, "%.60s", it->field);
        else
            snprintf(field, sizeof field, "%.60s%s%.60s", it->field, e->field[0] ? "." : "",
                     e->field);
        cs_err_prefix(e, it->where_vi, it->where_en, field);
    }
    return -1;
}

/* The request-level checks, from the head row; the helpers give the exact errors. */
static int s_check_head(cs_call *c, PGresult *h, long long period_id, long long agency_id,
                        const char **group)
{
    if (PQgetisnull(h, 0, R_GROUP))
        return cs_leaf_agency_group(c, agency_id, group) != 0 ? -1
               : cs_err_internal(cs_call_err(c), "agency vanished");
    *group = cs_call_strdup(c, PQgetvalue(h, 0, R_GROUP));
    if (PQgetvalue(h, 0, R_PERIOD)[0] != 't' || PQgetisnull(h, 0, R_PHASE) ||
        PQgetvalue(h, 0, R_PHASE)[0] != 't')
        if (cs_phase_require(c, period_id, agency_id, "self_assessment") != 0)
            return -1;
    /* no submission row yet (the agency's first save): created and locked there */
    if (PQgetisnull(h, 0, R_STATE) || strcmp(PQgetvalue(h, 0, R_STATE), "draft") != 0)
        return sub_require_draft(c, period_id, agency_id);
    return 0;
}

/* Item i (row i + 1 of the read) against the rules: 0, or -1 with the item's error. */
static int s_check_item(cs_call *c, long long period_id, const char *group, const s_item *items,
                        size_t i, PGresult *rows)
{
    cs_err *e = cs_call_err(c);
    const s_item *it = &items[i];
    int k = (int)i + 1;
    sub_leaf leaf;
    for (size_t j = 0; j < i; j++)
        if (strcmp(items[j].leaf_code, it->leaf_code) == 0) {
            cs_err_set(e, 400, "duplicate_leaf", NULL, "Chỉ số %s xuất hiện hai lần.",
                       "Leaf %s appears twice.", it->leaf_code);
            cs_err_prefix(e, it->where_vi, it->where_en, it->field);
            return -1;
        }
    if (PQgetisnull(rows, k, R_CONTENT)) {
        if (cs_leaf_get(c, period_id, group, it->leaf_code, "leaf_code", &leaf, NULL) != 0)
            return s_item_err(e, it);
        return cs_err_internal(e, "leaf appeared during the save");
    }
    leaf.code = it->leaf_code;
    leaf.content = atoi(PQgetvalue(rows, k, R_CONTENT));
    leaf.max_points = strtoll(PQgetvalue(rows, k, R_MAX), NULL, 10);
    leaf.step = strtoll(PQgetvalue(rows, k, R_STEP), NULL, 10);
    if (!sub_content_self_scored(leaf.content)) {
        cs_err_set(e, 400, "content_not_self_scored", "leaf_code",
                   "Chỉ số %s thuộc nội dung %d, không do cơ quan tự chấm.",
                   "Leaf %s belongs to content %d, which the agency does not score itself.",
                   it->leaf_code, leaf.content);
        return s_item_err(e, it);
    }
    leaf.automatic = !PQgetisnull(rows, k, R_AUTO);
    leaf.auto_metric = leaf.automatic ? PQgetvalue(rows, k, R_AUTO) : NULL;
    if (leaf.automatic && it->has_score) {
        /* SPEC §12: the portal feed gives this value; the agency cannot enter one. */
        cs_err_set(e, 409, "automatic_leaf", "score",
                   "Chỉ số %s được tính tự động từ Cổng Dịch vụ công quốc gia (chỉ số %s); cơ quan không nhập điểm cho chỉ số này.",
                   "Leaf %s is scored automatically from the national public service portal (metric %s); the agency cannot enter a value.",
                   it->leaf_code, leaf.auto_metric);
        char field[128];
        snprintf(field, sizeof field, "%.60s%s", it->field,
                 strncmp(it->field, "line ", 5) == 0 ? "" : ".score");
        cs_err_prefix(e, it->where_vi, it->where_en, field);
        return -1;
    }
    if (PQgetvalue(rows, k, R_NA)[0] == 't') {
        cs_err_set(e, 400, "leaf_not_applicable", "leaf_code",
                   "Chỉ số %s đã được quyết định là không áp dụng cho cơ quan.",
                   "Leaf %s has been decided not applicable to the agency.", it->leaf_code);
        return s_item_err(e, it);
    }
    if (it->has_score && sub_check_value(&leaf, it->score, e) != 0)
        return s_item_err(e, it);
    return 0;
}

/* The changed items (an unchanged one: no write, no audit line) as save_write's arrays,
 * queued to go with the COMMIT. */
static void s_write(cs_call *c, long long period_id, long long agency_id, const s_item *items,
                    size_t n, PGresult *rows)
{
    const char **ids = cs_call_alloc(c, (n + 1) * sizeof *ids);
    const char **codes = cs_call_alloc(c, (n + 1) * sizeof *codes);
    const char **scores = cs_call_alloc(c, (n + 1) * sizeof *scores);
    const char **notes = cs_call_alloc(c, (n + 1) * sizeof *notes);
    const char **olds = cs_call_alloc(c, (n + 1) * sizeof *olds);
    const char **news = cs_call_alloc(c, (n + 1) * sizeof *news);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const s_item *it = &items[i];
        int k = (int)i + 1;
        bool existed = !PQgetisnull(rows, k, R_ID);
        bool old_has = existed && !PQgetisnull(rows, k, R_SCORE);
        long long old_score = old_has ? strtoll(PQgetvalue(rows, k, R_SCORE), NULL, 10) : 0;
        const char *old_note =
            existed && !PQgetisnull(rows, k, R_NOTE) ? PQgetvalue(rows, k, R_NOTE) : NULL;
        const char *note = it->note && it->note[0] ? it->note : NULL;
        if (existed && old_has == it->has_score && (!old_has || old_score == it->score) &&
            ((!old_note && !note) || (old_note && note && strcmp(old_note, note) == 0)))
            continue;
        ids[m] = existed ? PQgetvalue(rows, k, R_ID) : NULL;
        codes[m] = it->leaf_code;
        scores[m] = it->has_score ? cs_call_int(c, it->score) : NULL;
        notes[m] = note;
        olds[m] = existed ? sub_score_json(c, period_id, agency_id, it->leaf_code, old_has,
                                           old_score, old_note)
                          : NULL;
        news[m] = sub_score_json(c, period_id, agency_id, it->leaf_code, it->has_score,
                                 it->score, note);
        m++;
    }
    if (m == 0)
        return;
    const char *w[] = {cs_call_int(c, cs_call_province(c)), cs_call_int(c, period_id),
                       cs_call_int(c, agency_id), cs_call_int(c, cs_call_user(c)),
                       cs_call_audit_login(c), cs_call_ctx(c)->request_id,
                       s_array(c, ids, m), s_array(c, codes, m), s_array(c, scores, m),
                       s_array(c, notes, m), s_array(c, olds, m), s_array(c, news, m)};
    cs_call_queue(c, SQL_SAVE_WRITE, 12, w);
    cs_call_audited(c);
}

/* Validate every item first, then write: a bad item anywhere changes nothing (the runtime
 * also rolls the transaction back on -1). The writes and their audit rows go with the
 * COMMIT: the save is two round trips to PostgreSQL, four statements with BEGIN and the
 * tenant's (and the chain link after the COMMIT). */
static int s_save(cs_call *c, long long period_id, long long agency_id, s_item *items,
                  size_t n, ProtobufCMessage **out)
{
    const char *group;
    if (sub_require_actor(c, agency_id, false) != 0)
        return -1;
    const char *p[] = {cs_call_int(c, period_id), cs_call_int(c, agency_id), s_codes(c, items, n)};
    PGresult *rows = cs_call_exec(c, SQL_SAVE_READ, 3, p);
    if (!rows)
        return -1;
    if (PQntuples(rows) != (int)n + 1)
        return cs_err_internal(cs_call_err(c), "save: a head and one row per item expected");
    if (s_check_head(c, rows, period_id, agency_id, &group) != 0)
        return -1;
    if (n == 0)
        return cs_err_invalid(cs_call_err(c), "items", "không có chỉ số nào để lưu",
                              "no items to save");
    for (size_t i = 0; i < n; i++)
        if (s_check_item(c, period_id, group, items, i, rows) != 0)
            return -1;
    s_write(c, period_id, agency_id, items, n, rows);
    Chiso__Submissions__SaveScoresReply *rep =
        (void *)cs_call_msg(c, &chiso__submissions__save_scores_reply__descriptor);
    rep->has_saved = true;
    rep->saved = (int32_t)n;
    *out = &rep->base;
    return 0;
}

int sub_save_scores(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Submissions__SaveScoresRequest *req = (const void *)in;
    s_item *items = cs_call_alloc(c, (req->n_items + 1) * sizeof *items);
    for (size_t i = 0; i < req->n_items; i++) {
        const Chiso__Submissions__ScoreItem *src = req->items[i];
        s_item *it = &items[i];
        it->leaf_code = src->leaf_code ? src->leaf_code : "";
        it->has_score = src->has_score;
        it->score = src->score;
        it->note = src->note;
        it->where_vi = cs_call_printf(c, "Mục %zu (chỉ số %s)", i + 1, it->leaf_code);
        it->where_en = cs_call_printf(c, "Item %zu (leaf %s)", i + 1, it->leaf_code);
        it->field = cs_call_printf(c, "items[%zu]", i);
        if (!src->leaf_code || !src->leaf_code[0]) {
            cs_err_invalid(cs_call_err(c), "leaf_code", "thiếu mã chỉ số", "the leaf code is missing");
            cs_err_prefix(cs_call_err(c), it->where_vi, it->where_en,
                       cs_call_printf(c, "items[%zu].leaf_code", i));
            return -1;
        }
        if (src->note && strlen(src->note) > 4000) {
            cs_err_invalid(cs_call_err(c), "note", "ghi chú quá dài (tối đa 4000 byte)",
                           "the note is too long (at most 4000 bytes)");
            cs_err_prefix(cs_call_err(c), it->where_vi, it->where_en,
                       cs_call_printf(c, "items[%zu].note", i));
            return -1;
        }
    }
    return s_save(c, req->period_id, req->agency_id, items, req->n_items, out);
}

int sub_save_scores_csv(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Submissions__SaveScoresCsvRequest *req = (const void *)in;
    /* Role first: a stranger learns nothing about the file from the parse errors. */
    if (sub_require_actor(c, req->agency_id, false) != 0)
        return -1;
    sub_csv *csv = sub_csv_parse(req->csv, cs_call_err(c));
    if (!csv)
        return -1;
    size_t n = sub_csv_count(csv);
    s_item *items = cs_call_alloc(c, (n + 1) * sizeof *items);
    for (size_t i = 0; i < n; i++) {
        const sub_csv_row *row = sub_csv_row_at(csv, i);
        s_item *it = &items[i];
        it->leaf_code = cs_call_strdup(c, row->leaf_code);
        it->has_score = row->has_score;
        it->score = row->score;
        it->note = cs_call_strdup(c, row->note);
        it->where_vi = cs_call_printf(c, "Dòng %d (chỉ số %s)", row->line, row->leaf_code);
        it->where_en = cs_call_printf(c, "Line %d (leaf %s)", row->line, row->leaf_code);
        it->field = cs_call_printf(c, "line %d", row->line);
    }
    sub_csv_destroy(&csv);
    return s_save(c, req->period_id, req->agency_id, items, n, out);
}

/* --- the agency's view ----------------------------------------------------------------- */

int sub_get_self_assessment(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Submissions__AgencyRef *req = (const void *)in;
    const char *group;
    if (cs_leaf_agency_group(c, req->agency_id, &group) != 0)
        return -1;
    int ok = sub_can_view(c, req->period_id, req->agency_id, group, NULL);
    if (ok < 0)
        return -1;
    if (!ok)
        return cs_err_forbidden(cs_call_err(c));
    if (cs_phase_period_exists(c, req->period_id) != 0)
        return -1;
    const char *p[] = {cs_call_int(c, req->period_id), cs_call_int(c, req->agency_id), group};

    Chiso__Submissions__SelfAssessment *sa =
        (void *)cs_call_msg(c, &chiso__submissions__self_assessment__descriptor);
    const char *state;
    long long submitted_at;
    if (sub_state_get(c, req->period_id, req->agency_id, false, &state, &submitted_at) != 0)
        return -1;
    sa->has_period_id = sa->has_agency_id = true;
    sa->period_id = req->period_id;
    sa->agency_id = req->agency_id;
    sa->state = (char *)state;
    if (submitted_at) {
        sa->has_submitted_at = true;
        sa->submitted_at = submitted_at;
    }

    PGresult *r = cs_call_exec(
        c,
        "SELECT n.code, n.content, n.title, n.max_points, n.step, s.score, s.note,"
        "       coalesce(d.not_applicable, false), pr.reason, x.text, n.evidence_required"
        "  FROM catalog.period_leaves n"
        "  LEFT JOIN submissions.scores s ON s.period_id = $1 AND s.agency_id = $2"
        "       AND s.leaf_code = n.code"
        "  LEFT JOIN appraisal.na_decisions d ON d.period_id = $1 AND d.agency_id = $2"
        "       AND d.leaf_code = n.code"
        "  LEFT JOIN submissions.na_proposals pr ON pr.period_id = $1 AND pr.agency_id = $2"
        "       AND pr.leaf_code = n.code"
        "  LEFT JOIN submissions.explanations x ON x.period_id = $1 AND x.agency_id = $2"
        "       AND x.leaf_code = n.code"
        " WHERE n.period_id = $1 AND n.group_code = $3"
        " ORDER BY n.sort, n.node_id",
        3, p);
    if (!r)
        return -1;
    size_t n = (size_t)PQntuples(r);
    sa->n_leaves = n;
    sa->leaves = (void *)cs_call_array(c, n);
    for (size_t i = 0; i < n; i++) {
        int k = (int)i;
        Chiso__Submissions__LeafEntry *l =
            (void *)cs_call_msg(c, &chiso__submissions__leaf_entry__descriptor);
        l->leaf_code = cs_call_strdup(c, PQgetvalue(r, k, 0));
        l->has_content = l->has_max_points = l->has_step = true;
        l->content = atoi(PQgetvalue(r, k, 1));
        l->title = cs_call_strdup(c, PQgetvalue(r, k, 2));
        l->max_points = strtoll(PQgetvalue(r, k, 3), NULL, 10);
        l->step = strtoll(PQgetvalue(r, k, 4), NULL, 10);
        if (!PQgetisnull(r, k, 5)) {
            l->has_score = true;
            l->score = strtoll(PQgetvalue(r, k, 5), NULL, 10);
        }
        if (!PQgetisnull(r, k, 6))
            l->note = cs_call_strdup(c, PQgetvalue(r, k, 6));
        l->has_not_applicable = true;
        l->not_applicable = PQgetvalue(r, k, 7)[0] == 't';
        if (!PQgetisnull(r, k, 8))
            l->na_proposal = cs_call_strdup(c, PQgetvalue(r, k, 8));
        if (!PQgetisnull(r, k, 9))
            l->explanation = cs_call_strdup(c, PQgetvalue(r, k, 9));
        l->has_evidence_required = true;
        l->evidence_required = PQgetvalue(r, k, 10)[0] == 't';
        sa->leaves[i] = l;
    }

    PGresult *ev = cs_call_exec(c,
                                "SELECT " SUB_EVIDENCE_COLS " FROM submissions.evidence"
                                " WHERE period_id = $1 AND agency_id = $2 ORDER BY id",
                                2, p);
    if (!ev)
        return -1;
    int nev = PQntuples(ev);
    for (size_t i = 0; i < n; i++) {
        Chiso__Submissions__LeafEntry *l = sa->leaves[i];
        size_t cnt = 0;
        for (int j = 0; j < nev; j++)
            cnt += strcmp(PQgetvalue(ev, j, 1), l->leaf_code) == 0;
        if (!cnt)
            continue;
        l->evidence = (void *)cs_call_array(c, cnt);
        for (int j = 0; j < nev; j++)
            if (strcmp(PQgetvalue(ev, j, 1), l->leaf_code) == 0)
                l->evidence[l->n_evidence++] = sub_evidence_row(c, ev, j);
    }
    *out = &sa->base;
    return 0;
}
