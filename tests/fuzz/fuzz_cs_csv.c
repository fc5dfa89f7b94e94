/*  libFuzzer target: the common CSV reader (services/common/cs_csv.c) on its own.
 *
 *  The first byte picks the read size of the streaming reader (1..64 bytes, the first read
 *  too: the separator is decided from a first line that may come in several reads) and the decimals for the number parsers; the rest is the CSV. The same text is
 *  read twice, from the string and streamed through a callback, and both readings must
 *  agree record by record (fields, line numbers, the error at the end): the reader claims
 *  the two go through the same code. Every field also goes through cs_csv_decimal and
 *  cs_csv_uint (UBSan watches their arithmetic), and the header through cs_csv_column. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include "cs_csv.h"

typedef struct {
    const char *text;
    size_t len, pos, step;
} s_stream;

/* Every read is step bytes, to cross every boundary (the first line's too). */
static ssize_t s_read(void *arg, char *buf, size_t n)
{
    s_stream *s = arg;
    size_t want = s->step;
    if (want > n)
        want = n;
    if (want > s->len - s->pos)
        want = s->len - s->pos;
    memcpy(buf, s->text + s->pos, want);
    s->pos += want;
    return (ssize_t) want;
}

static void s_numbers(const cs_csv *csv, int decimals)
{
    for (size_t i = 0; i < cs_csv_nfields(csv); i++) {
        int64_t v = -1;
        if (cs_csv_decimal(cs_csv_field(csv, i), decimals, &v) == 0 && v < 0)
            abort();
        if (cs_csv_uint(cs_csv_field(csv, i), &v) == 0 && v < 0)
            abort();
    }
}

static int s_one(const uint8_t *data, size_t size)
{
    if (size < 1 || size > (1 << 20))
        return 0;
    size_t step = (size_t) (data[0] & 63) + 1;
    int decimals = data[0] % 10;
    const char *text = (const char *) data + 1;
    size_t len = size - 1;
    s_stream st = {text, len, 0, step};
    cs_csv *a = cs_csv_new_text(text, len);
    cs_csv *b = cs_csv_new_reader(s_read, &st);
    cs_err ea, eb;
    cs_err_clear(&ea);
    cs_err_clear(&eb);
    for (int records = 0;; records++) {
        int ra = cs_csv_next(a, &ea), rb = cs_csv_next(b, &eb);
        if (ra != rb)
            abort();
        if (ra < 0 && (strcmp(ea.code, eb.code) != 0 || strcmp(ea.field, eb.field) != 0 ||
                       ea.status != 400))
            abort();
        if (ra <= 0)
            break;
        if (cs_csv_nfields(a) != cs_csv_nfields(b) || cs_csv_line(a) != cs_csv_line(b) ||
            cs_csv_separator(a) != cs_csv_separator(b))
            abort();
        for (size_t i = 0; i < cs_csv_nfields(a); i++)
            if (strcmp(cs_csv_field(a, i), cs_csv_field(b, i)) != 0)
                abort();
        if (records == 0 && cs_csv_nfields(a) > 0 && cs_csv_column(a, "x") < -1)
            abort();
        cs_csv_trim(a);
        s_numbers(a, decimals);
    }
    cs_csv_destroy(&a);
    cs_csv_destroy(&b);
    return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return s_one(data, size);
}
#endif
