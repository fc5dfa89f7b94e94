/*  chiso-admin audit-verify [PROVINCE_ID]: checks the audit trail's hash chains
 *  (deploy/migrations/003_audit_chain.sql, core.audit_verify) and says, per province, how
 *  many rows hold and the first broken one. Exit 0 when every chain holds, 3 when one is
 *  broken, 1 on a connection or database error, 2 on bad arguments. */
#ifndef ADM_AUDIT_H
#define ADM_AUDIT_H

int adm_audit_verify(const char *province);

#endif
