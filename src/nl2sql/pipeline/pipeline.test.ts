/** The query pipeline end to end on the demo data (sqlite), with a real audit log. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditLog, type AuditLog } from '../../audit/index.js';
import { buildDemoDatabase } from '../../demo/index.js';
import { openDatasource, type Datasource } from '../../datasource/index.js';
import { loadProfile, trainModel, type TrainedModel } from '../../training/index.js';
import type { TypedQuery } from '../semantic/index.js';
import { createPipeline, type QueryPipeline } from './index.js';

const TODAY = '2026-06-17';
let dir: string;
let ds: Datasource;
let model: TrainedModel;
let audit: AuditLog;
let pipeline: QueryPipeline;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otc-pipeline-'));
  await buildDemoDatabase({ out: join(dir, 'demo.db'), trades: 1500, seed: 5, asOf: TODAY });
  ds = await openDatasource(`sqlite:${join(dir, 'demo.db')}`);
  model = await trainModel(loadProfile('profiles/otc-ops'), ds);
  audit = await openAuditLog(`sqlite:${join(dir, 'audit.db')}`);
  pipeline = createPipeline({ datasource: ds, model, audit, maxRows: 500, timeoutMs: 10_000, trainingVersion: 'v1', actor: 'tester' });
});

afterAll(async () => {
  await audit?.close();
  await ds?.close();
  rmSync(dir, { recursive: true, force: true });
});

const recordsOf = async (id: string) => (await audit.search({ text: id, limit: 20 })).filter((r) => r.correlationId === id).sort((a, b) => a.seq - b.seq);

describe('ask', () => {
  it('answers with what was understood, and audits question, SQL with the typed query, and run', async () => {
    const a = await pipeline.ask({ question: 'Open exceptions by severity', today: TODAY });
    expect(a.status).toBe('answered');
    expect(a.trainingVersion).toBe('v1');
    const expected = (pipeline.semantic.understand('Open exceptions by severity', TODAY) as { query: TypedQuery }).query;
    expect(a.understood).toEqual(expected);
    expect(JSON.parse(JSON.stringify(a)).understood).toEqual(expected);
    const records = await recordsOf(a.auditId!);
    expect(records.map((r) => r.kind)).toEqual(['question', 'sql_generated', 'query_run']);
    expect(records[1]!.details).toEqual({ explanation: a.explanation, query: expected });
    expect(records[2]).toMatchObject({ sql: a.sql, rowCount: a.rowCount, engine: 'semantic', details: { truncated: false } });
  });

  it('refuses a write: nothing understood, nothing run', async () => {
    const a = await pipeline.ask({ question: 'Delete all cancelled trades', today: TODAY });
    expect(a).toMatchObject({ status: 'refused', code: 'OTC_ERR_WRITE_REFUSED' });
    expect(a.understood).toBeUndefined();
    expect((await recordsOf(a.auditId!)).map((r) => r.kind)).toEqual(['question', 'refusal']);
  });

  it('abstains with suggestions', async () => {
    const a = await pipeline.ask({ question: 'What is the VaR of the rates desk?', today: TODAY });
    expect(a).toMatchObject({ status: 'abstained', code: 'OTC_ERR_CANNOT_ANSWER' });
    expect(a.suggestions!.length).toBeGreaterThan(0);
    expect(a.understood).toBeUndefined();
    expect((await recordsOf(a.auditId!)).map((r) => r.kind)).toEqual(['question', 'abstention']);
  });

  it('answers with an error when the guard rejects the SQL (a table the policy no longer allows), and audits the refusal', async () => {
    const narrowed: TrainedModel = { ...model, snapshot: { ...model.snapshot, tables: model.snapshot.tables.filter((t) => t.name !== 'exceptions') } };
    const p = createPipeline({ datasource: ds, model: narrowed, audit, maxRows: 50, timeoutMs: 10_000 });
    const a = await p.ask({ question: 'Open exceptions by severity', today: TODAY });
    expect(a).toMatchObject({ status: 'error', code: 'OTC_ERR_SQL_GUARD_REJECTED' });
    expect(a.message).toMatch(/exceptions/);
    expect(a.sql).toMatch(/exceptions/);
    expect(a.understood?.table).toBe('exceptions');
    expect(a.rows).toBeUndefined();
    const records = await recordsOf(a.auditId!);
    expect(records.map((r) => r.kind)).toEqual(['question', 'sql_generated', 'refusal']);
    expect(records[2]!.details).toEqual({ guard: a.message });
  });

  it('caps rows per question and says when the result was truncated', async () => {
    const a = await pipeline.ask({ question: 'List the live trades', today: TODAY, maxRows: 3 });
    expect(a).toMatchObject({ status: 'answered', rowCount: 3, truncated: true });
    expect(a.rows).toHaveLength(3);
    expect(a.sql).toMatch(/limit 4/i);
    const run = (await recordsOf(a.auditId!)).find((r) => r.kind === 'query_run')!;
    expect(run.details).toEqual({ truncated: true });
  });

  it('answers with OTC_ERR_QUERY_TIMEOUT when the database is too slow, and audits the error', async () => {
    const p = createPipeline({ datasource: ds, model, audit, maxRows: 10, timeoutMs: 100, actor: 'tester' });
    const a = await p.rerun({ sql: 'SELECT count(*) AS n FROM trades a, trades b, trades c', question: 'how many triples of trades?' });
    expect(a).toMatchObject({ status: 'error', code: 'OTC_ERR_QUERY_TIMEOUT' });
    const records = await recordsOf(a.auditId!);
    expect(records.map((r) => r.kind)).toEqual(['question', 'error']);
    expect(records[1]!.details).toMatchObject({ code: 'OTC_ERR_QUERY_TIMEOUT' });
  });
});

describe('top N with ties at the edge', () => {
  // the demo data's own figures: every counterparty's count, largest first, to find an edge that ties and one that does not
  const counts = async () => {
    const r = await ds.query("SELECT c.short_name, COUNT(*) FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE t.status = 'Live' GROUP BY c.short_name ORDER BY 2 DESC", { maxRows: 1000 });
    return r.rows.map((x) => [String(x[0]), Number(x[1])] as const);
  };

  it('answers N rows and says how many more tie with the Nth, and which, from a second audited run', async () => {
    const all = await counts();
    const n = all.findIndex((x, i) => i > 0 && i + 1 < all.length && all[i + 1]![1] === x[1]) + 1;
    expect(n).toBeGreaterThan(1);
    const a = await pipeline.ask({ question: `Top ${n} counterparties by number of live trades`, today: TODAY });
    expect(a.status).toBe('answered');
    expect(a.sql).toMatch(new RegExp(`limit ${n}$`, 'i'));
    expect(a.rows).toHaveLength(n);
    const edge = all[n - 1]![1];
    const shownNames = new Set(a.rows!.map((r) => String(r[0])));
    const tied = all.filter((x) => x[1] === edge && !shownNames.has(x[0])).map((x) => x[0]);
    expect(a.ties).toMatchObject({ rank: n, value: edge, more: tied.length, atLeast: false, followUp: 'include ties' });
    expect([...a.ties!.groups].sort()).toEqual([...tied].sort());
    expect(a.ties!.note).toContain(`${tied.length} more counterpart${tied.length === 1 ? 'y ties' : 'ies tie'} with the `);
    const records = await recordsOf(a.auditId!);
    expect(records.map((r) => r.kind)).toEqual(['question', 'sql_generated', 'query_run', 'query_run']);
    expect(records[2]!.sql).toBe(a.sql);
    expect(records[3]!.details).toMatchObject({ tieCheck: true });
  });

  it('says nothing when the edge is not tied', async () => {
    const all = await counts();
    const n = all.findIndex((x, i) => i + 1 < all.length && all[i + 1]![1] !== x[1]) + 1;
    expect(n).toBeGreaterThan(0);
    const a = await pipeline.ask({ question: `Top ${n} counterparties by number of live trades`, today: TODAY });
    expect(a.rows).toHaveLength(n);
    expect(a.ties).toBeUndefined();
  });

  it('"include ties" as a follow-up answers the tied groups too', async () => {
    const all = await counts();
    const n = all.findIndex((x, i) => i > 0 && i + 1 < all.length && all[i + 1]![1] === x[1]) + 1;
    const a = await pipeline.ask({ question: `Top ${n} counterparties by number of live trades`, today: TODAY });
    const b = await pipeline.ask({ question: a.ties!.followUp, today: TODAY, previous: { question: a.question, understood: a.understood, auditId: a.auditId } });
    expect(b.status).toBe('answered');
    expect(b.explanation).toMatch(/with any tied at the last place.*Follow-up: every counterparty tied with the last of the top \d+ included/);
    expect(b.rows!.map((r) => Number(r[1]))).toEqual(all.filter((x) => x[1] >= all[n - 1]![1]).map((x) => x[1]));
    expect(b.ties).toBeUndefined();
  });
});

describe('rerun of a saved question', () => {
  it('by text and as-of date: asked again from the start', async () => {
    const a = await pipeline.rerun({ question: 'Number of counterparties by country', today: TODAY, trainingVersion: 'v1' });
    expect(a.status).toBe('answered');
    expect(a.rerun).toEqual({ from: 'question', savedVersion: 'v1', versionChanged: false });
    expect((await recordsOf(a.auditId!)).map((r) => r.kind)).toEqual(['question', 'sql_generated', 'query_run']);
  });

  it('by typed query: same rows, says whether the current version compiles it to the same SQL', async () => {
    const first = await pipeline.ask({ question: 'Top 5 counterparties by number of live trades', today: TODAY });
    const saved = JSON.parse(JSON.stringify({ query: first.understood, sql: first.sql, question: first.question, trainingVersion: 'v0' })) as { query: TypedQuery; sql: string; question: string; trainingVersion: string };
    const again = await pipeline.rerun(saved);
    expect(again).toMatchObject({ status: 'answered', sql: first.sql, rows: first.rows, understood: saved.query });
    expect(again.rerun).toEqual({ from: 'query', savedVersion: 'v0', versionChanged: true, sqlChanged: false });
    const changed = await pipeline.rerun({ ...saved, sql: 'SELECT 1' });
    expect(changed.rerun.sqlChanged).toBe(true);
    const records = await recordsOf(again.auditId!);
    // the answer's run, then the top N's look for ties at its edge (a second, marked run)
    expect(records.map((r) => r.kind)).toEqual(['question', 'sql_generated', 'query_run', 'query_run']);
    expect(records[2]!.sql).toBe(again.sql);
    expect(records[3]!.details).toMatchObject({ tieCheck: true });
    expect(records[0]!.details).toMatchObject({ today: TODAY, rerun: 'query', savedVersion: 'v0', trainingVersion: 'v1' });
  });

  it('by stored SQL under an existing correlation id (a download): guarded again, only the run is recorded', async () => {
    const first = await pipeline.ask({ question: 'Live notional by desk', today: TODAY });
    const a = await pipeline.rerun({ sql: first.sql!, question: first.question }, { actor: 'ann', correlationId: first.auditId!, details: { export: 'csv' }, maxRows: 2 });
    expect(a).toMatchObject({ status: 'answered', rowCount: 2, truncated: true, auditId: first.auditId });
    expect(a.sql).toMatch(/limit 3/i);
    const records = await recordsOf(first.auditId!);
    expect(records.map((r) => r.kind)).toEqual(['question', 'sql_generated', 'query_run', 'query_run']);
    expect(records[3]).toMatchObject({ actor: 'ann', question: first.question, details: { export: 'csv', truncated: true } });
    expect(records[3]!.engine).toBeUndefined();
  });

  it('by stored SQL the guard no longer admits: refused and audited; with raise, a typed error', async () => {
    const a = await pipeline.rerun({ sql: 'DELETE FROM trades' });
    expect(a).toMatchObject({ status: 'error', code: 'OTC_ERR_SQL_GUARD_REJECTED' });
    expect((await recordsOf(a.auditId!)).map((r) => r.kind)).toEqual(['question', 'refusal']);
    await expect(pipeline.rerun({ sql: 'DELETE FROM trades' }, { correlationId: 'dl-1', raise: true })).rejects.toMatchObject({ code: 'OTC_ERR_SQL_GUARD_REJECTED', status: 422 });
    expect((await recordsOf('dl-1')).map((r) => r.kind)).toEqual(['refusal']);
    expect((await ds.query('SELECT count(*) FROM trades')).rows[0]![0]).toBe(1500);
  });

  it('with raise, a database error is the datasource’s own typed error', async () => {
    const p = createPipeline({ datasource: ds, model, maxRows: 10, timeoutMs: 100 });
    await expect(p.rerun({ sql: 'SELECT count(*) FROM trades a, trades b, trades c' }, { raise: true })).rejects.toMatchObject({ code: 'OTC_ERR_QUERY_TIMEOUT' });
  });
});

describe('rerunStream: a saved question with its rows streamed', () => {
  const collect = async (rows: AsyncIterable<unknown[]>) => {
    const out: unknown[][] = [];
    for await (const r of rows) out.push(r);
    return out;
  };

  it('by typed query: the same rows as rerun, the run audited when the stream ends with the same result hash', async () => {
    const question = 'Open exceptions by severity';
    const query = (pipeline.semantic.understand(question, TODAY) as { query: TypedQuery }).query;
    const held = await pipeline.rerun({ query, question, trainingVersion: 'v1' });
    const s = await pipeline.rerunStream({ query, question, sql: held.sql, trainingVersion: 'v1' }, { details: { reportRun: 'r1' } });
    expect(s.columns).toEqual(held.columns);
    expect(s.rerun).toEqual({ from: 'query', savedVersion: 'v1', versionChanged: false, sqlChanged: false });
    const rows = await collect(s.rows);
    expect(rows).toEqual(held.rows);
    expect([s.rowCount, s.truncated]).toEqual([held.rowCount, false]);
    const recs = await recordsOf(s.auditId!);
    expect(recs.map((r) => r.kind)).toEqual(['question', 'sql_generated', 'query_run']);
    const heldRun = (await recordsOf(held.auditId!)).find((r) => r.kind === 'query_run')!;
    expect(recs[2]).toMatchObject({ sql: s.sql, rowCount: rows.length, resultHash: heldRun.resultHash, details: { reportRun: 'r1', streamed: true, truncated: false } });
  });

  it('past the pipeline row cap when the run asks for more, the cap kept and reported', async () => {
    const sqlText = 'SELECT trade_id, trade_ref FROM trades ORDER BY trade_id';
    const all = await pipeline.rerunStream({ sql: sqlText }, { maxRows: 1_000_000, batchRows: 100 });
    const rows = await collect(all.rows);
    expect(rows).toHaveLength(1500);
    expect(all.truncated).toBe(false);
    const capped = await pipeline.rerunStream({ sql: sqlText }, { maxRows: 700 });
    expect(await collect(capped.rows)).toHaveLength(700);
    expect(capped.truncated).toBe(true);
    expect((await recordsOf(capped.auditId!)).at(-1)).toMatchObject({ kind: 'query_run', rowCount: 700, details: { truncated: true } });
  });

  it('sorts in the database when asked (the wrapped SQL guarded again)', async () => {
    const s = await pipeline.rerunStream({ sql: 'SELECT trade_id, notional FROM trades' }, { maxRows: 5000, orderBy: { column: 'notional', direction: 'desc' } });
    expect(s.sql).toMatch(/ORDER BY "notional" DESC/);
    const rows = await collect(s.rows);
    const notionals = rows.map((r) => r[1] as number);
    expect(notionals).toEqual([...notionals].sort((a, b) => b - a));
    expect(rows).toHaveLength(1500);
  });

  it('a consumer that leaves early stops the statement; the run is recorded as stopped early', async () => {
    const s = await pipeline.rerunStream({ sql: 'SELECT trade_id FROM trades' }, { maxRows: 5000, batchRows: 10 });
    let n = 0;
    for await (const _ of s.rows) if (++n === 25) break;
    expect((await recordsOf(s.auditId!)).at(-1)).toMatchObject({ kind: 'query_run', rowCount: 25, details: { stoppedEarly: true } });
  });

  it('SQL the guard no longer admits is a typed error and an audited refusal; nothing runs', async () => {
    await expect(pipeline.rerunStream({ sql: 'SELECT * FROM sqlite_master' }, { correlationId: 'stream-refused' })).rejects.toMatchObject({ code: 'OTC_ERR_SQL_GUARD_REJECTED' });
    expect((await recordsOf('stream-refused')).map((r) => r.kind)).toEqual(['refusal']);
  });
});
