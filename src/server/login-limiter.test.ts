/**
 * The per-user-name sign-in limit across API processes: two limiters on one Redis (two
 * connections, as two processes have) count one user name's failures together, a success on
 * one clears it for both, the window ends on both, and with Redis unreachable each still limits
 * on its own count. Needs Redis: required in CI, skipped with a printed reason elsewhere.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisAvailable } from '../../test/scheduler/redis.js';
import { REDIS_URL } from '../../test/support/services.js';
import { createLoginLimiter, createSharedLoginLimiter, type LoginLimiter } from './login-limiter.js';

const prefix = `otc_ll_${randomBytes(5).toString('hex')}`;
const clients: Redis[] = [];
let up = false;
let clock = Date.parse('2026-11-20T09:00:00Z');
const now = () => clock;
const opts = { maxFailures: 3, windowMs: 60_000, now };

/** A Redis connection as app.ts makes one for the rate limits. */
function connect(url = REDIS_URL): Redis {
  const r = new Redis(url, { connectTimeout: 500, maxRetriesPerRequest: 1, lazyConnect: false });
  r.on('error', () => undefined);
  clients.push(r);
  return r;
}
async function connected(): Promise<Redis> {
  const r = connect();
  if (r.status !== 'ready') await new Promise((resolve) => r.once('ready', resolve));
  return r;
}

async function refused(l: LoginLimiter, name: string): Promise<string | undefined> {
  try {
    await l.check(name);
    return undefined;
  } catch (e) {
    expect((e as { code?: string }).code).toBe('OTC_ERR_RATE_LIMITED');
    expect((e as { status?: number }).status).toBe(429);
    return (e as Error).message;
  }
}

beforeAll(async () => {
  up = await redisAvailable(REDIS_URL);
});

afterAll(async () => {
  if (up) {
    const r = new Redis(REDIS_URL);
    const keys = await r.keys(`${prefix}:*`);
    if (keys.length) await r.del(...keys);
    await r.quit();
  }
  for (const c of clients) c.disconnect();
});

describe('sign-in limit per user name', () => {
  it('in one process: locks after the failures, for that name only, and a success clears it', async () => {
    const l = createLoginLimiter(opts);
    for (let i = 0; i < 3; i++) {
      expect(await refused(l, 'Ana')).toBeUndefined();
      await l.failed('Ana');
    }
    expect(await refused(l, ' ana ')).toMatch(/Too many failed sign-ins for this user name\. Try again in 60 seconds\./);
    expect(await refused(l, 'bob')).toBeUndefined();
    await l.succeeded('ANA');
    expect(await refused(l, 'ana')).toBeUndefined();
  });

  it('across processes on one Redis: failures on either count together; a success on one clears both; the window ends on both', async (ctx) => {
    if (!up) return ctx.skip();
    const p1 = createSharedLoginLimiter(await connected(), prefix, opts);
    const p2 = createSharedLoginLimiter(await connected(), prefix, opts);
    // alternating processes: neither alone has seen 3 failures
    await p1.failed('carol');
    await p2.failed('Carol');
    expect(await refused(p1, 'carol')).toBeUndefined();
    await p1.failed('carol');
    expect(await refused(p1, 'carol')).toMatch(/Try again in 60 seconds/);
    expect(await refused(p2, 'CAROL')).toMatch(/Try again in 60 seconds/);
    expect(await refused(p2, 'dave')).toBeUndefined();
    // the lock ends a window after the first failure
    clock += 30_000;
    expect(await refused(p2, 'carol')).toMatch(/Try again in 30 seconds/);
    clock += 30_001;
    expect(await refused(p1, 'carol')).toBeUndefined();
    expect(await refused(p2, 'carol')).toBeUndefined();
    // a success on one process clears what both counted
    await p1.failed('erin');
    await p2.failed('erin');
    await p2.succeeded('erin');
    await p1.failed('erin');
    await p2.failed('erin');
    expect(await refused(p1, 'erin')).toBeUndefined();
    // no user name is kept in Redis
    const keys = await clients[0]!.keys(`${prefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => /^otc_ll_\w+:login-fail:[0-9a-f]{64}$/.test(k))).toBe(true);
  });

  it('with Redis unreachable: each process still applies the limit to what it saw, and says so once', async () => {
    const errors: string[] = [];
    const l = createSharedLoginLimiter(connect('redis://127.0.0.1:1'), prefix, { ...opts, onError: (e) => errors.push(e.message) });
    const started = Date.now();
    for (let i = 0; i < 3; i++) {
      expect(await refused(l, 'frank')).toBeUndefined();
      await l.failed('frank');
    }
    expect(await refused(l, 'frank')).toMatch(/Too many failed sign-ins/);
    expect(errors).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);
});
