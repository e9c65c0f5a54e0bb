/**
 * Issue 10, item 4: the LLM engine answers with a semantic query first, against the loopback
 * OpenAI-compatible server: the query is validated by the zod schema, resolved with the profile's
 * defaults and compiled by the semantic engine, then guarded and run like any SQL; raw SQL is only
 * the fallback. Hostile replies (invalid JSON, names not in the profile, huge replies, SQL inside
 * values) never reach the database as anything but a literal, and end in a repair or an abstention.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../audit/types.js';
import { openDatasource, type Datasource } from '../../datasource/index.js';
import { guardSql, policyFromSnapshot, type GuardPolicy } from '../../guard/index.js';
import { createLlmClient } from '../../llm/index.js';
import { chatCompletion, startScriptedServer, type ScriptStep, type ScriptedServer } from '../../llm/testing/scripted-server.js';
import { loadProfile, trainModel } from '../../training/index.js';
import type { FallbackResult } from '../engine.js';
import type { RetrievedContext } from '../retrieval/index.js';
import { createSemanticEngine, type SemanticEngine } from '../semantic/index.js';
import { createLlmFallback } from './index.js';

const TODAY = '2026-11-20';
let dir: string;
let ds: Datasource;
let engine: SemanticEngine;
let policy: GuardPolicy;
let server: ScriptedServer | undefined;
let audit: AuditEntry[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otc-llm-semq-'));
  copyFileSync(`${process.env.OTC_SHARED_DIR}/benchmark/ops-dev.db`, join(dir, 'ops.db'));
  ds = await openDatasource(`sqlite:${join(dir, 'ops.db')}`);
  const model = await trainModel(loadProfile('profiles/otc-ops'), ds);
  engine = createSemanticEngine(model);
  policy = policyFromSnapshot(model.snapshot, 1000);
});
afterAll(async () => {
  await ds?.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const reply = (o: unknown) => chatCompletion(typeof o === 'string' ? o : JSON.stringify(o));
const retrieved = { context: { tables: [], joins: [], glossary: [], examples: [], resolvedValues: [] }, tokens: 10, tables: [], bridges: [], values: [], hits: [], indexKey: 'k' } as unknown as RetrievedContext;

async function ask(script: ScriptStep[], question = 'question the semantic engine did not read', maxRepairs = 2): Promise<FallbackResult> {
  server = await startScriptedServer(script);
  audit = [];
  const client = createLlmClient({ provider: 'openai', baseUrl: `${server.origin}/v1`, apiKey: 'sk-test', model: 'm', timeoutMs: 5_000, sleep: async () => {} });
  const fb = createLlmFallback({ client, retriever: { retrieve: async () => retrieved }, semantic: engine, maxRepairs, audit: { append: async (e) => void audit.push(e) } });
  return fb.answer({
    question,
    today: TODAY,
    dialect: ds.dialect,
    guard: async (sql) => {
      const v = await guardSql(sql, 'sqlite', policy);
      return v.ok ? { ok: true, sql: v.sql } : { ok: false, reason: v.reason };
    },
    execute: (sql) => ds.query(sql, { maxRows: 1000, timeoutMs: 10_000 }),
    actor: 'alice',
    correlationId: 'c-1',
    semanticReason: 'not covered',
  });
}

const userMessages = (i: number) => (server!.requests[i]!.json.messages as { role: string; content: string }[]).filter((x) => x.role === 'user').map((x) => x.content);
const systemMessage = () => (server!.requests[0]!.json.messages as { role: string; content: string }[])[0]!.content;
const tradeCount = async () => (await ds.query('select count(*) from trades')).rows[0]![0];

describe('LLM engine: the semantic query first', () => {
  it("the prompt lists the profile's names and the JSON Schema; the model's query is compiled by the semantic engine with the profile's rules", async () => {
    const r = await ask([reply({ query: { entity: 'settlements', measures: [{ measure: 'fail_rate' }], groupBy: [{ field: 'counterparty' }], where: [{ period: 'this month' }] }, cannot_answer: false })]);
    expect(r.status).toBe('answered');
    const a = r as Extract<FallbackResult, { status: 'answered' }>;
    // the same SQL as the semantic engine's own reading of that question
    const own = engine.understand('fail rate by counterparty this month', TODAY);
    expect(own.status).toBeUndefined();
    expect(a.sql).toContain(engine.compile((own as { query: never }).query, ds.dialect).sql);
    expect(a.explanation).toBe(engine.compile((own as { query: never }).query, ds.dialect).explanation);
    expect(a.semantic).toMatchObject({ entity: 'settlements', measures: [{ measure: 'fail_rate' }] });
    expect(a.understood?.entity).toBe('settlements');
    const sys = systemMessage();
    expect(sys).toContain('JSON Schema of "query"');
    expect(sys).toContain('- fail_rate [settlements, ratio]');
    expect(sys).toMatch(/"query": \{<semantic query>\} or null/);
    expect(audit.filter((e) => e.kind === 'llm_call')).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ semanticQuery: true, roundOutcome: 'answered' });
  });

  it('invalid JSON: sent back, the corrected query is answered', async () => {
    const r = await ask([reply('{"query": {"entity": "trades", "measures": [{"measure": "notional"'), reply({ query: { entity: 'trades', measures: [{ measure: 'notional' }] } })]);
    expect(r.status).toBe('answered');
    expect(userMessages(1).at(-1)).toMatch(/could not be used/);
  });

  it('names not in the profile: the model is told which names exist; it gives up: abstention, nothing ran', async () => {
    const r = await ask([
      reply({ query: { entity: 'trades', measures: [{ measure: 'profit_and_loss' }] } }),
      reply({ query: { entity: 'pnl_ledger' } }),
      reply({ cannot_answer: true, reason: 'no P&L in this data' }),
    ]);
    expect(r.status).toBe('abstained');
    expect(userMessages(1).at(-1)).toMatch(/unknown measure "profit_and_loss"; the measures are .*"notional"/);
    expect(userMessages(2).at(-1)).toMatch(/unknown entity "pnl_ledger"/);
    expect(audit.map((e) => e.details?.roundOutcome)).toEqual(['query_invalid', 'query_invalid', 'cannot_answer']);
  });

  it('a reply that exceeds the schema limits is refused by the schema, not run', async () => {
    const many = Array.from({ length: 200 }, (_, i) => ({ field: 'counterparty', op: '=', value: `x${i}` }));
    const r = await ask([reply({ query: { entity: 'trades', where: many } })], 'q', 0);
    expect(r.status).toBe('abstained');
    expect((r as { reason: string }).reason).toMatch(/semantic query not usable: the semantic query does not match its schema/);
  });

  it('a huge reply body is not read: abstention', async () => {
    const huge = 'x'.repeat(600 * 1024);
    const r = await ask([reply({ query: { entity: 'trades', label: huge } })], 'q', 0);
    expect(r.status).toBe('abstained');
    expect((r as { reason: string }).reason).toMatch(/more than \d+ bytes/);
  });

  it('SQL inside values is a literal: runs as a comparison, the data is unchanged', async () => {
    const before = await tradeCount();
    const r = await ask([reply({ query: { entity: 'trades', where: [{ field: 'counterparty', op: '=', value: "x'); DELETE FROM trades; --" }, { field: 'counterparty', in: ["' OR '1'='1"] }] } })]);
    expect(r.status).toBe('answered');
    const a = r as Extract<FallbackResult, { status: 'answered' }>;
    expect(a.sql).toContain("'x''); DELETE FROM trades; --'");
    expect(a.result.rows).toEqual([[0]]);
    expect(await tradeCount()).toBe(before);
  });

  it('a name that carries SQL is an unknown name, never an identifier', async () => {
    const r = await ask([reply({ query: { entity: 'trades', groupBy: [{ field: 'desk"; DROP TABLE trades; --' }] } })], 'q', 0);
    expect(r.status).toBe('abstained');
    expect((r as { reason: string }).reason).toMatch(/unknown field/);
  });

  it('raw SQL is the fallback (query null): guarded and run, the explanation is not the model\'s', async () => {
    const r = await ask([reply({ query: null, sql: "SELECT COUNT(*) AS n FROM trades WHERE status = 'Live'", explanation: 'Trust me.' })]);
    expect(r.status).toBe('answered');
    const a = r as Extract<FallbackResult, { status: 'answered' }>;
    expect(a.semantic).toBeUndefined();
    expect(a.explanation).not.toContain('Trust me');
  });
});
