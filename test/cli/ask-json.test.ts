/**
 * `otc-copilot ask --format json` shows what was understood (the semantic engine's typed query)
 * beside the SQL and the rows, so a person or a script can check the reading of the question.
 * Spawns the built CLI (bin/otc-copilot.js -> dist/).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedFile } from '../support/shared.js';

const root = new URL('../../', import.meta.url).pathname;
let dir: string;
let db: string;

function ask(question: string) {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OTC_')) env[k] = v;
  const r = spawnSync(process.execPath, [join(root, 'bin/otc-copilot.js'), 'ask', question, '--db', `sqlite:${db}`, '--today', '2026-11-20', '--format', 'json'], {
    encoding: 'utf8',
    env: { ...env, OTC_DATA_DIR: join(dir, 'data') },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist/cli/index.js'))) throw new Error('dist/ is missing: run `npm run build` (npm ci does it)');
  dir = mkdtempSync(join(tmpdir(), 'otc-ask-json-'));
  db = join(dir, 'ops.db');
  copyFileSync(sharedFile('benchmark/ops-dev.db'), db);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('otc-copilot ask --format json', () => {
  it('prints the answer with the typed query it was compiled from', () => {
    const r = ask('Top 5 counterparties by number of live trades');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const a = JSON.parse(r.out);
    expect(a).toMatchObject({ status: 'answered', engine: 'semantic', rowCount: 5 });
    expect(a.understood).toMatchObject({ entity: 'trades', shape: 'aggregate', limit: 5, today: '2026-11-20' });
    expect(a.understood.measures.map((m: { agg: string }) => m.agg)).toEqual(['count']);
    expect(a.understood.groupBy.map((g: { label: string }) => g.label)).toEqual(['counterparty']);
    expect(a.understood.where.map((w: { label: string }) => w.label).join(' ')).toMatch(/live/i);
  });

  it('has no understanding when the engine abstains or refuses', () => {
    for (const q of ['What is the weather in Paris tomorrow?', 'Delete all cancelled trades']) {
      const r = ask(q);
      const a = JSON.parse(r.out);
      expect(['abstained', 'refused']).toContain(a.status);
      expect(a).not.toHaveProperty('understood');
    }
  });
});
