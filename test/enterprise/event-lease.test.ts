/**
 * The lease of the Redis event bus (one holder across the processes of a deployment, e.g. the
 * dashboards' change probe): taken by one bus, refused to another while held and renewed, handed
 * back on close, and taken over once it expires. Needs Redis (required in CI, skipped elsewhere).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalEventBus, openRedisEventBus, type EventBus } from '../../src/events/index.js';
import { redisAvailable } from '../scheduler/redis.js';
import { REDIS_URL } from '../support/services.js';

let up = false;
const prefix = `otc_lease_${randomBytes(5).toString('hex')}`;
const open: EventBus[] = [];
const bus = async () => {
  const b = await openRedisEventBus({ url: REDIS_URL, prefix });
  open.push(b);
  return b;
};

beforeAll(async () => {
  up = await redisAvailable(REDIS_URL);
});
afterAll(async () => {
  await Promise.all(open.map((b) => b.close()));
});

describe('event bus leases', () => {
  it('the local bus always holds a lease (one process)', async () => {
    expect(await createLocalEventBus().lease('probe', 1000)).toBe(true);
  });

  it('one Redis bus at a time holds a lease; it is renewed by its holder, handed back on close, taken over on expiry', async (ctx) => {
    if (!up) return ctx.skip();
    const [a, b, c] = [await bus(), await bus(), await bus()];
    expect(await a.lease('probe', 5000)).toBe(true);
    expect(await b.lease('probe', 5000)).toBe(false);
    expect(await a.lease('probe', 5000)).toBe(true); // renewed
    expect(await b.lease('other', 5000)).toBe(true); // leases are by name
    await a.close();
    expect(await b.lease('probe', 300)).toBe(true); // handed back at once
    expect(await c.lease('probe', 300)).toBe(false);
    await new Promise((r) => setTimeout(r, 500)); // b stops renewing (a process that died)
    expect(await c.lease('probe', 300)).toBe(true);
    expect(await b.lease('probe', 300)).toBe(false);
  });
});
