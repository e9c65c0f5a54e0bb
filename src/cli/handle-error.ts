import { describeError, isOtcError } from '../shared/errors.js';

/**
 * The one place where the CLI turns an error into what a person reads: a single line with a
 * stable code, never a stack trace (set OTC_DEBUG=1 to see one). Exit code 2 for usage and
 * configuration errors, 1 otherwise.
 */
export function handleError(e: unknown): never {
  process.stderr.write(describeError(e) + '\n');
  if (process.env.OTC_DEBUG && e instanceof Error && e.stack) process.stderr.write(e.stack + '\n');
  const usage = isOtcError(e) && (e.code === 'OTC_ERR_CONFIG' || e.code === 'OTC_ERR_USAGE' || e.code.startsWith('OTC_ERR_BAD_'));
  process.exit(usage ? 2 : 1);
}

/** Wraps a command action so every failure goes through handleError. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      handleError(e);
    }
  };
}
