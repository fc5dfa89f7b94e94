/*  cat_smtp: one e-mail through an SMTP relay with libcurl (the reminders' outbox,
 *  cat_remind.h).
 *
 *  The relay is configured by the environment: CHISO_SMTP_URL (smtp://host:port, or
 *  smtps://host:port for TLS from the start; unset: nothing is ever e-mailed),
 *  CHISO_SMTP_FROM (the sender address, default chiso@localhost), CHISO_SMTP_USER and
 *  CHISO_SMTP_PASSWORD (optional login). On smtp:// STARTTLS is used when the relay offers
 *  it, and required when CHISO_SMTP_TLS=required. */
#ifndef CAT_SMTP_H
#define CAT_SMTP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

typedef struct {
    const char *url;        /* NULL: no relay */
    const char *from;
    const char *user, *password;
    bool tls_required;
    long timeout_s;
} cat_smtp;

/* The configuration from the environment (the strings are the environment's). */
void cat_smtp_from_env(cat_smtp *out);

/* An address we accept for a user and put in an SMTP envelope: 3-254 characters, one '@'
 * with printable ASCII before it, a domain of letters, digits, '-' and '.', nothing that
 * could end a header or a command (no space, control character, <>()[],;:"\). */
bool cat_smtp_address_valid(const char *addr);

/* The message (RFC 5322, CRLF lines): From, To, Subject (RFC 2047 UTF-8 base64), Date,
 * Message-ID <id@host-of-from>, MIME headers, the body as UTF-8 text in base64. malloc'd,
 * NULL when out of memory or an address is not valid. */
char *cat_smtp_message(const char *from, const char *to, const char *subject, const char *body,
                       time_t date, const char *message_id);

/* Send a message to `to`. 0, or -1 with the reason in err (the relay refused, could not
 * be reached, ...). */
int cat_smtp_send(const cat_smtp *s, const char *to, const char *message, char *err,
                  size_t err_len);

#endif
