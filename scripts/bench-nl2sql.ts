/**
 * NL->SQL benchmark: the development question set on a temporary copy of ops-dev.db, scored by
 * the benchmark's own score.py (python3), with latency figures; then the same data copied into a
 * temporary PostgreSQL database and the same questions answered there, checking that every
 * answered question returns the same rows as on SQLite.
 *
 *   npm run bench:nl2sql [-- --questions FILE --db FILE --today YYYY-MM-DD --no-postgres]
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openDatasource, type Datasource } from '../src/datasource/index.js';
import { OPS_SCHEMA_TABLES_SQL, OPS_TABLE_NAMES } from '../src/demo/index.js';
import { createCopilot, percentile, readQuestions, type EvalQuestion } from '../src/nl2sql/index.js';
import { loadProfile, trainModel } from '../src/training/index.js';
import { createTempPgDatabase, postgresAvailable } from '../test/support/services.js';
import { arg, BENCH_DIR } from './lib/bench-args.js';

const questionsFile = arg('questions', join(BENCH_DIR, 'ops-dev.jsonl'));
const sourceDb = arg('db', join(BENCH_DIR, 'ops-dev.db'));
const today = arg('today', '2026-11-20');
const profileDir = arg('model', 'profiles/otc-ops');
const withPostgres = !process.argv.includes('--no-postgres');

interface Run {
  id: string;
  status: string;
  sql: string | null;
  columns: string[];
  rows: unknown[][];
  compileMs: number;
  /** first ask of the question (nothing cached) and a repeated ask (SQL and guard verdict reused) */
  firstMs: number;
  e2eMs: number;
  rawMs: number;
}

async function runAll(ds: Datasource, questions: EvalQuestion[]): Promise<{ runs: Run[]; trainMs: number }> {
  const t0 = performance.now();
  const model = await trainModel(loadProfile(profileDir), ds);
  const trainMs = performance.now() - t0;
  const copilot = createCopilot({ datasource: ds, model, maxRows: 100000, timeoutMs: 60000 });
  const warmMs = await copilot.warmUp();
  console.log(`guard warm-up ${warmMs.toFixed(0)} ms (once per process, before the first question)`);
  const runs: Run[] = [];
  for (const q of questions) {
    // first ask: everything computed; then a repeated ask and the raw SQL, in the same (warm) database state
    const first = await copilot.ask({ question: q.question, today: q.today ?? today });
    const a = first.status === 'answered' ? await copilot.ask({ question: q.question, today: q.today ?? today }) : first;
    let rawMs = 0;
    if (a.status === 'answered' && a.sql) {
      const t = performance.now();
      await ds.query(a.sql, { maxRows: 100000, timeoutMs: 60000 });
      rawMs = performance.now() - t;
    }
    runs.push({ id: q.id, status: a.status, sql: a.sql ?? null, columns: a.columns ?? [], rows: a.rows ?? [], compileMs: first.compileMs ?? 0, firstMs: first.ms, e2eMs: a.ms, rawMs });
  }
  return { runs, trainMs };
}

const f = (x: number, d = 2) => x.toFixed(d);

async function copyToPostgres(sqlitePath: string, url: string): Promise<void> {
  const src = new Database(sqlitePath, { readonly: true });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(OPS_SCHEMA_TABLES_SQL);
    for (const table of OPS_TABLE_NAMES) {
      const rows = src.prepare(`SELECT * FROM "${table}"`).raw(true).all() as unknown[][];
      const cols = src.prepare(`SELECT * FROM "${table}" LIMIT 1`).columns().map((c) => c.name);
      const batch = Math.max(1, Math.floor(60000 / cols.length));
      for (let i = 0; i < rows.length; i += batch) {
        const chunk = rows.slice(i, i + batch);
        const values: unknown[] = [];
        const tuples = chunk.map((r, j) => `(${cols.map((_, k) => `$${j * cols.length + k + 1}`).join(',')})`);
        for (const r of chunk) values.push(...r);
        await client.query(`INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(',')}) VALUES ${tuples.join(',')}`, values);
      }
    }
    await client.query('ANALYZE');
  } finally {
    await client.end();
    src.close();
  }
}

/** Cells as comparable text: numbers rounded, dates as YYYY-MM-DD. */
function canon(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(v) ? Number(v) : NaN;
  if (!Number.isNaN(n)) return (Math.round(n * 100) / 100).toFixed(2);
  const s = String(v);
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T]00:00:00(?:\.0+)?Z?)?$/.exec(s);
  return m ? m[1]! : s.toLowerCase();
}
function sameRows(a: unknown[][], b: unknown[][]): boolean {
  if (a.length !== b.length) return false;
  const key = (rows: unknown[][]) => rows.map((r) => r.map(canon).join('\u0001')).sort();
  const ka = key(a);
  const kb = key(b);
  return ka.every((x, i) => x === kb[i]);
}

async function main(): Promise<void> {
  const questions = readQuestions(questionsFile);
  const work = mkdtempSync(join(tmpdir(), 'otc-bench-nl2sql-'));
  try {
    const dbCopy = join(work, 'ops.db');
    copyFileSync(sourceDb, dbCopy);
    const ds = await openDatasource(`sqlite:${dbCopy}`);
    let sqliteRuns: Run[];
    try {
      const { runs, trainMs } = await runAll(ds, questions);
      sqliteRuns = runs;
      const predPath = join(work, 'pred.jsonl');
      writeFileSync(predPath, runs.map((r) => JSON.stringify({ id: r.id, status: r.status, sql: r.sql, columns: r.columns, rows: r.rows })).join('\n') + '\n');
      const score = execFileSync('python3', [join(BENCH_DIR, 'score.py'), questionsFile, dbCopy, predPath], { encoding: 'utf8' });
      const lines = score.trim().split('\n');
      const failures = lines.slice(0, -4);
      if (failures.length) console.log('failures:\n  ' + failures.join('\n  '));
      console.log(lines.slice(-4).join('\n'));
      const answered = runs.filter((r) => r.status === 'answered');
      const c = runs.map((r) => r.compileMs);
      const e = answered.map((r) => r.e2eMs);
      const sumE = answered.reduce((s, r) => s + r.e2eMs, 0);
      const sumFirst = answered.reduce((s, r) => s + r.firstMs, 0);
      const sumRaw = answered.reduce((s, r) => s + r.rawMs, 0);
      console.log(`SQLite: ${questions.length} questions, training ${f(trainMs, 0)} ms`);
      console.log(`question->SQL ms: p50 ${f(percentile(c, 50))}  p95 ${f(percentile(c, 95))}  max ${f(Math.max(...c))}`);
      const e1 = answered.map((r) => r.firstMs);
      console.log(`end-to-end ms, first ask (answered): p50 ${f(percentile(e1, 50))}  p95 ${f(percentile(e1, 95))}; repeated ask: p50 ${f(percentile(e, 50))}  p95 ${f(percentile(e, 95))}`);
      console.log(
        `end-to-end / raw execution of the same SQL: repeated ask ${f(sumE / Math.max(sumRaw, 1e-9))} (${f(sumE, 0)} ms vs ${f(sumRaw, 0)} ms; goal <= 1.2), ` +
          `first ask ${f(sumFirst / Math.max(sumRaw, 1e-9))} (${f(sumFirst, 0)} ms, includes question->SQL and the guard's parse)`,
      );
    } finally {
      await ds.close();
    }

    if (!withPostgres) return;
    if (!(await postgresAvailable())) {
      console.log('PostgreSQL: skipped (no server at the test URL)');
      return;
    }
    const tmp = await createTempPgDatabase('otc_bench_nl2sql');
    try {
      const t0 = performance.now();
      await copyToPostgres(dbCopy, tmp.url);
      const copyMs = performance.now() - t0;
      const pds = await openDatasource(tmp.url);
      try {
        const { runs } = await runAll(pds, questions);
        let agree = 0;
        let compared = 0;
        const differ: string[] = [];
        for (const r of runs) {
          const s = sqliteRuns.find((x) => x.id === r.id)!;
          if (s.status !== 'answered') continue;
          compared++;
          if (r.status === 'answered' && sameRows(s.rows, r.rows)) agree++;
          else differ.push(`${r.id} (${r.status}${r.status === 'answered' ? ', rows differ' : ''})`);
        }
        const e = runs.filter((r) => r.status === 'answered').map((r) => r.e2eMs);
        console.log(`PostgreSQL: data copied in ${f(copyMs, 0)} ms; end-to-end ms p50 ${f(percentile(e, 50))} p95 ${f(percentile(e, 95))}`);
        console.log(`PostgreSQL agrees with SQLite on ${agree}/${compared} answered questions: ${agree === compared ? 'yes' : 'NO'}${differ.length ? ' — differ: ' + differ.join(', ') : ''}`);
      } finally {
        await pds.close();
      }
    } finally {
      await tmp.drop();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
