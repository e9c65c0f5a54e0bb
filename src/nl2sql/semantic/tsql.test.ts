/**
 * T-SQL from the semantic engine, construct by construct. The demo profile is trained on a small
 * SQLite demo database (same tables as on SQL Server); the engine's questions are compiled with
 * the SQL Server dialect and every text must pass the guard for mssql. No SQL Server runs here:
 * the T-SQL is checked as text and by the guard's T-SQL parser, never executed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoDatabase } from '../../demo/index.js';
import { dialectFor, openDatasource, type Datasource } from '../../datasource/index.js';
import { guardSql, policyFromSnapshot, type GuardPolicy } from '../../guard/index.js';
import { loadProfile, trainModel } from '../../training/index.js';
import { createSemanticEngine, type SemanticEngine, type TypedQuery } from './index.js';
import type { Condition, Expr } from './query.js';

const TODAY = '2026-06-17';
const mssql = dialectFor('mssql');
let dir: string;
let ds: Datasource;
let engine: SemanticEngine;
let policy: GuardPolicy;
let questions: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otc-tsql-'));
  const out = join(dir, 'demo.db');
  await buildDemoDatabase({ out, trades: 800, seed: 5, asOf: TODAY });
  ds = await openDatasource(`sqlite:${out}`);
  const profile = loadProfile('profiles/otc-ops');
  engine = createSemanticEngine(await trainModel(profile, ds));
  policy = policyFromSnapshot(await ds.introspect(), 1000);
  // the profile's examples, and questions that reach the constructs they do not
  questions = [
    ...profile.examples.map((e) => e.question),
    'how many distinct counterparties have live trades',
    'trade count by day last week',
    'trade count by week this month',
    'trade count by month this year',
    'trades this week vs last week',
    'counterparties with more than 20 trades',
    'top 5 counterparties by notional',
    'smallest notional of live trades',
    'oldest unconfirmed trades',
  ];
});
afterAll(async () => {
  await ds?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The constructs of the typed query (query.ts) one query uses. */
function constructsOf(q: TypedQuery): Set<string> {
  const out = new Set<string>([`shape:${q.shape}`]);
  const ex = (e: Expr | undefined) => e && out.add(`expr:${e.kind}${e.kind === 'days' && (e.from === 'today' || e.to === 'today') ? ':today' : ''}`);
  const cond = (c: Condition): void => {
    if (c.kind === 'in') out.add(`cond:in:${c.values.length === 1 ? 'one' : 'many'}${c.negate ? ':not' : ''}`);
    else if (c.kind === 'null') out.add(`cond:null${c.negate ? ':not' : ''}`);
    else if (c.kind === 'date') out.add(`cond:date:${c.from && c.to ? (c.from === c.to ? 'day' : 'range') : c.from ? 'from' : 'to'}`);
    else if (c.kind === 'not') {
      out.add('cond:not');
      c.conds.forEach(cond);
    } else out.add(`cond:${c.kind}`);
  };
  q.where.forEach((w) => cond(w.cond));
  for (const m of q.measures) {
    out.add(`agg:${m.agg}`);
    ex(m.expr);
    m.numerator?.forEach(cond);
    m.denominator?.forEach(cond);
  }
  for (const g of q.groupBy) out.add(g.kind === 'bucket' ? `group:bucket:${g.bucket}` : `group:${g.kind}`);
  if (q.distinct) out.add('distinct');
  if (q.having) out.add('having');
  if (q.orderBy) out.add(q.orderBy.expr === 'measure' ? 'order:measure' : 'kind' in q.orderBy.col ? `order:expr:${q.orderBy.col.kind}` : 'order:column');
  if (q.limit !== undefined) out.add('limit');
  return out;
}

/** Every construct of query.ts, with a T-SQL fragment its SQL must show. */
const EXPECTED: Record<string, RegExp> = {
  'shape:aggregate': /\bgroup by\b|count\(|sum\(/,
  'shape:list': /^select /,
  'expr:col': /"\w+"\."\w+"/,
  'expr:minus': /"\."\w+" - "|\w+" - "\w+"/,
  'expr:days': /DATEDIFF\(day, /,
  'expr:days:today': /DATEDIFF\(day, [^)]*CAST\('2026-06-17' AS DATE\)|DATEDIFF\(day, CAST\('2026-06-17' AS DATE\)/,
  'cond:cmp': / (=|<>|>|>=|<|<=) (N'|-?\d)/,
  'cond:in:one': / = N'| = \d/,
  'cond:in:many': / in \(N'/,
  'cond:in:one:not': / <> /,
  'cond:in:many:not': / not in \(/,
  'cond:null': / is null/,
  'cond:null:not': / is not null/,
  'cond:colcmp': /"\."\w+" (=|<>|>|>=|<|<=) "\w+"\."/,
  'cond:date:day': / = CAST\('\d{4}-\d{2}-\d{2}' AS DATE\)/,
  'cond:date:range': / >= CAST\('\d{4}-\d{2}-\d{2}' AS DATE\) and .* <= CAST\('/,
  'cond:date:from': / >= CAST\('\d{4}-\d{2}-\d{2}' AS DATE\)/,
  'cond:date:to': / <= CAST\('\d{4}-\d{2}-\d{2}' AS DATE\)/,
  'cond:not': /not \(/,
  'agg:count': /count\(\*\)/,
  'agg:count_distinct': /count\(distinct /,
  'agg:sum': /sum\(/,
  'agg:avg': /avg\(CAST\(.* AS FLOAT\)\)/,
  'agg:min': /min\(/,
  'agg:max': /max\(/,
  'agg:ratio': /100(\.0)? \*|\* 100/,
  'group:column': /group by "/,
  'group:bucket:day': /CONVERT\(char\(10\), "/,
  'group:bucket:week': /DATEADD\(day, -\(\(DATEPART\(weekday, .*@@DATEFIRST/,
  'group:bucket:month': /CONVERT\(char\(7\), /,
  'group:period': /case when .* then N'/,
  distinct: /^select distinct /,
  having: / having /,
  'order:measure': / order by (count|sum|avg|min|max)\(.*\) (asc|desc)$/,
  // a top N puts rows without the value last first (portable: T-SQL has no NULLS LAST)
  'order:column': / order by (case when .+? is null then 1 else 0 end, )?"\w+"\."\w+" (asc|desc)/,
  'order:expr:days': / order by (case when .+? is null then 1 else 0 end, )?DATEDIFF\(day, /,
  'order:expr:minus': / order by (case when .+? is null then 1 else 0 end, )?"\w+"\."\w+" - "\w+"\."\w+" (asc|desc)/,
  'order:expr:col': / order by (case when .+? is null then 1 else 0 end, )?"\w+"\."\w+"/,
  limit: /^select (distinct )?top\(\d+\) /,
};

/** Typed queries the example questions do not produce, made from one they do (the engine's compile API takes any typed query). */
function variants(qs: TypedQuery[]): TypedQuery[] {
  const base = qs.find((q) => q.where.some((w) => w.cond.kind === 'date' && w.cond.col.table === q.table))!;
  const dateCond = base.where.find((w) => w.cond.kind === 'date' && w.cond.col.table === base.table)!.cond as Extract<Condition, { kind: 'date' }>;
  const other = qs.flatMap((q) => q.where).find((w) => w.cond.kind !== 'not' && w.cond.kind !== 'date' && w.cond.col?.table === base.table)?.cond as (Condition & { col: { table: string; column: string } }) | undefined;
  const c = other?.col ?? dateCond.col;
  const list: TypedQuery = { ...base, shape: 'list', measures: [], groupBy: [], having: undefined, orderBy: undefined, limit: undefined, distinct: false, listColumns: [{ col: c, alias: 'c', label: 'c' }, { col: dateCond.col, alias: 'd', label: 'd' }] };
  const lab = (cond: Condition) => ({ cond, label: 'x' });
  return [
    { ...list, where: [lab({ kind: 'in', col: c, values: ['A', 'B'], negate: true }), lab({ kind: 'in', col: c, values: ['A'], negate: true }), lab({ kind: 'in', col: c, values: ['A', "O'B"] })] },
    { ...list, where: [lab({ kind: 'null', col: c }), lab({ kind: 'null', col: c, negate: true }), lab({ kind: 'colcmp', col: c, op: '<>', other: c })] },
    { ...list, where: [lab({ kind: 'not', conds: [{ kind: 'cmp', col: c, op: '>=', value: 5 }, { kind: 'in', col: c, values: ['X'] }] })] },
    { ...list, where: [lab({ ...dateCond, from: '2026-06-01', to: '2026-06-01' }), lab({ ...dateCond, from: '2026-06-01', to: undefined }), lab({ ...dateCond, from: undefined, to: '2026-06-10' })] },
    { ...list, where: [lab({ ...dateCond, from: '2026-06-01', to: '2026-06-10' })], distinct: true, limit: 7, orderBy: { expr: 'column', col: { kind: 'days', from: dateCond.col, to: 'today' }, dir: 'desc' } },
    { ...list, orderBy: { expr: 'column', col: { kind: 'minus', a: c, b: dateCond.col }, dir: 'asc' } },
    { ...list, orderBy: { expr: 'column', col: { kind: 'col', col: c }, dir: 'asc' } },
    ...(['min', 'max'] as const).map((agg) => ({ ...base, measures: [{ alias: agg, label: agg, agg, expr: { kind: 'col' as const, col: dateCond.col } }], orderBy: undefined, having: undefined })),
  ];
}

describe('T-SQL for every construct of the typed query (compiled with the SQL Server dialect, passed through the guard for mssql)', () => {
  it('every construct is produced, shows its T-SQL, and every SQL passes the guard', async () => {
    const understood: TypedQuery[] = [];
    for (const q of questions) {
      const u = engine.understand(q, TODAY);
      if (!u.status) understood.push(u.query);
    }
    expect(understood.length).toBeGreaterThan(20);
    const all = [...understood, ...variants(understood)];
    const covered = new Map<string, string>();
    for (const q of all) {
      const { sql } = engine.compile(q, mssql);
      expect(sql).not.toMatch(/\blimit\b|\?|\$\d/i); // no LIMIT, no placeholders: inline T-SQL
      const v = await guardSql(sql, 'mssql', policy);
      expect(v.ok, `${sql}\n${JSON.stringify(v)}`).toBe(true);
      for (const k of constructsOf(q)) {
        if (!(k in EXPECTED)) throw new Error(`construct ${k} has no expected T-SQL here`);
        if (!covered.has(k) && EXPECTED[k]!.test(sql)) covered.set(k, sql);
      }
    }
    const missing = Object.keys(EXPECTED).filter((k) => !covered.has(k));
    expect(missing, `constructs without a matching T-SQL: ${missing.join(', ')}`).toEqual([]);
  });

  it('generate() through the engine with the mssql dialect: TOP instead of LIMIT, CONVERT buckets, N-strings', async () => {
    const seen: string[] = [];
    for (const q of questions) {
      const r = engine.generate(q, { today: TODAY, dialect: mssql });
      if (r.status !== 'sql') continue;
      const text = (r as { sql: string }).sql;
      seen.push(text);
      const v = await guardSql(text, 'mssql', policy);
      expect(v.ok, `${q}\n${text}`).toBe(true);
    }
    expect(seen.some((s) => /^select (distinct )?top\(\d+\)/.test(s))).toBe(true);
    expect(seen.some((s) => /N'[^']*'/.test(s))).toBe(true);
    expect(seen.every((s) => !/\blimit \d+/i.test(s))).toBe(true);
  });
});
