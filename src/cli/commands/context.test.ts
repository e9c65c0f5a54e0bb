import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'otc-context-cli-'));
const db = join(dir, 'ops.db');
copyFileSync(`${process.env.OTC_SHARED_DIR}/benchmark/ops-dev.db`, db);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const env: Record<string, string | undefined> = { ...process.env, OTC_DATA_DIR: join(dir, 'data') };
  for (const k of Object.keys(env)) if (k.startsWith('OTC_LLM_')) delete env[k];
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'context', ...args], { cwd: ROOT, encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('otc-copilot context', () => {
  it('prints the slice the model would get as JSON, and keeps the index for the next run', () => {
    const r = run(['How many initial margin calls did we receive from Alpenrose Bank this year?', '--db', `sqlite:${db}`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.tables).toEqual(['margin_calls', 'counterparties']);
    expect(out.resolvedValues).toContainEqual({ text: 'Alpenrose Bank', table: 'counterparties', column: 'short_name', value: 'Alpenrose Bank' });
    expect(out.tokens).toBeGreaterThan(100);
    expect(out.tokens).toBeLessThanOrEqual(1800);
    expect(out.columns.find((c: { table: string }) => c.table === 'margin_calls').columns).toEqual(expect.arrayContaining(['margin_type', 'direction', 'call_date', 'counterparty_id']));
    expect(out.context.joins).toContainEqual({ from: 'margin_calls.counterparty_id', to: 'counterparties.counterparty_id' });
    const files = readdirSync(join(dir, 'data', 'retrieval'));
    expect(files).toEqual([`retrieval-${out.indexKey}.json`]);

    const again = run(['Open exceptions by severity', '--db', `sqlite:${db}`, '--text']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^## Tables\nexceptions/);
    expect(readdirSync(join(dir, 'data', 'retrieval'))).toEqual(files);
  });

  it('refuses a bad flag with a usage error (exit 2)', () => {
    const r = run(['Open exceptions', '--db', `sqlite:${db}`, '--max-tokens', 'many']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^OTC_ERR_USAGE: --max-tokens/);
  });
});
