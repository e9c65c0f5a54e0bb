import { OtcError } from '../shared/errors.js';

/** What one HTTP attempt against the model endpoint ended with: an HTTP status, or how it failed. */
export interface LlmAttempt {
  /** 1-based attempt number within one call. */
  attempt: number;
  /** HTTP status, or 'timeout' / 'network' when no status came back. */
  status: number | 'timeout' | 'network';
  /** Milliseconds this attempt took. */
  ms: number;
  /** Milliseconds waited before the next attempt (absent on the last one). */
  waitMs?: number;
}

export type LlmErrorCode =
  | 'OTC_ERR_LLM_TIMEOUT'
  | 'OTC_ERR_LLM_AUTH'
  | 'OTC_ERR_LLM_RATE_LIMITED'
  | 'OTC_ERR_LLM_BAD_RESPONSE'
  | 'OTC_ERR_LLM_UNREACHABLE'
  | 'OTC_ERR_LLM_REJECTED'
  | 'OTC_ERR_LLM_CONFIG';

/**
 * Every failure of a model call. `attempts` lists each HTTP attempt so a failed call can be
 * audited like a successful one. Messages never contain the API key (see redact()).
 */
export class LlmError extends OtcError {
  declare readonly code: LlmErrorCode;
  readonly attempts: LlmAttempt[];

  constructor(code: LlmErrorCode, message: string, opts: { status?: number; hint?: string; attempts?: LlmAttempt[]; cause?: unknown } = {}) {
    super(code, message, { status: opts.status ?? 502, hint: opts.hint, cause: opts.cause, details: { attempts: opts.attempts ?? [] } });
    this.name = 'LlmError';
    this.attempts = opts.attempts ?? [];
  }
}

/** The model did not answer within the configured timeout. */
export class LlmTimeoutError extends LlmError {
  constructor(message: string, attempts: LlmAttempt[]) {
    super('OTC_ERR_LLM_TIMEOUT', message, { status: 504, attempts, hint: 'raise OTC_LLM_TIMEOUT_MS or check the model endpoint' });
    this.name = 'LlmTimeoutError';
  }
}

/** 401/403: the key or the gateway refused us. Never retried. */
export class LlmAuthError extends LlmError {
  constructor(message: string, attempts: LlmAttempt[]) {
    super('OTC_ERR_LLM_AUTH', message, { status: 502, attempts, hint: 'check OTC_LLM_API_KEY and the key\'s access to this model' });
    this.name = 'LlmAuthError';
  }
}

/** 429 still returned after every retry (or a Retry-After longer than we are willing to wait). */
export class LlmRateLimitedError extends LlmError {
  constructor(message: string, attempts: LlmAttempt[]) {
    super('OTC_ERR_LLM_RATE_LIMITED', message, { status: 503, attempts, hint: 'the model endpoint is rate limiting this key; try again later' });
    this.name = 'LlmRateLimitedError';
  }
}

/** The endpoint answered 2xx but not with a usable chat completion (malformed JSON, no choices). */
export class LlmBadResponseError extends LlmError {
  constructor(message: string, attempts: LlmAttempt[]) {
    super('OTC_ERR_LLM_BAD_RESPONSE', message, { status: 502, attempts, hint: 'is OTC_LLM_BASE_URL an OpenAI-compatible endpoint?' });
    this.name = 'LlmBadResponseError';
  }
}

/** Network failure or 5xx after every retry. */
export class LlmUnreachableError extends LlmError {
  constructor(message: string, attempts: LlmAttempt[], cause?: unknown) {
    super('OTC_ERR_LLM_UNREACHABLE', message, { status: 503, attempts, cause, hint: 'check OTC_LLM_BASE_URL and that the model endpoint is up' });
    this.name = 'LlmUnreachableError';
  }
}

/** Another 4xx (400, 404, 413, 422…): the endpoint refused the request itself. Not retried. */
export class LlmRejectedError extends LlmError {
  constructor(message: string, attempts: LlmAttempt[]) {
    super('OTC_ERR_LLM_REJECTED', message, { status: 502, attempts, hint: 'check OTC_LLM_MODEL (Azure: the deployment name) and OTC_LLM_API_VERSION' });
    this.name = 'LlmRejectedError';
  }
}

/** The OTC_LLM_* settings are incomplete or contradictory. */
export class LlmConfigError extends LlmError {
  constructor(message: string, hint?: string) {
    super('OTC_ERR_LLM_CONFIG', message, { status: 500, hint });
    this.name = 'LlmConfigError';
  }
}

export function isLlmError(e: unknown): e is LlmError {
  return e instanceof LlmError;
}

/** Replaces every occurrence of each secret (and of its long prefixes echoed by servers) with [redacted]. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    out = out.split(s).join('[redacted]');
    // Servers often echo a truncated key ("sk-abc...xyz"); hide any 8+ character prefix of it too.
    if (s.length >= 12) {
      const prefix = s.slice(0, 8);
      out = out.split(prefix).join('[redacted]');
    }
  }
  return out;
}
