import sql from 'mssql';
import { sql as ksql, type RawBuilder } from 'kysely';
import { describe, expect, it } from 'vitest';
import { assembleTables } from '../../assemble.js';
import { resolveOpenOptions } from '../../internal.js';
import { mssqlDialect } from './dialect.js';
import { mssqlPoolConfig } from './driver/config.js';
import { converterFor } from './driver/values.js';
import { mssqlColumnsSql, mssqlForeignKeysSql, mssqlPrimaryKeysSql, mssqlTablesSql } from './introspector.js';
import { parseMssqlUrl } from './url.js';

const d = mssqlDialect;
const k = d.compiler();
const col = ksql.ref('trade_date');

describe('T-SQL compiler (SQL Server cannot be reached here: text is checked)', () => {
  it('inlines values: N-strings with doubled quotes, numbers, booleans as 1/0, null, dates as ISO', () => {
    const q = k
      .selectFrom('trades')
      .select(['trade_ref'])
      .where('status', '=', "O'Neil ünï 東京")
      .where('notional', '>', -1.25)
      .where('is_cleared', '=', true as never)
      .where('ccp', 'is', null)
      .where('created_at', '<', new Date('2026-11-20T10:00:00Z') as never)
      .compile();
    expect(q.parameters).toEqual([]);
    expect(q.sql).toBe(
      `select "trade_ref" from "trades" where "status" = N'O''Neil ünï 東京' and "notional" > -1.25 and "is_cleared" = 1 and "ccp" is null and "created_at" < N'2026-11-20T10:00:00.000Z'`,
    );
  });

  it('a backslash before a line break survives (T-SQL would read it as a line continuation)', () => {
    const q = k.selectNoFrom([ksql`${'C:\\dir\\\nnext\\\r\nlast'}`.as('s')]).compile();
    expect(q.sql).toBe(`select (N'C:\\dir\\' + N'\nnext\\' + N'\r\nlast') as "s"`);
  });

  it('.limit(n) becomes TOP (n), with ORDER BY kept at the end', () => {
    const q = k.selectFrom('trades').select(['trade_ref', 'notional_usd']).orderBy('notional_usd', 'desc').limit(5).compile();
    expect(q.sql).toBe('select top(5) "trade_ref", "notional_usd" from "trades" order by "notional_usd" desc');
    const distinct = k.selectFrom('trades').select('currency').distinct().orderBy('currency').limit(3).compile();
    expect(distinct.sql).toBe('select distinct top(3) "currency" from "trades" order by "currency"');
  });

  it('.limit with .offset becomes OFFSET … ROWS FETCH NEXT … ROWS ONLY, and needs ORDER BY', () => {
    const q = k.selectFrom('trades').select('trade_ref').orderBy('trade_id').limit(10).offset(20).compile();
    expect(q.sql).toBe('select "trade_ref" from "trades" order by "trade_id" offset 20 rows fetch next 10 rows only');
    expect(() => k.selectFrom('trades').select('trade_ref').limit(10).offset(20).compile()).toThrow(/ORDER BY/);
  });

  it('a limit in a subquery is TOP inside it', () => {
    const q = k
      .selectFrom((eb) => eb.selectFrom('trades').select('trade_id').orderBy('notional_usd', 'desc').limit(2).as('t'))
      .selectAll()
      .compile();
    expect(q.sql).toBe('select * from (select top(2) "trade_id" from "trades" order by "notional_usd" desc) as "t"');
  });

  it('date helpers', () => {
    const text = (e: RawBuilder<unknown>) => k.selectNoFrom([e.as('x')]).compile().sql;
    expect(text(d.dateLiteral('2026-11-20'))).toBe(`select CAST('2026-11-20' AS DATE) as "x"`);
    expect(text(d.dayBucket(col))).toBe(`select CONVERT(char(10), "trade_date", 23) as "x"`);
    expect(text(d.weekBucket(col))).toBe(
      `select CONVERT(char(10), DATEADD(day, -((DATEPART(weekday, "trade_date") + @@DATEFIRST - 2) % 7), CAST("trade_date" AS DATE)), 23) as "x"`,
    );
    expect(text(d.monthBucket(col))).toBe(`select CONVERT(char(7), "trade_date", 23) as "x"`);
    expect(text(d.daysBetween(col, ksql.ref('maturity_date')))).toBe(`select DATEDIFF(day, "trade_date", "maturity_date") as "x"`);
    expect(text(d.toFloat(ksql.ref('amount_usd')))).toBe(`select CAST("amount_usd" AS FLOAT) as "x"`);
    expect(() => d.dateLiteral("2026-02-30')--")).toThrow(expect.objectContaining({ code: 'OTC_ERR_BAD_DATE' }));
    expect(() => d.dateLiteral('2026-02-29')).toThrow(/calendar date/);
    expect(d.quoteIdentifier('we"ird')).toBe('"we""ird"');
  });
});

describe('SQL Server URL and connection settings', () => {
  it('parses mssql:// and sqlserver:// with secure defaults', () => {
    expect(parseMssqlUrl('mssql://ops%5Cro:p%40ss@sql01.bank.internal:1433/OtcOps?encrypt=true&trustServerCertificate=false')).toEqual({
      host: 'sql01.bank.internal',
      port: 1433,
      user: 'ops\\ro',
      password: 'p@ss',
      database: 'OtcOps',
      schema: 'dbo',
      encrypt: true,
      trustServerCertificate: false,
    });
    expect(parseMssqlUrl('sqlserver://u:p@h/db?trustServerCertificate=true&schema=ops&instanceName=SQLEXPRESS&domain=CORP')).toMatchObject({
      port: 1433,
      schema: 'ops',
      instanceName: 'SQLEXPRESS',
      domain: 'CORP',
      encrypt: true,
      trustServerCertificate: true,
    });
  });

  it('configures read-only intent, READ COMMITTED, UTC dates and the timeouts', () => {
    const cfg = mssqlPoolConfig(parseMssqlUrl('mssql://u:p@h:1444/db'), resolveOpenOptions({ timeoutMs: 1234, connectTimeoutMs: 4321 }));
    expect(cfg).toMatchObject({
      server: 'h',
      port: 1444,
      database: 'db',
      user: 'u',
      password: 'p',
      requestTimeout: 1234,
      connectionTimeout: 4321,
      options: { readOnlyIntent: true, isolationLevel: sql.ISOLATION_LEVEL.READ_COMMITTED, encrypt: true, trustServerCertificate: false, useUTC: true, enableQuotedIdentifier: true },
    });
    const ntlm = mssqlPoolConfig(parseMssqlUrl('mssql://u:p@h/db?domain=CORP'), resolveOpenOptions());
    expect(ntlm.authentication).toEqual({ type: 'ntlm', options: { userName: 'u', password: 'p', domain: 'CORP' } });
  });

  it('converts result values: DATE to YYYY-MM-DD, DATETIME2 to ISO text, BIGINT to a number', () => {
    const at = new Date('2026-11-20T00:00:00Z');
    expect(converterFor(sql.Date)(at)).toBe('2026-11-20');
    expect(converterFor(sql.DateTime2)(new Date('2026-11-20T10:15:30Z'))).toBe('2026-11-20T10:15:30');
    expect(converterFor(sql.DateTime2)(new Date('2026-11-20T10:15:30.250Z'))).toBe('2026-11-20T10:15:30.250');
    expect(converterFor(sql.DateTimeOffset)(at)).toBe('2026-11-20T00:00:00.000Z');
    expect(converterFor(sql.BigInt)('9007199254740991')).toBe(9007199254740991);
    expect(converterFor(sql.NVarChar)('x')).toBe('x');
    expect(converterFor(sql.Date)(null)).toBeNull();
  });
});

describe('SQL Server introspection', () => {
  it('catalog queries are T-SQL over sys.* and INFORMATION_SCHEMA for one schema', () => {
    expect(mssqlTablesSql('dbo')).toMatchSnapshot();
    expect(mssqlColumnsSql('dbo')).toMatchSnapshot();
    expect(mssqlPrimaryKeysSql('dbo')).toMatchSnapshot();
    expect(mssqlForeignKeysSql("o'ps")).toContain(`SCHEMA_NAME(tp.schema_id) = N'o''ps'`);
  });

  it('assembles catalog rows into tables with kinds, keys and row counts', () => {
    const tables = assembleTables(
      {
        tables: [['books', 21], ['trades', '20000']],
        columns: [
          ['books', 'book_id', 'int', 'NO'],
          ['books', 'book_code', 'nvarchar(20)', 'NO'],
          ['trades', 'trade_id', 'int', 'NO'],
          ['trades', 'book_id', 'int', 'NO'],
          ['trades', 'notional', 'decimal(20,2)', 'NO'],
          ['trades', 'fixed_rate', 'decimal(9,6)', 'YES'],
          ['trades', 'trade_date', 'date', 'NO'],
          ['trades', 'created_at', 'datetime2', 'NO'],
          ['trades', 'is_cleared', 'smallint', 'NO'],
          ['trades', 'flag', 'bit', 'YES'],
        ],
        primaryKeys: [['books', 'book_id'], ['trades', 'trade_id']],
        foreignKeys: [['trades', 'FK_trades_books', 'book_id', 'books', 'book_id']],
      },
      'dbo',
    );
    expect(tables.map((t) => [t.schema, t.name, t.rowCount, t.primaryKey])).toEqual([
      ['dbo', 'books', 21, ['book_id']],
      ['dbo', 'trades', 20000, ['trade_id']],
    ]);
    const trades = tables[1]!;
    expect(trades.foreignKeys).toEqual([{ columns: ['book_id'], refTable: 'books', refColumns: ['book_id'] }]);
    expect(trades.columns.map((c) => `${c.name}:${c.kind}:${c.nullable}`)).toEqual([
      'trade_id:integer:false',
      'book_id:integer:false',
      'notional:decimal:false',
      'fixed_rate:decimal:true',
      'trade_date:date:false',
      'created_at:timestamp:false',
      'is_cleared:integer:false',
      'flag:boolean:true',
    ]);
  });
});
