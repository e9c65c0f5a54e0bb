/**
 * The SQLite store's prepared statements, kept by SQL text. Kysely's SQLite driver prepares
 * every query it runs (SQLite parses and plans the text again each time); with a few store
 * queries per question (session, active training version, the thread's turn) that was a tenth
 * of a busy server's event loop (issue 14 item 7). A statement is re-used only when idle: one
 * still being iterated (a streamed select) is never handed out twice; a fresh one is prepared.
 * Statements carry no data between runs, so re-use cannot serve a stale result; SQLite
 * re-prepares a cached statement by itself after a schema change (migrations).
 */
import type Database from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** `db` with prepare() answered from a bounded least-recently-used cache of statements (default 256 texts). */
export function withStatementCache(db: Database.Database, maxEntries = 256): SqliteDatabase {
  const cache = new Map<string, Database.Statement>();
  return {
    prepare(sql: string): SqliteStatement {
      const known = cache.get(sql);
      if (known && !known.busy) {
        cache.delete(sql);
        cache.set(sql, known);
        return known as unknown as SqliteStatement;
      }
      const stmt = db.prepare(sql);
      if (!known) {
        cache.set(sql, stmt);
        if (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
      }
      return stmt as unknown as SqliteStatement;
    },
    close() {
      cache.clear();
      db.close();
    },
  };
}
