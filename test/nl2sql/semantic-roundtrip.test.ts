/**
 * Issue 10, item 1: every answer's semantic query (the profile's names) resolves back to the same
 * typed query: the same SQL and the same explanation, on the development sets of both banks and on
 * this test's own questions of every kind (over a demo database of their own). The semantic query also goes through JSON first,
 * as the API shows it and a language model would write it.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatasource, type Datasource } from '../../src/datasource/index.js';
import { buildDemoDatabase } from '../../src/demo/index.js';
import { createSemanticEngine } from '../../src/nl2sql/index.js';
import { loadProfile, trainModel } from '../../src/training/index.js';

const SHARED = process.env.OTC_SHARED_DIR ?? '/work/shared';
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'otc-roundtrip-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Set {
  name: string;
  questions: string;
  profile: string;
  today: string;
  db: () => Promise<string>;
}

const copy = (src: string) => async () => {
  const to = join(dir, `${Math.random().toString(36).slice(2)}.db`);
  copyFileSync(src, to);
  return to;
};
const demo = (seed: number, trades: number, asOf: string) => async () => {
  const out = join(dir, `demo-${seed}.db`);
  await buildDemoDatabase({ out, trades, seed, asOf });
  return out;
};

/**
 * Questions of every kind of issue 10's item 1, written for this test (the held-out sets stay apart
 * from the engine's tests: scripts/check-semantic-roundtrip.ts is the tool that reads them).
 */
const OWN_QUESTIONS = [
  'how many trades did we book last week and what was their total notional',
  'settlements paid this month: count and total USD amount by currency',
  'average, smallest and largest notional of live swaps',
  'fail rate by desk this year',
  'what share of the margin calls we received this year were disputed',
  'number of trades per month this year',
  'weekly count of settlements due in the last 30 days',
  'live trades over 100m in EUR by product type',
  'counterparties with more than 20 live trades',
  'desks whose fail rate was above 1% this year',
  'trades booked this month vs last month',
  'counterparties with open exceptions but no failed settlements this month',
  'how many trades have no matched confirmation',
  'desks with no failed settlements this month',
  'how many settlements settled more than 2 days late this month',
  'top 3 counterparties by live notional',
  'the largest pending payment for each currency',
  'share of live notional by desk',
  'running total of trades booked per month this year',
  'pending settlements by age: up to 7 days, 8 to 30, older',
  'average days to match confirmations this month',
  'list open exceptions with counterparty, severity and raised date',
  'list counterparties with their onboarding date',
  'list active counterparties with LEI and sector',
  'trades booked last month that are still unconfirmed',
];
const OWN = join(tmpdir(), `otc-roundtrip-own-${process.pid}.jsonl`);
writeFileSync(OWN, OWN_QUESTIONS.map((question) => JSON.stringify({ question })).join('\n'));
afterAll(() => rmSync(OWN, { force: true }));

const SETS: Set[] = [
  { name: 'development set', questions: `${SHARED}/benchmark/ops-dev.jsonl`, profile: 'profiles/otc-ops', today: '2026-11-20', db: copy(`${SHARED}/benchmark/ops-dev.db`) },
  { name: "legacy bank's development set", questions: `${SHARED}/legacy-bank/legacy-dev.jsonl`, profile: 'profiles/legacy-bank', today: '2026-11-20', db: copy(`${SHARED}/legacy-bank/legacy-dev.db`) },
  { name: "the engine's own compositional questions", questions: OWN, profile: 'profiles/otc-ops', today: '2026-10-14', db: demo(4242, 4000, '2026-10-14') },
];

describe('semantic query round trip: typed query -> semantic query -> JSON -> typed query, same SQL and explanation', () => {
  for (const set of SETS) {
    it.skipIf(!existsSync(set.questions))(set.name, async () => {
      let ds: Datasource | undefined;
      try {
        ds = await openDatasource(`sqlite:${await set.db()}`);
        const engine = createSemanticEngine(await trainModel(loadProfile(set.profile), ds));
        const questions = readFileSync(set.questions, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { question: string; today?: string });
        let answered = 0;
        for (const q of questions) {
          const today = q.today ?? set.today;
          const u = engine.understand(q.question, today);
          if (u.status) continue;
          answered++;
          const a = engine.compile(u.query, ds.dialect);
          const s = JSON.parse(JSON.stringify(engine.describe(u.query))) as unknown;
          const b = engine.compile(engine.resolve(s, today), ds.dialect);
          expect(b.sql, `${q.question}\n${JSON.stringify(s)}`).toBe(a.sql);
          expect(b.explanation, q.question).toBe(a.explanation);
        }
        expect(answered).toBeGreaterThan(questions.length / 2);
      } finally {
        await ds?.close();
      }
    });
  }
});
