/*  rank_xlsx: the temporary file behind every workbook of the reports (rank_export_xlsx.c).
 *  libxlsxwriter 1.1.4 writes to a file only: a private temporary file is created, written,
 *  read back into the reply and removed. */
#ifndef RANK_XLSX_H
#define RANK_XLSX_H

#include <stdbool.h>
#include <xlsxwriter.h>
#include "rank_report.h"

/* A new workbook on a new temporary file (its name into path). NULL with e set. */
lxw_workbook *rank_xlsx_begin(char path[512], cs_err *e);

/* Close the workbook; when ok, read the file into out. The file is removed either way.
 * 0 / -1 (also -1 when !ok, with e set). */
int rank_xlsx_finish(lxw_workbook *wb, const char *path, bool ok, rank_buf *out, cs_err *e);

#endif
