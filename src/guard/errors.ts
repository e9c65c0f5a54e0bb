import { OtcError } from '../shared/errors.js';

export const SQL_GUARD_REJECTED = 'OTC_ERR_SQL_GUARD_REJECTED' as const;

/** A query the guard refused, for callers that throw (HTTP 400). */
export class SqlGuardError extends OtcError {
  constructor(reason: string) {
    super(SQL_GUARD_REJECTED, reason, { status: 400, hint: 'only a single read-only query over the allowed tables is accepted' });
    this.name = 'SqlGuardError';
  }
}
