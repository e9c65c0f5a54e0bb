/**
 * The API's ask and export go through the query pipeline: the answer shows what was understood
 * (as the engine understood it, nothing dropped by the response schema), and a download re-runs
 * the answer's recorded SQL through the pipeline's guard, row cap, execution and audit.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { dialectFor } from '../datasource/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from './app.js';
import { createTestWorld, TEST_PASSWORD, TEST_TODAY, type TestWorld } from './testing.js';

let world: TestWorld;
let app: FastifyInstance;
let session: { cookie: string; csrf: string };
const MAX_ROWS = 5;

const cookiesOf = (res: LightMyRequestResponse) => Object.fromEntries(res.cookies.map((c) => [c.name, c.value]));

beforeAll(async () => {
  world = await createTestWorld({ maxRows: MAX_ROWS });
  app = await buildServer(world.deps);
  const r0 = await app.inject({ method: 'GET', url: '/api/auth/csrf' });
  const secret = cookiesOf(r0).otc_csrf!;
  const r = await app.inject({ method: 'POST', url: '/api/auth/login', cookies: { otc_csrf: secret }, headers: { 'x-csrf-token': r0.json().csrfToken }, payload: { username: 'analyst', password: TEST_PASSWORD } });
  expect(r.statusCode).toBe(200);
  session = { cookie: `otc_session=${cookiesOf(r).otc_session}; otc_csrf=${secret}`, csrf: r.json().csrfToken };
});

afterAll(async () => {
  await app?.close();
  await world?.close();
});

const ask = async (question: string) => (await app.inject({ method: 'POST', url: '/api/ask', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf }, payload: { question } })).json();
const get = (url: string) => app.inject({ method: 'GET', url, headers: { cookie: session.cookie } });
const recordsOf = async (id: string) => (await world.audit.search({ text: id, limit: 20 })).filter((r) => r.correlationId === id).sort((a, b) => a.seq - b.seq);

describe('what was understood, in the API answer', () => {
  it("is the engine's typed query, whole, for the profile's example questions", async () => {
    const { copilot, model } = await world.deps.answering.require();
    let seen = 0;
    for (const ex of model.profile.examples.slice(0, 25)) {
      const u = copilot.semantic.understand(ex.question, TEST_TODAY);
      const a = await ask(ex.question);
      if (u.status) {
        expect(a.understood, ex.question).toBeUndefined();
        continue;
      }
      seen++;
      expect(a.understood, ex.question).toEqual(JSON.parse(JSON.stringify(u.query)));
      // and the semantic query, in the profile's names, whole (it resolves back to the same SQL)
      expect(a.semantic, ex.question).toEqual(JSON.parse(JSON.stringify(copilot.semantic.describe(u.query))));
      expect(copilot.semantic.compile(copilot.semantic.resolve(a.semantic, TEST_TODAY), dialectFor('sqlite')).sql).toBe(copilot.semantic.compile(u.query, dialectFor('sqlite')).sql);
    }
    expect(seen).toBeGreaterThan(10);
  });

  it('is described in the OpenAPI document of the ask route', async () => {
    const doc = (await get('/api/docs/json')).json();
    const schema = doc.paths['/api/ask'].post.responses['200'].content['application/json'].schema;
    expect(schema.properties.understood.required).toEqual(expect.arrayContaining(['entity', 'measures', 'where', 'today']));
  });
});

describe('export through the pipeline', () => {
  it("re-runs the answer's SQL with the row cap, and audits the download under the answer's id", async () => {
    const a = await ask('List the live trades');
    expect(a).toMatchObject({ status: 'answered', rowCount: MAX_ROWS, truncated: true });
    const csv = await get(`/api/ask/${a.auditId}/export.csv`);
    expect(csv.statusCode).toBe(200);
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toHaveLength(MAX_ROWS + 1);
    const records = await recordsOf(a.auditId);
    expect(records.map((r) => r.kind)).toEqual(['question', 'sql_generated', 'query_run', 'query_run']);
    expect(records[3]).toMatchObject({ actor: 'analyst', sql: a.sql, rowCount: MAX_ROWS, details: { export: 'csv', truncated: true } });
  });

  it('refuses to download SQL the guard does not admit (a forged run record), audits the refusal, writes nothing', async () => {
    await world.audit.append({ kind: 'query_run', actor: 'analyst', outcome: 'completed', sql: 'DELETE FROM trades', correlationId: 'forged-run-1' });
    const before = (await world.datasource.query('SELECT count(*) FROM trades')).rows[0]![0];
    const res = await get('/api/ask/forged-run-1/export.csv');
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('OTC_ERR_SQL_GUARD_REJECTED');
    const records = await recordsOf('forged-run-1');
    expect(records.map((r) => r.kind)).toEqual(['query_run', 'refusal']);
    expect(records[1]).toMatchObject({ actor: 'analyst', sql: 'DELETE FROM trades' });
    expect((await world.datasource.query('SELECT count(*) FROM trades')).rows[0]![0]).toBe(before);
  });
});

describe('downloads an analyst can forward', () => {
  it('CSV and XLSX headed by the profile labels with units; the workbook typed, frozen, filtered, with a cover sheet', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const a = await ask('Total notional of live trades by desk');
    expect(a.status).toBe('answered');
    expect(a.columnFormats.map((f: { label: string }) => f.label)).toEqual(['Desk', 'Notional (USD)']);
    const csv = await get(`/api/ask/${a.auditId}/export.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe('Desk,Notional (USD)');

    const x = await get(`/api/ask/${a.auditId}/export.xlsx`);
    expect(x.statusCode).toBe(200);
    expect(x.headers['content-disposition']).toMatch(/filename="total-notional-of-live-trades-by-desk\.xlsx"/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    const [cover, sheet] = wb.worksheets;
    const coverText = cover!.getSheetValues().flat().map(String).join('\n');
    for (const want of ['Total notional of live trades by desk', a.explanation, a.sql, 'Downloaded by', 'analyst', 'Training version', 'Data as of']) expect(coverText).toContain(want);
    expect(sheet!.getRow(1).values).toEqual([undefined, 'Desk', 'Notional (USD)']);
    expect(sheet!.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet!.autoFilter).toBeTruthy();
    const cell = sheet!.getRow(2).getCell(2);
    expect(typeof cell.value).toBe('number');
    expect(cell.numFmt).toBe('#,##0.00');
  });

  it('grouped answers come largest first; a top N answers N groups, largest first', async () => {
    const a = await ask('Number of live trades by counterparty');
    const counts = a.rows.map((r: unknown[]) => Number(r[1]));
    expect(counts).toEqual([...counts].sort((x, y) => y - x));
    const top = await ask('Top 3 counterparties by number of live trades');
    expect(top.explanation).toMatch(/top 3/);
    expect(top.rows.map((r: unknown[]) => Number(r[1]))).toEqual(counts.slice(0, 3));
  });
});

describe('a top N whose edge is tied', () => {
  const counts = async () =>
    (await world.datasource.query("SELECT c.short_name, COUNT(*) FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE t.status = 'Live' GROUP BY c.short_name ORDER BY 2 DESC", { maxRows: 1000 })).rows.map((x) => [String(x[0]), Number(x[1])] as const);

  it('answers N rows and says which groups tie with the Nth (ties in the API answer); the download holds the N rows answered', async () => {
    const all = await counts();
    // an edge within the row cap that ties with the next group
    const n = all.findIndex((x, i) => i > 0 && i < MAX_ROWS && all[i + 1]?.[1] === x[1]) + 1;
    expect(n).toBeGreaterThan(1);
    const a = await ask(`Top ${n} counterparties by number of live trades`);
    expect(a.status).toBe('answered');
    expect(a.rows).toHaveLength(n);
    const shown = new Set(a.rows.map((r: unknown[]) => String(r[0])));
    const tied = all.filter((x) => x[1] === all[n - 1]![1] && !shown.has(x[0])).map((x) => x[0]);
    expect(a.ties).toMatchObject({ rank: n, more: tied.length, followUp: 'include ties' });
    expect([...a.ties.groups].sort()).toEqual([...tied].sort());
    expect(a.ties.note).toMatch(/^\d+ more counterpart(y ties|ies tie) with the \d+(st|nd|rd|th) at \d+ \(.+\): .+\.$/);
    const csv = await get(`/api/ask/${a.auditId}/export.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body.replace(/^\uFEFF/, '').trim().split('\r\n')).toHaveLength(n + 1);
  });

  it('has no note when the edge is not tied', async () => {
    const all = await counts();
    const n = all.findIndex((x, i) => all[i + 1] !== undefined && all[i + 1]![1] !== x[1]) + 1;
    const a = await ask(`Top ${n} counterparties by number of live trades`);
    expect(a.rows).toHaveLength(n);
    expect(a.ties).toBeUndefined();
  });
});
