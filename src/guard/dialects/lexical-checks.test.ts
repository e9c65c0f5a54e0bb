import { describe, expect, it } from 'vitest';
import { GUARD_DIALECTS } from './index.js';

function lexicalCheck(dialect: 'postgres' | 'mssql', sql: string): string | undefined {
  const rules = GUARD_DIALECTS[dialect];
  const r = rules.lexer.scan(sql);
  if (!r.ok) throw new Error(r.reason);
  return rules.lexicalCheck?.(r.tokens);
}

describe('dialect lexical checks (layer 1, alone)', () => {
  it('SQL Server: a word that starts another statement is refused even without a semicolon', () => {
    expect(lexicalCheck('mssql', 'SELECT a FROM t DELETE FROM t')).toMatch(/DELETE as the start of another statement/);
    expect(lexicalCheck('mssql', "SELECT a FROM t WAITFOR DELAY '0:0:5'")).toMatch(/WAITFOR/);
    expect(lexicalCheck('mssql', "SELECT a FROM t exec('x')")).toMatch(/EXEC/);
    // inside quotes, brackets or comments they are only text
    expect(lexicalCheck('mssql', "SELECT [delete], 'drop table' FROM t ORDER BY a OFFSET 0 ROWS FETCH NEXT 5 ROWS ONLY")).toBeUndefined();
  });

  it("PostgreSQL: a backslash in a plain '' string is refused (standard_conforming_strings could be off); E'' is fine", () => {
    expect(lexicalCheck('postgres', "SELECT 'a\\b'")).toMatch(/backslash/);
    expect(lexicalCheck('postgres', "SELECT E'a\\b', $$a\\b$$")).toBeUndefined();
  });
});
