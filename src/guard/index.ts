/**
 * The SQL guard: every query (semantic engine, language model, a person) passes here before it
 * reaches a database. It admits a single read-only query over allowed tables and columns, and
 * applies the row cap.
 */
export type { GuardDialect, GuardPolicy, GuardVerdict } from './types.js';
export { guardSql } from './guard.js';
export { policyFromSnapshot } from './policy.js';
export { SqlGuardError, SQL_GUARD_REJECTED } from './errors.js';
export { warmUpGuard } from './warmup.js';
export { createGuardCache, policyFingerprint, type GuardCache } from './cache.js';
