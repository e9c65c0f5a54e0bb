import { OtcError } from '../shared/errors.js';

export const AuditErrorCode = {
  BadUrl: 'OTC_ERR_BAD_AUDIT_URL',
  BadEntry: 'OTC_ERR_BAD_AUDIT_ENTRY',
  BadQuery: 'OTC_ERR_BAD_AUDIT_QUERY',
  Unreachable: 'OTC_ERR_AUDIT_UNREACHABLE',
  NotFound: 'OTC_ERR_AUDIT_NOT_FOUND',
  Corrupt: 'OTC_ERR_AUDIT_CORRUPT',
  ExportInvalid: 'OTC_ERR_AUDIT_EXPORT_INVALID',
  Closed: 'OTC_ERR_AUDIT_CLOSED',
  BadKey: 'OTC_ERR_AUDIT_KEY',
  ExportSignature: 'OTC_ERR_AUDIT_EXPORT_SIGNATURE',
  Held: 'OTC_ERR_AUDIT_HELD',
} as const;

export function badAuditUrl(message: string): OtcError {
  return new OtcError(AuditErrorCode.BadUrl, message, {
    status: 500,
    hint: 'use sqlite:/path/to/audit.db or postgres://user@host:5432/dbname[?schema=audit] (OTC_AUDIT_URL)',
  });
}
export function badEntry(message: string): OtcError {
  return new OtcError(AuditErrorCode.BadEntry, `audit entry refused: ${message}`, { status: 500 });
}
export function badQuery(message: string): OtcError {
  return new OtcError(AuditErrorCode.BadQuery, message, { status: 400 });
}
