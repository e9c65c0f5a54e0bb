/**
 * Follow-up and "which one?" evaluation (issue 17): scores the engine on test/followups/cases.jsonl
 * the way the NL->SQL benchmark scores a question (execution match of the result set against the
 * gold SQL's, extra columns allowed, row order ignored, numbers within tolerance), per thread:
 *
 * - each case is a thread; its earlier questions are asked first and each answer is handed to the
 *   next question as `previous` (what a thread on the Ask page does); only the last one is scored;
 * - followup / answer: right when answered with the gold result; wrong when answered otherwise;
 *   declined otherwise (abstained, or asked "which one?");
 * - followup / abstain: right when abstained or refused; wrong when answered;
 * - ambiguity / choose: right when the answer is a "which one?" whose options include every listed
 *   choice and picking `pick` answers with the gold result; answering without asking, offering
 *   other options, or a wrong result after the pick is wrong; an abstention is declined.
 *
 *   npm run eval:followups [-- --cases FILE --db FILE --seed N --as-of DATE --model DIR --verbose]
 *   npm run eval:followups2            # the second set: cases2.jsonl on seed 777, as of 2026-10-19
 *
 * Without --db the case set's database is generated (10,000 trades; seed 4242 and as of 2026-11-11
 * unless --seed / --as-of say otherwise).
 * The case set is read only here: nothing in src/ or the engine's tests reads it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatasource } from '../src/datasource/index.js';
import { createCopilot, type AskAnswer } from '../src/nl2sql/index.js';
import type { PreviousTurn } from '../src/nl2sql/types.js';
import { loadProfile, trainModel } from '../src/training/index.js';
import { arg } from './lib/bench-args.js';

interface Case {
  id: string;
  kind: 'followup' | 'ambiguity';
  today: string;
  thread: { question: string }[];
  gold_sql: string | null;
  expect: 'answer' | 'abstain' | 'choose';
  choices: string[];
  pick?: string;
  note?: string;
}

type Verdict = 'right' | 'wrong' | 'declined';

const casesFile = arg('cases', 'test/followups/cases.jsonl');
const profileDir = arg('model', 'profiles/otc-ops');
const seed = arg('seed', '4242');
const asOf = arg('as-of', '2026-11-11');
const verbose = process.argv.includes('--verbose');

// --- result comparison: the benchmark's (score.py) rules
type Norm = number | string | null;
const DATE_RE = /^(\d{4}-\d{2}-\d{2})(?:[ T]00:00:00(?:\.0+)?Z?)?$/;
const MONTH_RE = /^(\d{4}-\d{2})$/;

function norm(v: unknown): Norm {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  let s = (v instanceof Date ? v.toISOString() : String(v)).trim();
  if (s !== '' && !Number.isNaN(Number(s))) return Number(s);
  const d = DATE_RE.exec(s);
  if (d) s = d[1]!;
  const mo = MONTH_RE.exec(s);
  if (mo) s = `${mo[1]}-01`;
  return s.toLowerCase();
}

function eq(g: Norm, p: Norm): boolean {
  if (g === null || p === null) return g === null && p === null;
  if (typeof g === 'number' && typeof p === 'number') {
    const tol = Math.max(0.051, 1e-4 * Math.abs(g));
    if (Math.abs(g - p) <= tol) return true;
    return Math.abs(g - p * 100) <= tol || Math.abs(g * 100 - p) <= Math.max(0.051, 1e-4 * Math.abs(g * 100));
  }
  return g === p;
}

function sortKey(v: Norm): [number, number | string] {
  if (v === null) return [0, ''];
  if (typeof v === 'number') return [1, Number(v.toPrecision(3))];
  return [2, v];
}

function cmpRows(a: Norm[], b: Norm[]): number {
  for (let i = 0; i < a.length; i++) {
    const [ka, va] = sortKey(a[i]!);
    const [kb, vb] = sortKey(b[i]!);
    if (ka !== kb) return ka - kb;
    if (va < vb) return -1;
    if (va > vb) return 1;
  }
  return 0;
}

function rowsEqual(g: Norm[][], p: Norm[][]): boolean {
  if (g.length !== p.length) return false;
  const gs = [...g].sort(cmpRows);
  const ps = [...p].sort(cmpRows);
  return gs.every((r, i) => r.every((v, j) => eq(v, ps[i]![j]!)));
}

function colValues(rows: Norm[][], j: number): Norm[] {
  return rows.map((r) => r[j]!).sort((a, b) => cmpRows([a], [b]));
}

function resultsMatch(gold: Norm[][], pred: Norm[][]): boolean {
  if (gold.length !== pred.length) return false;
  if (!gold.length) return true;
  const gc = gold[0]!.length;
  const pc = pred[0]!.length;
  if (pc < gc) return false;
  const cands: number[][] = [];
  for (let j = 0; j < gc; j++) {
    const gv = colValues(gold, j);
    const cj: number[] = [];
    for (let k = 0; k < pc; k++) {
      const pv = colValues(pred, k);
      if (gv.every((x, i) => eq(x, pv[i]!))) cj.push(k);
    }
    if (!cj.length) return false;
    cands.push(cj);
  }
  const combo: number[] = [];
  const search = (j: number): boolean => {
    if (j === gc) return rowsEqual(gold, pred.map((r) => combo.map((k) => r[k]!)));
    for (const k of cands[j]!) {
      if (combo.includes(k)) continue;
      combo.push(k);
      if (search(j + 1)) return true;
      combo.pop();
    }
    return false;
  };
  return search(0);
}

// --- "which one?" options against the case's listed choices
const words = (s: string) => s.toLowerCase().replace(/[^a-z0-9&]+/g, ' ').trim();
function offers(a: AskAnswer, choice: string): number {
  const c = words(choice);
  return (a.choices ?? []).findIndex((o) => words(o.label) === c || words(o.label).includes(c) || words(o.means).includes(c));
}

function readCases(path: string): Case[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Case);
}

async function main(): Promise<void> {
  const cases = readCases(casesFile);
  let work: string | undefined;
  let dbFile = arg('db', '');
  if (!dbFile) {
    work = mkdtempSync(join(tmpdir(), 'otc-followups-'));
    dbFile = join(work, 'fu.db');
    execFileSync(process.execPath, ['bin/otc-copilot.js', 'demo-db', '--out', dbFile, '--trades', '10000', '--seed', seed, '--as-of', asOf], { stdio: 'ignore' });
  }
  const gold = new Database(dbFile, { readonly: true });
  const ds = await openDatasource(`sqlite:${dbFile}`);
  try {
    const model = await trainModel(loadProfile(profileDir), ds);
    const copilot = createCopilot({ datasource: ds, model, maxRows: 100000, timeoutMs: 60000, actor: 'eval:followups' });
    const tally = new Map<string, Record<Verdict, number>>();
    const count = (key: string, v: Verdict) => {
      const t = tally.get(key) ?? { right: 0, wrong: 0, declined: 0 };
      t[v]++;
      tally.set(key, t);
    };
    const goldRows = (sql: string) => (gold.prepare(sql).raw(true).all() as unknown[][]).map((r) => r.map(norm));
    const matches = (a: AskAnswer, sql: string) => a.status === 'answered' && resultsMatch(goldRows(sql), (a.rows ?? []).map((r) => r.map(norm)));
    for (const c of cases) {
      let previous: PreviousTurn | undefined;
      let last: AskAnswer | undefined;
      let beforeLast: PreviousTurn | undefined;
      for (const turn of c.thread) {
        beforeLast = previous;
        last = await copilot.ask({ question: turn.question, today: c.today, actor: 'eval:followups', previous });
        previous = { question: turn.question, understood: last.understood, sql: last.sql, explanation: last.explanation, auditId: last.auditId };
      }
      const a = last!;
      let v: Verdict;
      let detail = `${a.status}: ${a.explanation}`;
      if (c.expect === 'abstain') v = a.status === 'abstained' || a.status === 'refused' ? 'right' : a.status === 'answered' ? 'wrong' : 'declined';
      else if (c.expect === 'answer') v = matches(a, c.gold_sql!) ? 'right' : a.status === 'answered' ? 'wrong' : 'declined';
      else if (a.status === 'answered') v = 'wrong';
      else if (a.status !== 'choose') v = 'declined';
      else if (!c.choices.every((x) => offers(a, x) >= 0)) {
        v = 'wrong';
        detail = `offered ${(a.choices ?? []).map((o) => o.label).join(' / ')}`;
      } else {
        const picked = a.choices![offers(a, c.pick!)]!;
        const b = await copilot.ask({ question: c.thread[c.thread.length - 1]!.question, today: c.today, actor: 'eval:followups', previous: beforeLast, choice: picked.pick });
        v = matches(b, c.gold_sql!) ? 'right' : 'wrong';
        detail = `offered ${a.choices!.map((o) => o.label).join(' / ')}; picked ${picked.label} -> ${b.status}: ${b.explanation}`;
      }
      count(`${c.kind}/${c.expect}`, v);
      count('overall', v);
      if (verbose || v === 'wrong') console.log(`${c.id} ${v.padEnd(8)} ${c.thread.map((t) => t.question).join(' | ')}\n    ${detail}${v === 'wrong' && a.sql ? `\n    ${a.sql.replace(/\s+/g, ' ')}` : ''}`);
    }
    console.log('');
    for (const [k, t] of tally) {
      const n = t.right + t.wrong + t.declined;
      console.log(`${k.padEnd(20)} right ${t.right}/${n} (${((100 * t.right) / n).toFixed(1)}%)  wrong ${t.wrong} (${((100 * t.wrong) / n).toFixed(1)}%)  declined ${t.declined}`);
    }
  } finally {
    gold.close();
    await ds.close();
    if (work) rmSync(work, { recursive: true, force: true });
  }
}

await main();
