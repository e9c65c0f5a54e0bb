import { badUrl } from '../../errors.js';
import { redactUrl } from '../../redact.js';

export interface PostgresTarget {
  /** The URL pg connects with (the `schema` parameter removed). */
  connectionString: string;
  host: string;
  port: number;
  user: string;
  database: string;
  schema: string;
}

const SIMPLE_IDENT = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

/** `postgres://user:pass@host:5432/db?schema=x&sslmode=require` (also postgresql://). */
export function parsePostgresUrl(url: string): PostgresTarget {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw badUrl(`"${redactUrl(url)}" is not a valid PostgreSQL URL`, 'use postgres://user:password@host:5432/database');
  }
  if (!/^postgres(ql)?:$/i.test(u.protocol)) throw badUrl(`"${redactUrl(url)}" is not a PostgreSQL URL`);
  const hostParam = u.searchParams.get('host');
  if (!u.hostname && !hostParam) throw badUrl(`the PostgreSQL URL "${redactUrl(url)}" names no host`, 'use postgres://user:password@host:5432/database');
  let database: string;
  try {
    database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  } catch {
    throw badUrl(`the database name in "${redactUrl(url)}" is not valid URL encoding`);
  }
  if (database.includes('/')) throw badUrl(`the PostgreSQL URL "${redactUrl(url)}" has a path, not a database name`);
  const schema = u.searchParams.get('schema') ?? 'public';
  if (!SIMPLE_IDENT.test(schema)) throw badUrl(`the schema "${schema}" in "${redactUrl(url)}" is not a plain identifier`);
  u.searchParams.delete('schema');
  const user = decodeURIComponent(u.username);
  return {
    connectionString: u.toString(),
    host: u.hostname || hostParam || '',
    port: u.port ? Number(u.port) : 5432,
    user,
    database: database || user,
    schema,
  };
}
