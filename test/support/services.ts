/**
 * Real services for integration tests. PostgreSQL and Redis run on every developer and CI
 * machine. In CI (CI=true) a missing service is a failure; elsewhere the test is skipped with
 * a printed reason.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_ADMIN_URL = process.env.OTC_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.OTC_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const inCI = process.env.CI === 'true' || process.env.CI === '1';

let pgUp: Promise<boolean> | undefined;

/** True when PostgreSQL answers. In CI, throws instead of returning false. */
export function postgresAvailable(): Promise<boolean> {
  pgUp ??= (async () => {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
    try {
      await c.connect();
      await c.query('SELECT 1');
      return true;
    } catch (e) {
      if (inCI) throw new Error(`PostgreSQL is required in CI but not reachable at ${PG_ADMIN_URL}: ${(e as Error).message}`);
      console.warn(`[skip] PostgreSQL not reachable at ${PG_ADMIN_URL}: ${(e as Error).message}`);
      return false;
    } finally {
      await c.end().catch(() => undefined);
    }
  })();
  return pgUp;
}

export interface TempPgDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates a fresh database with a random name (so runs never collide) and drops it afterwards. */
export async function createTempPgDatabase(prefix = 'otc_test'): Promise<TempPgDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    async drop() {
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      try {
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await a.end();
      }
    },
  };
}
