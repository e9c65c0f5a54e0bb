/**
 * The semantic query as untrusted JSON (a language model's, a saved one): validated by its zod
 * schema, resolved with the profile's defaults, compiled; names the profile does not have and
 * malformed shapes are errors that say what to use instead.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatasource, type Datasource } from '../../datasource/index.js';
import { loadProfile, trainModel } from '../../training/index.js';
import { createSemanticEngine, semanticQueryJsonSchema, SemanticQueryError, type SemanticEngine } from './index.js';

const TODAY = '2026-11-20';
let dir: string;
let ds: Datasource;
let engine: SemanticEngine;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otc-semq-'));
  copyFileSync(`${process.env.OTC_SHARED_DIR}/benchmark/ops-dev.db`, join(dir, 'ops.db'));
  ds = await openDatasource(`sqlite:${join(dir, 'ops.db')}`);
  engine = createSemanticEngine(await trainModel(loadProfile('profiles/otc-ops'), ds));
});
afterAll(async () => {
  await ds?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sqlOf = (input: unknown) => engine.compile(engine.resolve(input, TODAY), ds.dialect);
const errorOf = (input: unknown): string => {
  try {
    engine.resolve(input, TODAY);
  } catch (e) {
    expect(e).toBeInstanceOf(SemanticQueryError);
    return (e as Error).message;
  }
  throw new Error('resolved');
};

describe('semantic query', () => {
  it('has a JSON Schema (for prompts and documents)', () => {
    const s = semanticQueryJsonSchema();
    expect(s.type).toBe('object');
    expect(Object.keys(s.properties as object)).toEqual(expect.arrayContaining(['entity', 'measures', 'groupBy', 'where', 'having', 'exists', 'perGroup']));
    expect(JSON.stringify(s)).not.toMatch(/trades|settlements/); // the schema knows no profile
  });

  it("a minimal query gets the profile's defaults: default filters, default date, labels", async () => {
    const c = sqlOf({ entity: 'trades', measures: [{ measure: 'notional' }], groupBy: [{ field: 'desk' }], where: [{ period: 'last month' }] });
    const same = engine.understand('total notional by desk last month', TODAY);
    expect(same.status).toBeUndefined();
    const engineSql = engine.compile((same as { query: never }).query, ds.dialect).sql;
    expect(c.sql).toMatch(/"status" <> 'Cancelled'/);
    expect(c.explanation).toMatch(/2026-10-01 to 2026-10-31/);
    const rows = (await ds.query(c.sql)).rows;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual((await ds.query(engineSql)).rows);
  });

  it('several measures, a ratio with its own filters, HAVING, top N', () => {
    const c = sqlOf({
      entity: 'settlements',
      measures: [{ agg: 'count' }, { measure: 'fail_rate' }],
      groupBy: [{ field: 'counterparty' }],
      having: { measure: 1, op: '>', value: 5 },
      orderBy: { measure: 1, dir: 'desc' },
      limit: 3,
    });
    expect(c.sql).toMatch(/having/i);
    expect(c.sql).toMatch(/limit 3/i);
    expect(c.sql).toMatch(/sum\(case when/i);
  });

  it('EXISTS and NOT EXISTS across entities', () => {
    const c = sqlOf({ entity: 'counterparties', shape: 'list', distinct: true, exists: [{ entity: 'trades', where: [{ filter: 'live' }] }, { entity: 'margin_calls', negate: true }] });
    expect(c.sql).toMatch(/where exists \(select/i);
    expect(c.sql).toMatch(/not exists \(select/i);
  });

  it('a value is a literal, never SQL', async () => {
    const c = sqlOf({ entity: 'trades', where: [{ field: 'counterparty', op: '=', value: "x' OR 1=1; DROP TABLE trades; --" }] });
    expect(c.sql).toContain("'x'' OR 1=1; DROP TABLE trades; --'");
    expect((await ds.query(c.sql)).rows).toEqual([[0]]);
  });

  it('names the profile does not have are errors that list what exists', () => {
    expect(errorOf({ entity: 'orders' })).toMatch(/unknown entity "orders"; the entities are .*"trades"/);
    expect(errorOf({ entity: 'trades', measures: [{ measure: 'profit' }] })).toMatch(/unknown measure "profit"/);
    expect(errorOf({ entity: 'trades', where: [{ filter: 'naughty' }] })).toMatch(/unknown filter "naughty"/);
    expect(errorOf({ entity: 'trades', groupBy: [{ field: 'trades.password' }] })).toMatch(/unknown field "trades.password"/);
    expect(errorOf({ entity: 'trades', where: [{ period: 'when the moon is blue' }] })).toMatch(/period .* not understood/);
  });

  it('malformed shapes are schema errors', () => {
    expect(errorOf({ entity: 'trades', measures: [{ agg: 'median', of: { field: 'notional' } }] })).toMatch(/schema/);
    expect(errorOf({ entity: 'trades', sql: 'select 1' })).toMatch(/schema/);
    expect(errorOf({ entity: 'trades', limit: -1 })).toMatch(/limit/);
    expect(errorOf('select * from trades')).toMatch(/schema/);
    expect(errorOf({ entity: 'trades', having: { measure: 3, op: '>', value: 1 } })).toMatch(/having refers to measure 3/);
  });
});
