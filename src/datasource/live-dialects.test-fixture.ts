/**
 * Test fixtures (imported only by *.test.ts files): the dialects that run against a real
 * database here, each with the demo schema (/work/shared/ops-schema/otc_ops.sql, run as is)
 * and a few rows. Kysely-style: one list, each spec loops over it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import type { DialectName } from './dialect.js';
import { openDatasource, type OpenOptions } from './index.js';
import type { Datasource } from './types.js';

export const OPS_SCHEMA_SQL = `${process.env.OTC_SHARED_DIR}/ops-schema/otc_ops.sql`;

/** Rows every live dialect holds: 2 counterparties, 2 books, 3 trades, 2 settlements. */
export const SEED_SQL = [
  `INSERT INTO counterparties VALUES (1, 'LEI00000000000000001', 'Alpha Markets O''Brien LLP', 'Alpha O''Brien', 'Bank', 'GB', 'AA', 1, '2020-01-15')`,
  `INSERT INTO counterparties VALUES (2, 'LEI00000000000000002', 'Zürich Rück Versicherung', 'Zürich Rück', 'Insurance', 'CH', 'A', 1, '2021-06-30')`,
  `INSERT INTO books VALUES (1, 'RATES-LDN-01', 'G10 Rates', 'Rates', 'EMEA', 'Bank PLC')`,
  `INSERT INTO books VALUES (2, 'FX-NY-01', 'FX Forwards', 'FX', 'AMER', 'Bank Inc')`,
  `INSERT INTO trades VALUES (1, 'OTC-T-1', 1, 1, 'Rates', 'Interest Rate Swap', '2026-11-20', '2026-11-24', '2031-11-24', 'Pay', 1500000.50, 'EUR', 1620000.54, 2.125, 'A. Trader', 'SEF', 1, 'LCH', 'Live', 'Murex', '2026-11-20 10:15:30')`,
  `INSERT INTO trades VALUES (2, 'OTC-T-2', 2, 2, 'FX', 'FX Forward', '2026-11-22', '2026-11-24', '2027-02-24', 'Buy', 2000000, 'USD', 2000000, NULL, 'B. Trader', 'Voice', 0, NULL, 'Live', 'Calypso', '2026-11-22 08:00:00')`,
  `INSERT INTO trades VALUES (3, 'OTC-T-3', 1, 2, 'FX', 'NDF', '2024-02-29', '2024-03-04', '2024-06-04', 'Sell', 750000, 'GBP', 950000, NULL, 'A. Trader', 'MTF', 0, NULL, 'Matured', 'Summit', '2024-02-29 17:45:00')`,
  `INSERT INTO settlements VALUES (1, 1, 1, 'Coupon', '2026-11-23', 'EUR', 1000.25, 1080.27, 'Pay', 'SWIFT', 'Failed', NULL, 'Missing SSI')`,
  `INSERT INTO settlements VALUES (2, 2, 2, 'Principal', '2026-11-24', 'USD', 2000000, 2000000, 'Receive', 'CLS', 'Settled', '2026-11-24', NULL)`,
];

export interface LiveDb {
  url: string;
  cleanup(): Promise<void>;
}

export interface LiveDialect {
  name: DialectName;
  /** A database with the schema and seed rows, or a printed reason why it cannot run here. */
  create(): Promise<LiveDb | { skip: string }>;
  /** A statement that runs (far) longer than any test timeout. */
  slowSql: string;
}

interface Services {
  postgresAvailable(): Promise<boolean>;
  createTempPgDatabase(prefix?: string): Promise<{ url: string; drop(): Promise<void> }>;
}

/** test/support/services.ts, loaded at run time (it lives outside src/, which tsc's rootDir holds). */
export async function services(): Promise<Services> {
  const p = '../../test/support/services.js';
  return (await import(/* @vite-ignore */ p)) as Services;
}

export function tempDir(): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otc-ds-'));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Every live dialect, or those named in OTC_TEST_DIALECTS (e.g. "sqlite" or "sqlite,postgres"). */
export const LIVE_DIALECTS: LiveDialect[] = filterByEnv([
  {
    name: 'sqlite',
    slowSql: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c',
    async create() {
      const t = tempDir();
      const file = path.join(t.dir, 'ops.db');
      const db = new Database(file);
      db.exec(fs.readFileSync(OPS_SCHEMA_SQL, 'utf8'));
      for (const s of SEED_SQL) db.exec(s);
      db.close();
      return { url: `sqlite:${file}`, cleanup: async () => t.remove() };
    },
  },
  {
    name: 'postgres',
    slowSql: 'SELECT pg_sleep(5)',
    async create() {
      const svc = await services();
      if (!(await svc.postgresAvailable())) return { skip: 'PostgreSQL is not reachable' };
      const tmp = await svc.createTempPgDatabase('otc_ds');
      const c = new pg.Client({ connectionString: tmp.url });
      await c.connect();
      try {
        await c.query(fs.readFileSync(OPS_SCHEMA_SQL, 'utf8'));
        for (const s of SEED_SQL) await c.query(s);
        await c.query('ANALYZE');
      } finally {
        await c.end();
      }
      return { url: tmp.url, cleanup: () => tmp.drop() };
    },
  },
]);

function filterByEnv(all: LiveDialect[]): LiveDialect[] {
  const only = process.env.OTC_TEST_DIALECTS?.split(',').map((x) => x.trim()).filter(Boolean);
  return only?.length ? all.filter((d) => only.includes(d.name)) : all;
}

/** A live dialect's datasource for the tests of one describe (see liveDatasource). */
export interface LiveDatasource {
  /** The open datasource; not there when `skip` is set. */
  readonly ds: Datasource;
  /** Why this dialect cannot run here (printed once); each test then returns ctx.skip(). */
  readonly skip: string | undefined;
}

/**
 * Called inside a describe: before its tests, the dialect's database (schema and seed rows)
 * opened as a datasource with `opts`; after them, the datasource closed and the database removed.
 */
export function liveDatasource(live: LiveDialect, opts: OpenOptions): LiveDatasource {
  let db: LiveDb | undefined;
  let ds: Datasource | undefined;
  let skip: string | undefined;
  beforeAll(async () => {
    const made = await live.create();
    if ('skip' in made) {
      skip = made.skip;
      console.warn(`[skip] ${live.name}: ${skip}`);
      return;
    }
    db = made;
    ds = await openDatasource(db.url, opts);
  });
  afterAll(async () => {
    await ds?.close();
    await db?.cleanup();
  });
  return {
    get ds() {
      if (!ds) throw new Error(`the ${live.name} datasource is not open${skip ? ` (${skip})` : ''}`);
      return ds;
    },
    get skip() {
      return skip;
    },
  };
}
