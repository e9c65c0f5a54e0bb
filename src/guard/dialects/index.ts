import type { GuardDialect } from '../types.js';
import { mssqlRules } from './mssql.js';
import { postgresRules } from './postgres.js';
import { sqliteRules } from './sqlite.js';
import type { GuardDialectRules } from './types.js';

/** One entry per dialect; a new dialect is one file and one line here. */
export const GUARD_DIALECTS: Readonly<Record<GuardDialect, GuardDialectRules>> = {
  sqlite: sqliteRules,
  postgres: postgresRules,
  mssql: mssqlRules,
};

export type { GuardDialectRules } from './types.js';
