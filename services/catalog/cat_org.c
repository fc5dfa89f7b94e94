/*  Provinces (sysadmin) and users (sysadmin: province admins; province_admin: the users of
 *  its province). Row-level security decides what exists for the caller: a row of another
 *  province is simply not found. */
#include "catalog.h"

#include <string.h>
#include "cat_smtp.h"
#include "cat_util.h"
#include "cat_validate.h"

#define USER_COLS "id, login, full_name, roles, province_id, agency_id, active," \
                  " extract(epoch FROM created_at)::bigint, email"
#define PROVINCE_COLS "id, code, name, time_zone, extract(epoch FROM created_at)::bigint"

/* --- provinces ------------------------------------------------------------------------ */

static Chiso__Province *s_province(cs_call *c, PGresult *r, int i)
{
    Chiso__Province *p = CAT_NEW(c, Chiso__Province, chiso__province__descriptor);
    CAT_SET(p, id, cs_pg_ll(r, i, 0));
    p->code = (char *)cat_val(c, r, i, 1);
    p->name = (char *)cat_val(c, r, i, 2);
    p->time_zone = (char *)cat_val(c, r, i, 3);
    CAT_SET(p, created_at, cs_pg_ll(r, i, 4));
    return p;
}

static bool s_code_valid(const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > max)
        return false;
    for (; *s; s++) {
        char ch = *s;
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '-' || ch == '.'))
            return false;
    }
    return true;
}

int cat_CreateProvince(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__Province *rq = (const Chiso__Province *)in;
    cs_err *e = cs_call_err(c);
    if (!cat_is_sysadmin(c))
        return cs_err_forbidden(e);
    if (!s_code_valid(rq->code, 16))
        return cs_err_set(e, 400, "invalid_code", "code",
                          "Mã tỉnh phải gồm 1–16 chữ cái, chữ số, «_», «-» hoặc «.».%s",
                          "The province code must be 1–16 letters, digits, '_', '-' or '.'.%s", "");
    if (cat_need_str(c, rq->name, "name") < 0)
        return -1;
    const char *tz = rq->time_zone && rq->time_zone[0] ? rq->time_zone : "Asia/Ho_Chi_Minh";
    const char *pt[] = {tz};
    PGresult *r = cs_call_exec(c, "SELECT 1 FROM pg_timezone_names WHERE name = $1", 1, pt);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_set(e, 400, "invalid_time_zone", "time_zone",
                          "Múi giờ «%s» không tồn tại.", "Unknown time zone \"%s\".", tz);
    const char *p[] = {rq->code, rq->name, tz};
    r = cs_call_exec(c, "INSERT INTO catalog.provinces (code, name, time_zone) VALUES ($1, $2, $3)"
                        " RETURNING " PROVINCE_COLS, 3, p);
    if (!r)
        return -1;
    Chiso__Province *o = s_province(c, r, 0);
    if (cs_call_audit(c, "province", o->id, "create", NULL,
                      cat_json(c, "code", o->code, "name", o->name, "time_zone", o->time_zone,
                               NULL), NULL) < 0)
        return -1;
    *out = &o->base;
    return 0;
}

int cat_ListProvinces(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    (void)in;
    if (cs_call_user(c) == 0)
        return cs_err_unauthenticated(cs_call_err(c));
    PGresult *r = cs_call_exec(c, "SELECT " PROVINCE_COLS " FROM catalog.provinces ORDER BY code",
                               0, NULL);
    if (!r)
        return -1;
    Chiso__ProvinceList *o = CAT_NEW(c, Chiso__ProvinceList, chiso__province_list__descriptor);
    CAT_ROWS(c, o, items, r, s_province);
    *out = &o->base;
    return 0;
}

int cat_GetProvince(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__CatalogGetRequest *rq = (const Chiso__CatalogGetRequest *)in;
    if (cs_call_user(c) == 0)
        return cs_err_unauthenticated(cs_call_err(c));
    const char *p[] = {cs_call_int(c, rq->id)};
    PGresult *r = cs_call_exec(c, "SELECT " PROVINCE_COLS " FROM catalog.provinces WHERE id = $1",
                               1, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_not_found(cs_call_err(c), "province");
    *out = &s_province(c, r, 0)->base;
    return 0;
}

/* --- users ---------------------------------------------------------------------------- */

static Chiso__User *s_user(cs_call *c, PGresult *r, int i)
{
    Chiso__User *u = CAT_NEW(c, Chiso__User, chiso__user__descriptor);
    CAT_SET(u, id, cs_pg_ll(r, i, 0));
    u->login = (char *)cat_val(c, r, i, 1);
    u->full_name = (char *)cat_val(c, r, i, 2);
    /* text[] of validated role names: no quoting inside. */
    char *s = cs_call_strdup(c, PQgetvalue(r, i, 3));
    size_t n = 0;
    char **v = (char **)cs_call_array(c, 16);
    if (s[0] == '{')
        s++;
    char *end = strrchr(s, '}');
    if (end)
        *end = '\0';
    char *save = NULL;
    for (char *t = strtok_r(s, ",", &save); t && n < 16; t = strtok_r(NULL, ",", &save))
        v[n++] = t;
    u->n_roles = n;
    u->roles = v;
    CAT_SET(u, province_id, cs_pg_ll(r, i, 4));
    CAT_SET(u, agency_id, cs_pg_ll(r, i, 5));
    CAT_SET(u, active, cs_pg_bool(r, i, 6));
    CAT_SET(u, created_at, cs_pg_ll(r, i, 7));
    u->email = (char *)cat_val(c, r, i, 8);
    return u;
}

/* An e-mail address given for a user: NULL (absent), "" (remove), or a valid address
 * (cat_smtp_address_valid: it goes into an SMTP envelope and a header). */
static int s_email_check(cs_call *c, const char *email)
{
    if (!email || !*email || cat_smtp_address_valid(email))
        return 0;
    return cs_err_set(cs_call_err(c), 400, "invalid_email", "email",
                      "Địa chỉ thư điện tử không hợp lệ.%s", "The e-mail address is not valid.%s", "");
}

/* Roles of a new or changed user: valid names, at least one, never sysadmin through the
 * API; a sysadmin grants province_admin only; agency roles need an agency. Builds the
 * text[] literal. */
static int s_roles(cs_call *c, char **roles, size_t n, bool by_sysadmin, long long agency_id,
                   const char **lit)
{
    cs_err *e = cs_call_err(c);
    if (n == 0)
        return cs_err_set(e, 400, "required", "roles", "Cần ít nhất một vai trò.%s",
                          "At least one role is required.%s", "");
    if (n > 9)
        return cs_err_invalid(e, "roles", "quá nhiều vai trò", "too many roles");
    size_t len = 3;
    for (size_t i = 0; i < n; i++) {
        const char *r = roles[i];
        if (!cat_role_valid(r) || strcmp(r, "sysadmin") == 0)
            return cs_err_set(e, 400, "invalid_role", "roles",
                              "Vai trò «%s» không hợp lệ.", "Invalid role \"%s\".", r ? r : "");
        if (by_sysadmin && strcmp(r, "province_admin") != 0)
            return cs_err_set(e, 400, "invalid_role", "roles",
                              "Quản trị hệ thống chỉ tạo quản trị tỉnh, không cấp vai trò «%s».",
                              "A sysadmin creates province admins only, not the role \"%s\".", r);
        if (agency_id <= 0 && (strcmp(r, "agency_editor") == 0 || strcmp(r, "agency_head") == 0 ||
                               strcmp(r, "specialist") == 0))
            return cs_err_set(e, 400, "agency_required", "agency_id",
                              "Vai trò «%s» cần gắn với một cơ quan (agency_id).",
                              "The role \"%s\" needs an agency (agency_id).", r);
        len += strlen(r) + 1;
    }
    char *s = cs_call_alloc(c, len);
    strcat(s, "{");
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(s, ",");
        strcat(s, roles[i]);
    }
    strcat(s, "}");
    *lit = s;
    return 0;
}

/* The agency must exist in the caller's province (RLS hides others). */
static int s_agency_exists(cs_call *c, long long agency_id)
{
    const char *p[] = {cs_call_int(c, agency_id)};
    PGresult *r = cs_call_exec(c, "SELECT 1 FROM catalog.agencies WHERE id = $1", 1, p);
    if (!r)
        return -1;
    if (PQntuples(r) == 0)
        return cs_err_set(cs_call_err(c), 400, "unknown_agency", "agency_id",
                          "Không có cơ quan mã số %lld.", "There is no agency %lld.", agency_id);
    return 0;
}

/* Users a sysadmin may see and change: sysadmins, and the admins of provinces. */
static bool s_sys_reaches(const Chiso__User *u)
{
    for (size_t i = 0; i < u->n_roles; i++)
        if (!strcmp(u->roles[i], "province_admin") || !strcmp(u->roles[i], "sysadmin"))
            return true;
    return false;
}

int cat_CreateUser(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__CreateUserRequest *rq = (const Chiso__CreateUserRequest *)in;
    cs_err *e = cs_call_err(c);
    long long province;
    bool by_sys = cat_is_sysadmin(c) && cs_call_province(c) == 0;
    if (by_sys) {
        if (!rq->has_province_id || rq->province_id <= 0)
            return cs_err_set(e, 400, "required", "province_id",
                              "Cần chỉ rõ tỉnh (province_id) của quản trị tỉnh.%s",
                              "The province (province_id) of the province admin is required.%s", "");
        const char *p[] = {cs_call_int(c, rq->province_id)};
        PGresult *r = cs_call_exec(c, "SELECT 1 FROM catalog.provinces WHERE id = $1", 1, p);
        if (!r)
            return -1;
        if (PQntuples(r) == 0)
            return cs_err_not_found(e, "province");
        province = rq->province_id;
    } else {
        if (cat_need_padmin(c) < 0)
            return -1;
        province = cs_call_province(c);
        if (rq->has_province_id && rq->province_id != 0 && rq->province_id != province)
            return cs_err_not_found(e, "province");
    }
    if (!cat_login_valid(rq->login))
        return cs_err_set(e, 400, "invalid_login", "login",
                          "Tên đăng nhập phải gồm 3–64 ký tự chữ cái không dấu, chữ số, «.», «_», «@» hoặc «-».%s",
                          "The login must be 3–64 characters: letters, digits, '.', '_', '@' or '-'.%s", "");
    if (cat_need_str(c, rq->full_name, "full_name") < 0 || s_email_check(c, rq->email) < 0)
        return -1;
    long long agency = rq->has_agency_id ? rq->agency_id : 0;
    if (by_sys && agency)
        return cs_err_invalid(e, "agency_id", "quản trị tỉnh không gắn với cơ quan",
                              "a province admin is not attached to an agency");
    const char *roles;
    if (s_roles(c, rq->roles, rq->n_roles, by_sys, agency, &roles) < 0)
        return -1;
    if (agency && s_agency_exists(c, agency) < 0)
        return -1;
    const char *hash;
    if (cat_password_hash(c, rq->password, &hash) < 0)
        return -1;
    const char *p[] = {cs_call_int(c, province), rq->login, rq->full_name, hash, roles,
                       agency ? cs_call_int(c, agency) : NULL,
                       rq->email && *rq->email ? rq->email : NULL};
    PGresult *r = cs_call_exec(c,
        "INSERT INTO catalog.users (province_id, login, full_name, password_hash, roles, agency_id,"
        "                           email)"
        " VALUES ($1, $2, $3, $4, $5::text[], $6, $7) RETURNING " USER_COLS, 7, p);
    if (!r) {
        if (strcmp(e->code, "duplicate") == 0 || e->status == 409)
            cs_err_set(e, 409, "login_taken", "login", "Tên đăng nhập «%s» đã được dùng.",
                       "The login \"%s\" is already taken.", rq->login);
        return -1;
    }
    Chiso__User *u = s_user(c, r, 0);
    /* in the province's own trail, also when a sysadmin made its admin */
    if (cs_call_audit_in(c, province, "user", u->id, "create", NULL,
                         cat_json(c, "login", u->login, "roles", roles, NULL), NULL) < 0)
        return -1;
    *out = &u->base;
    return 0;
}

int cat_ListUsers(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__ListUsersRequest *rq = (const Chiso__ListUsersRequest *)in;
    if (!cat_is_sysadmin(c) && !cat_reads_all(c))
        return cs_call_user(c) ? cs_err_forbidden(cs_call_err(c))
                               : cs_err_unauthenticated(cs_call_err(c));
    long long prov = rq->has_province_id ? rq->province_id : 0;
    /* a sysadmin sees the sysadmins and the provinces' admins, no one inside a province */
    bool by_sys = cat_is_sysadmin(c) && cs_call_province(c) == 0;
    const char *p[] = {prov ? cs_call_int(c, prov) : NULL, cat_pbool(by_sys)};
    PGresult *r = cs_call_exec(c,
        "SELECT " USER_COLS " FROM catalog.users"
        " WHERE ($1::bigint IS NULL OR province_id = $1)"
        "   AND (NOT $2::boolean OR roles && '{sysadmin,province_admin}'::text[])"
        " ORDER BY login", 2, p);
    if (!r)
        return -1;
    Chiso__UserList *o = CAT_NEW(c, Chiso__UserList, chiso__user_list__descriptor);
    CAT_ROWS(c, o, items, r, s_user);
    *out = &o->base;
    return 0;
}

static PGresult *s_user_get(cs_call *c, long long id)
{
    const char *p[] = {cs_call_int(c, id)};
    PGresult *r = cs_call_exec(c, "SELECT " USER_COLS " FROM catalog.users WHERE id = $1", 1, p);
    if (r && PQntuples(r) == 0) {
        cs_err_not_found(cs_call_err(c), "user");
        return NULL;
    }
    return r;
}

int cat_GetUser(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__CatalogGetRequest *rq = (const Chiso__CatalogGetRequest *)in;
    if (cs_call_user(c) == 0)
        return cs_err_unauthenticated(cs_call_err(c));
    PGresult *r = s_user_get(c, rq->id);
    if (!r)
        return -1;
    if (!cat_is_sysadmin(c) && !cat_reads_all(c) && rq->id != cs_call_user(c))
        return cs_err_forbidden(cs_call_err(c));
    Chiso__User *u = s_user(c, r, 0);
    if (cat_is_sysadmin(c) && cs_call_province(c) == 0 && !s_sys_reaches(u))
        return cs_err_not_found(cs_call_err(c), "user");
    *out = &u->base;
    return 0;
}

int cat_UpdateUser(cs_call *c, const ProtobufCMessage *in, ProtobufCMessage **out)
{
    const Chiso__UpdateUserRequest *rq = (const Chiso__UpdateUserRequest *)in;
    cs_err *e = cs_call_err(c);
    bool by_sys = cat_is_sysadmin(c) && cs_call_province(c) == 0;
    /* Anyone keeps their own e-mail address up to date (reminders go there); nothing else
     * of their account changes this way. */
    bool own_email = rq->email && rq->id == cs_call_user(c) && cs_call_province(c) > 0 &&
                     !rq->full_name && rq->n_roles == 0 && !rq->has_agency_id &&
                     !rq->has_active && !rq->password;
    if (!by_sys && !own_email && cat_need_padmin(c) < 0)
        return -1;
    if (s_email_check(c, rq->email) < 0)
        return -1;
    PGresult *old = s_user_get(c, rq->id);
    if (!old)
        return -1;
    Chiso__User *before = s_user(c, old, 0);
    /* A sysadmin manages province admins; nobody edits a sysadmin through the API. */
    for (size_t i = 0; i < before->n_roles; i++)
        if (strcmp(before->roles[i], "sysadmin") == 0)
            return cs_err_forbidden(e);
    /* SPEC §1: nothing inside a province unless granted. The sysadmin reaches a province's
     * admins, not its other users (no password reset of an editor, no viewer made admin). */
    if (by_sys && !s_sys_reaches(before))
        return cs_err_forbidden(e);
    if (by_sys && rq->has_agency_id && rq->agency_id)
        return cs_err_invalid(e, "agency_id", "quản trị tỉnh không gắn với cơ quan",
                              "a province admin is not attached to an agency");
    long long agency = rq->has_agency_id ? rq->agency_id : before->agency_id;
    const char *roles = NULL;
    if (rq->n_roles > 0 && s_roles(c, rq->roles, rq->n_roles, by_sys, agency, &roles) < 0)
        return -1;
    if (rq->has_agency_id && rq->agency_id && s_agency_exists(c, rq->agency_id) < 0)
        return -1;
    if (rq->full_name && cat_need_str(c, rq->full_name, "full_name") < 0)
        return -1;
    const char *hash = NULL;
    if (rq->password && cat_password_hash(c, rq->password, &hash) < 0)
        return -1;
    const char *p[] = {cs_call_int(c, rq->id), rq->full_name, roles,
                       cat_pbool(rq->has_agency_id), cs_call_int(c, rq->agency_id),
                       rq->has_active ? cat_pbool(rq->active) : NULL, rq->email};
    PGresult *r = cs_call_exec(c,
        "UPDATE catalog.users SET full_name = coalesce($2, full_name),"
        "       roles = coalesce($3::text[], roles),"
        "       agency_id = CASE WHEN $4::boolean THEN nullif($5::bigint, 0) ELSE agency_id END,"
        "       active = coalesce($6::boolean, active),"
        "       email = CASE WHEN $7::text IS NULL THEN email ELSE nullif($7, '') END"
        " WHERE id = $1 RETURNING " USER_COLS, 7, p);
    if (!r)
        return -1;
    /* Written on its own: chiso_app may set the hash but not read it (016_db_defence.sql),
     * and an expression naming the column would read it. */
    const char *ph[] = {p[0], hash};
    if (hash && !cs_call_exec(c, "UPDATE catalog.users SET password_hash = $2 WHERE id = $1",
                              2, ph))
        return -1;
    Chiso__User *u = s_user(c, r, 0);
    if (!u->active || hash) {
        /* Disabled or new password: the old sessions end now. */
        const char *pu[] = {cs_call_int(c, u->id)};
        if (!cs_call_exec(c, "SELECT catalog.session_revoke_user($1)", 1, pu))
            return -1;
    }
    if (cs_call_audit_in(c, u->has_province_id ? u->province_id : 0, "user", u->id, "update",
                      cat_json(c, "full_name", before->full_name,
                               "active", before->active ? "true" : "false",
                               "email", before->email, NULL),
                      cat_json(c, "full_name", u->full_name, "active", u->active ? "true" : "false",
                               "roles", roles, "password", hash ? "changed" : NULL,
                               "email", u->email, NULL),
                      NULL) < 0)
        return -1;
    *out = &u->base;
    return 0;
}
