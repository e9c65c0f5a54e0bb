import type { DialectName } from '../../../datasource/dialect.js';
import { mssqlPrompt } from './mssql.js';
import { postgresPrompt } from './postgres.js';
import { sqlitePrompt } from './sqlite.js';
import type { DialectPrompt } from './types.js';

export type { DialectPrompt } from './types.js';

/** One entry per dialect; a new dialect is one file and one line here. */
const byDialect: Record<DialectName, DialectPrompt> = {
  sqlite: sqlitePrompt,
  postgres: postgresPrompt,
  mssql: mssqlPrompt,
};

export function dialectPrompt(name: DialectName): DialectPrompt {
  const p = byDialect[name];
  if (!p) throw new Error(`no prompt for SQL dialect "${String(name)}"`);
  return p;
}
