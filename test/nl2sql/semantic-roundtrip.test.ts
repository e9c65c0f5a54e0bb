/**
 * Issue 10, item 1: every answer's semantic query (the profile's names) resolves back to the same
 * typed query: the same SQL and the same explanation, on the development sets of both banks and on
 * the held-out sets (their own demo databases). The semantic query also goes through JSON first,
 * as the API shows it and a language model would write it.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

const SETS: Set[] = [
  { name: 'development set', questions: `${SHARED}/benchmark/ops-dev.jsonl`, profile: 'profiles/otc-ops', today: '2026-11-20', db: copy(`${SHARED}/benchmark/ops-dev.db`) },
  { name: "legacy bank's development set", questions: `${SHARED}/legacy-bank/legacy-dev.jsonl`, profile: 'profiles/legacy-bank', today: '2026-11-20', db: copy(`${SHARED}/legacy-bank/legacy-dev.db`) },
  { name: 'held-out set 1', questions: 'test/heldout/questions.jsonl', profile: 'profiles/otc-ops', today: '2026-06-17', db: demo(7, 20000, '2026-06-17') },
  { name: 'held-out set 2', questions: 'test/heldout2/questions.jsonl', profile: 'profiles/otc-ops', today: '2026-09-09', db: demo(20261, 15000, '2026-09-09') },
  { name: 'held-out set 3', questions: 'test/heldout3/questions.jsonl', profile: 'profiles/otc-ops', today: '2026-10-14', db: demo(31337, 15000, '2026-10-14') },
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
