import type { DialectName } from '../../../datasource/dialect.js';

/** What the model must know about one SQL dialect to write correct SQL for it. */
export interface DialectPrompt {
  name: DialectName;
  /** e.g. 'Microsoft SQL Server (T-SQL)'. */
  label: string;
  /** Dialect rules, one per line, with today's date already filled in. */
  rules(today: string): string[];
}
