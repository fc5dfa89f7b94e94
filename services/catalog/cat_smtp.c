/*  cat_smtp: see cat_smtp.h. */
#include "cat_smtp.h"
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_config.h"

void cat_smtp_from_env(cat_smtp *out)
{
    const char *url = getenv("CHISO_SMTP_URL");
    *out = (cat_smtp){
        .url = url && *url ? url : NULL,
        .from = cs_env("CHISO_SMTP_FROM", "chiso@localhost"),
        .user = getenv("CHISO_SMTP_USER"),
        .password = getenv("CHISO_SMTP_PASSWORD"),
        .tls_required = strcmp(cs_env("CHISO_SMTP_TLS", ""), "required") == 0,
        .timeout_s = (long)cs_env_int("CHISO_SMTP_TIMEOUT", 30),
    };
}

bool cat_smtp_address_valid(const char *a)
{
    size_t n = a ? strlen(a) : 0;
    if (n < 3 || n > 254)
        return false;
    const char *at = strchr(a, '@');
    if (!at || at == a || strchr(at + 1, '@') || !at[1])
        return false;
    for (const char *p = a; p < at; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || strchr("<>()[],;:\"\\", *p))
            return false;
    for (const char *p = at + 1; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '.'))
            return false;
    return true;
}

/* base64 of len bytes into a malloc'd string. */
static char *s_b64(const char *data, size_t len)
{
    size_t n = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
    char *out = malloc(n);
    if (out)
        sodium_bin2base64(out, n, (const unsigned char *)data, len, sodium_base64_VARIANT_ORIGINAL);
    return out;
}

/* Append to a growing string. */
typedef struct {
    char *s;
    size_t len, cap;
    bool oom;
} s_str;

static void s_add(s_str *b, const char *text, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->oom = true;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
    memcpy(b->s + b->len, text, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void s_adds(s_str *b, const char *text)
{
    s_add(b, text, strlen(text));
}

char *cat_smtp_message(const char *from, const char *to, const char *subject, const char *body,
                       time_t date, const char *message_id)
{
    if (!cat_smtp_address_valid(from) || !cat_smtp_address_valid(to))
        return NULL;
    char *text = s_b64(body, strlen(body));
    char when[64];
    struct tm tm;
    gmtime_r(&date, &tm);
    strftime(when, sizeof when, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    s_str b = {0};
    if (!text)
        b.oom = true;
    s_adds(&b, "From: ");
    s_adds(&b, from);
    s_adds(&b, "\r\nTo: ");
    s_adds(&b, to);
    /* RFC 2047: encoded words of whole UTF-8 characters, at most 36 bytes (48 base64
     * characters) each, one per folded line */
    s_adds(&b, "\r\nSubject:");
    for (size_t i = 0, n = strlen(subject); i < n;) {
        size_t k = n - i < 36 ? n - i : 36;
        while (i + k < n && k > 1 && ((unsigned char)subject[i + k] & 0xC0) == 0x80)
            k--;
        char *word = s_b64(subject + i, k);
        if (!word)
            b.oom = true;
        if (i > 0)
            s_adds(&b, "\r\n");
        s_adds(&b, " =?UTF-8?B?");
        s_adds(&b, word ? word : "");
        s_adds(&b, "?=");
        free(word);
        i += k;
    }
    s_adds(&b, "\r\nDate: ");
    s_adds(&b, when);
    s_adds(&b, "\r\nMessage-ID: <");
    s_adds(&b, message_id);
    s_adds(&b, strchr(from, '@'));
    s_adds(&b, ">\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
               "Content-Transfer-Encoding: base64\r\nAuto-Submitted: auto-generated\r\n\r\n");
    for (size_t i = 0, n = text ? strlen(text) : 0; i < n; i += 76) {
        s_add(&b, text + i, n - i < 76 ? n - i : 76);
        s_adds(&b, "\r\n");
    }
    free(text);
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

typedef struct {
    const char *p;
    size_t left;
} s_reader;

static size_t s_read(char *buf, size_t size, size_t nitems, void *arg)
{
    s_reader *r = arg;
    size_t n = size * nitems < r->left ? size * nitems : r->left;
    memcpy(buf, r->p, n);
    r->p += n;
    r->left -= n;
    return n;
}

int cat_smtp_send(const cat_smtp *s, const char *to, const char *message, char *err,
                  size_t err_len)
{
    if (!s->url) {
        snprintf(err, err_len, "no SMTP relay configured");
        return -1;
    }
    CURL *h = curl_easy_init();
    if (!h) {
        snprintf(err, err_len, "curl_easy_init failed");
        return -1;
    }
    char curl_err[CURL_ERROR_SIZE] = "";
    struct curl_slist *rcpt = curl_slist_append(NULL, to);
    s_reader rd = {message, strlen(message)};
    curl_easy_setopt(h, CURLOPT_URL, s->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, s->from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, s_read);
    curl_easy_setopt(h, CURLOPT_READDATA, &rd);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_USE_SSL, s->tls_required ? (long)CURLUSESSL_ALL
                                                         : (long)CURLUSESSL_TRY);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, s->timeout_s > 0 ? s->timeout_s : 30L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);      /* worker threads: no SIGALRM */
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_err);
    if (s->user && *s->user) {
        curl_easy_setopt(h, CURLOPT_USERNAME, s->user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, s->password ? s->password : "");
    }
    CURLcode rc = rcpt ? curl_easy_perform(h) : CURLE_OUT_OF_MEMORY;
    if (rc != CURLE_OK) {
        long code = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        snprintf(err, err_len, "%s (%ld): %s", curl_easy_strerror(rc), code,
                 curl_err[0] ? curl_err : "-");
    }
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(h);
    return rc == CURLE_OK ? 0 : -1;
}
