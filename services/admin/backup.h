/*  chiso-admin backup / restore: a consistent copy of a data center's state, and its drill.
 *
 *  backup DIR   DIR must not exist (or be empty). Writes
 *                 DIR/roles.sql      the cluster's roles (pg_dumpall --roles-only): the dump
 *                                    grants to them, and a fresh cluster has none
 *                 DIR/database.dump  the database (pg_dump --format=custom: one snapshot, so
 *                                    consistent while the services keep writing)
 *                 DIR/files/...      every file under CHISO_VAR_DIR except the folders that
 *                                    are not data (pg/, run/, log/, any tmp/): the evidence
 *                                    store and whatever else the services keep there
 *                 DIR/MANIFEST.sha256  "<sha256>  <path>" per file above, `sha256sum -c`
 *                                    format; written last, so a backup without it is partial
 *               The database is dumped before the files are copied: evidence files are
 *               stored before the row that names them commits, so every file the dump
 *               refers to is already there when the copy starts.
 *  restore DIR  Checks every file of DIR against the manifest first and stops, changing
 *               nothing, on any difference. Then: roles, the database (created when missing;
 *               it must hold no chiso schema yet), the files into CHISO_VAR_DIR (an existing
 *               file must be identical), each copy hashed again; an evidence file's name is
 *               its SHA-256 and is checked against its content too.
 *
 *  Both connect with CHISO_DB_SUPER (the superuser's conninfo, as scripts/migrate: the
 *  services' role cannot read other provinces' rows). The PostgreSQL tools come from
 *  CHISO_PG_BIN (default /usr/lib/postgresql/15/bin, else PATH). */
#ifndef ADM_BACKUP_H
#define ADM_BACKUP_H

/* Exit statuses: 0 done, 1 failed, 2 usage or refused (nothing changed). */
int adm_backup(const char *dir);
int adm_restore(const char *dir);

#endif
