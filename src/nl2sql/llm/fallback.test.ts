import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openAuditLog } from '../../audit/index.js';
import type { AuditEntry } from '../../audit/types.js';
import { loadConfig } from '../../config/index.js';
import { openDatasource, type Datasource } from '../../datasource/index.js';
import { guardSql, policyFromSnapshot } from '../../guard/index.js';
import { createLlmClient, type LlmClientOptions } from '../../llm/index.js';
import { chatCompletion, startScriptedServer, type ScriptStep, type ScriptedServer } from '../../llm/testing/scripted-server.js';
import { loadProfile, trainModel, type TrainedModel } from '../../training/index.js';
import type { FallbackRequest, GuardFn } from '../engine.js';
import { createCopilot, createSemanticEngine } from '../index.js';
import { buildIndex, createRetriever, type Retriever } from '../retrieval/index.js';
import { createFallbackFromConfig, createLlmFallback, crossCheck } from './index.js';

const DEV_DB = `${process.env.OTC_SHARED_DIR}/benchmark/ops-dev.db`;
const TODAY = '2026-11-20';
const KEY = 'sk-fallback-SECRET-0123456789abcdef';
const NORTHBRIDGE_SQL =
  "SELECT COUNT(*) AS n FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE c.short_name = 'Northbridge Capital' AND t.status = 'Live'";
/** Out of the semantic engine's reach (two conditions on two other tables), plain SQL for a model. */
const BOTH_QUESTION = 'How many counterparties show up both among settlement fails and among margin disputes?';
const BOTH_SQL =
  "SELECT COUNT(*) AS n FROM counterparties c WHERE EXISTS (SELECT 1 FROM settlements s WHERE s.counterparty_id = c.counterparty_id AND s.status = 'Failed') AND EXISTS (SELECT 1 FROM margin_calls m WHERE m.counterparty_id = c.counterparty_id AND m.status = 'Disputed')";

let dir: string;
let dbPath: string;
let ds: Datasource;
let model: TrainedModel;
let retriever: Retriever;
let server: ScriptedServer | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otc-llm-fallback-'));
  dbPath = join(dir, 'ops.db');
  copyFileSync(DEV_DB, dbPath);
  ds = await openDatasource(`sqlite:${dbPath}`);
  model = await trainModel(loadProfile('profiles/otc-ops'), ds);
  retriever = createRetriever(model, await buildIndex(model));
});
afterAll(async () => {
  await ds?.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const policy = () => policyFromSnapshot(model.snapshot, 100);
const guard: GuardFn = async (sql) => {
  const v = await guardSql(sql, 'sqlite', policy());
  return v.ok ? { ok: true, sql: v.sql } : { ok: false, reason: v.reason };
};
const execute = (sql: string) => ds.query(sql, { maxRows: 100, timeoutMs: 10_000 });
const request = (question: string, correlationId = 'corr-1'): FallbackRequest => ({ question, today: TODAY, dialect: ds.dialect, guard, execute, actor: 'alice', correlationId, semanticReason: 'words not understood' });
const reply = (sql: string, explanation = 'Counts the rows asked for.') => chatCompletion(JSON.stringify({ sql, explanation }));

function direct<T>(sql: string): T {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(sql).raw().get() as T;
  } finally {
    db.close();
  }
}
const counts = () => direct<number[]>('SELECT (SELECT COUNT(*) FROM trades), (SELECT COUNT(*) FROM confirmations), (SELECT COUNT(*) FROM counterparties)');

async function fallbackWith(script: ScriptStep[], client: Partial<LlmClientOptions> = {}, auditPrompts: 'full' | 'hash' = 'hash') {
  server = await startScriptedServer(script);
  const entries: AuditEntry[] = [];
  const fb = createLlmFallback({
    client: createLlmClient({ provider: 'gateway', baseUrl: `${server.origin}/v1`, model: 'test', apiKey: KEY, sleep: async () => undefined, ...client }),
    retriever,
    auditPrompts,
    audit: { append: async (e) => void entries.push(e) },
  });
  return { fb, entries, server };
}

describe('LLM fallback adapter', () => {
  it('answers through the guard and the read-only database, with the retrieved context in the prompt', async () => {
    const { fb, entries, server } = await fallbackWith([reply(NORTHBRIDGE_SQL)]);
    const r = await fb.answer(request('How many live trades do we have with Northbridge?'));
    expect(r.status).toBe('answered');
    if (r.status !== 'answered') return;
    expect(r.result.rows).toEqual([direct<number[]>(NORTHBRIDGE_SQL)]);
    expect(r.sql).toMatch(/LIMIT 100/i);
    // generated from what was computed, not the model's text (issue 14 item 3)
    expect(r.explanation).toBe('Computed by SQL the language model wrote and the SQL guard admitted, reading from the tables trades, counterparties: 1 row of 1 column. Check the SQL to see exactly what was computed.');
    const body = server.requests[0]!.body;
    expect(body).toContain('Northbridge Capital');
    expect(body).toContain('counterparties.short_name');
    expect(body).toContain(TODAY);
    expect(body).not.toContain(KEY);
    expect(body).not.toContain(dbPath);
    expect(body).not.toContain('margin_calls');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: 'llm_call', outcome: 'ok', actor: 'alice', correlationId: 'corr-1', engine: 'llm' });
  });

  it('abstains when the model only offers writes, and the database is unchanged', async () => {
    const before = counts();
    const dml = reply("DELETE FROM confirmations WHERE status = 'Pending'");
    const { fb, entries, server } = await fallbackWith([dml, reply('UPDATE trades SET status = \'Cancelled\''), reply('DROP TABLE trades')]);
    const r = await fb.answer(request('Delete the pending confirmations'));
    expect(r.status).toBe('abstained');
    if (r.status === 'abstained') expect(r.reason).toMatch(/SQL guard/);
    expect(server.requests).toHaveLength(3);
    expect(entries.map((e) => e.outcome)).toEqual(['refused', 'refused', 'refused']);
    expect(counts()).toEqual(before);
  });

  it('retries after a 429 and answers', async () => {
    const { fb, entries } = await fallbackWith([{ status: 429, headers: { 'retry-after': '0' }, body: { error: { message: 'slow down' } } }, reply(NORTHBRIDGE_SQL)]);
    const r = await fb.answer(request('How many live trades do we have with Northbridge?'));
    expect(r.status).toBe('answered');
    const attempts = entries[0]!.details!.httpAttempts as { status?: number }[];
    expect(attempts.map((a) => a.status)).toEqual([429, 200]);
  });

  it('abstains when the model does not answer in time', async () => {
    const { fb, entries } = await fallbackWith([{ hang: true }], { timeoutMs: 300 });
    const r = await fb.answer(request('How many live trades do we have with Northbridge?'));
    expect(r.status).toBe('abstained');
    if (r.status === 'abstained') expect(r.reason).toMatch(/OTC_ERR_LLM_TIMEOUT/);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: 'llm_call', outcome: 'error', correlationId: 'corr-1', details: expect.objectContaining({ errorCode: 'OTC_ERR_LLM_TIMEOUT' }) });
  });

  it('links every model call of a question by its correlation id, with the retrieval summary; prompts hashed unless full', async () => {
    const { fb, entries } = await fallbackWith([reply('SELECT COUNT(*) FROM no_such_table'), reply(NORTHBRIDGE_SQL)]);
    const r = await fb.answer(request('How many live trades do we have with Northbridge?', 'corr-linked'));
    expect(r.status).toBe('answered');
    expect(entries).toHaveLength(2);
    for (const e of entries) {
      expect(e.correlationId).toBe('corr-linked');
      expect(e.details).toMatchObject({ round: expect.any(Number), promptSha256: expect.stringMatching(/^[0-9a-f]{64}$/), retrieval: expect.objectContaining({ tables: expect.arrayContaining(['trades', 'counterparties']), contextTokens: expect.any(Number) }) });
      expect(e.details).not.toHaveProperty('prompt');
    }
    expect(entries.map((e) => e.outcome)).toEqual(['refused', 'ok']);

    await server!.close();
    const full = await fallbackWith([reply(NORTHBRIDGE_SQL)], {}, 'full');
    await full.fb.answer(request('How many live trades do we have with Northbridge?', 'corr-full'));
    expect(JSON.stringify(full.entries[0]!.details!.prompt)).toContain('Northbridge Capital');
    expect(JSON.stringify(full.entries[0])).not.toContain(KEY);
  });

  it('cross-check: flags agreement and disagreement of the two engines', async () => {
    const semantic = createSemanticEngine(model);
    const q = 'How many live trades do we have with Northbridge Capital?';
    const s = await semantic.generate(q, { today: TODAY, dialect: ds.dialect });
    expect(s.status).toBe('sql');
    const { fb } = await fallbackWith([reply(NORTHBRIDGE_SQL), reply("SELECT COUNT(*) FROM trades WHERE status = 'Matured'")]);
    const req = { question: q, today: TODAY, dialect: ds.dialect, guard, execute, correlationId: 'cc' };
    expect((await crossCheck(semantic, fb, req)).status).toBe('agree');
    expect((await crossCheck(semantic, fb, req)).status).toBe('disagree');
  });
});

describe('from config and through the copilot', () => {
  it('is undefined when no model is configured', () => {
    expect(createFallbackFromConfig(loadConfig({ env: { OTC_DATA_DIR: dir } }), model)).toBeUndefined();
  });

  it('a follow-up the semantic engine cannot apply goes to the model with the previous question, SQL and explanation', async () => {
    const { fb } = await fallbackWith([reply(BOTH_SQL, 'x')]);
    const copilot = createCopilot({ datasource: ds, model, maxRows: 100, timeoutMs: 10_000, fallback: fb, actor: 'bob' });
    const first = await copilot.ask({ question: 'How many live trades with Northbridge Capital?', today: TODAY });
    expect(first.status).toBe('answered');
    const a = await copilot.ask({
      question: 'and which of those counterparties show up both among settlement fails and among margin disputes?',
      today: TODAY,
      previous: { question: first.question, understood: first.understood, sql: first.sql, explanation: first.explanation },
    });
    expect(a.status).toBe('answered');
    expect(a.engine).toBe('llm');
    expect(a.follows).toEqual({ question: 'How many live trades with Northbridge Capital?' });
    const body = JSON.parse(server!.requests[0]!.body) as { messages: { content: string }[] };
    const user = body.messages[1]!.content;
    expect(user).toContain('<previous_question>\nHow many live trades with Northbridge Capital?\n</previous_question>');
    expect(user).toContain(first.sql!.slice(0, 40));
    expect(user).toContain(first.explanation);
  });

  it('end to end: the semantic engine abstains, the loopback model answers, the audit trail verifies', async () => {
    const semantic = createSemanticEngine(model);
    const pre = await semantic.generate(BOTH_QUESTION, { today: TODAY, dialect: ds.dialect });
    expect(pre.status, 'precondition: this question must be outside the semantic engine').toBe('abstained');

    server = await startScriptedServer([reply(BOTH_SQL, 'Counterparties with at least one failed settlement and one disputed margin call.')]);
    const dataDir = join(dir, 'data-e2e');
    const cfg = loadConfig({ env: { OTC_DATA_DIR: dataDir, OTC_LLM_PROVIDER: 'gateway', OTC_LLM_BASE_URL: `${server.origin}/v1`, OTC_LLM_MODEL: 'test' } });
    const audit = await openAuditLog(`sqlite:${join(dir, 'audit-e2e.db')}`);
    try {
      const fallback = createFallbackFromConfig(cfg, model, { audit });
      expect(fallback).toBeDefined();
      const copilot = createCopilot({ datasource: ds, model, audit, maxRows: 100, timeoutMs: 10_000, fallback, actor: 'bob' });
      const a = await copilot.ask({ question: BOTH_QUESTION, today: TODAY });
      expect(a.status).toBe('answered');
      expect(a.engine).toBe('llm');
      expect(a.rows).toEqual([direct<number[]>(BOTH_SQL)]);
      expect(a.auditId).toBeDefined();
      const records = await audit.search({ text: a.auditId! });
      const kinds = records.map((r) => r.kind);
      expect(kinds).toEqual(expect.arrayContaining(['question', 'llm_call', 'query_run']));
      const call = records.find((r) => r.kind === 'llm_call')!;
      expect(call).toMatchObject({ actor: 'bob', engine: 'llm', outcome: 'ok' });
      expect((await audit.verify()).ok).toBe(true);
      expect(readdirSync(join(dataDir, 'retrieval'))).toHaveLength(1); // the index was persisted for this training version
    } finally {
      await audit.close();
    }
    expect(existsSync(dbPath)).toBe(true);
  });
});
