/**
 * PostgreSQL target: the same tables (the schema text runs as-is on PostgreSQL) in the database
 * of the URL, in the schema named by `?schema=` (created when missing) or the default one,
 * loaded with batched multi-row INSERTs inside ONE transaction: a failed or interrupted build
 * rolls back and leaves nothing behind.
 */
import pg from 'pg';
import type { RowSink } from './generate.js';
import { OPS_SCHEMA_INDEXES_SQL, OPS_SCHEMA_TABLES_SQL, OPS_TABLE_NAMES, OPS_TABLES, type OpsTable } from './schema.js';
import { demoExists, demoTarget, demoUsage } from './errors.js';
import { isOtcError } from '../shared/errors.js';

/** PostgreSQL accepts at most 65535 parameters per statement. */
const MAX_PARAMS = 60_000;
const MAX_ROWS_PER_STATEMENT = 2_000;

export interface PostgresLoad {
  sink: RowSink;
  finish(): Promise<void>;
  abandon(): Promise<void>;
  /** The URL without its password. */
  url: string;
}

export function isPostgresUrl(out: string): boolean {
  return /^postgres(ql)?:\/\//i.test(out);
}

export function redactUrl(u: URL): string {
  const c = new URL(u.toString());
  if (c.password) c.password = '***';
  return c.toString();
}

const quoteIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;

export async function openPostgresTarget(out: string, force: boolean): Promise<PostgresLoad> {
  let url: URL;
  try {
    url = new URL(out);
  } catch {
    throw demoUsage(`--out: not a valid PostgreSQL URL: ${out}`);
  }
  const shown = redactUrl(url);
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) throw demoUsage(`--out: schema name not allowed: ${schema}`);
  const client = new pg.Client({ connectionString: url.toString() });
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw demoTarget(`cannot connect to ${shown}: ${(e as Error).message}`, e);
  }
  let open = true;
  const abandon = async (): Promise<void> => {
    if (!open) return;
    open = false;
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
  };
  try {
    await client.query('BEGIN');
    if (schema !== undefined) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await client.query(`SET LOCAL search_path TO ${quoteIdent(schema)}`);
    }
    const where = (await client.query<{ s: string | null }>('SELECT current_schema() AS s')).rows[0]?.s;
    if (!where) throw demoTarget(`no schema to create the tables in at ${shown}`);
    const existing = (
      await client.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name = ANY($2) ORDER BY table_name',
        [where, OPS_TABLE_NAMES],
      )
    ).rows.map((r) => r.table_name);
    if (existing.length > 0) {
      if (!force) throw demoExists(`the tables ${existing.join(', ')} in schema ${where} of ${shown}`);
      for (const t of [...OPS_TABLE_NAMES].reverse()) await client.query(`DROP TABLE IF EXISTS ${quoteIdent(t)} CASCADE`);
    }
    await client.query(OPS_SCHEMA_TABLES_SQL);
  } catch (e) {
    await abandon();
    if (isOtcError(e)) throw e;
    throw demoTarget(`cannot prepare ${shown}: ${(e as Error).message}`, e);
  }

  const texts = new Map<string, string>();
  const insertText = (table: OpsTable, rows: number): string => {
    const key = `${table}:${rows}`;
    let t = texts.get(key);
    if (!t) {
      const cols = OPS_TABLES[table];
      const groups: string[] = [];
      let p = 1;
      for (let r = 0; r < rows; r++) groups.push(`(${cols.map(() => `$${p++}`).join(',')})`);
      t = `INSERT INTO ${table} (${cols.join(',')}) VALUES ${groups.join(',')}`;
      texts.set(key, t);
    }
    return t;
  };

  return {
    url: shown,
    sink: {
      async write(table, rows) {
        const per = Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMS / OPS_TABLES[table].length));
        for (let i = 0; i < rows.length; i += per) {
          const batch = rows.slice(i, i + per);
          const values: unknown[] = [];
          for (const r of batch) for (const v of r) values.push(v);
          await client.query({ text: insertText(table, batch.length), values });
        }
      },
    },
    async finish() {
      try {
        for (const sql of OPS_SCHEMA_INDEXES_SQL) await client.query(sql);
        await client.query('COMMIT');
        open = false;
        await client.end();
      } catch (e) {
        await abandon();
        throw demoTarget(`cannot finish loading ${shown}: ${(e as Error).message}`, e);
      }
    },
    abandon,
  };
}
