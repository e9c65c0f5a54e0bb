/**
 * The application's own database (users, sessions, training versions, feedback, and the tables
 * later modules add through migrations). SQLite by default, PostgreSQL for teams.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { OtcError } from '../shared/errors.js';
import { openPgPool } from '../shared/pg-pool.js';
import { someTableNames, sqliteTableNames } from '../shared/sqlite-file.js';
import { badStoreUrl, StoreErrorCode } from './errors.js';
import { migrationProvider } from './migrations/index.js';
import { withStatementCache } from './statement-cache.js';
import type { StoreSchema } from './schema.js';
import { parseDbUrl, scrubSecrets } from './url.js';

export type * from './schema.js';
export { StoreErrorCode } from './errors.js';
export { parseDbUrl, scrubSecrets, type DbTarget } from './url.js';

export interface Store {
  db: Kysely<StoreSchema>;
  kind: 'sqlite' | 'postgres';
  /** Closes the connection(s). Idempotent. */
  close(): Promise<void>;
}

/**
 * An existing SQLite file is migrated only when it is a store already or an empty database:
 * never a text file, a folder, or another database (the audit log, the bank's data) into which
 * the store's tables would otherwise be written. Probed read-only: nothing is changed.
 */
function checkIsStoreFile(path: string): void {
  const hint = 'the app store is a SQLite file of its own: point --store / OTC_STORE_URL at a new or existing store file';
  if (statSync(path).isDirectory()) throw new OtcError(StoreErrorCode.BadUrl, `the store ${resolve(path)} is a folder, not a SQLite file`, { status: 500, hint });
  let tables: string[];
  try {
    tables = sqliteTableNames(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || /not a database/i.test((e as Error).message)) {
      throw new OtcError(StoreErrorCode.BadUrl, `the store ${resolve(path)} is not a SQLite database; nothing was written to it`, { status: 500, hint });
    }
    return; // locked, or another failure: reported by the open below
  }
  if (!tables.length || tables.includes('kysely_migration')) return;
  throw new OtcError(
    StoreErrorCode.BadUrl,
    `${resolve(path)} is another database (it holds ${someTableNames(tables)}), not an app store; nothing was written to it`,
    { status: 500, hint },
  );
}

/**
 * Opens the store at `url` (`sqlite:PATH` or `postgres://…`), creating the parent folder of a
 * SQLite file, and runs every pending migration before returning.
 * Errors: OTC_ERR_BAD_STORE_URL, OTC_ERR_STORE_UNREACHABLE, OTC_ERR_STORE_MIGRATION.
 */
/**
 * The advisory lock that migrations of PostgreSQL stores take, for the whole migration: Kysely locks
 * its migration steps, but first reads the catalog of every schema to find its tables, which fails
 * when another process drops a schema at that moment, and two processes starting together (several
 * API processes on one database) would both try to create the schema and the migration tables. Whoever drops a
 * store's schema takes the same lock (the test worlds do).
 */
export const STORE_MIGRATION_LOCK = 0x07c0_5701;

async function migrationLocked<T>(db: Kysely<StoreSchema>, schema: string | undefined, run: () => Promise<T>): Promise<T> {
  return db.connection().execute(async (c) => {
    await sql`SELECT pg_advisory_lock(${STORE_MIGRATION_LOCK})`.execute(c);
    try {
      // two processes creating the same schema at once collide in the catalog (pg_namespace's unique index)
      if (schema) await sql.raw(`CREATE SCHEMA IF NOT EXISTS ${schema}`).execute(c);
      return await run();
    } finally {
      await sql`SELECT pg_advisory_unlock(${STORE_MIGRATION_LOCK})`.execute(c);
    }
  });
}

export async function openStore(url: string): Promise<Store> {
  const target = parseDbUrl(url, badStoreUrl);
  let db: Kysely<StoreSchema>;
  if (target.kind === 'sqlite') {
    if (target.path !== ':memory:' && existsSync(target.path)) checkIsStoreFile(target.path);
    let sqlite: Database.Database;
    try {
      if (target.path !== ':memory:') mkdirSync(dirname(resolve(target.path)), { recursive: true });
      sqlite = new Database(target.path);
      sqlite.pragma('journal_mode = WAL');
      // WAL with synchronous=NORMAL: a commit survives the process dying; a power cut may lose the
      // last commits before it, never the file's consistency. Set every time: left alone, SQLite
      // gave FULL on the run that created the file and NORMAL (this build's WAL default) after, an
      // fsync on the event loop per question's thread turn on one run and not the other. The audit
      // log, the legal record, stays FULL (src/audit/sqlite.ts).
      sqlite.pragma('synchronous = NORMAL');
      sqlite.pragma('foreign_keys = ON');
      sqlite.pragma('busy_timeout = 5000');
    } catch (e) {
      throw new OtcError(StoreErrorCode.Unreachable, `cannot open the SQLite store ${target.path}: ${(e as Error).message}`, {
        status: 503,
        hint: 'check that the folder exists and is writable',
        cause: e,
      });
    }
    db = new Kysely<StoreSchema>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  } else {
    const pool = openPgPool(target, 10);
    try {
      const c = await pool.connect();
      try {
        await c.query('SELECT 1');
      } finally {
        c.release();
      }
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw new OtcError(
        StoreErrorCode.Unreachable,
        `cannot connect to the PostgreSQL store at ${target.display}: ${scrubSecrets((e as Error).message, target.connectionString)}`,
        { status: 503, hint: 'check OTC_STORE_URL, that the server is running and that the user may connect' },
      );
    }
    db = new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool }) });
  }

  // With ?schema=NAME the migration tables are looked for in that schema only: otherwise another
  // schema's tables of the same database (another store) would pass for this one's.
  const migrator = new Migrator({ db, provider: migrationProvider, ...(target.kind === 'postgres' && target.schema ? { migrationTableSchema: target.schema } : {}) });
  const schema = target.kind === 'postgres' ? target.schema : undefined;
  const { error, results } = target.kind === 'postgres' ? await migrationLocked(db, schema, () => migrator.migrateToLatest()) : await migrator.migrateToLatest();
  if (error) {
    await db.destroy().catch(() => undefined);
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new OtcError(
      StoreErrorCode.Migration,
      `the store could not be migrated${failed ? ` (migration ${failed} failed)` : ''}: ${error instanceof Error ? error.message : String(error)}`,
      { status: 500, cause: error },
    );
  }

  let closing: Promise<void> | undefined;
  return {
    db,
    kind: target.kind,
    close() {
      closing ??= db.destroy();
      return closing;
    },
  };
}

/** Names of the migrations applied to an open store, in order (for `doctor`-style checks). */
export async function appliedMigrations(store: Store): Promise<string[]> {
  const m = new Migrator({ db: store.db, provider: migrationProvider });
  return (await m.getMigrations()).filter((x) => x.executedAt).map((x) => x.name);
}
