import { badUrl } from '../../errors.js';
import { redactUrl } from '../../redact.js';

/** Login kinds tedious supports that a URL can name (`?authentication=…`). */
export const MSSQL_AUTHENTICATIONS = [
  'sql', // SQL Server login: user and password of the URL
  'ntlm', // Windows (domain) login: user, password and ?domain=
  'azure-active-directory-service-principal-secret', // Entra ID app: user = client id, password = client secret, ?tenantId=
  'azure-active-directory-msi-vm', // Entra ID managed identity on a VM (?clientId= for a user-assigned one)
  'azure-active-directory-msi-app-service', // Entra ID managed identity in App Service / Functions
  'azure-active-directory-default', // Entra ID through DefaultAzureCredential (environment, workload identity, managed identity, az login)
] as const;
export type MssqlAuthentication = (typeof MSSQL_AUTHENTICATIONS)[number];

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
  /** The first of `schemas`: where an unqualified name is looked for first. */
  schema: string;
  /** `?schema=ops` or `?schema=ops,ref` (default dbo): the schemas introspected and queried. */
  schemas?: string[];
  encrypt: boolean;
  trustServerCertificate: boolean;
  /** `?authentication=` (default sql; ntlm when ?domain= is given). */
  authentication?: MssqlAuthentication;
  /** Entra ID tenant (`?tenantId=`), for the service principal. */
  tenantId?: string;
  /** Entra ID client id of a user-assigned managed identity or of DefaultAzureCredential (`?clientId=`). */
  clientId?: string;
  /** `?applicationIntent=ReadOnly` (default) routes to a readable secondary of an availability group; ReadWrite turns that off. */
  readOnlyIntent?: boolean;
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
 * (also sqlserver://). Encryption is on and the server certificate checked unless the URL says
 * otherwise; application intent is ReadOnly unless `applicationIntent=ReadWrite`. Other
 * parameters: `schema=ops,ref` (several schemas), `instanceName=`, `domain=` (NTLM),
 * `authentication=` (MSSQL_AUTHENTICATIONS) with `tenantId=` / `clientId=` for Entra ID.
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
  const authParam = u.searchParams.get('authentication') ?? undefined;
  if (authParam !== undefined && !(MSSQL_AUTHENTICATIONS as readonly string[]).includes(authParam)) {
    throw badUrl(`"authentication=${authParam}" in "${redactUrl(url)}" is not one of ${MSSQL_AUTHENTICATIONS.join(', ')}`);
  }
  const domain = u.searchParams.get('domain') ?? undefined;
  const authentication = (authParam ?? (domain ? 'ntlm' : 'sql')) as MssqlAuthentication;
  if (domain && authentication !== 'ntlm') throw badUrl(`"domain=" in "${redactUrl(url)}" is for authentication=ntlm only`);
  if (authentication === 'ntlm' && !domain) throw badUrl(`authentication=ntlm in "${redactUrl(url)}" needs ?domain=`);
  const needsUser = authentication === 'sql' || authentication === 'ntlm' || authentication === 'azure-active-directory-service-principal-secret';
  if (needsUser && !u.username) throw badUrl(`the SQL Server URL "${redactUrl(url)}" names no user`, hint);
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
  const schemas = (u.searchParams.get('schema') ?? 'dbo').split(',').map((x) => x.trim());
  for (const schema of schemas) {
    if (!SIMPLE_IDENT.test(schema)) throw badUrl(`the schema "${schema}" in "${redactUrl(url)}" is not a plain identifier`);
  }
  if (new Set(schemas.map((x) => x.toLowerCase())).size !== schemas.length) throw badUrl(`"${redactUrl(url)}" names a schema twice`);
  const tenantId = u.searchParams.get('tenantId') ?? undefined;
  if (authentication === 'azure-active-directory-service-principal-secret' && (!tenantId || !password)) {
    throw badUrl(`authentication=${authentication} in "${redactUrl(url)}" needs the client id as user, the client secret as password and ?tenantId=`);
  }
  const clientId = u.searchParams.get('clientId') ?? undefined;
  const intent = u.searchParams.get('applicationIntent') ?? 'ReadOnly';
  if (!/^(ReadOnly|ReadWrite)$/i.test(intent)) throw badUrl(`"applicationIntent=${intent}" in "${redactUrl(url)}" is not ReadOnly or ReadWrite`);
  const instanceName = u.searchParams.get('instanceName') ?? undefined;
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 1433,
    ...(instanceName ? { instanceName } : {}),
    user,
    password,
    ...(domain ? { domain } : {}),
    database,
    schema: schemas[0]!,
    ...(schemas.length > 1 ? { schemas } : {}),
    encrypt: bool(u.searchParams.get('encrypt'), true, 'encrypt', url),
    trustServerCertificate: bool(u.searchParams.get('trustServerCertificate'), false, 'trustServerCertificate', url),
    ...(authParam ? { authentication } : {}),
    ...(tenantId ? { tenantId } : {}),
    ...(clientId ? { clientId } : {}),
    ...(/^ReadWrite$/i.test(intent) ? { readOnlyIntent: false } : {}),
  };
}

/** The schemas of a target, in the URL's order. */
export const schemasOf = (t: MssqlTarget): string[] => t.schemas ?? [t.schema];
