/*  gw_openapi: OpenAPI 3.0 from the route table and descriptors. See openapi.h. */
#include "openapi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pbjson.h"
#include "router.h"

bool gw_openapi_hidden_field(const gw_route *r, const char *name)
{
    if (strcmp(name, "session_token") == 0)
        return true;
    if ((r->flags & GW_UPLOAD) && (!strcmp(name, "file_sha256") || !strcmp(name, "file_size") ||
                                   !strcmp(name, "file_type")))
        return true;
    if ((r->flags & GW_CSV) && strcmp(name, "csv") == 0)
        return true;
    if ((r->flags & (GW_PORTAL | GW_SESSION_OR_KEY)) && strcmp(name, "api_key") == 0)
        return true;
    if ((r->flags & GW_FEED) && (!strcmp(name, "body") || !strcmp(name, "content_type") ||
                                 !strcmp(name, "file_name") || !strcmp(name, "spool")))
        return true;
    return false;
}

static bool s_is_path_param(const char *path, const char *name)
{
    char pat[160];
    snprintf(pat, sizeof pat, "{%s}", name);
    return strstr(path, pat) != NULL;
}

static json_t *s_error_response(const char *desc)
{
    return json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", desc, "content",
                     "application/json", "schema", "$ref", "#/components/schemas/Error");
}

typedef struct {
    json_t *paths;
    json_t *schemas;
} s_doc;

static void s_add_route(const gw_route *r, void *arg)
{
    s_doc *doc = arg;
    const ProtobufCMethodDescriptor *md =
        r->desc ? protobuf_c_service_descriptor_get_method_by_name(r->desc, r->rpc) : NULL;
    json_t *item = json_object_get(doc->paths, r->path);
    if (!item) {
        item = json_object();
        json_object_set_new(doc->paths, r->path, item);
    }
    char lower[16];
    size_t i;
    for (i = 0; r->method[i] && i < sizeof lower - 1; i++)
        lower[i] = (char) (r->method[i] >= 'A' && r->method[i] <= 'Z' ? r->method[i] + 32 : r->method[i]);
    lower[i] = '\0';

    json_t *op = json_object();
    json_object_set_new(op, "summary", json_string(r->summary ? r->summary : r->rpc));
    json_object_set_new(op, "operationId", json_string(r->rpc));
    json_object_set_new(op, "tags", json_pack("[s]", r->service));
    if ((r->flags & GW_PUBLIC) && (r->flags & GW_KEY))     /* anyone; a portal client by key */
        json_object_set_new(op, "security", json_pack("[{}, {s:[]}]", "apiKey"));
    else if (r->flags & GW_PUBLIC)
        json_object_set_new(op, "security", json_array());
    else if (r->flags & GW_PORTAL)
        json_object_set_new(op, "security", json_pack("[{s:[]}]", "apiKey"));
    else if (r->flags & GW_SESSION_OR_KEY)
        json_object_set_new(op, "security",
                            json_pack("[{s:[]},{s:[]}]", "bearerAuth", "apiKey"));

    json_t *params = json_array();
    bool has_body = !strcmp(r->method, "POST") || !strcmp(r->method, "PUT") ||
                    !strcmp(r->method, "PATCH");
    if (md) {
        const ProtobufCMessageDescriptor *in = md->input;
        for (unsigned k = 0; k < in->n_fields; k++) {
            const ProtobufCFieldDescriptor *f = &in->fields[k];
            bool in_path = s_is_path_param(r->path, f->name);
            bool in_query = !in_path && !gw_openapi_hidden_field(r, f->name) &&
                            f->type != PROTOBUF_C_TYPE_MESSAGE &&
                            (!has_body || (r->flags & (GW_UPLOAD | GW_CSV | GW_FEED)));
            if (!in_path && !in_query)
                continue;
            json_t *schema = pbjson_field_schema(f, doc->schemas);
            if (f->label == PROTOBUF_C_LABEL_REPEATED)
                schema = json_pack("{s:s, s:o}", "type", "array", "items", schema);
            json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:o}", "name", f->name,
                                                    "in", in_path ? "path" : "query",
                                                    "required", in_path, "schema", schema));
        }
        if (has_body) {
            json_t *content;
            if (r->flags & GW_UPLOAD)
                content = json_pack("{s:{s:{s:s, s:s}}, s:{s:{s:s, s:{s:{s:s, s:s}}}}}",
                                    "application/octet-stream", "schema", "type", "string",
                                    "format", "binary", "multipart/form-data", "schema",
                                    "type", "object", "properties", "file", "type", "string",
                                    "format", "binary");
            else if (r->flags & GW_FEED)
                content = json_pack("{s:{s:{s:s}}, s:{s:{s:s}}, s:{s:{s:s, s:{s:{s:s, s:s}}}}}",
                                    "application/json", "schema", "type", "object",
                                    "text/csv", "schema", "type", "string",
                                    "multipart/form-data", "schema", "type", "object",
                                    "properties", "file", "type", "string", "format", "binary");
            else if (r->flags & GW_CSV)
                content = json_pack("{s:{s:{s:s}}}", "text/csv", "schema", "type", "string");
            else
                content = json_pack("{s:{s:o}}", "application/json", "schema",
                                    pbjson_schema_ref(in, doc->schemas));
            json_object_set_new(op, "requestBody",
                                json_pack("{s:o, s:b}", "content", content, "required", 0));
        }
        json_t *ok;
        if (r->flags & GW_RAW)
            /* the rpc decides the media type per answer (JSON snapshot, XLSX, PDF, SVG) */
            ok = json_pack("{s:s, s:{s:{s:{s:s}}}, s:{s:{s:{s:s, s:s}}}}",
                           "description", "the bytes, as Content-Type says; ETag when the "
                           "answer has one (If-None-Match -> 304)",
                           "headers", "ETag", "schema", "type", "string",
                           "content", "*/*", "schema", "type", "string", "format", "binary");
        else if (r->flags & GW_DOWNLOAD)
            ok = json_pack("{s:s, s:{s:{s:{s:s, s:s}}}}", "description", "the file",
                           "content", "application/octet-stream", "schema", "type", "string",
                           "format", "binary");
        else
            ok = json_pack("{s:s, s:{s:{s:o}}}", "description", "success", "content",
                           "application/json", "schema", pbjson_schema_ref(md->output, doc->schemas));
        json_t *responses = json_pack("{s:o, s:o, s:o, s:o, s:o}", "200", ok,
                                      "400", s_error_response("invalid input"),
                                      "401", s_error_response("no valid session"),
                                      "403", s_error_response("not allowed"),
                                      "default", s_error_response("error"));
        if (r->flags & GW_RAW)
            json_object_set_new(responses, "304", json_pack("{s:s}", "description",
                                                            "not modified (If-None-Match)"));
        json_object_set_new(op, "responses", responses);
    } else {
        json_object_set_new(op, "responses",
                            json_pack("{s:o}", "default", s_error_response("error")));
    }
    json_object_set_new(op, "parameters", params);
    json_object_set_new(item, lower, op);
}

char *gw_openapi_render(void)
{
    s_doc doc = {json_object(), json_object()};
    json_object_set_new(doc.schemas, "Error", json_pack(
        "{s:s, s:{s:{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s, s:b}, s:{s:s, s:b}}}}}",
        "type", "object", "properties", "error", "type", "object", "properties",
        "code", "type", "string", "message", "type", "string", "message_vi", "type", "string",
        "message_en", "type", "string", "field", "type", "string", "nullable", 1,
        "detail", "type", "string", "nullable", 1));
    gw_router_each(s_add_route, &doc);
    json_t *root = json_pack(
        "{s:s, s:{s:s, s:s, s:s}, s:[{s:s}], s:o, s:{s:o, s:{s:{s:s, s:s}, s:{s:s, s:s, s:s}}}, s:[{s:[]}]}",
        "openapi", "3.0.3",
        "info", "title", "chiso API", "version", "1",
        "description", "Đánh giá chất lượng hoạt động của cơ quan, đơn vị (chiso)",
        "servers", "url", "/",
        "paths", doc.paths,
        "components", "schemas", doc.schemas, "securitySchemes",
        "bearerAuth", "type", "http", "scheme", "bearer",
        "apiKey", "type", "apiKey", "in", "header", "name", "X-API-Key",
        "security", "bearerAuth");
    char *text = pbjson_dumps(root);
    json_decref(root);
    return text;
}
