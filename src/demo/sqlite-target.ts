/**
 * SQLite target: loads into a temporary file next to --out with journaling off, creates the
 * secondary indexes after loading, then publishes the file in one step (rename with --force,
 * a no-clobber hard link otherwise). A failed or interrupted build leaves nothing at --out.
 */
import { existsSync, linkSync, mkdirSync, renameSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { RowSink } from './generate.js';
import { OPS_SCHEMA_INDEXES_SQL, OPS_SCHEMA_TABLES_SQL, OPS_TABLES, type OpsTable } from './schema.js';
import { demoExists, demoTarget } from './errors.js';
import { isOtcError } from '../shared/errors.js';

/** Rows per INSERT statement: fewer calls into SQLite, same data. */
const ROWS_PER_STATEMENT = 32;

/** A throw-away file being built: no journal, no syncs, no per-row foreign-key lookups. */
function tuneForLoading(db: Database.Database): void {
  db.pragma('page_size = 16384');
  // better-sqlite3 runs in defensive mode, which silently keeps the rollback journal;
  // a throw-away file being built needs no journal (a failed build is deleted anyway).
  db.unsafeMode(true);
  db.pragma('journal_mode = OFF');
  db.unsafeMode(false);
  db.pragma('synchronous = OFF');
  // better-sqlite3 turns foreign-key enforcement on per connection; the generator writes parents
  // first and the tests run foreign_key_check, so the load skips the per-row lookups.
  db.pragma('foreign_keys = OFF');
  db.pragma('cache_size = -200000');
  db.pragma('temp_store = MEMORY');
}

/** Inserts chunks of rows with prepared multi-row statements, one transaction per chunk. */
function makeInserter(db: Database.Database): (table: OpsTable, rows: unknown[][]) => void {
  const single = new Map<OpsTable, Database.Statement>();
  const multi = new Map<OpsTable, Database.Statement>();
  const statement = (table: OpsTable, rows: number): Database.Statement => {
    const cache = rows === 1 ? single : multi;
    let st = cache.get(table);
    if (!st) {
      const one = `(${OPS_TABLES[table].map(() => '?').join(',')})`;
      st = db.prepare(`INSERT INTO ${table} VALUES ${Array(rows).fill(one).join(',')}`);
      cache.set(table, st);
    }
    return st;
  };
  const flats = new Map<OpsTable, unknown[]>();
  const insertChunk = (table: OpsTable, rows: unknown[][]): void => {
    const many = statement(table, ROWS_PER_STATEMENT);
    const one = statement(table, 1);
    const width = OPS_TABLES[table].length;
    let flat = flats.get(table);
    if (!flat) flats.set(table, (flat = new Array<unknown>(width * ROWS_PER_STATEMENT)));
    let i = 0;
    for (; i + ROWS_PER_STATEMENT <= rows.length; i += ROWS_PER_STATEMENT) {
      let p = 0;
      for (let k = i; k < i + ROWS_PER_STATEMENT; k++) {
        const row = rows[k]!;
        for (let c = 0; c < width; c++) flat[p++] = row[c];
      }
      many.run(flat);
    }
    for (; i < rows.length; i++) one.run(rows[i]);
  };
  return db.transaction(insertChunk);
}

/** A scratch file with the tables only, written by a worker thread building one slice. */
export function openScratchSqlite(path: string): { write(table: OpsTable, rows: unknown[][]): void; close(): void } {
  const db = new Database(path);
  tuneForLoading(db);
  db.exec(OPS_SCHEMA_TABLES_SQL);
  const tx = makeInserter(db);
  return {
    write: (table, rows) => tx(table, rows),
    close: () => {
      if (db.open) db.close();
    },
  };
}

export interface SqliteLoad {
  sink: RowSink;
  finish(): void;
  abandon(): void;
  /** A path for a scratch file next to the temporary database, removed with it. */
  scratchPath(tag: string): string;
  /** Appends a finished scratch file's trades, confirmations and settlements (ids shifted), then deletes it. */
  mergeScratch(path: string, settlementIdBase: number): void;
  path: string;
}

export function openSqliteTarget(out: string, force: boolean): SqliteLoad {
  const path = resolve(out);
  if (existsSync(path) && !force) throw demoExists(`the file ${path}`);
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw demoTarget(`cannot create the directory ${dir}: ${(e as Error).message}`, e);
  }
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let db: Database.Database;
  try {
    db = new Database(tmp);
  } catch (e) {
    throw demoTarget(`cannot write ${tmp}: ${(e as Error).message}`, e);
  }
  const scratch: string[] = [];
  const cleanup = (): void => {
    if (db.open) db.close();
    for (const f of [tmp, `${tmp}-journal`, `${tmp}-wal`, `${tmp}-shm`, ...scratch]) {
      try {
        unlinkSync(f);
      } catch {
        /* not there */
      }
    }
  };
  try {
    tuneForLoading(db);
    db.exec(OPS_SCHEMA_TABLES_SQL);
  } catch (e) {
    cleanup();
    throw demoTarget(`cannot create the demo schema in ${tmp}: ${(e as Error).message}`, e);
  }

  const tx = makeInserter(db);

  return {
    path,
    sink: {
      write(table, rows) {
        tx(table, rows);
      },
    },
    finish() {
      try {
        for (const sql of OPS_SCHEMA_INDEXES_SQL) db.exec(sql);
        db.close();
        if (force) renameSync(tmp, path);
        else {
          try {
            linkSync(tmp, path);
          } catch (e) {
            const code = (e as NodeJS.ErrnoException).code;
            if (code === 'EEXIST') throw demoExists(`the file ${path}`);
            // Filesystems without hard links: check, then rename.
            if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw e;
            if (existsSync(path)) throw demoExists(`the file ${path}`);
            renameSync(tmp, path);
          }
          if (existsSync(tmp)) unlinkSync(tmp);
        }
      } catch (e) {
        cleanup();
        if (isOtcError(e)) throw e;
        throw demoTarget(`cannot finish ${path}: ${(e as Error).message}`, e);
      }
    },
    abandon: cleanup,
    scratchPath(tag) {
      const p = `${tmp}.${tag}`;
      scratch.push(p);
      return p;
    },
    mergeScratch(file, settlementIdBase) {
      db.prepare('ATTACH DATABASE ? AS part').run(file);
      try {
        db.transaction(() => {
          db.exec('INSERT INTO main.trades SELECT * FROM part.trades ORDER BY trade_id');
          db.exec('INSERT INTO main.confirmations SELECT * FROM part.confirmations ORDER BY confirmation_id');
          const cols = OPS_TABLES.settlements.slice(1).join(', ');
          db.prepare(`INSERT INTO main.settlements SELECT settlement_id + ?, ${cols} FROM part.settlements ORDER BY settlement_id`).run(settlementIdBase);
        })();
      } finally {
        db.exec('DETACH DATABASE part');
      }
      unlinkSync(file);
    },
  };
}
