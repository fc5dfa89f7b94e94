/*  Index sets: import (create, or replace while it may change), export, list, copy. A set
 *  may change until a period that uses it has opened a phase (SPEC §3: "edit before the
 *  period opens, then frozen"); from then on it never changes. Node-by-node edits
 *  (cat_index_edit.c) go through the same validation and writer as the import. */
#include "catalog.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "cat_util.h"
#include "cat_validate.h"

/* frozen: a period using the set has opened a phase (CAT_INDEX_IN_USE_SQL) */
#define SET_COLS                                                                            \
    "id, code, name, group_code, year, " CAT_INDEX_IN_USE_SQL("index_sets.id") ","           \
    " extract(epoch FROM created_at)::bigint"

/* An automatic source as stored (jsonb): {"metric", "formula", "bands": [{"min_pct",
 * "points"}]} with min_pct and points in hundredths, as the ranking reads it. */
const char *cat_index_auto_json(cs_call *c, const Chiso__AutoRule *r)
{
    if (!r)
        return NULL;
    json_t *bands = json_array();
    for (size_t k = 0; k < r->n_bands; k++)
        json_array_append_new(bands, json_pack("{s:I,s:I}", "min_pct",
                                               (json_int_t)r->bands[k]->min_pct, "points",
                                               (json_int_t)r->bands[k]->points));
    json_t *o = json_pack("{s:s,s:s,s:o}", "metric", r->metric, "formula", r->formula,
                          "bands", bands);
    char *txt = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    const char *out = cs_call_strdup(c, txt);
    free(txt);
    return out;
}

static Chiso__AutoRule *s_auto_msg(cs_call *c, const char *txt)
{
    json_t *o = txt ? json_loads(txt, 0, NULL) : NULL;
    if (!o)
        return NULL;
    Chiso__AutoRule *r = CAT_NEW(c, Chiso__AutoRule, chiso__auto_rule__descriptor);
    r->metric = cs_call_strdup(c, json_string_value(json_object_get(o, "metric")));
    r->formula = cs_call_strdup(c, json_string_value(json_object_get(o, "formula")));
    json_t *bands = json_object_get(o, "bands");
    r->n_bands = json_array_size(bands);
    r->bands = (Chiso__AutoBand **)cs_call_array(c, r->n_bands);
    for (size_t k = 0; k < r->n_bands; k++) {
        json_t *b = json_array_get(bands, k);
        Chiso__AutoBand *m = CAT_NEW(c, Chiso__AutoBand, chiso__auto_band__descriptor);
        CAT_SET(m, min_pct, json_integer_value(json_object_get(b, "min_pct")));
        CAT_SET(m, points, json_integer_value(json_object_get(b, "points")));
        r->bands[k] = m;
    }
    json_decref(o);
    return r;
}

static Chiso__IndexSet *s_set_head(cs_call *c, PGresult *r, int i)
{
    Chiso__IndexSet *s = CAT_NEW(c, Chiso__IndexSet, chiso__index_set__descriptor);
    CAT_SET(s, id, cs_pg_ll(r, i, 0));
    s->code = (char *)cat_val(c, r, i, 1);
    s->name = (char *)cat_val(c, r, i, 2);
    s->group_code = (char *)cat_val(c, r, i, 3);
    CAT_SET(s, year, (int32_t)cs_pg_ll(r, i, 4));
    CAT_SET(s, frozen, cs_pg_bool(r, i, 5));
    CAT_SET(s, created_at, cs_pg_ll(r, i, 6));
    return s;
}

Chiso__IndexSet *cat_index_load(cs_call *c, long long id)
{
    const char *p[] = {cs_call_int(c, id)};
    PGresult *r = cs_call_exec(c, "SELECT " SET_COLS " FROM catalog.index_sets WHERE id = $1", 1, p);
    if (!r)
        return NULL;
    if (PQntuples(r) == 0) {
        cs_err_not_found(cs_call_err(c), "index set");
        return NULL;
    }
    Chiso__IndexSet *s = s_set_head(c, r, 0);
    r = cs_call_exec(c, "SELECT content, title, max_points FROM catalog.index_contents"
                        " WHERE index_set_id = $1 ORDER BY content", 1, p);
    if (!r)
        return NULL;
    s->n_contents = (size_t)PQntuples(r);
    s->contents = (Chiso__IndexContent **)cs_call_array(c, s->n_contents);
    for (size_t i = 0; i < s->n_contents; i++) {
        Chiso__IndexContent *ct = CAT_NEW(c, Chiso__IndexContent, chiso__index_content__descriptor);
        CAT_SET(ct, content, (int32_t)cs_pg_ll(r, (int)i, 0));
        ct->title = (char *)cat_val(c, r, (int)i, 1);
        if (!PQgetisnull(r, (int)i, 2))
            CAT_SET(ct, max_points, cs_pg_ll(r, (int)i, 2));
        s->contents[i] = ct;
    }
    r = cs_call_exec(c,
        "SELECT code, parent_code, content, title, max_points, guidance, evidence_required, step,"
        "       auto_source, is_leaf, auto::text, required_min, title_en"
        "  FROM catalog.index_nodes WHERE index_set_id = $1"
        " ORDER BY sort, id", 1, p);
    if (!r)
        return NULL;
    s->n_nodes = (size_t)PQntuples(r);
    s->nodes = (Chiso__IndexNode **)cs_call_array(c, s->n_nodes);
    for (size_t i = 0; i < s->n_nodes; i++) {
        int k = (int)i;
        Chiso__IndexNode *n = CAT_NEW(c, Chiso__IndexNode, chiso__index_node__descriptor);
        n->code = (char *)cat_val(c, r, k, 0);
        n->parent_code = (char *)cat_val(c, r, k, 1);
        CAT_SET(n, content, (int32_t)cs_pg_ll(r, k, 2));
        n->title = (char *)cat_val(c, r, k, 3);
        if (!PQgetisnull(r, k, 4))
            CAT_SET(n, max_points, cs_pg_ll(r, k, 4));
        n->guidance = (char *)cat_val(c, r, k, 5);
        CAT_SET(n, evidence_required, cs_pg_bool(r, k, 6));
        CAT_SET(n, step, cs_pg_ll(r, k, 7));
        n->auto_source = (char *)cat_val(c, r, k, 8);
        CAT_SET(n, is_leaf, cs_pg_bool(r, k, 9));
        if (!PQgetisnull(r, k, 10))
            n->auto_ = s_auto_msg(c, PQgetvalue(r, k, 10));
        if (!PQgetisnull(r, k, 11))
            CAT_SET(n, required_min, cs_pg_ll(r, k, 11));
        n->title_en = (char *)cat_val(c, r, k, 12);
        s->nodes[i] = n;
    }
    return s;
}

int cat_index_editable(cs_call *c, long long id, const char *code)
{
    const char *p[] = {cs_call_int(c, id)};
    PGresult *r = cs_call_exec(c,
        "SELECT p.code, p.name, (SELECT min(ph.opens_at) FROM catalog.phases ph"
        "                         WHERE ph.period_id = p.id)"
        "  FROM catalog.period_index_sets ps JOIN catalog.periods p ON p.id = ps.period_id"
        " WHERE ps.index_set_id = $1 AND EXISTS (SELECT 1 FROM catalog.phases ph"
        "       WHERE ph.period_id = p.id AND ph.opens_at <= now())"
        " ORDER BY p.id LIMIT 1", 1, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return 0;
    return cs_err_set(cs_call_err(c), 409, "index_set_frozen", NULL,
                      "Bộ chỉ số «%s» đang được kỳ đánh giá «%s» sử dụng và kỳ đó đã bắt đầu: không "
                      "sửa được nữa; hãy sao chép để tạo bản mới.",
                      "The index set \"%s\" is used by the period \"%s\", which has started: it "
                      "cannot change any more; copy it to make a new one.",
                      code, PQgetvalue(r, 0, 1));
}

/* The set's contents and nodes replaced by rq's (validated: contents holds them). */
static int s_write_tree(cs_call *c, long long id, const Chiso__IndexSet *rq,
                        const cat_content contents[6])
{
    const char *prov = cs_call_int(c, cs_call_province(c));
    const char *sid = cs_call_int(c, id);
    const char *pd[] = {sid};
    if (!cs_call_exec(c, "DELETE FROM catalog.index_nodes WHERE index_set_id = $1", 1, pd) ||
        !cs_call_exec(c, "DELETE FROM catalog.index_contents WHERE index_set_id = $1", 1, pd))
        return -1;
    for (int k = 1; k <= 6; k++) {
        const char *p[] = {prov, sid, cs_call_int(c, k), contents[k - 1].title,
                           contents[k - 1].max_points < 0 ? NULL
                                                          : cs_call_int(c, contents[k - 1].max_points)};
        if (!cs_call_exec(c, "INSERT INTO catalog.index_contents"
                             " (province_id, index_set_id, content, title, max_points)"
                             " VALUES ($1, $2, $3, $4, $5)", 5, p))
            return -1;
    }
    for (size_t i = 0; i < rq->n_nodes; i++) {
        const Chiso__IndexNode *n = rq->nodes[i];
        bool leaf = cat_index_is_leaf(rq, i);
        const char *p[] = {prov, sid, n->code,
                           n->parent_code && n->parent_code[0] ? n->parent_code : NULL,
                           cs_call_int(c, n->content), cat_pbool(leaf), n->title,
                           n->has_max_points ? cs_call_int(c, n->max_points) : NULL,
                           n->guidance ? n->guidance : "",
                           cat_pbool(n->has_evidence_required && n->evidence_required),
                           cs_call_int(c, n->has_step ? n->step : CAT_DEFAULT_STEP),
                           n->auto_source && n->auto_source[0] ? n->auto_source : NULL,
                           cs_call_int(c, (long long)i), cat_index_auto_json(c, n->auto_),
                           n->has_required_min ? cs_call_int(c, n->required_min) : NULL,
                           n->title_en && n->title_en[0] ? n->title_en : NULL};
        if (!cs_call_exec(c, "INSERT INTO catalog.index_nodes (province_id, index_set_id, code,"
                             " parent_code, content, is_leaf, title, max_points, guidance,"
                             " evidence_required, step, auto_source, sort, auto, required_min,"
                             " title_en)"
                             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
                             "         $14::jsonb, $15, $16)",
                          16, p))
            return -1;
    }
    return 0;
}

int cat_index_store(cs_call *c, const Chiso__IndexSet *rq, long long id, long long *id_out)
{
    cs_err *e = cs_call_err(c);
    cat_content contents[6];
    if (cat_index_validate(rq, contents, e) < 0)
        return -1;
    const char *pg[] = {rq->group_code};
    PGresult *r = cs_call_exec(c, "SELECT 1 FROM catalog.agency_groups WHERE code = $1", 1, pg);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_set(e, 400, "unknown_group", "group_code", "Không có nhóm cơ quan «%s».",
                          "There is no agency group \"%s\".", rq->group_code);
    if (id > 0) {
        const char *pu[] = {cs_call_int(c, id), rq->name, rq->group_code, cs_call_int(c, rq->year)};
        if (!cs_call_exec(c, "UPDATE catalog.index_sets SET name = $2, group_code = $3, year = $4"
                             " WHERE id = $1", 4, pu))
            return -1;
    } else {
        const char *pi[] = {cs_call_int(c, cs_call_province(c)), rq->code, rq->name,
                            rq->group_code, cs_call_int(c, rq->year)};
        r = cs_call_exec(c, "INSERT INTO catalog.index_sets (province_id, code, name, group_code, year)"
                            " VALUES ($1, $2, $3, $4, $5) RETURNING id", 5, pi);
        if (!r)
            return -1;
        id = cs_pg_ll(r, 0, 0);
    }
    *id_out = id;
    return s_write_tree(c, id, rq, contents);
}

int cat_ImportIndexSet(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__IndexSet *rq = (const Chiso__IndexSet *)in;
    if (cat_need_padmin(c) < 0)
        return -1;
    const char *pc[] = {rq->code};
    PGresult *r = cs_call_exec(c, "SELECT id FROM catalog.index_sets WHERE code = $1 FOR UPDATE",
                               1, pc);
    if (!r)
        return -1;
    long long id = 0;
    const char *action = "create";
    if (PQntuples(r) > 0) {
        id = cs_pg_ll(r, 0, 0);
        action = "replace";
        if (cat_index_editable(c, id, rq->code) < 0)
            return -1;
    }
    if (cat_index_store(c, rq, id, &id) < 0)
        return -1;
    if (cs_call_audit(c, "index_set", id, action, NULL,
                      cat_json(c, "code", rq->code, "name", rq->name, "group_code", rq->group_code,
                               "nodes", cs_call_int(c, (long long)rq->n_nodes), NULL), NULL) < 0)
        return -1;
    Chiso__IndexSet *s = cat_index_load(c, id);
    if (!s)
        return -1;
    *out = &s->base;
    return 0;
}

int cat_ListIndexSets(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__ListIndexSetsRequest *rq = (const Chiso__ListIndexSetsRequest *)in;
    if (cat_need_province(c) < 0)
        return -1;
    const char *p[] = {rq->group_code && rq->group_code[0] ? rq->group_code : NULL,
                       rq->has_year && rq->year ? cs_call_int(c, rq->year) : NULL};
    PGresult *r = cs_call_exec(c,
        "SELECT " SET_COLS " FROM catalog.index_sets"
        " WHERE ($1::text IS NULL OR group_code = $1) AND ($2::int IS NULL OR year = $2)"
        " ORDER BY year DESC, group_code, code", 2, p);
    if (!r)
        return -1;
    Chiso__IndexSetList *o = CAT_NEW(c, Chiso__IndexSetList, chiso__index_set_list__descriptor);
    CAT_ROWS(c, o, items, r, s_set_head);
    *out = &o->base;
    return 0;
}

int cat_GetIndexSet(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__CatalogGetRequest *rq = (const Chiso__CatalogGetRequest *)in;
    if (cat_need_province(c) < 0)
        return -1;
    Chiso__IndexSet *s = cat_index_load(c, rq->id);
    if (!s)
        return -1;
    *out = &s->base;
    return 0;
}

int cat_CopyIndexSet(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__CopyIndexSetRequest *rq = (const Chiso__CopyIndexSetRequest *)in;
    cs_err *e = cs_call_err(c);
    if (cat_need_padmin(c) < 0)
        return -1;
    Chiso__IndexSet *src = cat_index_load(c, rq->id);
    if (!src)
        return -1;
    if (cat_need_str(c, rq->code, "code") < 0)
        return -1;
    if (strlen(rq->code) > 64)
        return cs_err_invalid(e, "code", "mã dài quá 64 ký tự", "the code is longer than 64 characters");
    if (rq->has_year && (rq->year < 2000 || rq->year > 2100))
        return cs_err_invalid(e, "year", "năm phải từ 2000 đến 2100", "the year must be 2000 to 2100");
    const char *p[] = {cs_call_int(c, rq->id), rq->code,
                       rq->name && rq->name[0] ? rq->name : NULL,
                       rq->has_year ? cs_call_int(c, rq->year) : NULL};
    PGresult *r = cs_call_exec(c,
        "INSERT INTO catalog.index_sets (province_id, code, name, group_code, year)"
        " SELECT province_id, $2, coalesce($3, name), group_code, coalesce($4::int, year)"
        "   FROM catalog.index_sets WHERE id = $1 RETURNING id", 4, p);
    if (!r) {
        if (e->status == 409)
            cs_err_set(e, 409, "duplicate_code", "code", "Mã bộ chỉ số «%s» đã có.",
                       "The index set code \"%s\" already exists.", rq->code);
        return -1;
    }
    long long id = cs_pg_ll(r, 0, 0);
    const char *pc[] = {cs_call_int(c, rq->id), cs_call_int(c, id)};
    if (!cs_call_exec(c,
            "INSERT INTO catalog.index_contents (province_id, index_set_id, content, title, max_points)"
            " SELECT province_id, $2, content, title, max_points FROM catalog.index_contents"
            "  WHERE index_set_id = $1", 2, pc) ||
        !cs_call_exec(c,
            "INSERT INTO catalog.index_nodes (province_id, index_set_id, code, parent_code, content,"
            " is_leaf, title, max_points, guidance, evidence_required, step, auto_source, sort,"
            " auto, required_min, title_en)"
            " SELECT province_id, $2, code, parent_code, content, is_leaf, title, max_points,"
            "        guidance, evidence_required, step, auto_source, sort, auto, required_min,"
            "        title_en"
            "   FROM catalog.index_nodes WHERE index_set_id = $1", 2, pc))
        return -1;
    if (cs_call_audit(c, "index_set", id, "copy", NULL,
                      cat_json(c, "from", src->code, "code", rq->code, NULL), NULL) < 0)
        return -1;
    Chiso__IndexSet *s = cat_index_load(c, id);
    if (!s)
        return -1;
    *out = &s->base;
    return 0;
}
