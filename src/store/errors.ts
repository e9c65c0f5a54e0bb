import { OtcError } from '../shared/errors.js';

/** Stable error codes of the application store. */
export const StoreErrorCode = {
  BadUrl: 'OTC_ERR_BAD_STORE_URL',
  Unreachable: 'OTC_ERR_STORE_UNREACHABLE',
  Migration: 'OTC_ERR_STORE_MIGRATION',
} as const;

export function badStoreUrl(message: string): OtcError {
  return new OtcError(StoreErrorCode.BadUrl, message, {
    status: 500,
    hint: 'use sqlite:/path/to/app.db or postgres://user@host:5432/dbname (OTC_STORE_URL)',
  });
}
