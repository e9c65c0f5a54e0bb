/**
 * Test fixture (imported only by *.test.ts files): the benchmark's development database and a
 * guard policy whose allow-list is every table and view of it with all their columns.
 */
import Database from 'better-sqlite3';
import type { GuardPolicy } from './types.js';

export const DEV_DB = `${process.env.OTC_SHARED_DIR}/benchmark/ops-dev.db`;

/** Allow-list of ops-dev.db (table and column names lower-cased), with `maxRows`. */
export function devPolicy(maxRows: number): GuardPolicy {
  const db = new Database(DEV_DB, { readonly: true, fileMustExist: true });
  try {
    const allowed = new Map<string, Set<string> | '*'>();
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").all() as Array<{ name: string }>;
    for (const { name } of tables) {
      const cols = db.prepare('SELECT name FROM pragma_table_info(?)').all(name) as Array<{ name: string }>;
      allowed.set(name.toLowerCase(), new Set(cols.map((c) => c.name.toLowerCase())));
    }
    return { allowedTables: allowed, maxRows };
  } finally {
    db.close();
  }
}
