import { sqliteLexer } from '../lexers/sqlite.js';
import { limitRowCap } from '../rowcap/limit.js';
import type { GuardDialectRules } from './types.js';

export const sqliteRules: GuardDialectRules = {
  name: 'sqlite',
  displayName: 'SQLite',
  lexer: sqliteLexer,
  parserDialect: 'sqlite',
  functions: new Set(['date', 'time', 'datetime', 'julianday', 'strftime', 'unixepoch', 'group_concat', 'string_agg', 'iif', 'ifnull', 'instr', 'total']),
  datePartFunctions: new Set(),
  defaultSchemas: new Set(['main']),
  tableHints: new Set(),
  builtinValues: new Set(),
  pseudoColumns: new Set(['rowid', '_rowid_', 'oid']),
  systemObject(parts) {
    const [schema, table] = parts.length === 2 ? parts.map((p) => p.toLowerCase()) : [undefined, parts[0]!.toLowerCase()];
    if (schema !== undefined && schema !== 'main') return `The table ${parts.join('.')} is in another (attached or temporary) database; only the tables of the main database can be read.`;
    if (/^(sqlite_|pragma_)/.test(table!) || ['dbstat', 'sqlite_dbpage'].includes(table!)) return `The table ${parts.join('.')} is a SQLite system table; only the tables of the database can be read.`;
    return undefined;
  },
  rowCap: limitRowCap,
};
