import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS, parseExportedJsonl, verifyExportedRecords } from '../audit/index.js';
import { buildServer } from './app.js';
import { createTestWorld, TEST_PASSWORD, type TestWorld } from './testing.js';

type Who = 'none' | 'viewer' | 'analyst' | 'admin' | 'auditor';
const ROLES: Who[] = ['none', 'viewer', 'analyst', 'admin', 'auditor'];

let world: TestWorld;
let app: FastifyInstance;
const sessions: Record<string, { cookie: string; csrf: string }> = {};
let anon: { cookie: string; csrf: string };
const asked: Record<string, string> = {};

function cookiesOf(res: LightMyRequestResponse): Record<string, string> {
  return Object.fromEntries(res.cookies.map((c) => [c.name, c.value]));
}

async function csrfFor(cookie: Record<string, string>) {
  const r = await app.inject({ method: 'GET', url: '/api/auth/csrf', cookies: cookie });
  return { token: r.json().csrfToken as string, secret: cookiesOf(r).otc_csrf! };
}

async function signIn(username: string) {
  const c = await csrfFor({});
  const r = await app.inject({ method: 'POST', url: '/api/auth/login', cookies: { otc_csrf: c.secret }, headers: { 'x-csrf-token': c.token }, payload: { username, password: TEST_PASSWORD } });
  expect(r.statusCode).toBe(200);
  const session = cookiesOf(r).otc_session!;
  return { cookie: `otc_session=${session}; otc_csrf=${c.secret}`, csrf: r.json().csrfToken as string };
}

function call(who: Who, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const s = who === 'none' ? anon : sessions[who]!;
  return app.inject({ method, url, headers: { cookie: s.cookie, ...(method === 'POST' ? { 'x-csrf-token': s.csrf } : {}) }, ...(payload === undefined ? {} : { payload: payload as object }) });
}

beforeAll(async () => {
  world = await createTestWorld({ loginPerMinute: 1000 });
  app = await buildServer(world.deps);
  const c = await csrfFor({});
  anon = { cookie: `otc_csrf=${c.secret}`, csrf: c.token };
  for (const r of ['viewer', 'analyst', 'admin', 'auditor']) sessions[r] = await signIn(r);
  for (const r of ['viewer', 'analyst', 'admin']) {
    const res = await call(r as Who, 'POST', '/api/ask', { question: 'How many trades were booked last week?' });
    expect(res.statusCode).toBe(200);
    asked[r] = res.json().auditId;
  }
}, 60_000);

afterAll(async () => {
  await app?.close();
  await world?.close();
});

describe('route x role matrix', () => {
  // [method, url (or a function of the role), payload, expected status per role: none, viewer, analyst, admin, auditor]
  const own = (who: Who) => asked[who] ?? asked.admin!;
  const matrix: [string, 'GET' | 'POST', (who: Who) => string, ((who: Who) => unknown) | undefined, number[]][] = [
    ['health', 'GET', () => '/healthz', undefined, [200, 200, 200, 200, 200]],
    ['version', 'GET', () => '/api/version', undefined, [200, 200, 200, 200, 200]],
    ['openapi', 'GET', () => '/api/docs/json', undefined, [200, 200, 200, 200, 200]],
    ['me', 'GET', () => '/api/auth/me', undefined, [401, 200, 200, 200, 200]],
    ['meta', 'GET', () => '/api/meta', undefined, [401, 200, 200, 200, 200]],
    ['ask', 'POST', () => '/api/ask', () => ({ question: 'Live notional by desk' }), [401, 200, 200, 200, 403]],
    ['export csv (own answer)', 'GET', (w) => `/api/ask/${own(w)}/export.csv`, undefined, [401, 200, 200, 200, 403]],
    ['export xlsx (own answer)', 'GET', (w) => `/api/ask/${own(w)}/export.xlsx`, undefined, [401, 200, 200, 200, 403]],
    ['export of another user', 'GET', () => `/api/ask/${asked.analyst}/export.csv`, undefined, [401, 403, 200, 200, 403]],
    ['feedback', 'POST', () => '/api/feedback', (w) => ({ auditId: own(w), verdict: 'down', correctedSql: 'select count(*) from trades' }), [401, 201, 201, 201, 403]],
    ['feedback on an answer of another user', 'POST', () => '/api/feedback', () => ({ auditId: asked.analyst, verdict: 'up' }), [401, 403, 201, 201, 403]],
    ['audit search', 'GET', () => '/api/audit?kind=sign_in', undefined, [401, 403, 403, 200, 200]],
    ['audit verify', 'GET', () => '/api/audit/verify', undefined, [401, 403, 403, 200, 200]],
    ['audit export', 'GET', () => '/api/audit/export?format=jsonl', undefined, [401, 403, 403, 200, 200]],
    ['users list', 'GET', () => '/api/users', undefined, [401, 403, 403, 200, 403]],
    ['users create', 'POST', () => '/api/users', (w) => ({ username: `new-${w}`, password: 'a-good-long-password', role: 'viewer' }), [401, 403, 403, 201, 403]],
    ['unknown api path', 'GET', () => '/api/nope', undefined, [404, 404, 404, 404, 404]],
  ];
  for (const [name, method, url, payload, expected] of matrix) {
    it(`${name}: ${ROLES.map((r, i) => `${r}=${expected[i]}`).join(' ')}`, async () => {
      const got: number[] = [];
      for (const who of ROLES) {
        const res = await call(who, method, url(who), payload?.(who));
        got.push(res.statusCode);
        if (res.statusCode >= 400) expect(res.json()).toEqual(expect.objectContaining({ code: expect.stringMatching(/^OTC_ERR_/), message: expect.any(String) }));
      }
      expect(got).toEqual(expected);
    });
  }

  it('logout ends the session (204) and the session no longer works', async () => {
    const s = await signIn('viewer');
    const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
    expect(out.statusCode).toBe(204);
    const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } });
    expect(me.statusCode).toBe(401);
  });
});

describe('security', () => {
  it('refuses a state-changing request without or with a wrong CSRF token', async () => {
    const s = sessions.viewer!;
    const missing = await app.inject({ method: 'POST', url: '/api/ask', headers: { cookie: s.cookie }, payload: { question: 'How many trades?' } });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().code).toBe('OTC_ERR_CSRF');
    const wrong = await app.inject({ method: 'POST', url: '/api/ask', headers: { cookie: s.cookie, 'x-csrf-token': 'forged' }, payload: { question: 'How many trades?' } });
    expect(wrong.statusCode).toBe(403);
    const noSecret = await app.inject({ method: 'POST', url: '/api/ask', headers: { cookie: s.cookie.replace(/; otc_csrf=.*/, ''), 'x-csrf-token': s.csrf }, payload: { question: 'How many trades?' } });
    expect(noSecret.statusCode).toBe(403);
  });

  it('sets an httpOnly SameSite=Strict session cookie and security headers', async () => {
    const c = await csrfFor({});
    const r = await app.inject({ method: 'POST', url: '/api/auth/login', cookies: { otc_csrf: c.secret }, headers: { 'x-csrf-token': c.token }, payload: { username: 'viewer', password: TEST_PASSWORD } });
    const cookie = r.cookies.find((x) => x.name === 'otc_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers validation errors with 400 OTC_ERR_BAD_REQUEST and keeps password hashes out of replies', async () => {
    const bad = await call('viewer', 'POST', '/api/ask', { q: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('OTC_ERR_BAD_REQUEST');
    const users = await call('admin', 'GET', '/api/users');
    // no hash, no password: only the flag that one must be chosen (mustChangePassword)
    expect(users.body.replace(/"mustChangePassword":(true|false)/g, '')).not.toMatch(/password|argon2/i);
    const wrongPw = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { cookie: anon.cookie, 'x-csrf-token': anon.csrf }, payload: { username: 'viewer', password: 'not-the-password' } });
    expect(wrongPw.statusCode).toBe(401);
    expect(wrongPw.json().code).toBe('OTC_ERR_BAD_CREDENTIALS');
  });

  it('rate-limits sign-in attempts', async () => {
    const w = await createTestWorld({ loginPerMinute: 3 }, { trades: 100 });
    const a = await buildServer(w.deps);
    try {
      const r0 = await a.inject({ method: 'GET', url: '/api/auth/csrf' });
      const secret = r0.cookies.find((c) => c.name === 'otc_csrf')!.value;
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await a.inject({ method: 'POST', url: '/api/auth/login', cookies: { otc_csrf: secret }, headers: { 'x-csrf-token': r0.json().csrfToken }, payload: { username: 'viewer', password: 'wrong-password' } });
        statuses.push(r.statusCode);
        if (r.statusCode === 429) expect(r.json().code).toBe('OTC_ERR_RATE_LIMITED');
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await a.close();
      await w.close();
    }
  }, 60_000);

  it('rate-limits questions per user', async () => {
    const w = await createTestWorld({ askPerMinute: 2 }, { trades: 100 });
    const a = await buildServer(w.deps);
    try {
      const r0 = await a.inject({ method: 'GET', url: '/api/auth/csrf' });
      const secret = r0.cookies.find((c) => c.name === 'otc_csrf')!.value;
      const csrf = r0.json().csrfToken as string;
      const login = await a.inject({ method: 'POST', url: '/api/auth/login', cookies: { otc_csrf: secret }, headers: { 'x-csrf-token': csrf }, payload: { username: 'viewer', password: TEST_PASSWORD } });
      const session = login.cookies.find((c) => c.name === 'otc_session')!.value;
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        // the token sign-in returned: CSRF tokens are bound to the session (issue 14)
        const r = await a.inject({ method: 'POST', url: '/api/ask', cookies: { otc_csrf: secret, otc_session: session }, headers: { 'x-csrf-token': login.json().csrfToken }, payload: { question: 'How many trades?' } });
        statuses.push(r.statusCode);
      }
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await a.close();
      await w.close();
    }
  }, 60_000);
});

describe('audit export', () => {
  it('exports JSON lines that verify as an intact chain, and CSV with a header', async () => {
    const res = await call('auditor', 'GET', '/api/audit/export?format=jsonl');
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    const records = parseExportedJsonl(res.body);
    expect(records.length).toBeGreaterThan(5);
    expect(verifyExportedRecords(records).ok).toBe(true);
    const csv = await call('admin', 'GET', '/api/audit/export?format=csv&from=2000-01-01');
    expect(csv.body.split('\r\n')[0]).toBe(EXPORT_COLUMNS.join(','));
  });
});

describe('ask, export and feedback against a demo database', () => {
  it('answers a grouped question with rows, SQL and an audit id; the CSV holds the same rows', async () => {
    const res = await call('analyst', 'POST', '/api/ask', { question: 'Live notional by desk' });
    const a = res.json();
    expect(a.status).toBe('answered');
    expect(a.columns.length).toBe(2);
    expect(a.rows.length).toBeGreaterThan(1);
    expect(a.sql).toMatch(/select/i);
    const csv = await call('analyst', 'GET', `/api/ask/${a.auditId}/export.csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines.length).toBe(a.rows.length + 1);
    // headed by the profile's labels (with units), in the answer's column order
    expect(lines[0]).toBe(a.columnFormats.map((f: { label: string }) => f.label).join(','));
    expect(lines[1]!.split(',')[0]).toBe(String(a.rows[0][0]));
  });

  it('streams an XLSX workbook that reads back with the same rows', async () => {
    const a = (await call('viewer', 'POST', '/api/ask', { question: 'Number of counterparties by country' })).json();
    expect(a.status).toBe('answered');
    const x = await call('viewer', 'GET', `/api/ask/${a.auditId}/export.xlsx`);
    expect(x.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as never);
    // a first sheet with the question, explanation and SQL; then the rows under labelled headers
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Report', 'Answer']);
    const ws = wb.worksheets[1]!;
    expect(ws.rowCount).toBe(a.rows.length + 1);
    expect(ws.getRow(1).getCell(1).value).toBe(a.columnFormats[0].label);
  });

  it('abstains with suggestions on a question outside the data', async () => {
    const a = (await call('viewer', 'POST', '/api/ask', { question: 'What is the weather in Paris tomorrow?' })).json();
    expect(a.status).toBe('abstained');
    expect(a.suggestions?.length ?? 0).toBeGreaterThan(0);
  });

  it('stores feedback with the question and SQL, and audits it', async () => {
    const a = (await call('viewer', 'POST', '/api/ask', { question: 'Top 10 counterparties by number of live trades' })).json();
    expect(a.status).toBe('answered');
    const fb = await call('viewer', 'POST', '/api/feedback', { auditId: a.auditId, verdict: 'up' });
    expect(fb.statusCode).toBe(201);
    expect(fb.json().status).toBe('candidate');
    const row = await world.store.db.selectFrom('feedback').selectAll().where('id', '=', fb.json().id).executeTakeFirstOrThrow();
    expect(row.question).toBe('Top 10 counterparties by number of live trades');
    expect(row.sql).toMatch(/select/i);
    // the answer's SQL, not the top N's look for ties at its edge (a later run of the same answer)
    expect(row.sql).toBe(a.sql);
    expect(row.user_id).not.toBeNull();
    const active = await world.store.db.selectFrom('training_versions').select('id').where('status', '=', 'active').executeTakeFirstOrThrow();
    expect(row.training_version_id).toBe(active.id);
    const records = await world.audit.search({ kind: 'feedback', text: a.auditId });
    expect(records.length).toBe(1);
    // A thumbs down without the right SQL is no training example: it stays in the audit trail only.
    const down = await call('viewer', 'POST', '/api/feedback', { auditId: a.auditId, verdict: 'down' });
    expect(down.statusCode).toBe(201);
    expect(down.json().status).toBe('audited');
    expect(await world.store.db.selectFrom('feedback').select('id').where('audit_id', '=', a.auditId).execute()).toHaveLength(1);
    const missing = await call('viewer', 'POST', '/api/feedback', { auditId: 'no-such-id', verdict: 'up' });
    expect(missing.statusCode).toBe(404);
  });

  it('gives the header its meta: datasource, training version, as-of date, examples', async () => {
    const m = (await call('viewer', 'GET', '/api/meta')).json();
    expect(m.dataAsOf).toBe('2026-11-20');
    expect(m.trainingVersion).toBe('otc-ops v1');
    expect(m.dialect).toBe('SQLite');
    expect(m.examples.length).toBeGreaterThan(3);
  });
});

describe('csvField', () => {
  it('quotes separators and neutralises spreadsheet formulas but not negative numbers', async () => {
    const { csvField } = await import('./routes/export.js');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-12.50')).toBe('-12.50');
    expect(csvField(-3)).toBe('-3');
    expect(csvField(null)).toBe('');
  });
});

describe('audit page API (issue 15)', () => {
  it('pages by keyset, filters by outcome and datasource, opens a record with its linked records', async () => {
    const p1 = (await call('auditor', 'GET', '/api/audit?limit=2')).json();
    expect(p1.records).toHaveLength(2);
    expect(p1.nextBefore).toBe(p1.records[1].seq);
    const p2 = (await call('auditor', 'GET', `/api/audit?limit=2&before=${p1.nextBefore}`)).json();
    expect(p2.records[0].seq).toBe(p1.records[1].seq - 1);

    // an answer's audit id is the correlation id of its records (question -> SQL -> run)
    const hits = (await call('auditor', 'GET', `/api/audit?correlationId=${asked.admin}`)).json().records as { id: string; seq: number }[];
    expect(hits.length).toBeGreaterThan(1);
    const opened = await call('auditor', 'GET', `/api/audit/records/${hits[0]!.seq}`);
    expect(opened.statusCode).toBe(200);
    const { record, linked } = opened.json();
    expect(record.id).toBe(hits[0]!.id);
    expect(linked.map((r: { seq: number }) => r.seq)).toEqual(hits.map((r) => r.seq).reverse());
    for (const r of linked) expect(r.correlationId).toBe(asked.admin);
    expect((await call('auditor', 'GET', '/api/audit/records/999999999')).statusCode).toBe(404);

    const withEngine = (await call('auditor', 'GET', '/api/audit?limit=1000')).json().records.find((r: { engine?: string }) => r.engine);
    expect(withEngine).toBeDefined();
    const byDs = (await call('auditor', 'GET', `/api/audit?datasource=${encodeURIComponent(withEngine.engine)}&outcome=${withEngine.outcome}`)).json().records;
    expect(byDs.length).toBeGreaterThan(0);
    for (const r of byDs) expect([r.engine, r.outcome]).toEqual([withEngine.engine, withEngine.outcome]);
    expect((await call('auditor', 'GET', '/api/audit?outcome=nonsense')).statusCode).toBe(400);
    // found by the route fuzz: a huge offset or seq is a 400, not a 500 from the database
    expect((await call('auditor', 'GET', '/api/audit?offset=1e%2B308')).statusCode).toBe(400);
    expect((await call('auditor', 'GET', '/api/audit?before=1e%2B308')).statusCode).toBe(400);
    expect((await call('auditor', 'GET', '/api/audit/records/1e%2B308')).statusCode).toBe(400);
  });

  it('shows the last verification; an API export is an audit record itself', async () => {
    await call('auditor', 'GET', '/api/audit/verify');
    const st = (await call('auditor', 'GET', '/api/audit/status')).json();
    expect(st.lastVerification.result.ok).toBe(true);
    expect(Date.parse(st.lastVerification.at)).not.toBeNaN();
    await call('auditor', 'GET', '/api/audit/export?format=jsonl');
    let found = [];
    for (let i = 0; i < 50 && !found.length; i++) {
      found = (await call('auditor', 'GET', '/api/audit?kind=audit_export&actor=auditor')).json().records;
      if (!found.length) await new Promise((r) => setTimeout(r, 20));
    }
    expect(found[0]).toMatchObject({ kind: 'audit_export', actor: 'auditor', details: { via: 'api', format: 'jsonl' } });
  });
});
