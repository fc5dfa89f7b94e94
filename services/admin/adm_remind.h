/*  adm_remind: `chiso-admin reminders-run [--now TIME]` — one pass of the reminders
 *  (services/catalog/cat_remind.h) as chiso-catalog's thread runs it, with CHISO_DB and the
 *  CHISO_SMTP_* relay settings; TIME (Unix seconds or YYYY-MM-DDTHH:MM:SSZ) replaces the
 *  clock, for tests and to replay a missed pass. Prints the pass's figures as one JSON
 *  line; exit 0, 1 on a database error, 2 on bad arguments. */
#ifndef ADM_REMIND_H
#define ADM_REMIND_H

int adm_reminders_run(int argc, char **argv);

#endif
