/*  The gateway's route table: HTTP method + path pattern -> (service, rpc).
 *
 *  Each service's routes live in their own file (routes_<service>.c) exporting
 *  `const gw_route gw_routes_<service>[]` terminated by an entry with method == NULL;
 *  routes.c lists those tables. Path parameters `{name}` and query parameters fill the
 *  rpc input message's fields of the same name; the JSON body fills the rest. The OpenAPI
 *  document is generated from this table and the descriptors. */
#ifndef GW_ROUTES_H
#define GW_ROUTES_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

enum {
    GW_AUTH     = 0,        /* default: a valid session is required */
    GW_PUBLIC   = 1 << 0,   /* no session needed (login, published results, survey answers) */
    GW_UPLOAD   = 1 << 1,   /* body is a file (raw or multipart/form-data): the gateway
                               streams it to the evidence store, checks size (413) and type
                               from the content (415), and fills the input fields
                               file_sha256, file_size, file_type, file_name */
    GW_DOWNLOAD = 1 << 2,   /* the rpc authorises and answers file_sha256, file_type,
                               file_name: the gateway streams that file from the store */
    GW_CSV      = 1 << 3,   /* a text/csv body goes, as is, into the input's string field `csv` */
    GW_PORTAL   = 1 << 4,   /* portal client: X-API-Key instead of a session */
    GW_RAW      = 1 << 5,   /* the rpc answers bytes to send as they are: output fields
                               `content` (bytes), `content_type`, and optionally `file_name`
                               (-> Content-Disposition: attachment, RFC 6266 filename*),
                               `etag` (opaque, e.g. a SHA-256 hex: sent quoted; a matching
                               If-None-Match is answered 304 without the bytes) and
                               `cache_control`. Exports, published snapshots, charts. */
    GW_FEED     = 1 << 6,   /* a data feed: a JSON or CSV body (or one multipart part
                               named `file`) goes as is, UTF-8 checked, into the input's
                               string field `body`, its media type into `content_type`
                               (and a multipart file name into `file_name`); capped at
                               CHISO_MAX_UPLOAD instead of CHISO_MAX_BODY */
    GW_KEY      = 1 << 7,   /* a public read a portal client may make with its X-API-Key
                               (the feed out, SPEC §12): when the header is sent the key is
                               checked by the portal service (UseKey: 401 invalid_api_key for
                               an unknown or revoked key, its last use recorded) before the
                               call; without the header the route stays public */
    GW_SESSION_OR_KEY = 1 << 10,  /* a session, or from a caller without one a portal
                               client's X-API-Key: it goes to the input's `api_key`, checked
                               by the service with cs_apikey_use (the national view) */
    GW_INLINE   = 1 << 11,  /* with GW_DOWNLOAD, the evidence preview: a PDF, PNG or JPEG
                               goes inline and only this origin's pages may frame it
                               (frame-ancestors 'self', X-Frame-Options: SAMEORIGIN); any
                               other type is still an attachment that no page may frame.
                               Uploads are typed from their content (PDF, office files,
                               JPEG, PNG), so no HTML or SVG from a user is ever shown. */
    GW_THROTTLE = 1 << 9,   /* costly for an anonymous caller (login): a token bucket per
                               client address (CHISO_LOGIN_BURST, refilled at
                               CHISO_LOGIN_RATE_MILLI/1000 per second) answers 429 +
                               Retry-After before anything reaches a service */
};

typedef struct {
    const char *method;     /* "GET", "POST", "PUT", "PATCH", "DELETE"; NULL ends a table */
    const char *path;       /* "/api/v1/agencies/{id}" */
    const char *service;    /* broker service name: "catalog" */
    const ProtobufCServiceDescriptor *desc;
    const char *rpc;        /* method name in desc: "GetAgency" */
    unsigned flags;
    const char *summary;    /* one line for the OpenAPI document */
} gw_route;

/* Each service's table (services/gateway/routes_<service>.c); routes.c lists those that exist. */
extern const gw_route gw_routes_catalog[];
extern const gw_route gw_routes_submissions[];
extern const gw_route gw_routes_appraisal[];
extern const gw_route gw_routes_surveys[];
extern const gw_route gw_routes_leadership[];
extern const gw_route gw_routes_ranking[];
extern const gw_route gw_routes_portal[];

#endif
