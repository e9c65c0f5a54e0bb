import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from './app.js';
import { createTestWorld, TEST_PASSWORD, type TestWorld } from './testing.js';

/** ECS log lines and one correlation id per request, carried into the audit records (issue 15 item 4). */
let world: TestWorld;
let app: FastifyInstance;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  world = await createTestWorld({ logLevel: 'info', logStream: { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) } });
  app = await buildServer(world.deps);
}, 60_000);
afterAll(async () => {
  await app?.close();
  await world?.close();
});

describe('request logs and correlation', () => {
  it('logs in ECS fields, answers with the request id, and stamps it on the audit records of the request', async () => {
    const csrf = await app.inject({ method: 'GET', url: '/api/auth/csrf' });
    const secret = csrf.cookies.find((c) => c.name === 'otc_csrf')!.value;
    const id = 'req-0123456789abcdef';
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      cookies: { otc_csrf: secret },
      headers: { 'x-csrf-token': csrf.json().csrfToken as string, 'x-request-id': id },
      payload: { username: 'admin', password: TEST_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toBe(id);
    const [signIn] = await world.deps.audit.search({ kind: 'sign_in', limit: 1 });
    expect(signIn?.details).toMatchObject({ request_id: id });

    const mine = lines.filter((l) => l.reqId === id);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine[0]).toMatchObject({ 'log.level': 'info', 'ecs.version': expect.any(String), message: expect.any(String) });
    expect(mine[0]!['@timestamp']).toEqual(expect.any(String));

    // a malformed id is not taken: a fresh one is made
    const other = await app.inject({ method: 'GET', url: '/api/auth/csrf', headers: { 'x-request-id': 'bad id\n' } });
    expect(other.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('request logs on a terminal (OTC_LOG_REQUESTS)', () => {
  it('auto: off on a terminal, on otherwise; on and off force it', async () => {
    const { requestLogging } = await import('./bootstrap.js');
    expect(requestLogging('auto', true)).toBe(false);
    expect(requestLogging('auto', false)).toBe(true);
    expect(requestLogging('on', true)).toBe(true);
    expect(requestLogging('off', false)).toBe(false);
  });

  it('off: no line per request or response, other log lines still written', async () => {
    const quiet: Record<string, unknown>[] = [];
    const w = await createTestWorld({ logLevel: 'info', logRequests: false, logStream: { write: (l: string) => void quiet.push(JSON.parse(l) as Record<string, unknown>) } });
    const a = await buildServer(w.deps);
    try {
      for (let i = 0; i < 3; i++) expect((await a.inject({ method: 'GET', url: '/api/auth/csrf' })).statusCode).toBe(200);
      a.log.warn('still here');
      expect(quiet.filter((l) => /incoming request|request completed/.test(String(l.message)))).toEqual([]);
      expect(quiet.some((l) => l.message === 'still here')).toBe(true);
    } finally {
      await a.close();
      await w.close();
    }
  }, 60_000);
});
