/**
 * The audit routes on a PostgreSQL audit store (issue 15): the server with its audit log in a
 * fresh PostgreSQL database; an auditor pages by keyset, filters, opens a record with its linked
 * records, verifies (status shows it), and exports JSONL and CSV that verify offline; bad input
 * is a 400. Runs in CI (CI=true: PostgreSQL must answer); elsewhere skipped with a printed reason
 * when PostgreSQL is not reachable.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS, parseExportedJsonl, verifyExportedRecords } from '../../src/audit/index.js';
import { buildServer } from '../../src/server/app.js';
import { createTestWorld, TEST_PASSWORD, type TestWorld } from '../../src/server/testing.js';
import { createTempPgDatabase, postgresAvailable, type TempPgDatabase } from '../support/services.js';

let pgUp = false;
let db: TempPgDatabase | undefined;
let world: TestWorld | undefined;
let app: FastifyInstance;
const sessions: Record<string, string> = {};
const asked: string[] = [];

const cookiesOf = (res: LightMyRequestResponse) => Object.fromEntries(res.cookies.map((c) => [c.name, c.value]));

async function signIn(username: string): Promise<{ cookie: string; csrf: string }> {
  const c = await app.inject({ method: 'GET', url: '/api/auth/csrf' });
  const secret = cookiesOf(c).otc_csrf!;
  const r = await app.inject({ method: 'POST', url: '/api/auth/login', cookies: { otc_csrf: secret }, headers: { 'x-csrf-token': c.json().csrfToken }, payload: { username, password: TEST_PASSWORD } });
  expect(r.statusCode).toBe(200);
  return { cookie: `otc_session=${cookiesOf(r).otc_session}; otc_csrf=${secret}`, csrf: r.json().csrfToken as string };
}
const get = (url: string) => app.inject({ method: 'GET', url, headers: { cookie: sessions.auditor! } });

beforeAll(async () => {
  pgUp = await postgresAvailable();
  if (!pgUp) return;
  db = await createTempPgDatabase('otc_audit_routes');
  world = await createTestWorld({ loginPerMinute: 1000 }, { auditUrl: db.url, signedAudit: true });
  expect(world.audit.kind).toBe('postgres');
  app = await buildServer(world.deps);
  const analyst = await signIn('analyst');
  sessions.auditor = (await signIn('auditor')).cookie;
  for (const question of ['How many trades were booked last week?', 'Live notional by desk']) {
    const res = await app.inject({ method: 'POST', url: '/api/ask', headers: { cookie: analyst.cookie, 'x-csrf-token': analyst.csrf }, payload: { question } });
    expect(res.json().status).toBe('answered');
    asked.push(res.json().auditId as string);
  }
}, 180_000);

afterAll(async () => {
  await app?.close();
  await world?.close();
  await db?.drop();
});

describe('audit routes on a PostgreSQL audit store', () => {
  it('search pages by keyset, filters, and opens a record with its linked records', async (ctx) => {
    if (!pgUp) return ctx.skip();
    const p1 = (await get('/api/audit?limit=2')).json();
    expect(p1.records).toHaveLength(2);
    const p2 = (await get(`/api/audit?limit=2&before=${p1.nextBefore}`)).json();
    expect(p2.records[0].seq).toBe(p1.records[1].seq - 1);

    const hits = (await get(`/api/audit?correlationId=${asked[0]}`)).json().records as { id: string; seq: number; kind: string }[];
    expect(hits.map((r) => r.kind).reverse()).toEqual(['question', 'sql_generated', 'query_run']);
    const opened = (await get(`/api/audit/records/${hits[0]!.seq}`)).json();
    expect(opened.record.id).toBe(hits[0]!.id);
    expect(opened.linked.map((r: { seq: number }) => r.seq)).toEqual(hits.map((r) => r.seq).reverse());

    const signIns = (await get('/api/audit?kind=sign_in&actor=auditor')).json().records;
    expect(signIns.length).toBe(1);
    const runs = (await get('/api/audit?kind=query_run&outcome=completed')).json().records as { correlationId: string }[];
    expect(runs.map((r) => r.correlationId).sort()).toEqual([...asked].sort());
    const text = (await get(`/api/audit?text=${encodeURIComponent('notional by DESK')}`)).json().records as { correlationId: string }[];
    expect(new Set(text.map((r) => r.correlationId))).toEqual(new Set([asked[1]]));
    expect((await get('/api/audit/records/999999999')).statusCode).toBe(404);
    expect((await get('/api/audit?outcome=nonsense')).statusCode).toBe(400);
    expect((await get('/api/audit?before=1e%2B308')).statusCode).toBe(400);
    expect((await get('/api/audit?from=2026-02-30')).statusCode).toBe(400);
  });

  it('verify is green and shown in the status; exports verify offline', async (ctx) => {
    if (!pgUp) return ctx.skip();
    const v = (await get('/api/audit/verify')).json();
    expect(v).toMatchObject({ ok: true });
    expect((await get('/api/audit/status')).json().lastVerification.result.ok).toBe(true);
    const jsonl = await get('/api/audit/export?format=jsonl');
    expect(jsonl.statusCode).toBe(200);
    const records = parseExportedJsonl(jsonl.body);
    expect(records.length).toBeGreaterThan(6);
    expect(verifyExportedRecords(records).ok).toBe(true);
    const csv = await get('/api/audit/export?format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.body.split('\r\n')[0]).toBe(EXPORT_COLUMNS.join(','));
  });
});
