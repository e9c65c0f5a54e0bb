/**
 * The audit trail: a store separate from the application store (its own SQLite file by
 * default, PostgreSQL for teams), append-only (database triggers refuse UPDATE/DELETE/TRUNCATE)
 * and hash-chained (each record carries the hash of the one before; a head anchor is kept with
 * every append). See README.md for what verification can and cannot prove.
 */
export { AUDIT_KINDS, type AuditEntry, type AuditKind } from './types.js';
export { openAuditLog, type AppendOptions, type AuditLog, type AuditSearch, type VerifyOptions } from './log.js';
export {
  verifyExportedRecords,
  parseExportedJsonl,
  parseExportedLine,
  computeRecordHash,
  recordToJson,
  recordFromJson,
  GENESIS_HASH,
  EXPORT_COLUMNS,
  type AuditRecord,
  type AuditRecordJson,
  type VerifyResult,
  type BrokenAt,
} from './chain.js';
export { canonicalize, hashRows, createRowsHasher, sha256Hex } from './canonical.js';
export { AuditErrorCode } from './errors.js';
