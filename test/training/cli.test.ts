/** otc-copilot train … end to end: a SQLite app store, audit log and a copy of the benchmark database in a temp folder. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;

describe('otc-copilot train', () => {
  let dir: string;
  let flags: string[];

  function train(args: string[]) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/index.ts'), 'train', ...args, ...flags], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, OTC_DEBUG: '', OTC_DATA_DIR: dir },
      timeout: 120_000,
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'otc-train-cli-'));
    copyFileSync(`${process.env.OTC_SHARED_DIR}/benchmark/ops-dev.db`, join(dir, 'ops.db'));
    flags = ['--db', `sqlite:${join(dir, 'ops.db')}`, '--store', `sqlite:${join(dir, 'app.db')}`, '--audit', `sqlite:${join(dir, 'audit.db')}`, '--as', 'alice'];
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Each step is a separate process (about 5 s each through tsx on a busy machine).
  it('imports, validates, activates, exports, diffs and refuses a rollback without a reason', { timeout: 300_000 }, () => {
    const imp = train(['import', join(root, 'profiles/otc-ops'), '--reason', 'first import']);
    expect(imp.code).toBe(0);
    expect(imp.out).toMatch(/imported .* as version 1 .*draft, content hash [0-9a-f]{64}/);

    const early = train(['activate', '1', '--reason', 'go']);
    expect(early.code).toBe(1);
    expect(early.err).toMatch(/^OTC_ERR_TRAINING_NOT_VALIDATED: version 1 of .* cannot be activated: it has not been validated yet/);

    const val = train(['validate', '1', '--today', '2026-06-15']);
    expect(val.code).toBe(0);
    expect(val.out).toContain('PASSED');
    expect(val.out).toContain('PASS  1. How many trades were booked last week?');

    expect(train(['activate', '1', '--reason', 'go live']).out).toContain('version 1 is now the active training');
    expect(train(['list']).out).toMatch(/v1 {2}active .* alice {2}validation passed {2}"first import"/);

    const bundle = join(dir, 'profile.json');
    expect(train(['export', '--out', bundle]).code).toBe(0);
    expect(existsSync(bundle)).toBe(true);
    const folder = join(dir, 'exported');
    expect(train(['export', '1', '--out', folder]).code).toBe(0);
    expect(train(['import', folder]).out).toContain('identical to version 1 (active)');

    const rb = train(['rollback', '1']);
    expect(rb.code).toBe(2);
    expect(rb.err).toContain('OTC_ERR_USAGE: --reason: a rollback needs a reason');
    expect(train(['diff', '1', 'active']).out).toContain('identical content');
    const refresh = train(['refresh']);
    expect(refresh.code).toBe(0);
    expect(refresh.out).toContain('No schema drift');
    expect(refresh.out).toContain('no new version');
    expect(train(['validate', '7']).err).toMatch(/^OTC_ERR_TRAINING_VERSION_NOT_FOUND: training version 7 of .* does not exist/);
  });
});
