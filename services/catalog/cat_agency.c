/*  Agency groups, agencies (one by one and CSV import), people (heads and deputies) and
 *  their discipline records. Writes: province_admin; reads: every user of the province. */
#include "catalog.h"

#include <string.h>
#include "cat_util.h"
#include "cs_csv.h"
#include "cat_validate.h"

#define AGENCY_COLS "id, code, name, group_code, active, province_id"
#define PERSON_COLS "id, agency_id, full_name, position, from_date::text, to_date::text"
#define DISCIPLINE_COLS "id, person_id, decided_on::text, form, decision_no, note"

static bool s_code_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 32)
        return false;
    for (; *s; s++) {
        char ch = *s;
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '-' || ch == '.'))
            return false;
    }
    return true;
}

static int s_bad_code(cs_call *c, const char *field, const char *code)
{
    return cs_err_set(cs_call_err(c), 400, "invalid_code", field,
                      "Mã «%s» không hợp lệ (1–32 chữ cái không dấu, chữ số, «_», «-», «.»).",
                      "The code \"%s\" is invalid (1–32 letters, digits, '_', '-', '.').",
                      code ? code : "");
}

/* --- groups --------------------------------------------------------------------------- */

int cat_CreateAgencyGroup(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__AgencyGroup *rq = (const Chiso__AgencyGroup *)in;
    if (cat_need_padmin(c) < 0)
        return -1;
    if (!s_code_ok(rq->code))
        return s_bad_code(c, "code", rq->code);
    if (cat_need_str(c, rq->name, "name") < 0)
        return -1;
    const char *p[] = {cs_call_int(c, cs_call_province(c)), rq->code, rq->name};
    PGresult *r = cs_call_exec(c,
        "INSERT INTO catalog.agency_groups (province_id, code, name) VALUES ($1, $2, $3)"
        " RETURNING code, name", 3, p);
    if (!r)
        return -1;
    if (cs_call_audit(c, "agency_group", 0, "create", NULL,
                      cat_json(c, "code", rq->code, "name", rq->name, NULL), NULL) < 0)
        return -1;
    Chiso__AgencyGroup *g = CAT_NEW(c, Chiso__AgencyGroup, chiso__agency_group__descriptor);
    g->code = (char *)cat_val(c, r, 0, 0);
    g->name = (char *)cat_val(c, r, 0, 1);
    *out = &g->base;
    return 0;
}

int cat_ListAgencyGroups(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    (void)in;
    if (cat_need_province(c) < 0)
        return -1;
    PGresult *r = cs_call_exec(c, "SELECT code, name FROM catalog.agency_groups ORDER BY code",
                               0, NULL);
    if (!r)
        return -1;
    Chiso__AgencyGroupList *o = CAT_NEW(c, Chiso__AgencyGroupList,
                                        chiso__agency_group_list__descriptor);
    o->n_items = (size_t)PQntuples(r);
    o->items = (Chiso__AgencyGroup **)cs_call_array(c, o->n_items);
    for (size_t i = 0; i < o->n_items; i++) {
        Chiso__AgencyGroup *g = CAT_NEW(c, Chiso__AgencyGroup, chiso__agency_group__descriptor);
        g->code = (char *)cat_val(c, r, (int)i, 0);
        g->name = (char *)cat_val(c, r, (int)i, 1);
        o->items[i] = g;
    }
    *out = &o->base;
    return 0;
}

static int s_group_exists(cs_call *c, const char *code, const char *field)
{
    const char *p[] = {code};
    PGresult *r = cs_call_exec(c, "SELECT 1 FROM catalog.agency_groups WHERE code = $1", 1, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_set(cs_call_err(c), 400, "unknown_group", field,
                          "Không có nhóm cơ quan «%s».", "There is no agency group \"%s\".",
                          code ? code : "");
    return 0;
}

/* --- agencies ------------------------------------------------------------------------- */

static Chiso__Agency *s_agency(cs_call *c, PGresult *r, int i)
{
    Chiso__Agency *a = CAT_NEW(c, Chiso__Agency, chiso__agency__descriptor);
    CAT_SET(a, id, cs_pg_ll(r, i, 0));
    a->code = (char *)cat_val(c, r, i, 1);
    a->name = (char *)cat_val(c, r, i, 2);
    a->group_code = (char *)cat_val(c, r, i, 3);
    CAT_SET(a, active, cs_pg_bool(r, i, 4));
    CAT_SET(a, province_id, cs_pg_ll(r, i, 5));
    return a;
}

int cat_CreateAgency(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Agency *rq = (const Chiso__Agency *)in;
    cs_err *e = cs_call_err(c);
    if (cat_need_padmin(c) < 0)
        return -1;
    if (rq->has_province_id && rq->province_id && rq->province_id != cs_call_province(c))
        return cs_err_not_found(e, "province");
    if (!s_code_ok(rq->code))
        return s_bad_code(c, "code", rq->code);
    if (cat_need_str(c, rq->name, "name") < 0 || cat_need_str(c, rq->group_code, "group_code") < 0)
        return -1;
    if (s_group_exists(c, rq->group_code, "group_code") < 0)
        return -1;
    const char *p[] = {cs_call_int(c, cs_call_province(c)), rq->code, rq->name, rq->group_code,
                       cat_pbool(!rq->has_active || rq->active)};
    PGresult *r = cs_call_exec(c,
        "INSERT INTO catalog.agencies (province_id, code, name, group_code, active)"
        " VALUES ($1, $2, $3, $4, $5) RETURNING " AGENCY_COLS, 5, p);
    if (!r) {
        if (e->status == 409)
            cs_err_set(e, 409, "duplicate_code", "code", "Mã cơ quan «%s» đã có.",
                       "The agency code \"%s\" already exists.", rq->code);
        return -1;
    }
    Chiso__Agency *a = s_agency(c, r, 0);
    if (cs_call_audit(c, "agency", a->id, "create", NULL,
                      cat_json(c, "code", a->code, "name", a->name, "group_code", a->group_code,
                               NULL), NULL) < 0)
        return -1;
    *out = &a->base;
    return 0;
}

static Chiso__AgencyList *s_agency_list(cs_call *c, PGresult *r)
{
    Chiso__AgencyList *o = CAT_NEW(c, Chiso__AgencyList, chiso__agency_list__descriptor);
    CAT_ROWS(c, o, items, r, s_agency);
    return o;
}

int cat_ListAgencies(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__ListAgenciesRequest *rq = (const Chiso__ListAgenciesRequest *)in;
    if (cat_need_province(c) < 0)
        return -1;
    const char *p[] = {rq->group_code && rq->group_code[0] ? rq->group_code : NULL};
    PGresult *r = cs_call_exec(c,
        "SELECT " AGENCY_COLS " FROM catalog.agencies"
        " WHERE ($1::text IS NULL OR group_code = $1) ORDER BY group_code, code", 1, p);
    if (!r)
        return -1;
    *out = &s_agency_list(c, r)->base;
    return 0;
}

static PGresult *s_agency_get(cs_call *c, long long id)
{
    const char *p[] = {cs_call_int(c, id)};
    PGresult *r = cs_call_exec(c, "SELECT " AGENCY_COLS " FROM catalog.agencies WHERE id = $1",
                               1, p);
    if (r && PQntuples(r) == 0) {
        cs_err_not_found(cs_call_err(c), "agency");
        return NULL;
    }
    return r;
}

int cat_GetAgency(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__CatalogGetRequest *rq = (const Chiso__CatalogGetRequest *)in;
    if (cat_need_province(c) < 0)
        return -1;
    PGresult *r = s_agency_get(c, rq->id);
    if (!r)
        return -1;
    *out = &s_agency(c, r, 0)->base;
    return 0;
}

int cat_UpdateAgency(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Agency *rq = (const Chiso__Agency *)in;
    if (cat_need_padmin(c) < 0)
        return -1;
    PGresult *old = s_agency_get(c, rq->id);
    if (!old)
        return -1;
    Chiso__Agency *before = s_agency(c, old, 0);
    if (rq->code && strcmp(rq->code, before->code) != 0)
        return cs_err_set(cs_call_err(c), 400, "immutable_field", "code",
                          "Không đổi được mã cơ quan (các kỳ đánh giá tham chiếu theo mã).%s",
                          "The agency code cannot change (periods refer to it).%s", "");
    if (rq->name && cat_need_str(c, rq->name, "name") < 0)
        return -1;
    if (rq->group_code && s_group_exists(c, rq->group_code, "group_code") < 0)
        return -1;
    const char *p[] = {cs_call_int(c, rq->id), rq->name, rq->group_code,
                       rq->has_active ? cat_pbool(rq->active) : NULL};
    PGresult *r = cs_call_exec(c,
        "UPDATE catalog.agencies SET name = coalesce($2, name),"
        " group_code = coalesce($3, group_code), active = coalesce($4::boolean, active)"
        " WHERE id = $1 RETURNING " AGENCY_COLS, 4, p);
    if (!r)
        return -1;
    Chiso__Agency *a = s_agency(c, r, 0);
    if (cs_call_audit(c, "agency", a->id, "update",
                      cat_json(c, "name", before->name, "group_code", before->group_code,
                               "active", before->active ? "true" : "false", NULL),
                      cat_json(c, "name", a->name, "group_code", a->group_code,
                               "active", a->active ? "true" : "false", NULL), NULL) < 0)
        return -1;
    *out = &a->base;
    return 0;
}

/* Header `group,code,name`; every line checked before anything is written, so a file is
 * applied whole or not at all. An existing code is updated (name, group). */
int cat_ImportAgencies(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__ImportAgenciesRequest *rq = (const Chiso__ImportAgenciesRequest *)in;
    cs_err *e = cs_call_err(c);
    if (cat_need_padmin(c) < 0)
        return -1;
    cat_csv *csv = cat_csv_parse(rq->csv, e);
    if (!csv)
        return -1;
    int rc = -1;
    if (csv->n == 0 || csv->rows[0].n != 3 || strcmp(csv->rows[0].f[0], "group") != 0 ||
        strcmp(csv->rows[0].f[1], "code") != 0 || strcmp(csv->rows[0].f[2], "name") != 0) {
        cs_err_set(e, 400, CS_CSV_HEADER, "csv",
                   "Dòng %d: tiêu đề phải là «group,code,name».",
                   "Line %d: the header must be \"group,code,name\".", csv->n ? csv->rows[0].line : 1);
        goto done;
    }
    if (csv->n == 1) {
        cs_err_set(e, 400, CS_CSV_EMPTY, "csv", "Tệp không có dòng dữ liệu nào.%s",
                   "The file has no data rows.%s", "");
        goto done;
    }
    PGresult *g = cs_call_exec(c, "SELECT code FROM catalog.agency_groups", 0, NULL);
    if (!g)
        goto done;
    for (size_t i = 1; i < csv->n; i++) {
        cat_csv_row *row = &csv->rows[i];
        if (row->n != 3) {
            cs_err_set(e, 400, CS_CSV_INVALID, "csv", "Dòng %d: cần đúng 3 cột, có %zu.",
                       "Line %d: exactly 3 columns expected, found %zu.", row->line, row->n);
            goto done;
        }
        bool known = false;
        for (int k = 0; k < PQntuples(g); k++)
            if (strcmp(PQgetvalue(g, k, 0), row->f[0]) == 0)
                known = true;
        if (!known) {
            cs_err_set(e, 400, "unknown_group", "csv", "Dòng %d: không có nhóm cơ quan «%s».",
                       "Line %d: there is no agency group \"%s\".", row->line, row->f[0]);
            goto done;
        }
        if (!s_code_ok(row->f[1])) {
            cs_err_set(e, 400, "invalid_code", "csv", "Dòng %d: mã cơ quan «%s» không hợp lệ.",
                       "Line %d: the agency code \"%s\" is invalid.", row->line, row->f[1]);
            goto done;
        }
        if (cat_need_str(c, row->f[2], "name") < 0) {
            cs_err_set(e, 400, "required", "csv", "Dòng %d: thiếu tên cơ quan.",
                       "Line %d: the agency name is missing.", row->line);
            goto done;
        }
        for (size_t j = 1; j < i; j++)
            if (strcmp(csv->rows[j].f[1], row->f[1]) == 0) {
                cs_err_set(e, 400, "duplicate_code", "csv",
                           "Dòng %d: mã cơ quan «%s» trùng với dòng %d.",
                           "Line %d: the agency code \"%s\" repeats line %d.",
                           row->line, row->f[1], csv->rows[j].line);
                goto done;
            }
    }
    Chiso__ImportAgenciesReply *o = CAT_NEW(c, Chiso__ImportAgenciesReply,
                                            chiso__import_agencies_reply__descriptor);
    o->items = (Chiso__Agency **)cs_call_array(c, csv->n - 1);
    const char *prov = cs_call_int(c, cs_call_province(c));
    for (size_t i = 1; i < csv->n; i++) {
        cat_csv_row *row = &csv->rows[i];
        const char *p[] = {prov, row->f[1], row->f[2], row->f[0]};
        PGresult *r = cs_call_exec(c,
            "INSERT INTO catalog.agencies (province_id, code, name, group_code)"
            " VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (province_id, code) DO UPDATE SET name = EXCLUDED.name,"
            "   group_code = EXCLUDED.group_code"
            " RETURNING " AGENCY_COLS ", (xmax = 0)", 4, p);
        if (!r)
            goto done;
        if (cs_pg_bool(r, 0, 6))
            o->created++;
        else
            o->updated++;
        o->items[o->n_items++] = s_agency(c, r, 0);
    }
    o->has_created = o->has_updated = 1;
    if (cs_call_audit(c, "agency", 0, "import", NULL,
                      cat_json(c, "created", cs_call_int(c, o->created),
                               "updated", cs_call_int(c, o->updated), NULL), NULL) < 0)
        goto done;
    *out = &o->base;
    rc = 0;
done:
    cat_csv_destroy(&csv);
    return rc;
}

/* --- people and discipline ------------------------------------------------------------ */

/* Who may read people and discipline: the province's admins and viewers, leaders and
 * appraisers (ranking and appraisal need them), and the agency's own users. */
static bool s_reads_people(cs_call *c, long long agency_id)
{
    return cat_reads_all(c) || cs_call_has_role(c, "leader") || cs_call_has_role(c, "appraiser") ||
           (agency_id && cs_call_agency(c) == agency_id);
}

static Chiso__Person *s_person(cs_call *c, PGresult *r, int i)
{
    Chiso__Person *p = CAT_NEW(c, Chiso__Person, chiso__person__descriptor);
    CAT_SET(p, id, cs_pg_ll(r, i, 0));
    CAT_SET(p, agency_id, cs_pg_ll(r, i, 1));
    p->full_name = (char *)cat_val(c, r, i, 2);
    p->position = (char *)cat_val(c, r, i, 3);
    p->from_date = (char *)cat_val(c, r, i, 4);
    p->to_date = (char *)cat_val(c, r, i, 5);
    return p;
}

static int s_date(cs_call *c, const char *s, const char *field, bool required)
{
    if (!s || !s[0]) {
        if (!required)
            return 0;
        return cat_need_str(c, NULL, field);
    }
    if (!cat_date_valid(s))
        return cs_err_set(cs_call_err(c), 400, "invalid_date", field,
                          "Ngày «%s» không hợp lệ (định dạng YYYY-MM-DD).",
                          "The date \"%s\" is invalid (format YYYY-MM-DD).", s);
    return 0;
}

int cat_CreatePerson(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Person *rq = (const Chiso__Person *)in;
    if (cat_need_padmin(c) < 0)
        return -1;
    if (!s_agency_get(c, rq->agency_id))
        return -1;
    if (cat_need_str(c, rq->full_name, "full_name") < 0)
        return -1;
    if (!rq->position || (strcmp(rq->position, "head") != 0 && strcmp(rq->position, "deputy") != 0))
        return cs_err_set(cs_call_err(c), 400, "invalid_position", "position",
                          "Chức vụ phải là «head» (người đứng đầu) hoặc «deputy» (cấp phó).%s",
                          "The position must be \"head\" or \"deputy\".%s", "");
    if (s_date(c, rq->from_date, "from_date", false) < 0 || s_date(c, rq->to_date, "to_date", false) < 0)
        return -1;
    const char *p[] = {cs_call_int(c, cs_call_province(c)), cs_call_int(c, rq->agency_id),
                       rq->full_name, rq->position,
                       rq->from_date && rq->from_date[0] ? rq->from_date : NULL,
                       rq->to_date && rq->to_date[0] ? rq->to_date : NULL};
    PGresult *r = cs_call_exec(c,
        "INSERT INTO catalog.people (province_id, agency_id, full_name, position, from_date, to_date)"
        " VALUES ($1, $2, $3, $4, $5::date, $6::date) RETURNING " PERSON_COLS, 6, p);
    if (!r)
        return -1;
    Chiso__Person *o = s_person(c, r, 0);
    if (cs_call_audit(c, "person", o->id, "create", NULL,
                      cat_json(c, "full_name", o->full_name, "position", o->position,
                               "agency_id", cs_call_int(c, o->agency_id), NULL), NULL) < 0)
        return -1;
    *out = &o->base;
    return 0;
}

int cat_ListPeople(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__ListPeopleRequest *rq = (const Chiso__ListPeopleRequest *)in;
    if (cat_need_province(c) < 0)
        return -1;
    if (!s_agency_get(c, rq->agency_id))
        return -1;
    if (!s_reads_people(c, rq->agency_id))
        return cs_err_forbidden(cs_call_err(c));
    const char *p[] = {cs_call_int(c, rq->agency_id)};
    PGresult *r = cs_call_exec(c, "SELECT " PERSON_COLS " FROM catalog.people WHERE agency_id = $1"
                                  " ORDER BY position DESC, id", 1, p);
    if (!r)
        return -1;
    Chiso__PersonList *o = CAT_NEW(c, Chiso__PersonList, chiso__person_list__descriptor);
    CAT_ROWS(c, o, items, r, s_person);
    *out = &o->base;
    return 0;
}

static Chiso__Discipline *s_discipline(cs_call *c, PGresult *r, int i)
{
    Chiso__Discipline *d = CAT_NEW(c, Chiso__Discipline, chiso__discipline__descriptor);
    CAT_SET(d, id, cs_pg_ll(r, i, 0));
    CAT_SET(d, person_id, cs_pg_ll(r, i, 1));
    d->decided_on = (char *)cat_val(c, r, i, 2);
    d->form = (char *)cat_val(c, r, i, 3);
    d->decision_no = (char *)cat_val(c, r, i, 4);
    d->note = (char *)cat_val(c, r, i, 5);
    return d;
}

/* The person's agency, or -1 with 404 when the person is not in the caller's province. */
static long long s_person_agency(cs_call *c, long long person_id)
{
    const char *p[] = {cs_call_int(c, person_id)};
    PGresult *r = cs_call_exec(c, "SELECT agency_id FROM catalog.people WHERE id = $1", 1, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0) {
        cs_err_not_found(cs_call_err(c), "person");
        return -1;
    }
    return cs_pg_ll(r, 0, 0);
}

int cat_CreateDiscipline(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Discipline *rq = (const Chiso__Discipline *)in;
    if (cat_need_padmin(c) < 0)
        return -1;
    if (s_person_agency(c, rq->person_id) < 0)
        return -1;
    if (s_date(c, rq->decided_on, "decided_on", true) < 0 || cat_need_str(c, rq->form, "form") < 0)
        return -1;
    const char *p[] = {cs_call_int(c, cs_call_province(c)), cs_call_int(c, rq->person_id),
                       rq->decided_on, rq->form, rq->decision_no, rq->note};
    PGresult *r = cs_call_exec(c,
        "INSERT INTO catalog.discipline (province_id, person_id, decided_on, form, decision_no, note)"
        " VALUES ($1, $2, $3::date, $4, $5, $6) RETURNING " DISCIPLINE_COLS, 6, p);
    if (!r)
        return -1;
    Chiso__Discipline *o = s_discipline(c, r, 0);
    if (cs_call_audit(c, "discipline", o->id, "create", NULL,
                      cat_json(c, "person_id", cs_call_int(c, o->person_id),
                               "decided_on", o->decided_on, "form", o->form,
                               "decision_no", o->decision_no, NULL), NULL) < 0)
        return -1;
    *out = &o->base;
    return 0;
}

int cat_ListDiscipline(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__ListDisciplineRequest *rq = (const Chiso__ListDisciplineRequest *)in;
    if (cat_need_province(c) < 0)
        return -1;
    long long agency = s_person_agency(c, rq->person_id);
    if (agency < 0)
        return -1;
    if (!s_reads_people(c, agency))
        return cs_err_forbidden(cs_call_err(c));
    const char *p[] = {cs_call_int(c, rq->person_id)};
    PGresult *r = cs_call_exec(c, "SELECT " DISCIPLINE_COLS " FROM catalog.discipline"
                                  " WHERE person_id = $1 ORDER BY decided_on, id", 1, p);
    if (!r)
        return -1;
    Chiso__DisciplineList *o = CAT_NEW(c, Chiso__DisciplineList, chiso__discipline_list__descriptor);
    CAT_ROWS(c, o, items, r, s_discipline);
    *out = &o->base;
    return 0;
}
