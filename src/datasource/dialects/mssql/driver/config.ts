import sql from 'mssql';
import type { ResolvedOptions } from '../../../internal.js';
import type { MssqlTarget } from '../url.js';

/** The login as tedious takes it (mssql passes `authentication` through). */
export function authenticationOf(t: MssqlTarget): Pick<sql.config, 'user' | 'password' | 'authentication'> {
  const clientId = t.clientId ? { clientId: t.clientId } : {};
  switch (t.authentication ?? (t.domain ? 'ntlm' : 'sql')) {
    case 'ntlm':
      return { authentication: { type: 'ntlm', options: { userName: t.user, password: t.password, domain: t.domain ?? '' } } };
    case 'azure-active-directory-service-principal-secret':
      return { authentication: { type: 'azure-active-directory-service-principal-secret', options: { clientId: t.user, clientSecret: t.password, tenantId: t.tenantId ?? '' } } };
    case 'azure-active-directory-msi-vm':
      return { authentication: { type: 'azure-active-directory-msi-vm', options: clientId } };
    case 'azure-active-directory-msi-app-service':
      return { authentication: { type: 'azure-active-directory-msi-app-service', options: clientId } };
    case 'azure-active-directory-default':
      return { authentication: { type: 'azure-active-directory-default', options: clientId } };
    default:
      return { user: t.user, password: t.password };
  }
}

/**
 * The mssql pool configuration: application intent read-only (routes to a readable secondary
 * where the server has one), READ COMMITTED, UTC dates, encryption as the URL says.
 */
export function mssqlPoolConfig(t: MssqlTarget, o: ResolvedOptions): sql.config {
  return {
    server: t.host,
    ...(t.instanceName ? {} : { port: t.port }),
    database: t.database,
    ...authenticationOf(t),
    connectionTimeout: o.connectTimeoutMs,
    requestTimeout: o.timeoutMs,
    pool: { max: 4, min: 0, idleTimeoutMillis: 30_000 },
    options: {
      encrypt: t.encrypt,
      trustServerCertificate: t.trustServerCertificate,
      readOnlyIntent: t.readOnlyIntent ?? true,
      isolationLevel: sql.ISOLATION_LEVEL.READ_COMMITTED,
      useUTC: true,
      // The compiler quotes identifiers with double quotes.
      enableQuotedIdentifier: true,
      appName: 'otc-copilot',
      ...(t.instanceName ? { instanceName: t.instanceName } : {}),
    },
  } as sql.config;
}
