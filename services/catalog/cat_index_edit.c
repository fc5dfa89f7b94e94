/*  Editing an index set node by node before use (SPEC §3: "edit before the period opens").
 *  PATCH /api/v1/index-sets/{id} carries codes to remove, nodes to add or replace and content
 *  maxima; they are applied to the stored set and the result goes through the import's own
 *  validation and writer (cat_index_store), so an edit is refused exactly as importing the
 *  edited set would be, with the same codes and messages. Several changes travel together
 *  because the leaves of contents 1-4 must add up to the content's maximum after every
 *  write: moving two points from 1.1 to 1.2 is one request. Refused once a period using the
 *  set has opened a phase (409 index_set_frozen, cat_index_editable). */
#include "catalog.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "cat_util.h"
#include "cat_validate.h"
#include "cs_json.h"
#include "cs_text.h"

static long s_find(Chiso__IndexNode **v, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (v[i]->code && code && strcmp(v[i]->code, code) == 0)
            return (long)i;
    return -1;
}

/* Whether v[i] is `parent` or lies under it (a bounded walk: cycles end it). */
static bool s_under(Chiso__IndexNode **v, size_t n, size_t i, const char *parent)
{
    long k = (long)i;
    for (size_t steps = 0; k >= 0 && steps <= n; steps++) {
        if (strcmp(v[k]->code, parent) == 0)
            return true;
        const char *pc = v[k]->parent_code;
        k = pc && pc[0] ? s_find(v, n, pc) : -1;
    }
    return false;
}

/* Where a new node goes: after its parent's subtree; a node without a parent after the
 * last node of its content (or of an earlier one). */
static size_t s_insert_at(Chiso__IndexNode **v, size_t n, const Chiso__IndexNode *x)
{
    const char *parent = x->parent_code && x->parent_code[0] ? x->parent_code : NULL;
    long pos = -1;
    for (size_t i = 0; i < n; i++)
        if (parent ? s_under(v, n, i, parent) : v[i]->content <= x->content)
            pos = (long)i;
    return (size_t)(pos + 1);
}

static json_t *s_node_json(cs_call *c, const Chiso__IndexNode *n)
{
    json_t *o = json_pack("{s:s?,s:s?,s:i,s:s?,s:s?,s:s?,s:b}", "code", n->code, "parent_code",
                          n->parent_code, "content", n->has_content ? n->content : 0, "title",
                          n->title, "title_en", n->title_en, "guidance", n->guidance,
                          "evidence_required", n->has_evidence_required && n->evidence_required);
    if (n->has_max_points)
        json_object_set_new(o, "max_points", json_integer(n->max_points));
    if (n->has_step)
        json_object_set_new(o, "step", json_integer(n->step));
    if (n->has_required_min)
        json_object_set_new(o, "required_min", json_integer(n->required_min));
    const char *a = cat_index_auto_json(c, n->auto_);
    if (a)
        json_object_set_new(o, "auto", json_loads(a, 0, NULL));
    return o;
}

/* cur's nodes without the removed codes, then rq's nodes each in place of its code or
 * inserted; old/new collect the audit's before and after of each node touched. */
static int s_apply_nodes(cs_call *c, const Chiso__IndexSet *cur, const Chiso__IndexSetEdit *rq,
                         Chiso__IndexSet *s, json_t *old, json_t *new_)
{
    cs_err *e = cs_call_err(c);
    Chiso__IndexNode **v = (Chiso__IndexNode **)cs_call_array(c, cur->n_nodes + rq->n_nodes);
    size_t n = 0;
    for (size_t i = 0; i < rq->n_remove; i++)
        if (s_find(cur->nodes, cur->n_nodes, rq->remove[i]) < 0)
            return cs_err_set(e, 400, "unknown_node", "remove",
                              "Không có tiêu chí «%s» trong bộ chỉ số.",
                              "There is no node \"%s\" in the index set.", rq->remove[i]);
    for (size_t i = 0; i < cur->n_nodes; i++) {
        bool gone = false;
        for (size_t k = 0; k < rq->n_remove && !gone; k++)
            gone = strcmp(cur->nodes[i]->code, rq->remove[k]) == 0;
        if (gone)
            json_array_append_new(old, s_node_json(c, cur->nodes[i]));
        else
            v[n++] = cur->nodes[i];
    }
    for (size_t i = 0; i < rq->n_nodes; i++) {
        Chiso__IndexNode *x = rq->nodes[i];
        if (cs_text_blank(x->code))
            return cs_err_set(e, 400, "required", "nodes",
                              "Tiêu chí thứ %zu thiếu mã.", "Node %zu has no code.", i + 1);
        long at = s_find(v, n, x->code);
        if (at >= 0) {
            json_array_append_new(old, s_node_json(c, v[at]));
            v[at] = x;
        } else {
            size_t pos = s_insert_at(v, n, x);
            memmove(v + pos + 1, v + pos, (n - pos) * sizeof *v);
            v[pos] = x;
            n++;
        }
        json_array_append_new(new_, s_node_json(c, x));
    }
    s->nodes = v;
    s->n_nodes = n;
    return 0;
}

/* cur's contents with rq's in place of the same number (or added: the validation names a
 * bad one). */
static void s_apply_contents(cs_call *c, const Chiso__IndexSet *cur, const Chiso__IndexSetEdit *rq,
                             Chiso__IndexSet *s, json_t *old, json_t *new_)
{
    Chiso__IndexContent **v =
        (Chiso__IndexContent **)cs_call_array(c, cur->n_contents + rq->n_contents);
    size_t n = cur->n_contents;
    memcpy(v, cur->contents, n * sizeof *v);
    for (size_t i = 0; i < rq->n_contents; i++) {
        const Chiso__IndexContent *in = rq->contents[i];
        /* a copy in the arena: the input message is freed by its own allocator */
        Chiso__IndexContent *x = CAT_NEW(c, Chiso__IndexContent, chiso__index_content__descriptor);
        x->has_content = in->has_content;
        x->content = in->content;
        x->title = in->title;
        x->has_max_points = in->has_max_points;
        x->max_points = in->max_points;
        size_t k = 0;
        while (k < n && !(x->has_content && v[k]->content == x->content))
            k++;
        json_t *after = json_pack("{s:i,s:s?}", "content", x->content, "title", x->title);
        if (x->has_max_points)
            json_object_set_new(after, "max_points", json_integer(x->max_points));
        json_array_append_new(new_, after);
        if (k < n) {
            json_t *before = json_pack("{s:i,s:s?}", "content", v[k]->content, "title", v[k]->title);
            if (v[k]->has_max_points)
                json_object_set_new(before, "max_points", json_integer(v[k]->max_points));
            json_array_append_new(old, before);
            if (cs_text_blank(x->title))
                x->title = v[k]->title;    /* a new maximum alone keeps the title */
        } else {
            n++;
        }
        v[k] = x;
    }
    s->contents = v;
    s->n_contents = n;
}

int cat_EditIndexSet(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__IndexSetEdit *rq = (const Chiso__IndexSetEdit *)in;
    cs_err *e = cs_call_err(c);
    if (cat_need_padmin(c) < 0)
        return -1;
    const char *p[] = {cs_call_int(c, rq->id)};
    PGresult *r = cs_call_exec(c, "SELECT 1 FROM catalog.index_sets WHERE id = $1 FOR UPDATE",
                               1, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(e, "index set");
    Chiso__IndexSet *cur = cat_index_load(c, rq->id);
    if (!cur || cat_index_editable(c, rq->id, cur->code) < 0)
        return -1;
    if (rq->n_remove + rq->n_nodes + rq->n_contents == 0)
        return cs_err_set(e, 400, "invalid_input", "nodes",
                          "Không có thay đổi nào (nodes, remove, contents).%s",
                          "Nothing to change (nodes, remove, contents).%s", "");
    Chiso__IndexSet *s = CAT_NEW(c, Chiso__IndexSet, chiso__index_set__descriptor);
    s->code = cur->code;
    s->name = cur->name;
    s->group_code = cur->group_code;
    CAT_SET(s, year, cur->year);
    json_t *old = json_pack("{s:[],s:[]}", "nodes", "contents");
    json_t *new_ = json_pack("{s:[],s:[],s:[]}", "nodes", "contents", "remove");
    for (size_t i = 0; i < rq->n_remove; i++)
        json_array_append_new(json_object_get(new_, "remove"), json_string(rq->remove[i]));
    s_apply_contents(c, cur, rq, s, json_object_get(old, "contents"),
                     json_object_get(new_, "contents"));
    long long id = rq->id;
    if (s_apply_nodes(c, cur, rq, s, json_object_get(old, "nodes"),
                      json_object_get(new_, "nodes")) < 0 ||
        cat_index_store(c, s, rq->id, &id) < 0) {
        json_decref(old);
        json_decref(new_);
        return -1;
    }
    if (cs_call_audit(c, "index_set", id, "edit", cs_json_dump(c, old), cs_json_dump(c, new_),
                      NULL) < 0)
        return -1;
    Chiso__IndexSet *o = cat_index_load(c, id);
    if (!o)
        return -1;
    *out = &o->base;
    return 0;
}
