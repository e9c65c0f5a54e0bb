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

export interface SqliteLoad {
  sink: RowSink;
  finish(): void;
  abandon(): void;
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
  const cleanup = (): void => {
    if (db.open) db.close();
    for (const f of [tmp, `${tmp}-journal`, `${tmp}-wal`, `${tmp}-shm`]) {
      try {
        unlinkSync(f);
      } catch {
        /* not there */
      }
    }
  };
  try {
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
    db.exec(OPS_SCHEMA_TABLES_SQL);
  } catch (e) {
    cleanup();
    throw demoTarget(`cannot create the demo schema in ${tmp}: ${(e as Error).message}`, e);
  }

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
  const tx = db.transaction(insertChunk);

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
  };
}
