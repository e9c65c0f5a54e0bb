/** Each stage of the query pipeline alone, on the demo data and model (sqlite). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../audit/types.js';
import { hashRows } from '../../audit/index.js';
import { buildDemoDatabase } from '../../demo/index.js';
import { dialectFor, openDatasource, type Datasource } from '../../datasource/index.js';
import { loadProfile, trainModel, type TrainedModel } from '../../training/index.js';
import { createSemanticEngine, type SemanticEngine, type TypedQuery } from '../semantic/index.js';
import { createCompileStage, createExecuteStage, createGuardStage, createRunTrail, createUnderstandStage, rowCap } from './index.js';

const TODAY = '2026-06-17';
let dir: string;
let ds: Datasource;
let model: TrainedModel;
let engine: SemanticEngine;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otc-stages-'));
  await buildDemoDatabase({ out: join(dir, 'demo.db'), trades: 600, seed: 11, asOf: TODAY });
  ds = await openDatasource(`sqlite:${join(dir, 'demo.db')}`);
  model = await trainModel(loadProfile('profiles/otc-ops'), ds);
  engine = createSemanticEngine(model);
});

afterAll(async () => {
  await ds?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The engine, counting how often each method is really called. */
function counting() {
  const calls = { understand: 0, compile: 0 };
  return {
    calls,
    understand: (q: string, t: string) => (calls.understand++, engine.understand(q, t)),
    compile: (q: TypedQuery, d: Parameters<SemanticEngine['compile']>[1]) => (calls.compile++, engine.compile(q, d)),
  };
}

describe('understand', () => {
  it('reads a question into a typed query, and remembers it per as-of date', () => {
    const e = counting();
    const understand = createUnderstandStage(e);
    const a = understand('Open exceptions by severity', TODAY);
    expect(a.status).toBeUndefined();
    const q = (a as { query: TypedQuery }).query;
    expect(q.entity).toBeTruthy();
    expect(q.groupBy.map((g) => g.label).join(' ')).toMatch(/severity/);
    expect(JSON.parse(JSON.stringify(q))).toEqual(q); // JSON-serialisable as it is
    expect(understand('Open exceptions by severity', TODAY)).toBe(a);
    expect(e.calls.understand).toBe(1);
    understand('Open exceptions by severity', '2026-06-18');
    expect(e.calls.understand).toBe(2);
  });

  it('refuses a write and abstains with suggestions outside the data', () => {
    const understand = createUnderstandStage(engine);
    const r = understand('Delete all cancelled trades', TODAY);
    expect(r).toMatchObject({ status: 'refused', message: expect.stringMatching(/^Refused: /) });
    const a = understand('What is the VaR of the rates desk?', TODAY);
    expect(a).toMatchObject({ status: 'abstained', message: "I can't answer that from this data" });
    expect((a as { suggestions: string[] }).suggestions.length).toBeGreaterThan(0);
  });

  it('forgets the oldest questions beyond its size', () => {
    const e = counting();
    const understand = createUnderstandStage(e, 2);
    for (const q of ['Number of live trades', 'Open exceptions by severity', 'Number of counterparties by country', 'Number of live trades']) understand(q, TODAY);
    expect(e.calls.understand).toBe(4);
  });
});

describe('compile', () => {
  it("compiles a typed query to the dialect's SQL with its explanation, once per query", () => {
    const q = (engine.understand('Top 5 counterparties by number of live trades', TODAY) as { query: TypedQuery }).query;
    const e = counting();
    const sqlite = createCompileStage(e, dialectFor('sqlite'));
    const c = sqlite(q);
    expect(c.sql).toMatch(/^select /i);
    expect(c.sql).toMatch(/limit 5/i);
    expect(c.explanation).toMatch(/^Counting/);
    expect(sqlite(q)).toBe(c);
    expect(e.calls.compile).toBe(1);
    const mssql = createCompileStage(engine, dialectFor('mssql'))(q);
    expect(mssql.sql).toMatch(/top\s*\(?5/i);
    expect(mssql.explanation).toBe(c.explanation);
  });
});

describe('cap', () => {
  it('takes the configured cap, or the run’s, and asks the guard for one row more', () => {
    expect(rowCap({ maxRows: 1000, timeoutMs: 5000 })).toEqual({ maxRows: 1000, sqlLimit: 1001, timeoutMs: 5000 });
    expect(rowCap({ maxRows: 1000, timeoutMs: 5000 }, 3)).toEqual({ maxRows: 3, sqlLimit: 4, timeoutMs: 5000 });
  });
  it('refuses a cap that is not a whole number of at least 1', () => {
    for (const bad of [0, -1, 2.5, Number.NaN]) expect(() => rowCap({ maxRows: 10, timeoutMs: 1 }, bad)).toThrow(expect.objectContaining({ code: 'OTC_ERR_USAGE' }));
  });
});

describe('guard', () => {
  it("admits read-only SQL over the model's tables with the cap written in, per dialect", async () => {
    const sqlite = createGuardStage({ dialect: 'sqlite', snapshot: model.snapshot });
    const v = await sqlite('SELECT trade_id FROM trades', { sqlLimit: 11 });
    expect(v.ok).toBe(true);
    expect((v as { sql: string }).sql).toMatch(/limit 11/i);
    const mssql = createGuardStage({ dialect: 'mssql', snapshot: model.snapshot });
    const m = await mssql('SELECT trade_id FROM trades', { sqlLimit: 11 });
    expect((m as { sql: string }).sql).toMatch(/top\s*\(?11/i);
  });

  it('rejects writes, several statements and tables outside the model, with a reason', async () => {
    const guard = createGuardStage({ dialect: 'sqlite', snapshot: model.snapshot });
    for (const sql of ['DELETE FROM trades', 'SELECT 1; DROP TABLE trades', 'SELECT * FROM sqlite_master', 'SELECT * FROM payroll']) {
      const v = await guard(sql, { sqlLimit: 10 });
      expect(v.ok, sql).toBe(false);
      expect((v as { reason: string }).reason.length).toBeGreaterThan(5);
    }
  });

  it('gives the same verdict to a text that comes back, for each cap', async () => {
    const guard = createGuardStage({ dialect: 'sqlite', snapshot: model.snapshot });
    const a = await guard('SELECT desk FROM books', { sqlLimit: 5 });
    expect(await guard('SELECT desk FROM books', { sqlLimit: 5 })).toEqual(a);
    expect(await guard('SELECT desk FROM books', { sqlLimit: 7 })).toEqual({ ok: true, sql: expect.stringMatching(/limit 7/i) });
  });
});

describe('execute', () => {
  it('runs read-only with the cap, and says when more rows existed', async () => {
    const execute = createExecuteStage(ds);
    const r = await execute('SELECT trade_id FROM trades ORDER BY trade_id LIMIT 4', { maxRows: 3, sqlLimit: 4, timeoutMs: 10_000 });
    expect(r.rowCount).toBe(3);
    expect(r.truncated).toBe(true);
    const all = await execute('SELECT trade_id FROM trades ORDER BY trade_id LIMIT 3', { maxRows: 3, sqlLimit: 4, timeoutMs: 10_000 });
    expect(all.truncated).toBe(false);
  });

  it('stops a runaway query with OTC_ERR_QUERY_TIMEOUT', async () => {
    const execute = createExecuteStage(ds);
    await expect(execute('SELECT count(*) FROM trades a, trades b, trades c', { maxRows: 1, sqlLimit: 2, timeoutMs: 100 })).rejects.toMatchObject({ code: 'OTC_ERR_QUERY_TIMEOUT' });
  });

  it('never writes: the datasource is read-only', async () => {
    const execute = createExecuteStage(ds);
    await expect(execute('DELETE FROM trades', { maxRows: 1, sqlLimit: 2, timeoutMs: 10_000 })).rejects.toMatchObject({ code: expect.stringMatching(/^OTC_ERR_/) });
    expect((await execute('SELECT count(*) FROM trades', { maxRows: 1, sqlLimit: 2, timeoutMs: 10_000 })).rows[0]![0]).toBe(600);
  });
});

describe('audit', () => {
  it('writes every record of a run under one correlation id, actor and question', async () => {
    const entries: AuditEntry[] = [];
    const trail = createRunTrail({ append: async (e) => void entries.push(e) }, { actor: 'ann', correlationId: 'c-1', question: 'q?' });
    expect(trail.recording).toBe(true);
    const res = { columns: ['n'], rows: [[3]], rowCount: 1, truncated: true, ms: 2 };
    await trail.question({ today: TODAY, trainingVersion: 'v1' });
    await trail.sqlGenerated('semantic', 'select 1', 0.5, { explanation: 'Counting.' });
    await trail.run('semantic', 'select 1 limit 2', res);
    await trail.run(undefined, 'select 1 limit 2', res, { export: 'csv' });
    await trail.refusal('semantic', { reason: 'a write' });
    await trail.refusal('semantic', { guard: 'not allowed' }, 'select x');
    await trail.abstention('semantic', 'no such thing');
    await trail.error('llm', 'OTC_ERR_QUERY_TIMEOUT', 'stopped');
    expect(entries.every((e) => e.actor === 'ann' && e.correlationId === 'c-1' && e.question === 'q?')).toBe(true);
    expect(entries.map((e) => `${e.kind}/${e.outcome}`)).toEqual([
      'question/started',
      'sql_generated/ok',
      'query_run/completed',
      'query_run/completed',
      'refusal/refused',
      'refusal/refused',
      'abstention/abstained',
      'error/error',
    ]);
    expect(entries[0]!.details).toEqual({ today: TODAY, trainingVersion: 'v1' });
    expect(entries[2]).toMatchObject({ engine: 'semantic', sql: 'select 1 limit 2', rowCount: 1, resultHash: hashRows(['n'], [[3]]), durationMs: 2, details: { truncated: true } });
    expect(entries[3]!.engine).toBeUndefined();
    expect(entries[3]!.details).toEqual({ export: 'csv', truncated: true });
    expect(entries[4]).not.toHaveProperty('sql');
    expect(entries[5]).toMatchObject({ sql: 'select x', details: { guard: 'not allowed' } });
    expect(entries[7]!.details).toEqual({ code: 'OTC_ERR_QUERY_TIMEOUT', message: 'stopped' });
  });

  it('with a sink that can record without answering records, every write goes there: the question with its SQL, committed first', async () => {
    const calls: { kinds: string[]; until?: string }[] = [];
    const refused = () => Promise.reject(new Error('records asked back'));
    const sink = {
      append: refused,
      appendMany: refused,
      record: async (es: AuditEntry[], opts?: { until?: 'checkpointed' | 'committed' }) => void calls.push({ kinds: es.map((e) => e.kind), ...(opts?.until ? { until: opts.until } : {}) }),
    };
    const trail = createRunTrail(sink, { actor: 'ann', correlationId: 'c-3', question: 'q?' });
    void trail.question({ today: TODAY });
    await trail.sqlGenerated('semantic', 'select 1', 0.5, { explanation: 'Counting.' });
    await trail.run('semantic', 'select 1', { columns: ['n'], rows: [[3]], rowCount: 1, truncated: false, ms: 2 });
    await trail.flush();
    expect(calls).toEqual([{ kinds: ['question', 'sql_generated'], until: 'committed' }, { kinds: ['query_run'] }]);
  });

  it('writes nothing without an audit log', async () => {
    const trail = createRunTrail(undefined, { actor: 'ann', correlationId: 'c-2' });
    expect(trail.recording).toBe(false);
    await expect(trail.question({ today: TODAY })).resolves.toBeUndefined();
  });
});
