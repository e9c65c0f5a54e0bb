import { OtcError } from '../shared/errors.js';

/** A parsed database URL of the application's own stores (app store, audit log). */
export type DbTarget =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; connectionString: string; display: string; schema?: string };

/**
 * Parses `sqlite:PATH` (also `sqlite://PATH`, `sqlite::memory:`) or `postgres://…` /
 * `postgresql://…`. A PostgreSQL URL may carry `?schema=NAME` to keep the tables in their own
 * schema. Throws `makeError(message)` for anything else; messages never contain a password.
 */
export function parseDbUrl(url: string, makeError: (message: string) => OtcError): DbTarget {
  const raw = (url ?? '').trim();
  if (!raw) throw makeError('the database URL is empty');
  if (/^sqlite:/i.test(raw)) {
    let path = raw.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2);
    if (!path) throw makeError('the SQLite URL has no file path (expected sqlite:/path/to/file.db)');
    return { kind: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//i.test(raw)) {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw makeError('the PostgreSQL URL is not a valid URL (expected postgres://user@host:5432/dbname)');
    }
    if (!u.hostname && !u.searchParams.get('host')) throw makeError('the PostgreSQL URL has no host');
    const schema = u.searchParams.get('schema') ?? undefined;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw makeError(`the PostgreSQL URL's schema "${schema}" is not a plain lower-case identifier`);
    }
    u.searchParams.delete('schema');
    return { kind: 'postgres', connectionString: u.toString(), display: displayPgUrl(u), ...(schema ? { schema } : {}) };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1];
  throw makeError(scheme ? `unsupported database URL scheme "${scheme}:" (expected sqlite: or postgres://)` : 'the database URL has no scheme (expected sqlite:PATH or postgres://…)');
}

/** host:port/dbname, never the user's password. */
export function displayPgUrl(u: URL): string {
  const port = u.port || '5432';
  return `${u.hostname || u.searchParams.get('host') || 'localhost'}:${port}${u.pathname || '/'}`;
}

/** Removes any password that a driver error message might echo back. */
export function scrubSecrets(message: string, connectionString: string): string {
  let out = message;
  try {
    const pw = new URL(connectionString).password;
    if (pw) out = out.split(pw).join('***').split(decodeURIComponent(pw)).join('***');
  } catch {
    /* not a URL: nothing to scrub */
  }
  return out.replace(/(postgres(?:ql)?:\/\/[^:@/\s]+):[^@\s]+@/gi, '$1:***@');
}
