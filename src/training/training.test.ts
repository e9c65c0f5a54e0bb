import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoDatabase } from '../demo/index.js';
import { openDatasource, type Datasource } from '../datasource/index.js';
import { isOtcError } from '../shared/errors.js';
import { loadModel, loadProfile, normPhrase, saveModel, trainModel, type TrainedModel } from './index.js';

const PROFILE = 'profiles/otc-ops';
let dir: string;
let dbPath: string;
let ds: Datasource;
let model: TrainedModel;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otc-training-'));
  dbPath = join(dir, 'demo.db');
  await buildDemoDatabase({ out: dbPath, trades: 1500, seed: 23, asOf: '2026-03-10' });
  ds = await openDatasource(`sqlite:${dbPath}`);
  model = await trainModel(loadProfile(PROFILE), ds);
});

afterAll(async () => {
  await ds?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A copy of the demo profile with one file replaced. */
function profileWith(file: string, text: string): string {
  const p = mkdtempSync(join(dir, 'profile-'));
  cpSync(PROFILE, p, { recursive: true });
  writeFileSync(join(p, file), text);
  return p;
}

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (isOtcError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected an error');
}

describe('loadProfile', () => {
  it('loads the demo profile with every part and the business rules as a document', () => {
    const p = loadProfile(PROFILE);
    expect(Object.keys(p.entities).sort()).toEqual(['books', 'confirmations', 'counterparties', 'exceptions', 'margin_calls', 'payment_netting', 'settlements', 'trades']);
    expect(p.filters.map((f) => f.name)).toEqual(expect.arrayContaining(['live', 'failed', 'open_confirmation', 'confirmation_break', 'netting_break', 'open_exception', 'margin_dispute', 'large_trade', 'late_settlement', 'ssi_problem']));
    expect(p.measures.map((m) => m.name)).toEqual(expect.arrayContaining(['fail_rate', 'match_rate', 'disputed_amount', 'time_to_match', 'time_to_resolve', 'exception_age']));
    expect(p.examples.length).toBeGreaterThanOrEqual(20);
    expect(p.documents.map((d) => d.name)).toContain('business-rules.md');
  });
  it('names the file and the line of broken YAML', () => {
    const e = errorOf(() => loadProfile(profileWith('measures.yaml', 'measures:\n  - name: x\n    agg: [sum\n')));
    expect(e.code).toBe('OTC_ERR_PROFILE_INVALID');
    expect(e.message).toContain('measures.yaml');
    expect(e.message).toMatch(/not valid YAML/);
  });
  it('names the file, the path and what is wrong for a bad shape', () => {
    const text = readFileSync(join(PROFILE, 'measures.yaml'), 'utf8').replace('agg: count', 'agg: median');
    const e = errorOf(() => loadProfile(profileWith('measures.yaml', text)));
    expect(e.code).toBe('OTC_ERR_PROFILE_INVALID');
    expect(e.message).toMatch(/measures\.yaml at measures\.0\.agg: /);
  });
  it('reports references to filters that do not exist', () => {
    const text = readFileSync(join(PROFILE, 'entities.yaml'), 'utf8').replace('defaultFilters: [not_cancelled_trade]', 'defaultFilters: [no_such_filter]');
    const e = errorOf(() => loadProfile(profileWith('entities.yaml', text)));
    expect(e.message).toContain("entities.yaml at entities.trades.defaultFilters: unknown filter 'no_such_filter'");
  });
  it('says when the folder does not exist', () => {
    expect(errorOf(() => loadProfile(join(dir, 'nope'))).code).toBe('OTC_ERR_PROFILE_NOT_FOUND');
  });
});

describe('trainModel', () => {
  it('takes the schema snapshot and the joins from the database', () => {
    expect(model.snapshot.tables.map((t) => t.name)).toContain('margin_calls');
    expect(model.joins).toContainEqual(expect.objectContaining({ fromTable: 'settlements', fromColumn: 'counterparty_id', toTable: 'counterparties' }));
    expect(model.joins).toContainEqual(expect.objectContaining({ fromTable: 'trades', fromColumn: 'book_id', toTable: 'books' }));
  });
  it('learns every counterparty name, with its legal name, from the data', () => {
    const db = new Database(dbPath, { readonly: true });
    const names = db.prepare('SELECT short_name, legal_name FROM counterparties').all() as { short_name: string; legal_name: string }[];
    db.close();
    const col = model.values.find((v) => v.column === 'short_name')!;
    expect(col.values.map((v) => v.value).sort()).toEqual(names.map((n) => n.short_name).sort());
    const one = col.values.find((v) => v.value === names[0]!.short_name)!;
    expect(one.forms).toContain(normPhrase(names[0]!.legal_name));
  });
  it('keeps synonyms and country names in the value index', () => {
    const country = model.values.find((v) => v.dimension === 'country')!;
    const present = country.values.map((v) => v.value);
    if (present.includes('GB')) expect(country.values.find((v) => v.value === 'GB')!.forms).toContain('united kingdom');
    expect(present.length).toBeGreaterThan(1);
  });
  it('is plain JSON: saved and loaded, it is the same model', () => {
    const path = join(dir, 'model.json');
    saveModel(model, path);
    expect(loadModel(path)).toEqual(JSON.parse(JSON.stringify(model)));
  });
  it('lists every table and column the profile names that the database lacks, in one error', async () => {
    const ents = readFileSync(join(PROFILE, 'entities.yaml'), 'utf8').replace('table: books', 'table: trading_books');
    const p = profileWith('entities.yaml', ents);
    writeFileSync(join(p, 'dimensions.yaml'), readFileSync(join(PROFILE, 'dimensions.yaml'), 'utf8').replace('column: severity', 'column: severity_level'));
    let err: unknown;
    try {
      await trainModel(loadProfile(p), ds);
    } catch (e) {
      err = e;
    }
    expect(isOtcError(err)).toBe(true);
    const e = err as { code: string; message: string };
    expect(e.code).toBe('OTC_ERR_PROFILE_SCHEMA_MISMATCH');
    expect(e.message).toContain('trading_books');
    expect(e.message).toContain('exceptions.severity_level');
  });
  it('skips a column with more distinct values than the cap, and says so', async () => {
    const voc = readFileSync(join(PROFILE, 'vocabulary.yaml'), 'utf8').replace('maxDistinct: 2000', 'maxDistinct: 5');
    const m = await trainModel(loadProfile(profileWith('vocabulary.yaml', voc)), ds);
    expect(m.values.find((v) => v.column === 'short_name')).toBeUndefined();
    expect(m.stats.find((s) => s.column === 'short_name')!.skipped).toMatch(/more than 5/);
    expect(m.values.find((v) => v.column === 'region')).toBeDefined();
  });
});
