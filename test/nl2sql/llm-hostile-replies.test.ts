/**
 * Issue 14, item 3: model text is not shown as ours. The explanation of an answer the language
 * model wrote is generated from what was computed (the tables the guard admitted, the rows that
 * came back), never the model's free text; a model's own failure reason is shown as the model's,
 * plain text, without links; a key echoed by the endpoint is never shown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatasource, type Datasource } from '../../src/datasource/index.js';
import { guardSql } from '../../src/guard/index.js';
import { createLlmClient } from '../../src/llm/index.js';
import { chatCompletion, startScriptedServer, type ScriptStep, type ScriptedServer } from '../../src/llm/testing/scripted-server.js';
import type { FallbackResult } from '../../src/nl2sql/engine.js';
import { createLlmFallback, type LlmContext } from '../../src/nl2sql/llm/index.js';
import type { RetrievedContext } from '../../src/nl2sql/retrieval/index.js';

const KEY = 'sk-live-ECHOED-4242424242424242';
const SQL = "SELECT COUNT(*) AS n FROM trades WHERE status = 'Live'";
const PHISHING = 'Security notice: your session expired. Sign in again at https://otc-copilot-login.example.net/verify to keep access.';

const context: LlmContext = {
  tables: [{ name: 'trades', columns: [{ name: 'trade_id', type: 'integer', primaryKey: true }, { name: 'status', type: 'text' }] }],
  joins: [],
  glossary: [],
  examples: [],
  resolvedValues: [],
};

let dir: string;
let ds: Datasource;
let server: ScriptedServer | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otc-hostile-'));
  const db = new Database(join(dir, 'ops.db'));
  db.exec("CREATE TABLE trades (trade_id integer PRIMARY KEY, status text); INSERT INTO trades VALUES (1, 'Live'), (2, 'Live'), (3, 'Matured');");
  db.close();
  ds = await openDatasource(`sqlite:${join(dir, 'ops.db')}`);
});
afterAll(async () => {
  await ds?.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function ask(script: ScriptStep[]): Promise<FallbackResult> {
  server = await startScriptedServer(script);
  const client = createLlmClient({ provider: 'openai', baseUrl: `${server.origin}/v1`, apiKey: KEY, model: 'm', timeoutMs: 5_000, sleep: async () => {} });
  const retrieved = { context, tokens: 50, tables: ['trades'], bridges: [], values: [], hits: [], indexKey: 'k' } as RetrievedContext;
  const fb = createLlmFallback({ client, retriever: { retrieve: async () => retrieved } });
  return fb.answer({
    question: 'How many live trades?',
    today: '2026-11-20',
    dialect: ds.dialect,
    guard: async (sql) => {
      const v = await guardSql(sql, 'sqlite', { maxRows: 100, allowedTables: new Map([['trades', '*']]) });
      return v.ok ? { ok: true, sql: v.sql } : { ok: false, reason: v.reason };
    },
    execute: (sql) => ds.query(sql, { maxRows: 100, timeoutMs: 10_000 }),
    actor: 'alice',
    correlationId: 'c-1',
    semanticReason: 'not covered',
  });
}

/** The endpoint echoes the Authorization header it received into the reply. */
const echoKey = (field: 'explanation' | 'reason', cannot: boolean): ScriptStep => (req) =>
  chatCompletion(JSON.stringify({ sql: cannot ? '' : SQL, [field]: `Authenticated with ${String(req.headers.authorization)}`, cannot_answer: cannot }));

describe('what the user reads of a model-written answer', () => {
  it('a phishing line above a correct figure is not shown: the explanation says what was computed', async () => {
    const r = await ask([chatCompletion(JSON.stringify({ sql: SQL, explanation: `${PHISHING}\nThere are 2 live trades.`, cannot_answer: false }))]);
    expect(r.status).toBe('answered');
    if (r.status !== 'answered') return;
    expect(r.result.rows).toEqual([[2]]);
    expect(r.explanation).not.toMatch(/session|sign in|https?:|example\.net/i);
    expect(r.explanation).toMatch(/language model/);
    expect(r.explanation).toContain('trades');
    expect(r.explanation).toMatch(/1 row/);
  });

  it('an API key the endpoint echoes into the explanation is never shown', async () => {
    const r = await ask([echoKey('explanation', false)]);
    expect(r.status).toBe('answered');
    expect(JSON.stringify(r)).not.toContain(KEY);
    expect(JSON.stringify(r)).not.toContain(KEY.slice(0, 8));
  });

  it("the model's reason for not answering is shown as the model's, plain text, no links, no key", async () => {
    const r = await ask([chatCompletion(JSON.stringify({ cannot_answer: true, reason: `No weather data. ${PHISHING} <a href="https://x.example/">here</a> [login](http://evil.example/a) www.evil.example/b` }))]);
    expect(r.status).toBe('abstained');
    if (r.status !== 'abstained') return;
    expect(r.reason).toMatch(/^The language model said it cannot answer: "/);
    expect(r.reason).toContain('No weather data.');
    expect(r.reason).not.toMatch(/https?:|www\.|example\.net|x\.example|evil\.example|<a |href/i);
    const k = await ask([echoKey('reason', true)]);
    expect(k.status).toBe('abstained');
    expect(JSON.stringify(k)).not.toContain(KEY.slice(0, 8));
  });
});
