import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoDatabase, OPS_TABLE_NAMES } from '../../src/demo/index.js';

const root = new URL('../../', import.meta.url).pathname;

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/index.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, OTC_DEBUG: '' },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function contentHash(path: string): string {
  const d = new Database(path, { readonly: true });
  const h = createHash('sha256');
  for (const t of OPS_TABLE_NAMES) for (const row of d.prepare(`SELECT * FROM ${t} ORDER BY 1`).raw().iterate()) h.update(JSON.stringify(row) + '\n');
  d.close();
  return h.digest('hex');
}

describe('otc-copilot demo-db', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'otc-demo-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds the database, prints a line per table on a non-terminal stderr and the counts on stdout', () => {
    const out = join(dir, 'demo.db');
    const r = cli(['demo-db', '--out', out, '--trades', '1200', '--seed', '3', '--as-of', '2026-11-25']);
    expect(r.err).toContain('trades: 1,200 rows');
    expect(r.err).toMatch(/^settlements: [\d,]+ rows$/m);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Demo database written to ${out}`);
    expect(r.out).toMatch(/trades\s+1,200/);
    const db = new Database(out, { readonly: true });
    expect((db.prepare("SELECT COUNT(*) FROM trades WHERE trade_date = '2026-11-25'").raw().get() as [number])[0]).toBeGreaterThan(0);
    db.close();
  });

  it('builds the same data with its worker thread (25,000 trades) as a single-threaded build', async () => {
    const viaCli = join(dir, 'cli-25k.db');
    const r = cli(['demo-db', '--out', viaCli, '--trades', '25000', '--seed', '8', '--as-of', '2026-11-25']);
    expect(r.code).toBe(0);
    const inline = join(dir, 'inline-25k.db');
    await buildDemoDatabase({ out: inline, trades: 25_000, seed: 8, asOf: '2026-11-25', parallel: false });
    expect(contentHash(viaCli)).toBe(contentHash(inline));
    rmSync(viaCli);
    rmSync(inline);
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('refuses to overwrite without --force (exit 1, file untouched) and rejects bad flags (exit 2)', () => {
    const out = join(dir, 'keep.db');
    writeFileSync(out, 'keep me');
    const r = cli(['demo-db', '--out', out, '--trades', '100']);
    expect(r.code).toBe(1);
    expect(r.err.trim()).toMatch(/^OTC_ERR_DEMO_EXISTS: .*keep\.db.*--force/);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    const bad = cli(['demo-db', '--out', join(dir, 'x.db'), '--trades', 'many']);
    expect(bad.code).toBe(2);
    expect(bad.err.trim()).toBe('OTC_ERR_USAGE: --trades: a whole number');
    const date = cli(['demo-db', '--out', join(dir, 'x.db'), '--as-of', '2026-13-01']);
    expect(date.code).toBe(2);
    expect(date.err).toContain('OTC_ERR_USAGE: --as-of');
    expect(readdirSync(dir).sort()).toEqual(['demo.db', 'keep.db']);
  });
});
