import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from './app.js';
import { closeGracefully } from './shutdown.js';
import { createTestWorld, type TestWorld } from './testing.js';

let world: TestWorld;
beforeAll(async () => {
  world = await createTestWorld({}, { untrained: true });
});
afterAll(async () => {
  await world?.close();
});

/** A server with one extra route that waits until the test lets it finish. */
async function serverWithSlowRoute() {
  const app = await buildServer(world.deps);
  let entered!: () => void;
  const inside = new Promise<void>((r) => (entered = r));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  app.get('/slow-test-route', async () => {
    entered();
    await released;
    return { finished: true };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { app, url, inside, release };
}

/** GET on a connection of its own (no keep-alive pool): status and body, or the connection error. */
function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const ticks = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('health and readiness', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildServer(world.deps);
  });
  afterAll(async () => {
    await app.close();
  });

  it('/healthz says the process is alive; /readyz checks the app store, the audit store and the datasource', async () => {
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const r = await app.inject({ url: '/readyz' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'ready', checks: { store: 'ok', audit: 'ok', datasource: 'ok' } });
    expect((await app.inject({ url: '/api/readyz' })).statusCode).toBe(200);
  });
});

describe('graceful shutdown', () => {
  it('a request in flight when the server is closed runs to its end, and new connections are refused meanwhile', async () => {
    const { app, url, inside, release } = await serverWithSlowRoute();
    // fetch keeps its connection alive: the server must still close it once the answer is sent
    const inFlight = fetch(`${url}/slow-test-route`).then(async (r) => ({ status: r.status, body: await r.text() }));
    await inside;
    let closed = false;
    const closing = closeGracefully(app, 60_000).then((r) => {
      closed = true;
      return r;
    });
    await ticks(20);
    expect(closed).toBe(false); // waits for the request
    await expect(get(`${url}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ finished: true });
    expect(await closing).toEqual({ forced: false });
  });

  it('a request still running after the grace period has its connection closed, so the process can stop', async () => {
    const { app, url, inside, release } = await serverWithSlowRoute();
    const inFlight = get(`${url}/slow-test-route`).then(
      () => 'answered',
      () => 'cut off',
    );
    await inside;
    expect(await closeGracefully(app, 50)).toEqual({ forced: true });
    expect(await inFlight).toBe('cut off');
    release();
  });

  it('/readyz is 503 and names the failing check (by code only) when the datasource is gone', async () => {
    const app = await buildServer(world.deps);
    await world.datasource.close();
    const r = await app.inject({ url: '/readyz' });
    expect(r.statusCode).toBe(503);
    const body = r.json() as { status: string; checks: Record<string, string> };
    expect(body.status).toBe('not_ready');
    expect(body.checks.store).toBe('ok');
    expect(body.checks.audit).toBe('ok');
    expect(body.checks.datasource).toMatch(/^error: OTC_ERR_[A-Z_]+$/);
    await app.close();
  });
});
