import { describe, expect, it } from 'vitest';
import { guardSql } from './index.js';

/**
 * Issue 14, item 6: PostgreSQL's reg* types turn a text into a catalog lookup (and an error
 * naming what it found or not): `'pg_authid'::regclass`, `CAST(name AS regproc)`. They list
 * names outside the profile, so the guard refuses a cast to any of them, however spelt.
 */
const policy = {
  maxRows: 100,
  allowedTables: new Map<string, Set<string> | '*'>([['counterparties', new Set(['counterparty_id', 'name', 'lei'])]]),
};

const REG_CASTS = [
  "SELECT 'pg_authid'::regclass",
  'SELECT name::regclass FROM counterparties',
  'SELECT CAST(name AS regclass) FROM counterparties',
  'SELECT CAST(name AS pg_catalog.regclass) FROM counterparties',
  "SELECT 'now'::regproc",
  'SELECT CAST(lei AS regprocedure) FROM counterparties',
  "SELECT 'int4'::regtype",
  "SELECT 'public'::regnamespace",
  "SELECT 'postgres'::regrole",
  "SELECT '+'::regoper",
  "SELECT '+(int,int)'::regoperator",
  "SELECT 'english'::regconfig",
  "SELECT 'simple'::regdictionary",
  "SELECT '\"C\"'::regcollation",
  "SELECT ARRAY['a']::regclass[]",
  'SELECT CAST(name AS "regclass") FROM counterparties',
  'SELECT CAST(name AS REGCLASS) FROM counterparties',
  "SELECT counterparty_id FROM counterparties WHERE name::regclass IS NOT NULL",
  "SELECT (SELECT 'pg_shadow'::regclass::oid) AS o",
  "SELECT name::text::regtype FROM counterparties",
];

describe('PostgreSQL guard: casts to reg* types', () => {
  it.each(REG_CASTS)('refuses %s', async (sql) => {
    const v = await guardSql(sql, 'postgres', policy);
    expect(v.ok, sql).toBe(false);
  });

  it('still admits ordinary casts and names that merely start with "reg"', async () => {
    for (const sql of ['SELECT CAST(counterparty_id AS text) FROM counterparties', 'SELECT counterparty_id::numeric AS region FROM counterparties', "SELECT CAST('2026-01-01' AS date) AS regdate"]) {
      const v = await guardSql(sql, 'postgres', policy);
      expect(v.ok, sql).toBe(true);
    }
  });
});
