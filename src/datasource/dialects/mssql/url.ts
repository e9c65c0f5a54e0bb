import { badUrl } from '../../errors.js';
import { redactUrl } from '../../redact.js';

export interface MssqlTarget {
  host: string;
  port: number;
  /** Named instance (`?instanceName=X`); the port is then found by the SQL Browser unless given. */
  instanceName?: string;
  user: string;
  password: string;
  /** NTLM domain (`?domain=CORP`) for Windows logins. */
  domain?: string;
  database: string;
  schema: string;
  encrypt: boolean;
  trustServerCertificate: boolean;
}

const SIMPLE_IDENT = /^[A-Za-z_][A-Za-z0-9_$#@]{0,127}$/;

function bool(v: string | null, dflt: boolean, name: string, url: string): boolean {
  if (v === null) return dflt;
  if (/^(true|1|yes)$/i.test(v)) return true;
  if (/^(false|0|no)$/i.test(v)) return false;
  throw badUrl(`"${name}=${v}" in "${redactUrl(url)}" is not true or false`);
}

/**
 * `mssql://user:pass@host:1433/db?encrypt=true&trustServerCertificate=false&schema=dbo`
 * (also sqlserver://). Encryption is on and the server certificate checked unless the URL says otherwise.
 */
export function parseMssqlUrl(url: string): MssqlTarget {
  const hint = 'use mssql://user:password@host:1433/database?encrypt=true';
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw badUrl(`"${redactUrl(url)}" is not a valid SQL Server URL`, hint);
  }
  if (!/^(mssql|sqlserver):$/i.test(u.protocol)) throw badUrl(`"${redactUrl(url)}" is not a SQL Server URL`, hint);
  if (!u.hostname) throw badUrl(`the SQL Server URL "${redactUrl(url)}" names no host`, hint);
  if (u.pathname.includes(';') || u.host.includes(';')) {
    throw badUrl(`"${redactUrl(url)}" looks like a JDBC/ADO connection string, not a URL`, hint);
  }
  if (!u.username) throw badUrl(`the SQL Server URL "${redactUrl(url)}" names no user`, hint);
  let database: string;
  let user: string;
  let password: string;
  try {
    database = decodeURIComponent(u.pathname.replace(/^\//, ''));
    user = decodeURIComponent(u.username);
    password = decodeURIComponent(u.password);
  } catch {
    throw badUrl(`"${redactUrl(url)}" has invalid URL encoding`, hint);
  }
  if (!database || database.includes('/')) throw badUrl(`the SQL Server URL "${redactUrl(url)}" names no database`, hint);
  const schema = u.searchParams.get('schema') ?? 'dbo';
  if (!SIMPLE_IDENT.test(schema)) throw badUrl(`the schema "${schema}" in "${redactUrl(url)}" is not a plain identifier`);
  const instanceName = u.searchParams.get('instanceName') ?? undefined;
  const domain = u.searchParams.get('domain') ?? undefined;
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 1433,
    ...(instanceName ? { instanceName } : {}),
    user,
    password,
    ...(domain ? { domain } : {}),
    database,
    schema,
    encrypt: bool(u.searchParams.get('encrypt'), true, 'encrypt', url),
    trustServerCertificate: bool(u.searchParams.get('trustServerCertificate'), false, 'trustServerCertificate', url),
  };
}
