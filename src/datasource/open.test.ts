import { describe, expect, it } from 'vitest';
import { dialectFor, dialectOfUrl, openDatasource, redactUrl } from './index.js';
import { kindOfType } from './kind.js';

describe('openDatasource: URL forms and errors', () => {
  it('maps every URL form to its dialect through the registry', () => {
    expect(dialectOfUrl('sqlite:/data/ops.db')).toBe('sqlite');
    expect(dialectOfUrl('sqlite:///data/ops.db')).toBe('sqlite');
    expect(dialectOfUrl('data/ops.sqlite')).toBe('sqlite');
    expect(dialectOfUrl('/data/ops.db')).toBe('sqlite');
    expect(dialectOfUrl('postgres://u:p@h:5432/d')).toBe('postgres');
    expect(dialectOfUrl('postgresql://u@h/d')).toBe('postgres');
    expect(dialectOfUrl('mssql://u:p@h:1433/d?encrypt=true&trustServerCertificate=false')).toBe('mssql');
    expect(dialectOfUrl('sqlserver://u:p@h/d')).toBe('mssql');
  });

  it('refuses malformed or unknown URLs with OTC_ERR_BAD_DATASOURCE_URL, without the password', async () => {
    for (const bad of ['', '   ', 'mysql://u:Pw9@h/d', 'just some text', 'postgres://u:Pw9@', 'mssql://u:Pw9@h:1433', 'mssql://h:1433/d', 'sqlserver://h:1433;databaseName=d', 'mssql://u:Pw9@h/d?encrypt=maybe']) {
      const err = await openDatasource(bad).catch((e: unknown) => e);
      expect(err, bad).toMatchObject({ code: 'OTC_ERR_BAD_DATASOURCE_URL' });
      expect(String((err as Error).message)).not.toContain('Pw9');
    }
  });

  it('an unreachable PostgreSQL server is OTC_ERR_DATASOURCE_UNREACHABLE naming host:port, not the password', async () => {
    const err = await openDatasource('postgres://ops:Top-Secret-1@127.0.0.1:1/otc', { connectTimeoutMs: 3000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'OTC_ERR_DATASOURCE_UNREACHABLE', message: expect.stringContaining('127.0.0.1:1') });
    expect(JSON.stringify(err)).not.toContain('Top-Secret-1');
    expect(String((err as Error).message)).not.toContain('Top-Secret-1');
  });

  it('an unreachable SQL Server is OTC_ERR_DATASOURCE_UNREACHABLE naming host:port, not the password', async () => {
    const err = await openDatasource('mssql://ops:Top-Secret-1@127.0.0.1:1/otc', { connectTimeoutMs: 3000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'OTC_ERR_DATASOURCE_UNREACHABLE', message: expect.stringContaining('127.0.0.1:1') });
    expect(String((err as Error).message)).not.toContain('Top-Secret-1');
  });

  it('refuses options that are not positive integers', async () => {
    await expect(openDatasource('sqlite:/nope.db', { maxRows: 0 })).rejects.toThrow(/maxRows/);
  });
});

describe('redactUrl', () => {
  it('removes passwords from the authority and from query parameters', () => {
    expect(redactUrl('postgres://ops:s3cr%40t@db:5432/otc')).toBe('postgres://ops:***@db:5432/otc');
    expect(redactUrl('mssql://sa:p@ss:w0rd@host:1433/db?encrypt=true')).toBe('mssql://sa:***@host:1433/db?encrypt=true');
    expect(redactUrl('postgres://db/otc?user=a&password=x&sslmode=require')).toBe('postgres://db/otc?user=a&password=***&sslmode=require');
    expect(redactUrl('postgres://ops@db/otc')).toBe('postgres://ops@db/otc');
    expect(redactUrl('sqlite:/data/ops.db')).toBe('sqlite:/data/ops.db');
    expect(redactUrl('Server=h;User Id=u;Password=hunter2;')).not.toContain('hunter2');
  });
});

describe('dialectFor and portable kinds', () => {
  it('gives each dialect by name, compile-only', () => {
    expect(dialectFor('sqlite').displayName).toBe('SQLite');
    expect(dialectFor('postgres').displayName).toBe('PostgreSQL');
    expect(dialectFor('mssql').displayName).toBe('Microsoft SQL Server');
    expect(dialectFor('mssql').compiler().selectFrom('t').select('a').compile().sql).toBe('select "a" from "t"');
  });

  it('maps database type names to portable kinds', () => {
    const cases: [string, string][] = [
      ['VARCHAR(40)', 'text'], ['CHAR(3)', 'text'], ['TEXT', 'text'], ['nvarchar(max)', 'text'], ['character varying(20)', 'text'],
      ['INTEGER', 'integer'], ['SMALLINT', 'integer'], ['bigint', 'integer'], ['tinyint', 'integer'],
      ['DECIMAL(20,2)', 'decimal'], ['numeric(9,6)', 'decimal'], ['REAL', 'decimal'], ['float', 'decimal'], ['double precision', 'decimal'], ['money', 'decimal'],
      ['DATE', 'date'], ['TIMESTAMP', 'timestamp'], ['datetime2', 'timestamp'], ['timestamp with time zone', 'timestamp'], ['datetimeoffset', 'timestamp'],
      ['BIT', 'boolean'], ['boolean', 'boolean'], ['uniqueidentifier', 'other'], ['bytea', 'other'], ['', 'other'],
    ];
    for (const [t, k] of cases) expect(kindOfType(t), t).toBe(k);
  });
});
