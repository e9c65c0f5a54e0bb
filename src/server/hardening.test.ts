/**
 * Issue 14 (outside security review): what one request of an attacker could do to the server.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from './app.js';
import { createTestWorld, TEST_PASSWORD, type TestWorld } from './testing.js';

let world: TestWorld;
let app: FastifyInstance;
let lastCsrfSecret = '';

function cookiesOf(res: LightMyRequestResponse): Record<string, string> {
  return Object.fromEntries(res.cookies.map((c) => [c.name, c.value]));
}

async function csrf(cookies: Record<string, string> = {}) {
  const r = await app.inject({ method: 'GET', url: '/api/auth/csrf', cookies });
  return { token: r.json().csrfToken as string, secret: cookiesOf(r).otc_csrf ?? cookies.otc_csrf! };
}

async function login(username: string, password = TEST_PASSWORD, headers: Record<string, string> = {}) {
  const c = await csrf();
  lastCsrfSecret = c.secret;
  return app.inject({
    method: 'POST',
    url: '/api/auth/login',
    cookies: { otc_csrf: c.secret },
    headers: { 'x-csrf-token': c.token, ...headers },
    payload: { username, password },
  });
}

beforeAll(async () => {
  world = await createTestWorld({ loginPerMinute: 1000 });
  app = await buildServer(world.deps);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await world?.close();
});

describe('well-formed text at the boundary (item 1)', () => {
  it('an anonymous login with the user name "x\\ud800" is refused and the audit chain stays intact', async () => {
    const r = await login('x\ud800');
    expect(r.statusCode).toBe(400);
    expect(r.json().code).toBe('OTC_ERR_BAD_TEXT');
    const ok = await login('admin');
    expect(ok.statusCode).toBe(200);
    const v = await world.audit.verify();
    expect(v.ok).toBe(true);
  });

  it('a lone surrogate in a query string or a nested body field is refused too', async () => {
    const r = await login('admin');
    const cookie = `otc_session=${cookiesOf(r).otc_session!}; otc_csrf=${lastCsrfSecret}`;
    const q = await app.inject({ method: 'GET', url: '/api/audit?actor=%ED%A0%80', headers: { cookie } });
    // %ED%A0%80 is not valid UTF-8: decoded to U+FFFD by the URL parser, which is well-formed
    expect(q.statusCode).toBe(200);
    const ask = await app.inject({ method: 'POST', url: '/api/ask', headers: { cookie, 'x-csrf-token': r.json().csrfToken, 'content-type': 'application/json' }, payload: '{"question":"trades\\udc01 today"}' });
    expect(ask.statusCode).toBe(400);
    expect(ask.json().code).toBe('OTC_ERR_BAD_TEXT');
    expect((await world.audit.verify()).ok).toBe(true);
  });
});
