/**
 * Issue 14 (outside security review): what one request of an attacker could do to the server.
 */
import { Readable } from 'node:stream';
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

describe('proxies and the sign-in rate limit (item 4)', () => {
  /** A second server over the same world, with its own settings. */
  async function serverWith(settings: Partial<typeof world.deps.settings>) {
    return buildServer({ ...world.deps, settings: { ...world.deps.settings, ...settings } });
  }
  async function attempt(s: FastifyInstance, username: string, forwardedFor?: string) {
    const r0 = await s.inject({ method: 'GET', url: '/api/auth/csrf' });
    const secret = cookiesOf(r0).otc_csrf!;
    return s.inject({
      method: 'POST',
      url: '/api/auth/login',
      cookies: { otc_csrf: secret },
      headers: { 'x-csrf-token': r0.json().csrfToken, ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
      payload: { username, password: 'not-the-password' },
    });
  }

  it('with OTC_PUBLIC_URL set and no trusted proxy, rotating X-Forwarded-For does not bypass the per-address limit', async () => {
    const s = await serverWith({ publicUrl: 'https://copilot.bank.example', loginPerMinute: 3 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await attempt(s, `someone${i}`, `203.0.113.${i + 1}`)).statusCode);
      expect(codes).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await s.close();
    }
  });

  it('a configured proxy is trusted: its X-Forwarded-For is the address limited and audited', async () => {
    const s = await serverWith({ publicUrl: 'https://copilot.bank.example', loginPerMinute: 2, trustedProxies: ['127.0.0.1'] });
    try {
      expect((await attempt(s, 'nobody-a', '198.51.100.7')).statusCode).toBe(401);
      expect((await attempt(s, 'nobody-b', '198.51.100.7')).statusCode).toBe(401);
      expect((await attempt(s, 'nobody-c', '198.51.100.7')).statusCode).toBe(429);
      // another client behind the same proxy has its own allowance
      expect((await attempt(s, 'nobody-d', '198.51.100.8')).statusCode).toBe(401);
      const [rec] = await world.audit.search({ kind: 'sign_in', actor: 'nobody-d' });
      expect(rec!.details).toMatchObject({ ip: '198.51.100.8' });
    } finally {
      await s.close();
    }
  });

  it('sign-in is limited per user name too: failures spread over many addresses lock that name only', async () => {
    const s = await serverWith({ publicUrl: 'https://copilot.bank.example', loginPerMinute: 100, loginFailuresPerUser: 3, trustedProxies: ['127.0.0.1'] });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await attempt(s, 'viewer', `192.0.2.${i + 10}`)).statusCode);
      expect(codes).toEqual([401, 401, 401, 429, 429]);
      const r = await attempt(s, 'VIEWER', '192.0.2.50'); // the same name in other case
      expect(r.statusCode).toBe(429);
      expect(r.json().code).toBe('OTC_ERR_RATE_LIMITED');
      // another user name from a fresh address is not affected
      expect((await attempt(s, 'analyst', '192.0.2.60')).statusCode).toBe(401);
    } finally {
      await s.close();
    }
  });

  it('OTC_TRUSTED_PROXIES is read and checked by the configuration', async () => {
    const { loadConfig } = await import('../config/index.js');
    expect(loadConfig({ env: { OTC_TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1,::1' } }).trustedProxies).toEqual(['10.0.0.0/8', '127.0.0.1', '::1']);
    expect(loadConfig({ env: {} }).trustedProxies).toBeUndefined();
    expect(() => loadConfig({ env: { OTC_TRUSTED_PROXIES: 'everyone' } })).toThrow(/OTC_TRUSTED_PROXIES/);
  });
});

describe('smaller items (item 6)', () => {
  /** A 19 MB JSON body that counts how much of it the server pulled. */
  function countingBody(): { stream: Readable; read: () => number } {
    let sent = 0;
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const stream = new Readable({
      read() {
        if (sent === 0) {
          sent += 1;
          this.push('{"format":"otc-copilot/training-bundle@1","profile":{"x":"');
        } else if (sent <= 19) {
          sent += 1;
          this.push(chunk);
        } else this.push(null);
      },
    });
    return { stream, read: () => sent };
  }

  it('sign-in and permission are checked before a large body is read (anonymous, then a viewer, 19 MB to the training import)', async () => {
    const c = await csrf();
    const anon = countingBody();
    const r = await app.inject({ method: 'POST', url: '/api/training/import', cookies: { otc_csrf: c.secret }, headers: { 'x-csrf-token': c.token, 'content-type': 'application/json' }, payload: anon.stream });
    expect(r.statusCode).toBe(401);
    expect(anon.read()).toBeLessThan(5);
    const v = await login('viewer');
    const viewer = countingBody();
    const r2 = await app.inject({
      method: 'POST',
      url: '/api/training/import',
      headers: { cookie: `otc_session=${cookiesOf(v).otc_session}; otc_csrf=${lastCsrfSecret}`, 'x-csrf-token': v.json().csrfToken, 'content-type': 'application/json' },
      payload: viewer.stream,
    });
    expect(r2.statusCode).toBe(403);
    expect(viewer.read()).toBeLessThan(5);
  });

  it('answers, downloads and exports say Cache-Control: no-store', async () => {
    const r = await login('admin');
    const cookie = `otc_session=${cookiesOf(r).otc_session}; otc_csrf=${lastCsrfSecret}`;
    const ask = await app.inject({ method: 'POST', url: '/api/ask', headers: { cookie, 'x-csrf-token': r.json().csrfToken }, payload: { question: 'How many trades were booked last week?' } });
    expect(ask.statusCode).toBe(200);
    expect(ask.headers['cache-control']).toBe('no-store');
    const id = ask.json().auditId as string;
    for (const url of [`/api/ask/${id}/export.csv`, `/api/ask/${id}/export.xlsx`, '/api/audit/export?format=jsonl', '/api/audit?kind=sign_in', '/api/auth/me']) {
      const res = await app.inject({ method: 'GET', url, headers: { cookie } });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-store');
    }
  });

  it('the CSRF secret is bound to the session: a token made for one session is refused with another', async () => {
    const a = await login('analyst');
    const aSecret = lastCsrfSecret;
    const b = await login('admin');
    // b's session with a's CSRF cookie and token: refused
    const r = await app.inject({
      method: 'POST',
      url: '/api/ask',
      headers: { cookie: `otc_session=${cookiesOf(b).otc_session}; otc_csrf=${aSecret}`, 'x-csrf-token': a.json().csrfToken },
      payload: { question: 'How many trades were booked last week?' },
    });
    expect(r.statusCode).toBe(403);
    expect(r.json().code).toBe('OTC_ERR_CSRF');
    // with its own: accepted
    const ok = await app.inject({
      method: 'POST',
      url: '/api/ask',
      headers: { cookie: `otc_session=${cookiesOf(b).otc_session}; otc_csrf=${lastCsrfSecret}`, 'x-csrf-token': b.json().csrfToken },
      payload: { question: 'How many trades were booked last week?' },
    });
    expect(ok.statusCode).toBe(200);
  });
});

describe('feedback is found by the answer id (item 6)', () => {
  it('records whose text merely mentions the id do not hide the answer', async () => {
    const a = await login('analyst');
    const cookie = `otc_session=${cookiesOf(a).otc_session}; otc_csrf=${lastCsrfSecret}`;
    const headers = { cookie, 'x-csrf-token': a.json().csrfToken as string };
    const ask = await app.inject({ method: 'POST', url: '/api/ask', headers, payload: { question: 'How many trades were booked last week?' } });
    const id = ask.json().auditId as string;
    // someone asks 60 questions that quote the id (as text search would find them first)
    for (let i = 0; i < 60; i++) await world.audit.append({ kind: 'question', actor: 'viewer', outcome: 'ok', question: `what is ${id}? (${i})`, correlationId: `other-${i}` });
    const fb = await app.inject({ method: 'POST', url: '/api/feedback', headers, payload: { auditId: id, verdict: 'up' } });
    expect(fb.statusCode).toBe(201);
  });
});
