/*  The broker call. See call.h. */
#include "call.h"

#include <stdio.h>
#include <stdlib.h>

static _Thread_local cs_client *tl_client;

cs_client *gw_call_client(gw_http *h)
{
    if (!tl_client) {
        tl_client = cs_client_new(h->zmq, h->cfg->broker);
        if (!tl_client)
            return NULL;
        pthread_mutex_lock(&h->lock);
        cs_client **grown = realloc(h->clients, (h->n_clients + 1) * sizeof *grown);
        if (!grown)
            abort();
        h->clients = grown;
        h->clients[h->n_clients++] = tl_client;
        pthread_mutex_unlock(&h->lock);
    }
    return tl_client;
}

static int s_bad_reply(cs_err *e, const char *service)
{
    return cs_err_set(e, 502, "bad_reply", NULL, "Dịch vụ %s trả lời không hợp lệ",
                      "Service %s sent an invalid reply", service);
}

/* The service's error as ours: status, code, field, both messages, detail, retry_after. */
static void s_reply_error(const Chiso__Error *re, cs_err *e)
{
    cs_err_clear(e);
    e->status = re->has_status && re->status ? (int) re->status : 500;
    snprintf(e->code, sizeof e->code, "%s", re->code ? re->code : "internal");
    snprintf(e->field, sizeof e->field, "%s", re->field ? re->field : "");
    snprintf(e->message_vi, sizeof e->message_vi, "%s", re->message_vi ? re->message_vi : "");
    snprintf(e->message_en, sizeof e->message_en, "%s", re->message_en ? re->message_en : "");
    snprintf(e->detail, sizeof e->detail, "%s", re->detail ? re->detail : "");
    e->retry_after = re->has_retry_after && re->retry_after < 86400 ? (int) re->retry_after : 0;
}

int gw_call(gw_http *h, const char *service, const char *rpc, Chiso__Context *ctx,
            const ProtobufCMessage *in, const ProtobufCMessageDescriptor *od, bool retry,
            ProtobufCMessage **out, cs_err *e)
{
    cs_client *client = gw_call_client(h);
    *out = NULL;
    if (!client)
        return cs_err_internal(e, "cannot open a broker client");
    size_t in_len = protobuf_c_message_get_packed_size(in);
    uint8_t *in_buf = malloc(in_len ? in_len : 1);
    if (!in_buf)
        abort();
    protobuf_c_message_pack(in, in_buf);

    Chiso__Request req = CHISO__REQUEST__INIT;
    req.ctx = ctx;
    req.rpc = (char *) rpc;
    req.has_body = 1;
    req.body.data = in_buf;
    req.body.len = in_len;
    size_t req_len = chiso__request__get_packed_size(&req);
    uint8_t *req_buf = malloc(req_len ? req_len : 1);
    if (!req_buf)
        abort();
    chiso__request__pack(&req, req_buf);
    free(in_buf);

    uint8_t *rep_buf = NULL;
    size_t rep_len = 0;
    int rc = cs_client_call(client, service, req_buf, req_len, retry, &rep_buf, &rep_len, e);
    free(req_buf);
    if (rc != 0)
        return -1;

    Chiso__Reply *rep = chiso__reply__unpack(NULL, rep_len, rep_buf);
    free(rep_buf);
    if (!rep)
        return s_bad_reply(e, service);
    if (rep->error) {
        s_reply_error(rep->error, e);
        chiso__reply__free_unpacked(rep, NULL);
        return -1;
    }
    *out = protobuf_c_message_unpack(od, NULL, rep->has_body ? rep->body.len : 0,
                                     rep->has_body ? rep->body.data : (const uint8_t *) "");
    chiso__reply__free_unpacked(rep, NULL);
    if (!*out)
        return s_bad_reply(e, service);
    return 0;
}
