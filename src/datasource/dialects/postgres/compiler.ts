import { PostgresQueryCompiler } from 'kysely';
import { sqlLiteral, type LiteralStyle } from '../../literals.js';

// standard_conforming_strings is on by default since PostgreSQL 9.1: a backslash is plain text.
const STYLE: LiteralStyle = { stringPrefix: '', booleans: 'keywords' };

/** Kysely's PostgreSQL compiler with every value written inline as an escaped literal. */
export class InlinePostgresQueryCompiler extends PostgresQueryCompiler {
  protected override appendValue(value: unknown): void {
    this.append(sqlLiteral(value, STYLE));
  }
  protected override appendImmediateValue(value: unknown): void {
    this.append(sqlLiteral(value, STYLE));
  }
}
