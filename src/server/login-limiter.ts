import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { OtcError } from '../shared/errors.js';

/**
 * Failed sign-ins per user name, whatever address they come from: a password guesser spread over
 * many addresses (or behind one proxy with many clients) still meets a limit on the account it
 * guesses. In memory for one process; with several API processes (Redis configured) the failures
 * are counted in Redis, so N processes allow what one allows. The process's own count is kept as
 * well and checked first: while Redis cannot be reached, each process still applies the limit
 * to what it saw.
 */
export interface LoginLimiter {
  /** Rejects with 429 OTC_ERR_RATE_LIMITED while the name is locked. */
  check(username: string): Promise<void>;
  failed(username: string): Promise<void>;
  succeeded(username: string): Promise<void>;
}

interface Options {
  maxFailures: number;
  windowMs: number;
  now?: () => number;
}

const keyOf = (u: string) => u.trim().toLowerCase();
const locked = (wait: number) => new OtcError('OTC_ERR_RATE_LIMITED', `Too many failed sign-ins for this user name. Try again in ${wait} seconds.`, { status: 429 });

export function createLoginLimiter(opts: Options): LoginLimiter {
  const now = opts.now ?? Date.now;
  const failures = new Map<string, number[]>();
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
    async check(username) {
      const list = recent(keyOf(username));
      if (list.length >= opts.maxFailures) throw locked(Math.max(1, Math.ceil((list[0]! + opts.windowMs - now()) / 1000)));
    },
    async failed(username) {
      sweep();
      const key = keyOf(username);
      failures.set(key, [...recent(key), now()]);
    },
    async succeeded(username) {
      failures.delete(keyOf(username));
    },
  };
}

/**
 * The limit shared by every API process through Redis: one sorted set of failure times per user
 * name (`<prefix>:login-fail:<sha256 of the name>`, so no user name is stored in Redis), expiring
 * with the window. While Redis is not connected, or on an error, the shared count is skipped (the
 * local one still applies); that is reported once per outage through `onError`.
 */
export function createSharedLoginLimiter(redis: Redis, prefix: string, opts: Options & { onError?: (e: Error) => void }): LoginLimiter {
  const local = createLoginLimiter(opts);
  const now = opts.now ?? Date.now;
  const redisKey = (u: string) => `${prefix}:login-fail:${createHash('sha256').update(keyOf(u)).digest('hex')}`;
  let down = false;
  const tolerate = async <T>(f: () => Promise<T>): Promise<T | undefined> => {
    // not connected (an outage, or reconnecting): no waiting for a command to time out on each
    // sign-in; the local count answers
    if (redis.status !== 'ready') {
      if (!down) opts.onError?.(new Error(`Redis connection is ${redis.status}`));
      down = true;
      return undefined;
    }
    try {
      const r = await f();
      down = false;
      return r;
    } catch (e) {
      if (!down) opts.onError?.(e as Error);
      down = true;
      return undefined;
    }
  };
  return {
    async check(username) {
      await local.check(username);
      const key = redisKey(username);
      const since = now() - opts.windowMs;
      const oldest = await tolerate(async () => {
        const r = await redis.multi().zremrangebyscore(key, '-inf', String(since)).zcard(key).zrange(key, 0, '0', 'WITHSCORES').exec();
        const count = Number(r?.[1]?.[1] ?? 0);
        const first = (r?.[2]?.[1] as string[] | undefined)?.[1];
        return count >= opts.maxFailures && first !== undefined ? Number(first) : undefined;
      });
      if (oldest !== undefined) throw locked(Math.max(1, Math.ceil((oldest + opts.windowMs - now()) / 1000)));
    },
    async failed(username) {
      await local.failed(username);
      const key = redisKey(username);
      const t = now();
      // a member of its own per failure: two at the same millisecond both count
      await tolerate(() => redis.multi().zadd(key, t, `${t}:${randomBytes(6).toString('hex')}`).pexpire(key, opts.windowMs).exec());
    },
    async succeeded(username) {
      await local.succeeded(username);
      await tolerate(() => redis.del(redisKey(username)));
    },
  };
}
