/**
 * Round trip of the semantic query over a question set: for every answered question, the typed
 * query the engine understood -> its semantic query (profile names) -> JSON -> validated and
 * resolved again -> SQL and explanation, which must be identical to the engine's own.
 *
 *   npx tsx scripts/check-semantic-roundtrip.ts --questions FILE --db FILE [--model profiles/otc-ops] [--today YYYY-MM-DD]
 * Exits 1 when any answered question does not come back identical.
 */
import { readFileSync } from 'node:fs';
import { openDatasource } from '../src/datasource/index.js';
import { createSemanticEngine } from '../src/nl2sql/index.js';
import { loadProfile, trainModel } from '../src/training/index.js';
import { arg, BENCH_DIR } from './lib/bench-args.js';
import { join } from 'node:path';

const questionsFile = arg('questions', join(BENCH_DIR, 'ops-dev.jsonl'));
const db = arg('db', join(BENCH_DIR, 'ops-dev.db'));
const profileDir = arg('model', 'profiles/otc-ops');
const defaultToday = arg('today', '2026-11-20');

const ds = await openDatasource(`sqlite:${db}`);
const engine = createSemanticEngine(await trainModel(loadProfile(profileDir), ds));
const lines = readFileSync(questionsFile, 'utf8').split('\n').filter((l) => l.trim());
let answered = 0;
let identical = 0;
const problems: string[] = [];
for (const line of lines) {
  const q = JSON.parse(line) as { id?: string; question: string; today?: string };
  const today = q.today ?? defaultToday;
  const u = engine.understand(q.question, today);
  if (u.status) continue;
  answered++;
  const a = engine.compile(u.query, ds.dialect);
  try {
    const s = JSON.parse(JSON.stringify(engine.describe(u.query))) as unknown;
    const b = engine.compile(engine.resolve(s, today), ds.dialect);
    if (a.sql === b.sql && a.explanation === b.explanation) identical++;
    else problems.push(`${q.id ?? q.question}: ${a.sql !== b.sql ? `SQL\n  engine:   ${a.sql}\n  resolved: ${b.sql}` : `explanation\n  engine:   ${a.explanation}\n  resolved: ${b.explanation}`}\n  semantic: ${JSON.stringify(s)}`);
  } catch (e) {
    problems.push(`${q.id ?? q.question}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
await ds.close();
for (const p of problems) console.log(p);
console.log(`${questionsFile}: questions=${lines.length} answered=${answered} identical=${identical} different=${answered - identical}`);
process.exit(answered === identical ? 0 : 1);
