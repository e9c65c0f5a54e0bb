import { isPlainStringWithBackslash, postgresLexer } from '../lexers/postgres.js';
import { limitRowCap } from '../rowcap/limit.js';
import { COMMON_FUNCTIONS } from '../ast/functions.js';
import { postgresSecondOpinion } from './postgres-second-opinion.js';
import type { GuardDialectRules } from './types.js';

const SYSTEM_SCHEMAS = new Set(['pg_catalog', 'information_schema', 'pg_toast', 'pg_temp', 'pg_internal']);

const functions = new Set([
  'date_trunc', 'to_char', 'to_date', 'to_timestamp', 'date_part', 'extract', 'now', 'age', 'make_date', 'localtimestamp',
  'string_agg', 'greatest', 'least', 'concat', 'percentile_cont', 'percentile_disc', 'mod', 'bool_and', 'bool_or',
]);

export const postgresRules: GuardDialectRules = {
  name: 'postgres',
  displayName: 'PostgreSQL',
  lexer: postgresLexer,
  parserDialect: 'postgresql',
  functions,
  datePartFunctions: new Set(),
  defaultSchemas: new Set(['public']),
  tableHints: new Set(),
  builtinValues: new Set(),
  pseudoColumns: new Set(),
  systemObject(parts) {
    const lower = parts.map((p) => p.toLowerCase());
    const table = lower.at(-1)!;
    if (lower.length === 2 && (SYSTEM_SCHEMAS.has(lower[0]!) || lower[0]!.startsWith('pg_'))) return `The table ${parts.join('.')} is a PostgreSQL system catalog; only the tables of the database can be read.`;
    if (table.startsWith('pg_')) return `The table ${parts.join('.')} is a PostgreSQL system catalog; only the tables of the database can be read.`;
    return undefined;
  },
  lexicalCheck(tokens) {
    const t = tokens.find((tok) => tok.kind === 'string' && isPlainStringWithBackslash(tok.text));
    if (t) return "A plain '…' string holds a backslash, which PostgreSQL reads differently depending on server settings; write it as E'…'.";
    return undefined;
  },
  secondOpinion: (sql, first) => postgresSecondOpinion(sql, (name) => COMMON_FUNCTIONS.has(name) || functions.has(name), first.tables),
  rowCap: limitRowCap,
};
