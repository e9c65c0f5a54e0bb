import { AUDIT_KINDS } from '../../audit/types.js';

/** The Audit page's kind filter: any kind (''), then every kind the server records (src/audit/types.ts). */
export const AUDIT_KIND_OPTIONS: readonly string[] = ['', ...AUDIT_KINDS];
