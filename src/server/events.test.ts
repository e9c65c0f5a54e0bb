import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalEventBus, type EventBus } from '../events/index.js';
import { ApiClient } from '../../test/enterprise/processes.js';
import { buildServer } from './app.js';
import { closeGracefully } from './shutdown.js';
import { createTestWorld, TEST_PASSWORD, type TestWorld } from './testing.js';

let world: TestWorld;
let bus: EventBus;
let app: FastifyInstance;
let url: string;
beforeAll(async () => {
  world = await createTestWorld({}, { untrained: true });
  bus = createLocalEventBus();
  app = await buildServer({ ...world.deps, events: bus });
  await app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await app?.close();
  await bus?.close();
  await world?.close();
});

describe('GET /api/events (server-sent events)', () => {
  it('needs a session', async () => {
    const r = await fetch(`${url}/api/events`);
    expect(r.status).toBe(401);
    expect(((await r.json()) as { code: string }).code).toBe('OTC_ERR_UNAUTHENTICATED');
  });

  it('sends each user the events their role may see, as `event: <type>` with JSON data', async () => {
    const admin = new ApiClient(url);
    const viewer = new ApiClient(url);
    expect((await admin.signIn('admin', TEST_PASSWORD)).status).toBe(200);
    expect((await viewer.signIn('viewer', TEST_PASSWORD)).status).toBe(200);
    const a = await admin.events();
    const v = await viewer.events();
    try {
      await Promise.all([a.connected, v.connected]);
      await bus.publish({ type: 'schedule_changed', scheduleId: 's1', action: 'paused', actor: 'admin' });
      await bus.publish({ type: 'training_activated', datasourceKey: 'ds', versionId: 'v2', label: 'otc-ops v2' });
      // Published in order: once the viewer has the second, it has had its chance at the first.
      await v.waitFor((e) => e.event === 'training_activated');
      await a.waitFor((e) => e.event === 'training_activated');
      expect(a.received.map((e) => e.event)).toEqual(['schedule_changed', 'training_activated']);
      expect(a.received[0]!.data).toMatchObject({ type: 'schedule_changed', scheduleId: 's1', action: 'paused', origin: bus.origin });
      expect(v.received.map((e) => e.event)).toEqual(['training_activated']);
    } finally {
      a.close();
      v.close();
    }
  });

  it('open streams do not hold a graceful shutdown', async () => {
    const other = await buildServer({ ...world.deps, events: bus });
    await other.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(other.server.address() as AddressInfo).port}`;
    const c = new ApiClient(base);
    await c.signIn('analyst', TEST_PASSWORD);
    const s = await c.events();
    await s.connected;
    const { forced } = await closeGracefully(other, 20_000);
    expect(forced).toBe(false);
    await s.waitFor(() => false, 5000).catch((e: Error) => expect(e.message).toMatch(/ended/));
    expect(s.ended).toBe(true);
  });
});
