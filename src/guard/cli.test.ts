import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function runGuard(args: string[], stdin: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'guard', ...args], { cwd: ROOT, input: stdin, encoding: 'utf8', env: { ...process.env, OTC_MAX_ROWS: '250' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('otc-copilot guard', () => {
  it('prints OK and the admitted SQL with the cap, exit 0', () => {
    const r = runGuard(['--dialect', 'mssql', '--max-rows', '10'], 'SELECT a FROM t ORDER BY a;\n');
    expect(r).toMatchObject({ code: 0, stdout: 'OK\nSELECT TOP (10) a FROM t ORDER BY a\n' });
  });

  it('takes the cap from OTC_MAX_ROWS when --max-rows is not given', () => {
    expect(runGuard(['--dialect', 'sqlite'], 'SELECT a FROM t LIMIT 100000').stdout).toBe('OK\nSELECT a FROM t LIMIT 250\n');
  });

  it('prints REFUSED and the reason, exit 1', () => {
    const r = runGuard(['--dialect', 'postgres'], "SELECT 'x\\'; DELETE FROM t; --'");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('REFUSED: The text holds more than one statement; only a single query is accepted.\n');
  });

  describe('with --db (allow-list from the database itself)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'otc-guard-cli-'));
    const db = join(dir, 'ops.db');
    copyFileSync(`${process.env.OTC_SHARED_DIR}/benchmark/ops-dev.db`, db);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('takes the dialect from the URL and admits the schema\'s tables and columns', () => {
      expect(runGuard(['--db', `sqlite:${db}`, '--max-rows', '7'], 'SELECT status, COUNT(*) FROM trades GROUP BY status')).toMatchObject({
        code: 0,
        stdout: 'OK\nSELECT status, COUNT(*) FROM trades GROUP BY status LIMIT 7\n',
      });
    });

    it('refuses unknown tables and columns', () => {
      expect(runGuard(['--db', db], 'SELECT t.password FROM trades t')).toMatchObject({ code: 1, stdout: 'REFUSED: The query refers to an unknown column trades.password.\n' });
      expect(runGuard(['--db', db], 'SELECT * FROM salaries')).toMatchObject({ code: 1, stdout: 'REFUSED: The query reads an unknown table salaries.\n' });
    });

    it('a --dialect that contradicts --db is a usage error', () => {
      expect(runGuard(['--db', db, '--dialect', 'mssql'], 'SELECT 1')).toMatchObject({ code: 2 });
    });
  });

  it('a bad flag is a usage error, exit 2', () => {
    const r = runGuard(['--dialect', 'oracle'], 'SELECT 1');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^OTC_ERR_USAGE: --dialect/);
  });
});
