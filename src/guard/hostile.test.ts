import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { devPolicy } from './dev-policy.test-fixture.js';
import { guardSql, type GuardDialect } from './index.js';

/**
 * Hostile texts, per dialect: generated families (every write/admin payload stacked, hidden in
 * strings, comments, CTEs and subqueries, and every dangerous function in every position) plus
 * hand-written ones. All must be refused — with and without a table allow-list.
 */

const WRITES = [
  'DELETE FROM trades',
  "UPDATE trades SET status = 'Cancelled'",
  'INSERT INTO trades (trade_id) VALUES (1)',
  'DROP TABLE trades',
  'CREATE TABLE x (a int)',
  'ALTER TABLE trades ADD COLUMN x int',
  'CREATE VIEW v AS SELECT * FROM trades',
  'CREATE INDEX i ON trades (status)',
  'DROP VIEW v',
];

const PAYLOADS: Record<GuardDialect, string[]> = {
  sqlite: [
    ...WRITES,
    "ATTACH DATABASE '/tmp/evil.db' AS evil",
    'DETACH DATABASE evil',
    'PRAGMA writable_schema = 1',
    'PRAGMA table_info(trades)',
    'VACUUM',
    "VACUUM INTO '/tmp/copy.db'",
    'REINDEX',
    'ANALYZE',
    'BEGIN',
    'BEGIN IMMEDIATE',
    'COMMIT',
    'ROLLBACK',
    'SAVEPOINT s',
    'REPLACE INTO trades (trade_id) VALUES (1)',
    'CREATE TRIGGER tr AFTER INSERT ON trades BEGIN DELETE FROM trades; END',
  ],
  postgres: [
    ...WRITES,
    'TRUNCATE trades',
    "COPY trades TO '/tmp/trades.csv'",
    "COPY (SELECT 1) TO PROGRAM 'id'",
    "COPY trades FROM '/etc/passwd'",
    'CALL refresh_everything()',
    'DO $$ BEGIN PERFORM pg_sleep(10); END $$',
    'LISTEN ch',
    "NOTIFY ch, 'x'",
    'SET ROLE postgres',
    "SET statement_timeout = 0",
    'RESET ALL',
    'GRANT ALL ON trades TO PUBLIC',
    'REVOKE SELECT ON trades FROM PUBLIC',
    'VACUUM FULL trades',
    'ANALYZE trades',
    'REINDEX TABLE trades',
    'CREATE EXTENSION dblink',
    "LOAD 'plpgsql'",
    'BEGIN',
    'COMMIT',
    'ROLLBACK',
    'START TRANSACTION READ WRITE',
    'PREPARE p AS DELETE FROM trades',
    'EXECUTE p',
    'DECLARE c CURSOR FOR SELECT * FROM trades',
    'LOCK TABLE trades IN ACCESS EXCLUSIVE MODE',
    'EXPLAIN ANALYZE DELETE FROM trades',
    'CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql',
    'ALTER SYSTEM SET fsync = off',
  ],
  mssql: [
    ...WRITES,
    'TRUNCATE TABLE trades',
    "EXEC xp_cmdshell 'whoami'",
    "EXECUTE sp_executesql N'DELETE FROM trades'",
    "EXEC('DELETE FROM trades')",
    'EXEC sp_configure',
    "WAITFOR DELAY '0:0:10'",
    'DECLARE @x int',
    'SET NOCOUNT ON',
    'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE',
    'USE master',
    'GRANT SELECT ON trades TO PUBLIC',
    'DENY SELECT ON trades TO PUBLIC',
    "BULK INSERT trades FROM 'c:\\x.csv'",
    'SHUTDOWN',
    'KILL 52',
    "BACKUP DATABASE ops TO DISK = 'c:\\x.bak'",
    'DBCC CHECKDB',
    'RECONFIGURE',
    'BEGIN TRANSACTION',
    'COMMIT',
    'ROLLBACK',
    "MERGE trades AS t USING (SELECT 1 AS id) s ON t.trade_id = s.id WHEN MATCHED THEN DELETE;",
    "RAISERROR('x', 16, 1)",
    'PRINT 1',
    'THROW 50000, N\'x\', 1',
  ],
};

const FUNCTIONS: Record<GuardDialect, string[]> = {
  sqlite: ["load_extension('/tmp/evil.so')", "readfile('/etc/passwd')", "writefile('/tmp/x', 'y')", "fts3_tokenizer('simple')", 'sqlite_version()', 'randomblob(1000000000)', 'zeroblob(1000000000)', "sqlite_compileoption_get(0)", 'changes()', 'last_insert_rowid()', "edit('x')", 'sqlite_source_id()'],
  postgres: ['pg_sleep(10)', "pg_read_file('/etc/passwd')", "pg_read_binary_file('x')", "pg_ls_dir('.')", "lo_import('/etc/passwd')", "lo_export(1, '/tmp/x')", "dblink('host=evil', 'SELECT 1')", "dblink_exec('DELETE FROM trades')", "set_config('role', 'postgres', false)", "current_setting('data_directory')", 'pg_terminate_backend(1)', 'pg_reload_conf()', 'version()', "nextval('s')", "query_to_xml('DELETE FROM trades', true, true, '')", 'pg_catalog.pg_sleep(1)', 'pg_advisory_lock(1)'],
  mssql: ["xp_cmdshell('dir')", "xp_dirtree('\\\\evil\\share')", 'SUSER_SNAME()', 'DB_NAME()', 'HOST_NAME()', 'HAS_DBACCESS(1)', 'NEWID()', "OBJECT_ID('trades')", "sys.fn_varbintohexstr(0x01)", "dbo.f(1)", 'master.dbo.fn_x()', 'USER_NAME()'],
};

const CATALOGS: Record<GuardDialect, string[]> = {
  sqlite: ['sqlite_master', 'sqlite_schema', 'sqlite_temp_master', 'main.sqlite_master', 'sqlite_sequence', "pragma_table_info('trades')", 'pragma_database_list', 'temp.trades', 'evil.trades', "json_each('[1]')", 'dbstat'],
  postgres: ['pg_catalog.pg_tables', 'pg_shadow', 'pg_authid', 'pg_user', 'information_schema.tables', 'pg_stat_activity', 'pg_settings', '"pg_catalog"."pg_class"', 'pg_roles', 'otherdb.public.trades', 'generate_series(1, 10)', "pg_ls_dir('.') AS f(n)", "dblink('x', 'SELECT 1') AS t(a int)", 'INFORMATION_SCHEMA.COLUMNS'],
  mssql: ['sys.objects', 'sys.sql_logins', 'INFORMATION_SCHEMA.TABLES', 'master..sysdatabases', 'master.dbo.sysdatabases', 'msdb.dbo.backupset', 'sysobjects', 'LinkedSrv.ops.dbo.trades', "OPENQUERY(LinkedSrv, 'SELECT 1')", "OPENROWSET('SQLNCLI', 'Server=evil;', 'SELECT 1') AS r", "OPENDATASOURCE('SQLNCLI', 'Data Source=evil').ops.dbo.trades", '[sys].[objects]', '#tmp', "OPENJSON(N'[1]')", 'sys.dm_exec_sessions'],
};

function hostile(dialect: GuardDialect): string[] {
  const out: string[] = [];
  const payloads = PAYLOADS[dialect];
  for (const p of payloads) {
    out.push(p); // alone
    out.push(`SELECT 1; ${p}`); // stacked
    out.push(`SELECT trade_id FROM trades;${p};`);
    out.push(`SELECT 'x\\'; ${p}; --'`); // the backslash trick
    out.push(`SELECT 1 -- comment\r; ${p}`); // CR ends the line comment
    out.push(`SELECT 1 /* a /* b */ ; ${p} --`); // nested comment counted differently
  }
  for (const w of payloads.slice(0, 4)) {
    out.push(`  sElEcT\t1\n;\n\t${w.toLowerCase()}`); // case and whitespace
    out.push(`SELECT 1\u00a0; ${w}`); // non-breaking space
    out.push(`SELECT 1\u200b; ${w}`); // zero-width space
    out.push(`SELECT 1\uff1b ${w}`); // fullwidth semicolon
    out.push(`SELECT 1\0; ${w}`); // NUL byte
  }
  for (const f of FUNCTIONS[dialect]) {
    out.push(`SELECT ${f}`);
    out.push(`SELECT trade_id FROM trades WHERE status = ${f}`);
    out.push(`SELECT COALESCE(UPPER(CAST(${f} AS varchar(10))), 'x') FROM trades`);
    out.push(`SELECT trade_id FROM trades ORDER BY CASE WHEN trade_id > 0 THEN ${f} END`);
    out.push(`WITH x AS (SELECT ${f} AS v) SELECT * FROM x`);
    out.push(`SELECT trade_id FROM trades WHERE trade_id IN (SELECT ${f} FROM trades)`);
  }
  for (const c of CATALOGS[dialect]) {
    out.push(`SELECT * FROM ${c}`);
    out.push(`SELECT t.trade_id FROM trades t JOIN ${c} ON 1 = 1`);
    out.push(`SELECT trade_id FROM trades WHERE EXISTS (SELECT 1 FROM ${c})`);
  }
  return out;
}

const HAND_WRITTEN: Record<GuardDialect, string[]> = {
  sqlite: [
    'SELECT * FROM trades LIMIT -1',
    'SELECT * FROM trades LIMIT (SELECT 1000000)',
    'SELECT * FROM trades LIMIT 10 + 10',
    'SELECT * FROM trades WHERE trade_id = ?',
    'SELECT * FROM trades WHERE trade_id = :id',
    "SELECT 'abc FROM trades",
    'SELECT "abc FROM trades',
    'SELECT [abc FROM trades',
    'SELECT 1 /* never closed',
    'SELEC * FORM trades',
    '',
    ';',
    'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT randomblob(n) FROM r',
    'SELECT * FROM trades WHERE trade_id IN (DELETE FROM trades RETURNING trade_id)',
    'SELECT (DELETE FROM trades RETURNING 1)',
    'INSERT INTO trades SELECT * FROM trades',
    'CREATE TABLE x AS SELECT * FROM trades',
    'SELECT * FROM trades; ATTACH DATABASE \'/tmp/x\' AS x',
    `SELECT trade_id FROM trades WHERE status IN (${Array.from({ length: 20_000 }, (_, i) => `'s${i}'`).join(', ')})`,
    `SELECT ${'('.repeat(500)}1${')'.repeat(500)}`,
    'SELECT "COUNT"(trade_id) FROM trades',
    'SELECT * FROM "SQLITE_MASTER"',
    'SELECT * FROM [sqlite_master]',
  ],
  postgres: [
    'WITH x AS (DELETE FROM trades RETURNING *) SELECT * FROM x',
    'WITH x AS (UPDATE trades SET status = 1 RETURNING *) SELECT count(*) FROM x',
    'WITH x AS (INSERT INTO trades (trade_id) VALUES (1) RETURNING *) SELECT * FROM x',
    'WITH a AS (SELECT 1), b AS (DELETE FROM trades RETURNING 1) SELECT * FROM a',
    'SELECT * FROM trades FOR UPDATE',
    'SELECT * FROM trades FOR SHARE',
    'SELECT * FROM trades FOR NO KEY UPDATE NOWAIT',
    'SELECT * FROM trades FOR UPDATE SKIP LOCKED',
    'SELECT * FROM (SELECT * FROM trades FOR UPDATE) s',
    'SELECT * INTO stolen FROM trades',
    'SELECT * INTO TEMP stolen FROM trades',
    'SELECT * INTO UNLOGGED stolen FROM trades',
    'CREATE TABLE stolen AS SELECT * FROM trades',
    "SELECT E'x\\\\'; DELETE FROM trades; --'",
    "SELECT 'x\\' FROM trades",
    'SELECT $$x$$; DELETE FROM trades',
    'SELECT $a$ never closed',
    'SELECT 1 /* a /* b */ still open',
    'SELECT * FROM trades LIMIT ALL',
    'SELECT * FROM trades LIMIT NULL',
    'SELECT * FROM trades LIMIT (SELECT 1000000)',
    'SELECT * FROM trades WHERE trade_id = $1',
    'SELECT * FROM trades FETCH FIRST 10 PERCENT ROWS ONLY',
    'TABLE trades',
    'SELEC * FORM trades',
    "SELECT U&'\\0041' ; DELETE FROM trades",
    'SELECT "COUNT"(trade_id) FROM trades',
    'SELECT * FROM ONLY pg_shadow',
    'SELECT * FROM ONLY trades',
    'SELECT * FROM U&"\\0070g_shadow"',
    'SELECT * FROM trades t, LATERAL pg_sleep(1)',
    'SELECT ROW(1, 2)',
  ],
  mssql: [
    'SELECT * INTO #stolen FROM trades',
    'SELECT * INTO ##stolen FROM trades',
    'SELECT * INTO stolen FROM trades',
    'SELECT TOP 10 * INTO dbo.stolen FROM trades',
    'SELECT * FROM trades WITH (UPDLOCK)',
    'SELECT * FROM trades WITH (XLOCK)',
    'SELECT * FROM trades WITH (HOLDLOCK)',
    'SELECT * FROM trades WITH (TABLOCKX)',
    'SELECT * FROM trades WITH (ROWLOCK, UPDLOCK)',
    'SELECT * FROM trades t JOIN counterparties c WITH (PAGLOCK) ON 1 = 1',
    'SELECT * FROM trades WITH (SERIALIZABLE)',
    'SELECT @@version',
    'SELECT @@SERVERNAME',
    'SELECT * FROM trades WHERE trade_id = @id',
    'SELECT 1 DELETE FROM trades',
    "SELECT 1 WAITFOR DELAY '0:0:5'",
    "SELECT 1 EXEC xp_cmdshell 'dir'",
    'SELECT TOP 100 PERCENT * FROM trades',
    'SELECT TOP (@n) * FROM trades',
    'SELECT TOP (SELECT 1000000) * FROM trades',
    "SELECT N'x'; DELETE FROM trades",
    'SELECT [x]; DELETE FROM trades --]',
    'SELECT [x FROM trades',
    'SELECT 1 /* a /* b */ ; DELETE FROM trades',
    "SELECT * FROM trades LIMIT 10",
    'SELEC * FORM trades',
    'GO',
    'SELECT "COUNT"(trade_id) FROM trades',
    'SELECT NEXT VALUE FOR dbo.seq',
    'SELECT * FROM trades (TABLOCKX)',
    'SELECT * FROM trades FOR BROWSE',
    'SELECT {fn user()}',
    "SELECT CAST(notional AS xml).value('a', 'int') FROM trades",
    "SELECT trades.notional.value('a', 'int') FROM trades",
  ],
};

/** Real reads (the dev benchmark's gold SQL) with a write, a catalog read or an INTO grafted on. */
function graftedOnGold(dialect: GuardDialect): string[] {
  if (dialect === 'mssql') return []; // the gold SQL is SQLite/PostgreSQL syntax (LIMIT)
  const catalog = dialect === 'sqlite' ? 'sqlite_master' : 'pg_catalog.pg_tables';
  const gold = readFileSync(`${process.env.OTC_SHARED_DIR}/benchmark/ops-dev.jsonl`, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { gold_sql: string | null }).gold_sql)
    .filter((g): g is string => !!g && !/^\s*WITH/i.test(g))
    .slice(0, 20);
  return gold.flatMap((g) => [
    `${g}; DELETE FROM trades`,
    `${g} /* looks harmless */ ; DROP TABLE trades --`,
    `${g.replace(/ FROM /i, ' INTO stolen FROM ')}`,
    `WITH x AS (DELETE FROM trades RETURNING *) ${g}`,
    `SELECT * FROM (${g.replace(/ LIMIT \d+$/i, '')}) g JOIN ${catalog} s ON 1 = 1`,
  ]);
}

/** Which layer a refusal came from, for the printed figures. */
function layerOf(reason: string): string {
  if (/more than one statement|outside quotes|NUL|never closed|backslash|start of another statement|empty|longer than/.test(reason)) return 'lexical';
  if (/could not be parsed/.test(reason)) return 'unparseable';
  if (/PostgreSQL (reads|finds)|parsers disagree/.test(reason)) return 'second opinion';
  if (/row limit|row cap|PERCENT|LIMIT is not/.test(reason)) return 'row cap';
  return 'AST walk';
}

describe('hostile statements are refused', () => {
  const counts: string[] = [];
  afterAll(() => {
    console.log(`\nHostile statements (refused / total):\n${counts.join('\n')}\n`);
  });

  for (const dialect of ['sqlite', 'postgres', 'mssql'] as const) {
    const corpus = [...new Set([...hostile(dialect), ...HAND_WRITTEN[dialect], ...graftedOnGold(dialect)])];

    it(`${dialect}: at least 100 hostile texts, every one refused without an allow-list`, async () => {
      expect(corpus.length).toBeGreaterThanOrEqual(100);
      const admitted: Array<{ sql: string; admittedAs: string }> = [];
      const byLayer = new Map<string, number>();
      for (const sql of corpus) {
        const v = await guardSql(sql, dialect, { maxRows: 100 });
        if (v.ok) admitted.push({ sql, admittedAs: v.sql });
        else {
          const layer = layerOf(v.reason);
          byLayer.set(layer, (byLayer.get(layer) ?? 0) + 1);
          expect(v.code).toBe('OTC_ERR_SQL_GUARD_REJECTED');
          expect(v.reason, sql).toMatch(/^[A-Z][^\n]*\.$/);
          expect(v.reason.length, sql).toBeLessThan(300);
        }
      }
      counts.push(
        `  ${dialect} (no allow-list):   ${corpus.length - admitted.length} refused / ${admitted.length} admitted of ${corpus.length}` +
          `  [${[...byLayer].map(([k, n]) => `${k} ${n}`).join(', ')}]`,
      );
      expect(admitted).toEqual([]);
    });

    it(`${dialect}: every one refused with the dev schema's allow-list`, async () => {
      const policy = devPolicy(100);
      let refusedCount = 0;
      const admitted: string[] = [];
      for (const sql of corpus) {
        const v = await guardSql(sql, dialect, policy);
        if (v.ok) admitted.push(sql);
        else refusedCount++;
      }
      counts.push(`  ${dialect} (dev allow-list): ${refusedCount} refused / ${admitted.length} admitted of ${corpus.length}`);
      expect(admitted).toEqual([]);
    });
  }
});
