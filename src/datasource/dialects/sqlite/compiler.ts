import { SqliteQueryCompiler } from 'kysely';
import { sqlLiteral, type LiteralStyle } from '../../literals.js';

const STYLE: LiteralStyle = { stringPrefix: '', booleans: 'numbers' };

/** Kysely's SQLite compiler with every value written inline as an escaped literal. */
export class InlineSqliteQueryCompiler extends SqliteQueryCompiler {
  protected override appendValue(value: unknown): void {
    this.append(sqlLiteral(value, STYLE));
  }
  protected override appendImmediateValue(value: unknown): void {
    this.append(sqlLiteral(value, STYLE));
  }
}
