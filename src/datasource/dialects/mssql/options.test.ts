/**
 * SQL Server connection options banks need, and schemas other than dbo. No SQL Server runs on
 * these machines: the URL -> driver configuration mapping, the catalog SQL and the compiled
 * T-SQL are checked as text and through the guard; nothing here has met a real server.
 */
import { sql as ksql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { resolveOpenOptions } from '../../internal.js';
import { guardSql } from '../../../guard/index.js';
import { MssqlSqlDialect } from './dialect.js';
import { authenticationOf, mssqlPoolConfig } from './driver/config.js';
import { introspectMssql, mssqlTableSchemasSql, tableSchemaMap } from './introspector.js';
import { parseMssqlUrl, schemasOf } from './url.js';

const pool = (url: string) => mssqlPoolConfig(parseMssqlUrl(url), resolveOpenOptions());

describe('SQL Server URL options -> tedious configuration', () => {
  it('encrypt and trustServerCertificate: on and checked by default, as the URL says otherwise', () => {
    expect(pool('mssql://u:p@h/db').options).toMatchObject({ encrypt: true, trustServerCertificate: false });
    expect(pool('mssql://u:p@h/db?encrypt=false&trustServerCertificate=true').options).toMatchObject({ encrypt: false, trustServerCertificate: true });
    expect(() => parseMssqlUrl('mssql://u:p@h/db?encrypt=maybe')).toThrow(/not true or false/);
  });

  it('ApplicationIntent=ReadOnly by default (readOnlyIntent), ReadWrite when asked', () => {
    expect(pool('mssql://u:p@h/db').options?.readOnlyIntent).toBe(true);
    expect(pool('mssql://u:p@h/db?applicationIntent=ReadOnly').options?.readOnlyIntent).toBe(true);
    expect(pool('mssql://u:p@h/db?applicationIntent=readwrite').options?.readOnlyIntent).toBe(false);
    expect(() => parseMssqlUrl('mssql://u:p@h/db?applicationIntent=Fast')).toThrow(/ReadOnly or ReadWrite/);
  });

  it('SQL login by default; a domain (NTLM) login with ?domain=', () => {
    expect(authenticationOf(parseMssqlUrl('mssql://ro:pw@h/db'))).toEqual({ user: 'ro', password: 'pw' });
    expect(authenticationOf(parseMssqlUrl('mssql://svc_otc:pw@h/db?domain=CORP'))).toEqual({ authentication: { type: 'ntlm', options: { userName: 'svc_otc', password: 'pw', domain: 'CORP' } } });
    expect(authenticationOf(parseMssqlUrl('mssql://svc_otc:pw@h/db?authentication=ntlm&domain=CORP')).authentication?.type).toBe('ntlm');
    expect(() => parseMssqlUrl('mssql://u:p@h/db?authentication=ntlm')).toThrow(/needs \?domain=/);
    expect(() => parseMssqlUrl('mssql://u:p@h/db?authentication=azure-active-directory-default&domain=CORP')).toThrow(/ntlm only/);
  });

  it('Entra ID: service principal with secret (client id as user, secret as password, tenant)', () => {
    const t = parseMssqlUrl('mssql://11111111-2222-3333-4444-555555555555:s%3Acret@otc.database.windows.net/OtcOps?authentication=azure-active-directory-service-principal-secret&tenantId=contoso.onmicrosoft.com');
    expect(authenticationOf(t)).toEqual({
      authentication: { type: 'azure-active-directory-service-principal-secret', options: { clientId: '11111111-2222-3333-4444-555555555555', clientSecret: 's:cret', tenantId: 'contoso.onmicrosoft.com' } },
    });
    expect(() => parseMssqlUrl('mssql://cid:sec@h/db?authentication=azure-active-directory-service-principal-secret')).toThrow(/tenantId/);
  });

  it('Entra ID: managed identity (VM, App Service) and DefaultAzureCredential need no user; ?clientId= picks a user-assigned identity', () => {
    expect(authenticationOf(parseMssqlUrl('mssql://h/db?authentication=azure-active-directory-msi-vm'))).toEqual({ authentication: { type: 'azure-active-directory-msi-vm', options: {} } });
    expect(authenticationOf(parseMssqlUrl('mssql://h/db?authentication=azure-active-directory-msi-vm&clientId=abc'))).toEqual({ authentication: { type: 'azure-active-directory-msi-vm', options: { clientId: 'abc' } } });
    expect(authenticationOf(parseMssqlUrl('mssql://h/db?authentication=azure-active-directory-msi-app-service')).authentication?.type).toBe('azure-active-directory-msi-app-service');
    expect(authenticationOf(parseMssqlUrl('mssql://h/db?authentication=azure-active-directory-default&clientId=wid'))).toEqual({ authentication: { type: 'azure-active-directory-default', options: { clientId: 'wid' } } });
    const cfg = pool('mssql://h/db?authentication=azure-active-directory-default');
    expect(cfg.user).toBeUndefined();
    expect(cfg.password).toBeUndefined();
    expect(() => parseMssqlUrl('mssql://h/db')).toThrow(/names no user/);
    expect(() => parseMssqlUrl('mssql://u:p@h/db?authentication=kerberos')).toThrow(/is not one of sql, ntlm, azure-active-directory-service-principal-secret/);
  });

  it('schemas: dbo by default, one other, or several in order; plain identifiers only', () => {
    expect(schemasOf(parseMssqlUrl('mssql://u:p@h/db'))).toEqual(['dbo']);
    expect(parseMssqlUrl('mssql://u:p@h/db?schema=ops')).toMatchObject({ schema: 'ops' });
    const t = parseMssqlUrl('mssql://u:p@h/db?schema=ops,ref');
    expect([t.schema, schemasOf(t)]).toEqual(['ops', ['ops', 'ref']]);
    expect(() => parseMssqlUrl('mssql://u:p@h/db?schema=ops,x]')).toThrow(/plain identifier/);
    expect(() => parseMssqlUrl('mssql://u:p@h/db?schema=ops,OPS')).toThrow(/twice/);
  });
});

describe('several schemas: introspection and qualified table names', () => {
  it('the table -> schema query lists the schemas as N-literals; the first schema of the URL wins a name', () => {
    expect(mssqlTableSchemasSql(['ops', "r'ef"])).toBe(`SELECT s.name, t.name
FROM sys.tables t
JOIN sys.schemas s ON s.schema_id = t.schema_id
WHERE s.name IN (N'ops', N'r''ef') AND t.is_ms_shipped = 0
ORDER BY s.name, t.name`);
    const map = tableSchemaMap([['ref', 'books'], ['ops', 'trades'], ['ref', 'Trades'], ['ops', 'books_audit']], ['ops', 'ref']);
    expect([...map]).toEqual([['trades', 'ops'], ['books_audit', 'ops'], ['books', 'ref']]);
  });

  it('introspects every schema with its own catalog queries and tags each table with its schema', async () => {
    const seen: string[] = [];
    const run = async (text: string) => {
      seen.push(text);
      const schema = /N'([a-z]+)'/.exec(text)![1]!;
      const table = schema === 'ops' ? 'trades' : 'books';
      if (text.startsWith('SELECT t.name, SUM')) return [[table, 10]];
      if (text.includes('INFORMATION_SCHEMA.COLUMNS')) return [[table, `${table}_id`, 'int', 'NO']];
      if (text.includes('is_primary_key')) return [[table, `${table}_id`]];
      return [];
    };
    const tables = await introspectMssql(run, ['ops', 'ref']);
    expect(tables.map((t) => `${t.schema}.${t.name}:${t.primaryKey.join(',')}`)).toEqual(['ops.trades:trades_id', 'ref.books:books_id']);
    expect(seen).toHaveLength(8);
    expect(seen.filter((s) => s.includes("N'ref'"))).toHaveLength(4);
  });

  it('the compiler writes "schema"."table" in FROM and JOIN for tables outside dbo, leaves column references, aliases and unknown names (CTEs) alone, and the guard accepts it', async () => {
    const d = new MssqlSqlDialect(new Map([['trades', 'ops'], ['books', 'ref']]));
    const text = d
      .compiler()
      .with('recent', (db) => db.selectFrom('trades').select(['trade_id', 'book_id']).where('trade_date', '>=', d.dateLiteral('2026-11-01')))
      .selectFrom('recent')
      .innerJoin('books as b', 'b.book_id', 'recent.book_id')
      .innerJoin('trades', 'trades.trade_id', 'recent.trade_id')
      .select(['b.book_code', ksql`count(*)`.as('n')])
      .groupBy('b.book_code')
      .compile().sql;
    expect(text).toBe(
      `with "recent" as (select "trade_id", "book_id" from "ops"."trades" where "trade_date" >= CAST('2026-11-01' AS DATE)) select "b"."book_code", count(*) as "n" from "recent" inner join "ref"."books" as "b" on "b"."book_id" = "recent"."book_id" inner join "ops"."trades" on "trades"."trade_id" = "recent"."trade_id" group by "b"."book_code"`,
    );
    const allowedTables = new Map<string, Set<string> | '*'>([
      ['ops.trades', new Set(['trade_id', 'book_id', 'trade_date'])],
      ['trades', new Set(['trade_id', 'book_id', 'trade_date'])],
      ['ref.books', new Set(['book_id', 'book_code'])],
      ['books', new Set(['book_id', 'book_code'])],
    ]);
    const v = await guardSql(text, 'mssql', { allowedTables, maxRows: 100 });
    expect(v.ok, JSON.stringify(v)).toBe(true);
    // the shared dialect (dbo only) still writes bare names
    expect(new MssqlSqlDialect().compiler().selectFrom('trades').select('trade_id').compile().sql).toBe('select "trade_id" from "trades"');
  });
});
