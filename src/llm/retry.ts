/** Retry timing: exponential backoff with jitter, and the server's Retry-After when it sends one. */

export interface BackoffPolicy {
  /** First delay, before jitter (ms). */
  baseMs: number;
  /** Largest delay from backoff (ms). */
  maxMs: number;
}

/**
 * Delay before retry number `retry` (1 = first retry): base * 2^(retry-1), capped, with "equal
 * jitter" (half fixed, half random) so concurrent callers spread out but never retry at once.
 */
export function backoffDelay(retry: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/**
 * Milliseconds a Retry-After header asks us to wait: delta-seconds ("2", "1.5") or an HTTP date.
 * undefined when absent or unreadable; 0 for a date in the past.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
