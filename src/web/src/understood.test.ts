/** The answer panel's "What was understood" lines, from typed queries the engine really produces. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoDatabase } from '../../demo/index.js';
import { openDatasource, type Datasource } from '../../datasource/index.js';
import { createSemanticEngine, type SemanticEngine, type TypedQuery } from '../../nl2sql/index.js';
import { loadProfile, trainModel } from '../../training/index.js';
import { describeUnderstood } from './understood.js';

const TODAY = '2026-06-17';
let dir: string;
let ds: Datasource;
let engine: SemanticEngine;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otc-understood-'));
  await buildDemoDatabase({ out: join(dir, 'demo.db'), trades: 300, seed: 3, asOf: TODAY });
  ds = await openDatasource(`sqlite:${join(dir, 'demo.db')}`);
  engine = createSemanticEngine(await trainModel(loadProfile('profiles/otc-ops'), ds));
});
afterAll(async () => {
  await ds?.close();
  rmSync(dir, { recursive: true, force: true });
});

const understood = (question: string) => {
  const u = engine.understand(question, TODAY);
  if (u.status) throw new Error(`${question}: ${u.status} (${u.reason})`);
  return u.query as TypedQuery;
};
const lines = (question: string) => Object.fromEntries(describeUnderstood(understood(question)).map((l) => [l.term, l.text]));

describe('describeUnderstood', () => {
  it('a ranking: data, figure, filter, grouping, order and as-of date', () => {
    const l = lines('Top 5 counterparties by number of live trades');
    expect(l.Data).toBe('trades');
    expect(l.Figures).toMatch(/count|number/i);
    expect(l.Filters).toMatch(/Live/);
    expect(l['Grouped by']).toBe('counterparty');
    expect(l.Order).toMatch(/highest first, first 5$/);
    expect(l['As of']).toBe(TODAY);
  });

  it('a listing names its columns; the time restriction is shown once', () => {
    const l = lines('List the live trades');
    expect(l.Columns).toBeTruthy();
    expect(l.Figures).toBeUndefined();
    const t = describeUnderstood(understood('Number of trades booked this month')).map((x) => x.text).join('\n');
    expect(t.match(/from 2026-06-01 to 2026-06-17/g)).toHaveLength(1);
  });

  it('a condition per group', () => {
    expect(lines('Counterparties with more than 5 open exceptions')['Keeping groups where']).toMatch(/is over 5$/);
  });

  it('leaves out what the query does not have', () => {
    const l = lines('Number of live trades');
    expect(Object.keys(l)).not.toContain('Grouped by');
    expect(Object.keys(l)).not.toContain('Keeping groups where');
    expect(Object.keys(l)).not.toContain('Order');
  });
});
