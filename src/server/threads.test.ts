/**
 * Threads over the API: a question asked in a thread is a follow-up of its last answer (linked in
 * the audit trail), a "which one?" is answered by picking an option, threads are listed, searched,
 * opened and re-run by their owner only, and an auditor (who may not ask) has none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestWorld } from './testing.js';

let server: TestServer;
let world: TestWorld;

beforeAll(async () => {
  server = await startTestServer({ maxRows: 500 }, ['analyst', 'viewer', 'admin', 'auditor']);
  world = server.world;
});
afterAll(() => server?.close());

const call: TestServer['call'] = (...args) => server.call(...args);

describe('threads', () => {
  it('answers a follow-up in the context of the thread, says what changed, and links it in the audit', async () => {
    const a = (await call('analyst', 'POST', '/api/ask', { question: 'Live notional by sector' })).json();
    expect(a.status).toBe('answered');
    expect(a.threadId).toBeTruthy();
    const b = (await call('analyst', 'POST', '/api/ask', { question: 'now by desk', threadId: a.threadId })).json();
    expect(b.status).toBe('answered');
    expect(b.threadId).toBe(a.threadId);
    expect(b.explanation).toMatch(/Follow-up: broken down by desk instead of sector/);
    expect(b.follows).toEqual({ question: 'Live notional by sector', auditId: a.auditId });
    expect(b.sql).toMatch(/desk/);
    const q = (await world.audit.search({ text: b.auditId, limit: 20 })).find((r) => r.correlationId === b.auditId && r.kind === 'question');
    expect(q?.details).toMatchObject({ follows: a.auditId, previousQuestion: 'Live notional by sector' });
    const t = (await call('analyst', 'GET', `/api/threads/${a.threadId}`)).json();
    expect(t.items.map((i: { question: string }) => i.question)).toEqual(['Live notional by sector', 'now by desk']);
    expect(t.items[1].followsAuditId).toBe(a.auditId);
  });

  it('a follow-up that cannot be applied abstains', async () => {
    const a = (await call('viewer', 'POST', '/api/ask', { question: 'Live notional by sector' })).json();
    const b = (await call('viewer', 'POST', '/api/ask', { question: 'and the weather?', threadId: a.threadId })).json();
    expect(b.status).toBe('abstained');
  });

  it('offers a choice when a name is shared, and picking one answers', async () => {
    const names = (await world.datasource.query("SELECT short_name FROM counterparties ORDER BY short_name", { maxRows: 1000 })).rows.map((r) => String(r[0]));
    // a word that starts two or more names (whichever the demo data has)
    const counts = new Map<string, number>();
    for (const n of names) for (const w of n.split(' ').slice(1)) if (w.length >= 5) counts.set(w, (counts.get(w) ?? 0) + 1);
    const shared = [...counts].find(([, c]) => c >= 2 && c <= 6)?.[0];
    expect(shared).toBeTruthy();
    const a = (await call('analyst', 'POST', '/api/ask', { question: `Live trades with ${shared}` })).json();
    expect(a.status).toBe('choose');
    expect(a.choices.length).toBeGreaterThanOrEqual(2);
    for (const c of a.choices) expect(c.label).toContain(shared);
    const pick = a.choices[0];
    const b = (await call('analyst', 'POST', '/api/ask', { question: `Live trades with ${shared}`, threadId: a.threadId, choice: pick.pick })).json();
    expect(b.status).toBe('answered');
    expect(b.explanation).toContain(pick.label);
    const t = (await call('analyst', 'GET', `/api/threads/${a.threadId}`)).json();
    expect(t.items).toHaveLength(1); // the pick answers the turn that asked
    expect(t.items[0].choice).toEqual(pick.pick);
  });

  it('lists and searches only the owner\'s threads, and re-runs one on today\'s data', async () => {
    const a = (await call('viewer', 'POST', '/api/ask', { question: 'How many open exceptions by severity?' })).json();
    await call('viewer', 'POST', '/api/ask', { question: 'by owner team instead', threadId: a.threadId });
    const mine = (await call('viewer', 'GET', '/api/threads?q=OWNER%20team')).json();
    expect(mine.map((t: { id: string }) => t.id)).toContain(a.threadId);
    expect((await call('viewer', 'GET', '/api/threads?q=no-such-words-here')).json()).toEqual([]);
    expect((await call('analyst', 'GET', '/api/threads')).json().map((t: { id: string }) => t.id)).not.toContain(a.threadId);
    expect((await call('analyst', 'GET', `/api/threads/${a.threadId}`)).statusCode).toBe(404);
    expect((await call('admin', 'POST', `/api/threads/${a.threadId}/rerun`, {})).statusCode).toBe(404);
    const rerun = await call('viewer', 'POST', `/api/threads/${a.threadId}/rerun`, {});
    expect(rerun.statusCode).toBe(200);
    const answers = rerun.json();
    expect(answers.map((x: { status: string }) => x.status)).toEqual(['answered', 'answered']);
    expect(answers[1].explanation).toMatch(/owner team/);
  });

  it('an auditor, who may not ask, has no threads; bad input is a 400', async () => {
    expect((await call('auditor', 'GET', '/api/threads')).statusCode).toBe(403);
    expect((await call('auditor', 'POST', '/api/ask', { question: 'Live notional by sector' })).statusCode).toBe(403);
    expect((await call('viewer', 'GET', '/api/threads/..%2Fx')).statusCode).toBe(400);
    expect((await call('viewer', 'POST', '/api/ask', { question: 'x', choice: { phrase: 'a', sense: { kind: 'nope' } } })).statusCode).toBe(400);
    expect((await call('viewer', 'POST', '/api/ask', { question: 'Live notional', threadId: 'unknown-thread' })).statusCode).toBe(404);
  });
});
