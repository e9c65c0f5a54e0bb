/**
 * Issue 14, item 6: a configuration error is reported before the demo database is built (not
 * after minutes of building it), and the files of the data folder are the owner's alone.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { startServer } from './bootstrap.js';
import { PROFILE_DIR, TEST_TODAY } from './testing.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function fresh(): string {
  const d = mkdtempSync(join(tmpdir(), 'otc-startup-'));
  dirs.push(d);
  return join(d, 'data');
}
const base = (dataDir: string) => ({ dataDir, adminPassword: 'startup-admin-password-1', logLevel: 'silent', profileDir: PROFILE_DIR, today: TEST_TODAY, host: '127.0.0.1', demoTrades: 100 });

describe('configuration errors come before the demo database is built', () => {
  it('an incomplete model configuration (OTC_LLM_PROVIDER without OTC_LLM_BASE_URL)', async () => {
    const dataDir = fresh();
    const cfg = loadConfig({ env: { OTC_LLM_PROVIDER: 'gateway' }, overrides: base(dataDir) });
    const out: string[] = [];
    await expect(startServer(cfg, { port: 0, out: (l) => out.push(l) })).rejects.toMatchObject({ code: 'OTC_ERR_LLM_CONFIG' });
    expect(existsSync(join(dataDir, 'demo-ops.db'))).toBe(false);
    expect(out.join('\n')).not.toMatch(/building the demo database/);
  });

  it('a profile folder that does not exist', async () => {
    const dataDir = fresh();
    const cfg = loadConfig({ env: {}, overrides: { ...base(dataDir), profileDir: join(dataDir, '..', 'no-such-profile') } });
    await expect(startServer(cfg, { port: 0, out: () => undefined })).rejects.toMatchObject({ code: expect.stringMatching(/^OTC_ERR_/) });
    expect(existsSync(join(dataDir, 'demo-ops.db'))).toBe(false);
  });
});

describe.skipIf(process.platform === 'win32')('data files', () => {
  it('the data folder is 0700 and the store, audit log and demo database 0600', async () => {
    const dataDir = fresh();
    const server = await startServer(loadConfig({ env: {}, overrides: base(dataDir) }), { port: 0, out: () => undefined, webRoot: join(dataDir, 'no-web') });
    try {
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      for (const f of ['app.db', 'audit.db', 'demo-ops.db']) {
        expect(statSync(join(dataDir, f)).mode & 0o777, f).toBe(0o600);
      }
    } finally {
      await server.close();
    }
  }, 120_000);
});
