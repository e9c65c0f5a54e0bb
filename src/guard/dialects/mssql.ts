import { mssqlLexer } from '../lexers/mssql.js';
import { topRowCap } from '../rowcap/top.js';
import type { GuardDialectRules } from './types.js';

/** Pre-2005 compatibility views that sit in every database's default schema. */
const LEGACY_SYSTEM_VIEWS = new Set([
  'sysobjects', 'syscolumns', 'sysusers', 'syslogins', 'sysdatabases', 'sysprocesses', 'sysservers', 'syscomments',
  'sysindexes', 'systypes', 'sysxlogins', 'sysfiles', 'sysmessages', 'sysconfigures', 'syscacheobjects', 'syslockinfo',
  'sysmembers', 'syspermissions', 'sysprotects', 'sysreferences', 'sysaltfiles', 'sysdevices', 'sysoledbusers',
  'sysremotelogins', 'sysperfinfo', 'syscharsets', 'syslanguages', 'sysforeignkeys', 'sysconstraints', 'sysdepends',
  'sysfilegroups', 'sysfulltextcatalogs', 'sysindexkeys', 'sysopentapes', 'syscursors', 'syscurconfigs',
]);

/**
 * T-SQL needs no semicolon between statements, so a reserved word that can only start another
 * statement must not appear anywhere outside quotes (defence in depth beside the parser).
 */
const STATEMENT_WORDS = new Set([
  'insert', 'update', 'delete', 'merge', 'truncate', 'drop', 'create', 'alter', 'exec', 'execute', 'waitfor', 'declare',
  'set', 'use', 'grant', 'revoke', 'deny', 'backup', 'restore', 'shutdown', 'kill', 'dbcc', 'bulk', 'begin', 'commit',
  'rollback', 'save', 'print', 'raiserror', 'throw', 'if', 'while', 'return', 'goto', 'open', 'close', 'deallocate',
  'reconfigure', 'checkpoint', 'readtext', 'writetext', 'updatetext', 'setuser', 'revert', 'transaction', 'tran',
]);

export const mssqlRules: GuardDialectRules = {
  name: 'mssql',
  displayName: 'SQL Server',
  lexer: mssqlLexer,
  parserDialect: 'mssql',
  functions: new Set([
    'dateadd', 'datediff', 'datediff_big', 'datepart', 'datename', 'datefromparts', 'eomonth', 'getdate', 'sysdatetime',
    'year', 'month', 'day', 'convert', 'format', 'iif', 'isnull', 'string_agg', 'len', 'left', 'right', 'charindex',
    'concat', 'percentile_cont', 'percentile_disc', 'datetrunc', 'count_big', 'sysutcdatetime',
  ]),
  datePartFunctions: new Set(['dateadd', 'datediff', 'datediff_big', 'datepart', 'datename', 'datetrunc', 'date_bucket']),
  defaultSchemas: new Set(['dbo']),
  tableHints: new Set(['nolock', 'readuncommitted', 'readcommitted', 'noexpand']),
  builtinValues: new Set(['@@datefirst']),
  pseudoColumns: new Set(),
  systemObject(parts) {
    const lower = parts.map((p) => p.toLowerCase());
    const table = lower.at(-1)!;
    if (lower.length === 2 && ['sys', 'information_schema', 'guest', 'cdc'].includes(lower[0]!)) return `The table ${parts.join('.')} is a SQL Server system view; only the tables of the database can be read.`;
    if (LEGACY_SYSTEM_VIEWS.has(table) || table.startsWith('#')) return `The table ${parts.join('.')} is a SQL Server system or temporary table; only the tables of the database can be read.`;
    return undefined;
  },
  lexicalCheck(tokens) {
    const word = tokens.find((t) => t.kind === 'word' && STATEMENT_WORDS.has(t.text.toLowerCase()));
    if (word) return `SQL Server would read ${word.text.toUpperCase()} as the start of another statement; only a single read query is accepted.`;
    return undefined;
  },
  rowCap: topRowCap,
};
