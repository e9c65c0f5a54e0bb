/**
 * Test fixtures of the engine's answer tests (imported only by *.test.ts files): the engine
 * trained on a database in a temp folder, and the comparison of its answer with SQL written in the
 * test.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { openDatasource, type Datasource } from '../../datasource/index.js';
import { buildDemoDatabase } from '../../demo/index.js';
import { loadProfile, trainModel, type TrainedModel } from '../../training/index.js';
import { createSemanticEngine, type SemanticEngine } from './index.js';

export interface TrainedEngine {
  dir: string;
  ds: Datasource;
  model: TrainedModel;
  engine: SemanticEngine;
  /** Closes the datasource and removes the temp folder. */
  close(): Promise<void>;
}

async function trainedOn(dir: string, file: string, profileDir: string): Promise<TrainedEngine> {
  try {
    const ds = await openDatasource(`sqlite:${file}`);
    const model = await trainModel(loadProfile(profileDir), ds);
    return {
      dir,
      ds,
      model,
      engine: createSemanticEngine(model),
      close: async () => {
        await ds.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * A demo database of its own seed (3000 trades, seed 11, as of `today`: not the one the engine
 * was developed on) and the engine trained on it with profiles/otc-ops.
 */
export async function engineOnDemo(today: string, prefix: string): Promise<TrainedEngine> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const out = join(dir, 'demo.db');
  await buildDemoDatabase({ out, trades: 3000, seed: 11, asOf: today });
  return trainedOn(dir, out, 'profiles/otc-ops');
}

/** A copy of the SQLite file `db` (the original is never written) and the engine trained on it with the profile in `profileDir`. */
export async function engineOnCopy(db: string, profileDir: string, prefix: string): Promise<TrainedEngine> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = join(dir, 'copy.db');
  copyFileSync(db, file);
  return trainedOn(dir, file, profileDir);
}

/** A value as the comparison sees it: numbers to 3 decimals, text in lower case. */
export function canon(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return (Math.round(v * 1000) / 1000).toFixed(3);
  return String(v).toLowerCase();
}

/**
 * The rows `got` hold the columns of `want` (in some order, extra columns allowed) with the same
 * rows. `want` must have rows unless `emptyOk` (an empty answer then matches an empty one).
 */
export function expectSameRows(question: string, got: unknown[][], want: unknown[][], opts: { emptyOk?: boolean } = {}): void {
  expect(got.length, question).toBe(want.length);
  if (opts.emptyOk && !want.length) return;
  expect(want.length, `${question}: the expected SQL must return rows to prove anything`).toBeGreaterThan(0);
  const width = want[0]!.length;
  // for each expected column, a column of the answer with the same multiset of values
  const colKey = (rs: unknown[][], j: number) => rs.map((r) => canon(r[j])).sort().join('|');
  const used = new Set<number>();
  const map: number[] = [];
  for (let j = 0; j < width; j++) {
    const k = got[0]!.findIndex((_, idx) => !used.has(idx) && colKey(got, idx) === colKey(want, j));
    expect(k, `${question}: expected column ${j} not found`).toBeGreaterThanOrEqual(0);
    used.add(k);
    map.push(k);
  }
  const key = (r: unknown[], cols: number[]) => cols.map((c) => canon(r[c])).join('\u0001');
  expect(got.map((r) => key(r, map)).sort(), question).toEqual(want.map((r) => key(r, [...Array(width).keys()])).sort());
}
