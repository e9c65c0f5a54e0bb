/**
 * Probing an existing SQLite file before a module adopts it (the app store, the audit log), so
 * that a text file or another database (the bank's data, the other module's file) is refused
 * instead of having tables written into it.
 */
import Database from 'better-sqlite3';

/**
 * Names of the user tables in the SQLite file at `path`, opened read-only: nothing is changed.
 * Throws what better-sqlite3 throws (code SQLITE_NOTADB for a file that is not a database, a
 * busy error for a locked one); the caller decides which of those it refuses.
 */
export function sqliteTableNames(path: string): string[] {
  const probe = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return probe.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).pluck().all() as string[];
  } finally {
    probe.close();
  }
}

/** The first three table names for a message ("a, b, c, …"). */
export function someTableNames(tables: string[]): string {
  return `${tables.slice(0, 3).join(', ')}${tables.length > 3 ? ', …' : ''}`;
}
