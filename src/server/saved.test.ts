/**
 * Saved questions over the API: an answer saved by its audit id keeps its question, SQL, typed
 * query and training version; it runs again through the query pipeline (audited); a question whose
 * stored SQL differs from what the active version compiles says "no longer compiles the same".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestWorld } from './testing.js';

let server: TestServer;
let world: TestWorld;

beforeAll(async () => {
  server = await startTestServer({ maxRows: 50 }, ['analyst', 'viewer', 'admin']);
  world = server.world;
});
afterAll(() => server?.close());

const call: TestServer['call'] = (...args) => server.call(...args);

describe('saved questions', () => {
  it('saves an answer with its question, SQL, typed query and training version, and runs it again on current data', async () => {
    const a = (await call('analyst', 'POST', '/api/ask', { question: 'How many fails by counterparty?' })).json();
    expect(a.status).toBe('answered');
    const res = await call('analyst', 'POST', '/api/saved', { auditId: a.auditId, title: 'Fails by counterparty', chart: { kind: 'bar' } });
    expect(res.statusCode).toBe(201);
    const s = res.json();
    expect(s).toMatchObject({ owner: 'analyst', title: 'Fails by counterparty', question: 'How many fails by counterparty?', engine: 'semantic', trainingVersion: a.trainingVersion, chart: { kind: 'bar' }, status: 'current' });
    expect(a.sql).toContain(s.sql.slice(0, 30));
    const row = await world.store.db.selectFrom('saved_questions').selectAll().where('id', '=', s.id).executeTakeFirstOrThrow();
    expect(JSON.parse(row.query_json!)).toEqual(a.understood);

    const run = await call('analyst', 'POST', `/api/saved/${s.id}/run`, {});
    expect(run.statusCode).toBe(200);
    const { answer, rerun } = run.json();
    expect(rerun).toEqual({ from: 'query', savedVersion: a.trainingVersion, versionChanged: false, sqlChanged: false });
    expect(answer).toMatchObject({ status: 'answered', columns: a.columns, rows: a.rows });
    const records = (await world.audit.search({ text: answer.auditId, limit: 20 })).filter((r) => r.correlationId === answer.auditId);
    expect(records.map((r) => r.kind).sort()).toEqual(['query_run', 'question', 'sql_generated']);
    expect(records.find((r) => r.kind === 'question')?.details).toMatchObject({ rerun: 'query', savedVersion: a.trainingVersion });
  });

  it('says a question saved under another version no longer compiles the same, and the run reports it', async () => {
    const a = (await call('analyst', 'POST', '/api/ask', { question: 'How many fails by counterparty?' })).json();
    const s = (await call('analyst', 'POST', '/api/saved', { auditId: a.auditId })).json();
    // As if saved under an older version that compiled it to other SQL.
    await world.store.db.updateTable('saved_questions').set({ training_version: 'an-older-version', sql: 'SELECT 1 AS old_meaning' }).where('id', '=', s.id).execute();
    const seen = (await call('analyst', 'GET', `/api/saved/${s.id}`)).json();
    expect(seen.status).toBe('changed');
    expect(seen.statusText).toMatch(/no longer compiles the same/i);
    const { rerun } = (await call('analyst', 'POST', `/api/saved/${s.id}/run`, {})).json();
    expect(rerun).toMatchObject({ versionChanged: true, sqlChanged: true });
    // The same question saved under another version but compiled to the same SQL is 'same'.
    await world.store.db.updateTable('saved_questions').set({ sql: world.deps.answering.peek()!.copilot.semantic.compile(JSON.parse((await world.store.db.selectFrom('saved_questions').select('query_json').where('id', '=', s.id).executeTakeFirstOrThrow()).query_json!), world.datasource.dialect).sql }).where('id', '=', s.id).execute();
    expect((await call('analyst', 'GET', `/api/saved/${s.id}`)).json().status).toBe('same');
  });

  it('re-asks the question text at another as-of date', async () => {
    const a = (await call('analyst', 'POST', '/api/ask', { question: 'How many fails by counterparty?' })).json();
    const s = (await call('analyst', 'POST', '/api/saved', { auditId: a.auditId })).json();
    const { rerun, answer } = (await call('analyst', 'POST', `/api/saved/${s.id}/run`, { asOf: '2026-10-01' })).json();
    expect(rerun.from).toBe('question');
    expect(answer.understood.today).toBe('2026-10-01');
  });

  it('keeps roles: a viewer cannot save, others cannot run or delete your saved question, an admin can', async () => {
    const a = (await call('analyst', 'POST', '/api/ask', { question: 'How many fails by counterparty?' })).json();
    expect((await call('viewer', 'POST', '/api/saved', { auditId: a.auditId })).statusCode).toBe(403);
    const s = (await call('analyst', 'POST', '/api/saved', { auditId: a.auditId })).json();
    expect((await call('viewer', 'POST', `/api/saved/${s.id}/run`, {})).statusCode).toBe(403);
    expect((await call('viewer', 'GET', '/api/saved')).json().map((x: { id: string }) => x.id)).not.toContain(s.id);
    expect((await call('admin', 'DELETE', `/api/saved/${s.id}`)).statusCode).toBe(204);
    expect((await call('analyst', 'GET', `/api/saved/${s.id}`)).statusCode).toBe(404);
  });

  it('refuses to save an answer that has no SQL, and an unknown id', async () => {
    const a = (await call('analyst', 'POST', '/api/ask', { question: 'What is the weather on Mars?' })).json();
    expect(a.status).not.toBe('answered');
    const res = await call('analyst', 'POST', '/api/saved', { auditId: a.auditId });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('OTC_ERR_ANSWER_NOT_SAVABLE');
    expect((await call('analyst', 'POST', '/api/saved', { auditId: 'nope-123' })).json().code).toBe('OTC_ERR_ANSWER_NOT_FOUND');
  });
});
