import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sameQueryExceptCap } from './ast/same.js';
import { DEV_DB, devPolicy } from './dev-policy.test-fixture.js';
import type { JsonObject } from './ast/json.js';
import { guardWith } from './guard.js';
import { parseStatements } from './parser.js';
import type { GuardDialect } from './types.js';
import { WARM_UP_SAMPLES } from './warmup.js';

/**
 * The capped text is re-judged the short way (layer 1 + parse + "same AST but for the cap")
 * when that can be proven, in full otherwise. These tests show both give the same verdicts.
 */

const GOLD = `${process.env.OTC_SHARED_DIR}/benchmark/ops-dev.jsonl`;

const CAP_TEXTS: Record<GuardDialect, string[]> = {
  sqlite: [
    'SELECT a FROM t', 'SELECT a FROM t;', 'SELECT a FROM t ORDER BY a LIMIT 5000', 'SELECT a FROM t LIMIT 7', 'SELECT a FROM t LIMIT 500 OFFSET 20',
    'SELECT a FROM t LIMIT 10, 5000', 'SELECT a FROM (SELECT a FROM t LIMIT 5000) s', 'SELECT a FROM t UNION SELECT a FROM u',
    'WITH c AS (SELECT a FROM t LIMIT 9999) SELECT a FROM c', 'SELECT a FROM t -- note', 'SELECT a FROM t LIMIT 5000 OFFSET (SELECT 1)',
    'SELECT a FROM t LIMIT 5000 OFFSET a', 'SELECT a FROM t LIMIT ?', 'SELECT a FROM t LIMIT (SELECT 5)', 'SELECT a FROM t LIMIT -1',
    'SELECT a FROM t WINDOW w AS (ORDER BY a)', 'SELECT a FROM t ORDER BY a NULLS LAST', "SELECT a FROM t WHERE b = 'LIMIT 5'",
  ],
  postgres: [
    'SELECT a FROM t', 'SELECT a FROM t ORDER BY a LIMIT 5000', 'SELECT a FROM t LIMIT 500 OFFSET 20', 'SELECT a FROM t OFFSET 5',
    'SELECT a FROM t FETCH FIRST 5000 ROWS ONLY', 'SELECT a FROM t ORDER BY a FETCH NEXT 3 ROWS ONLY', 'SELECT a FROM t LIMIT ALL',
    'SELECT a FROM t LIMIT 5000 OFFSET (SELECT 1)', 'SELECT a FROM t UNION SELECT a FROM u', 'SELECT a FROM t OFFSET 5 ROWS FETCH FIRST ROW ONLY',
    'SELECT a FROM t FOR UPDATE', 'SELECT a FROM t LIMIT $1',
  ],
  mssql: [
    'SELECT a FROM t', 'SELECT DISTINCT a FROM t ORDER BY a', 'WITH c AS (SELECT TOP 5000 a FROM t) SELECT a FROM c', 'SELECT TOP 5000 a FROM t',
    'SELECT TOP (5000) WITH TIES a FROM t ORDER BY a', 'SELECT TOP (10) a FROM t', 'SELECT a FROM t ORDER BY a OFFSET 10 ROWS',
    'SELECT a FROM t ORDER BY a OFFSET 0 ROWS FETCH NEXT 500 ROWS ONLY', 'SELECT a FROM t UNION SELECT a FROM u ORDER BY a',
    'SELECT a FROM t EXCEPT SELECT a FROM u', 'SELECT TOP 10 PERCENT a FROM t', 'SELECT TOP (1 + 1) a FROM t', 'SELECT TOP (@n) a FROM t',
  ],
};

describe('row-cap recheck: the proven short way gives the same verdicts as the full re-judge', () => {
  for (const dialect of ['sqlite', 'postgres', 'mssql'] as const) {
    it(`${dialect}: row-cap texts and warm-up samples, caps 1, 100 and 5000`, async () => {
      for (const sql of [...CAP_TEXTS[dialect], ...WARM_UP_SAMPLES[dialect]]) {
        for (const maxRows of [1, 100, 5000]) {
          const policy = { maxRows };
          expect({ sql, maxRows, v: await guardWith(sql, dialect, policy, 'proven') }).toEqual({ sql, maxRows, v: await guardWith(sql, dialect, policy, 'full') });
        }
      }
    });
  }

  it.skipIf(!existsSync(GOLD) || !existsSync(DEV_DB))('sqlite: every dev gold query, with the dev allow-list', async () => {
    const gold = readFileSync(GOLD, 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { gold_sql?: string }).gold_sql)
      .filter((s): s is string => typeof s === 'string');
    expect(gold.length).toBeGreaterThan(50);
    for (const maxRows of [10, 5000]) {
      const policy = devPolicy(maxRows);
      for (const sql of gold) {
        const proven = await guardWith(sql, 'sqlite', policy, 'proven');
        expect(proven.ok ? 'admitted' : proven.reason).toBe('admitted');
        expect(proven).toEqual(await guardWith(sql, 'sqlite', policy, 'full'));
      }
    }
  });
});

async function query(sql: string, dialect: 'sqlite' | 'postgresql' | 'mssql' = 'sqlite'): Promise<JsonObject> {
  const st = await parseStatements(sql, dialect);
  return (st![0] as JsonObject).Query as JsonObject;
}

describe('sameQueryExceptCap', () => {
  it('accepts a query whose only change is a literal row cap', async () => {
    expect(sameQueryExceptCap(await query('SELECT a FROM t'), await query('SELECT a FROM t LIMIT 100'))).toBe(true);
    expect(sameQueryExceptCap(await query('SELECT a FROM t LIMIT 5000 OFFSET 3'), await query('SELECT a FROM t LIMIT 100 OFFSET 3'))).toBe(true);
    expect(sameQueryExceptCap(await query('SELECT a FROM t', 'mssql'), await query('SELECT TOP (100) a FROM t', 'mssql'))).toBe(true);
    expect(sameQueryExceptCap(await query('SELECT a FROM t EXCEPT SELECT a FROM u', 'mssql'), await query('SELECT a FROM t EXCEPT SELECT a FROM u ORDER BY 1 OFFSET 0 ROWS FETCH NEXT 100 ROWS ONLY', 'mssql'))).toBe(true);
  });

  it('refuses any other change, and a cap clause that names or computes something', async () => {
    expect(sameQueryExceptCap(await query('SELECT a FROM t'), await query('SELECT b FROM t LIMIT 100'))).toBe(false);
    expect(sameQueryExceptCap(await query('SELECT a FROM t'), await query('SELECT a FROM u LIMIT 100'))).toBe(false);
    expect(sameQueryExceptCap(await query('SELECT a FROM t'), await query('SELECT a FROM t LIMIT 100 OFFSET a'))).toBe(false);
    expect(sameQueryExceptCap(await query('SELECT a FROM t'), await query('SELECT a FROM t LIMIT (SELECT 100)'))).toBe(false);
    expect(sameQueryExceptCap(await query('SELECT a FROM t'), await query('SELECT a FROM t ORDER BY a LIMIT 100'))).toBe(false);
    expect(sameQueryExceptCap(await query('SELECT a FROM t'), await query("SELECT a FROM t LIMIT 'x'"))).toBe(false);
    expect(sameQueryExceptCap(await query('SELECT a FROM t', 'mssql'), await query('SELECT TOP (@n) a FROM t', 'mssql'))).toBe(false);
  });
});
