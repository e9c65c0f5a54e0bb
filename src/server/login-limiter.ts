import { OtcError } from '../shared/errors.js';

/**
 * Failed sign-ins per user name, whatever address they come from: a password guesser spread over
 * many addresses (or behind one proxy with many clients) still meets a limit on the account it
 * guesses. In memory, per process (like the per-address limit of @fastify/rate-limit): with N
 * replicas an attacker gets at most N times the allowance.
 */
export interface LoginLimiter {
  /** Throws 429 OTC_ERR_RATE_LIMITED while the name is locked. */
  check(username: string): void;
  failed(username: string): void;
  succeeded(username: string): void;
}

export function createLoginLimiter(opts: { maxFailures: number; windowMs: number; now?: () => number }): LoginLimiter {
  const now = opts.now ?? Date.now;
  const failures = new Map<string, number[]>();
  const keyOf = (u: string) => u.trim().toLowerCase();
  const recent = (key: string): number[] => {
    const since = now() - opts.windowMs;
    const list = (failures.get(key) ?? []).filter((t) => t > since);
    if (list.length) failures.set(key, list);
    else failures.delete(key);
    return list;
  };
  const sweep = () => {
    if (failures.size < 10_000) return;
    for (const key of [...failures.keys()]) recent(key);
  };
  return {
    check(username) {
      const list = recent(keyOf(username));
      if (list.length >= opts.maxFailures) {
        const wait = Math.max(1, Math.ceil((list[0]! + opts.windowMs - now()) / 1000));
        throw new OtcError('OTC_ERR_RATE_LIMITED', `Too many failed sign-ins for this user name. Try again in ${wait} seconds.`, { status: 429 });
      }
    },
    failed(username) {
      sweep();
      const key = keyOf(username);
      failures.set(key, [...recent(key), now()]);
    },
    succeeded(username) {
      failures.delete(keyOf(username));
    },
  };
}
