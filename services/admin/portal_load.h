/*  portal_load: `chiso-admin portal-load [--province CODE] FILE` — a portal feed file (766
 *  JSON, *.json; dossier-count CSV, anything else) loaded with the portal service's own
 *  ingest (services/portal/portal_ingest.h), streaming: the file is read in chunks, never
 *  held whole. Same batch rules as the API (all or nothing, the same bytes twice answer the
 *  first batch). Prints the batch as JSON on stdout. */
#ifndef ADMIN_PORTAL_LOAD_H
#define ADMIN_PORTAL_LOAD_H

int admin_portal_load(int argc, char **argv);

#endif
