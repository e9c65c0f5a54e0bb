import { OtcError } from '../shared/errors.js';

/** Codes a user of `demo-db` can meet. */
export const DEMO_ERRORS = {
  /** The target file or tables already exist and --force was not given. */
  exists: 'OTC_ERR_DEMO_EXISTS',
  /** Bad options (trade count, seed, as-of date, target). */
  usage: 'OTC_ERR_USAGE',
  /** The build was interrupted (Ctrl-C); nothing was written at the target. */
  aborted: 'OTC_ERR_DEMO_ABORTED',
  /** The target could not be written (disk, permissions, database connection). */
  target: 'OTC_ERR_DEMO_TARGET',
} as const;

export function demoExists(what: string): OtcError {
  return new OtcError(DEMO_ERRORS.exists, `${what} already exists; nothing was changed`, {
    status: 409,
    hint: 'pass --force to replace it',
  });
}

export function demoUsage(message: string): OtcError {
  return new OtcError(DEMO_ERRORS.usage, message, { status: 400 });
}

export function demoAborted(): OtcError {
  return new OtcError(DEMO_ERRORS.aborted, 'demo database build interrupted; nothing was written at the target', { status: 499 });
}

export function demoTarget(message: string, cause?: unknown): OtcError {
  return new OtcError(DEMO_ERRORS.target, message, { status: 500, cause });
}
