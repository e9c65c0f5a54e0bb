import sql from 'mssql';
import type { ResolvedOptions } from '../../../internal.js';
import type { MssqlTarget } from '../url.js';

/**
 * The mssql pool configuration: application intent read-only (routes to a readable secondary
 * where the server has one), READ COMMITTED, UTC dates, encryption as the URL says.
 */
export function mssqlPoolConfig(t: MssqlTarget, o: ResolvedOptions): sql.config {
  return {
    server: t.host,
    ...(t.instanceName ? {} : { port: t.port }),
    database: t.database,
    ...(t.domain
      ? { authentication: { type: 'ntlm', options: { userName: t.user, password: t.password, domain: t.domain } } }
      : { user: t.user, password: t.password }),
    connectionTimeout: o.connectTimeoutMs,
    requestTimeout: o.timeoutMs,
    pool: { max: 4, min: 0, idleTimeoutMillis: 30_000 },
    options: {
      encrypt: t.encrypt,
      trustServerCertificate: t.trustServerCertificate,
      readOnlyIntent: true,
      isolationLevel: sql.ISOLATION_LEVEL.READ_COMMITTED,
      useUTC: true,
      // The compiler quotes identifiers with double quotes.
      enableQuotedIdentifier: true,
      appName: 'otc-copilot',
      ...(t.instanceName ? { instanceName: t.instanceName } : {}),
    },
  } as sql.config;
}
