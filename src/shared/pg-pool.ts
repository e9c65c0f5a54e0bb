/** A PostgreSQL connection pool as the app store and the audit log open theirs. */
import pg from 'pg';

/**
 * A pool on `connectionString` (5 s connection timeout, at most `max` clients) whose sessions use
 * `schema` as search_path when given. An idle client dropped by the server does not crash the
 * process: errors on idle clients are ignored, the next query reports the failure.
 */
export function openPgPool(target: { connectionString: string; schema?: string }, max: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    connectionTimeoutMillis: 5000,
    max,
    ...(target.schema ? { options: `-c search_path=${target.schema}` } : {}),
  });
  pool.on('error', () => undefined);
  return pool;
}
