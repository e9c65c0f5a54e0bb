/**
 * Errors a user can meet. Every one has a stable code (OTC_ERR_*), an HTTP status for the API,
 * and a message a person understands. Modules subclass or instantiate OtcError with their own
 * codes in their `errors.ts`; the CLI and the server map them to one line / one JSON body.
 */
export class OtcError extends Error {
  readonly code: string;
  readonly status: number;
  readonly hint?: string;
  readonly details?: unknown;

  constructor(code: string, message: string, opts: { status?: number; hint?: string; details?: unknown; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'OtcError';
    this.code = code;
    this.status = opts.status ?? 400;
    this.hint = opts.hint;
    this.details = opts.details;
  }

  toJSON(): { code: string; message: string; hint?: string } {
    return { code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}) };
  }
}

export function isOtcError(e: unknown): e is OtcError {
  return e instanceof OtcError;
}

/** A one-line, stack-free description of any error, for CLI output and logs shown to people. */
export function describeError(e: unknown): string {
  if (isOtcError(e)) return `${e.code}: ${e.message}${e.hint ? ` (${e.hint})` : ''}`;
  if (e instanceof Error) return `OTC_ERR_INTERNAL: ${e.message}`;
  return `OTC_ERR_INTERNAL: ${String(e)}`;
}
