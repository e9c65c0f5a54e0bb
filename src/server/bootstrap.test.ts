import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditLog } from '../audit/index.js';
import { auditUrlOf, loadConfig, storeUrlOf } from '../config/index.js';
import { openDatasource } from '../datasource/index.js';
import { buildDemoDatabase } from '../demo/index.js';
import { openStore } from '../store/index.js';
import { importProfile, readProfileFolder } from '../training/index.js';
import { startServer, type StartedServer } from './bootstrap.js';
import { EXAMPLES_AS_OF, PROFILE_DIR, TEST_TODAY } from './testing.js';

const ADMIN_PASSWORD = 'bootstrap-admin-password-1';

function cookiesOf(res: LightMyRequestResponse): Record<string, string> {
  return Object.fromEntries(res.cookies.map((c) => [c.name, c.value]));
}

describe('serve with a configured datasource that has no active training version', () => {
  let dir: string;
  let server: StartedServer;
  const printed: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'otc-serve-'));
    const bank = join(dir, 'bank.db');
    await buildDemoDatabase({ out: bank, trades: 150, seed: 7, asOf: TEST_TODAY });
    const cfg = loadConfig({
      env: {},
      overrides: { dataDir: join(dir, 'data'), datasourceUrl: `sqlite:${bank}`, adminPassword: ADMIN_PASSWORD, logLevel: 'silent', profileDir: PROFILE_DIR, today: TEST_TODAY, host: '127.0.0.1' },
    });
    mkdirSync(join(dir, 'data'), { recursive: true });
    // A version was imported earlier (e.g. with otc-copilot train import) but never validated nor activated.
    const store = await openStore(storeUrlOf(cfg));
    const audit = await openAuditLog(auditUrlOf(cfg));
    const ds = await openDatasource(`sqlite:${bank}`);
    await importProfile({ store, audit, datasourceKey: ds.description }, { profile: readProfileFolder(PROFILE_DIR).profile, datasource: ds, by: { actor: 'ops-admin', reason: 'first draft' } });
    await ds.close();
    await store.close();
    await audit.close();
    server = await startServer(cfg, { port: 0, webRoot: join(dir, 'no-web'), out: (l) => printed.push(l) });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('starts, says that questions are refused until a version is active, and refuses them with OTC_ERR_NOT_TRAINED', async () => {
    expect(printed.join('\n')).toMatch(/no active training version .* questions are refused until an admin validates and activates a version/);
    const app = server.app;
    const c = await app.inject({ method: 'GET', url: '/api/auth/csrf' });
    const secret = cookiesOf(c).otc_csrf!;
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', cookies: { otc_csrf: secret }, headers: { 'x-csrf-token': c.json().csrfToken }, payload: { username: 'admin', password: ADMIN_PASSWORD } });
    expect(login.statusCode).toBe(200);
    const cookie = `otc_session=${cookiesOf(login).otc_session}; otc_csrf=${secret}`;
    const headers = { cookie, 'x-csrf-token': login.json().csrfToken as string };

    const asked = await app.inject({ method: 'POST', url: '/api/ask', headers, payload: { question: 'How many live trades?' } });
    expect(asked.statusCode).toBe(409);
    expect(asked.json().code).toBe('OTC_ERR_NOT_TRAINED');
    expect(asked.json().message).toContain('1 version(s) exist, none is active');
    const meta = (await app.inject({ method: 'GET', url: '/api/meta', headers: { cookie } })).json();
    expect(meta).toMatchObject({ trained: false, trainingVersion: null });

    // The admin validates (as of the examples' date) and activates version 1: answered at once, no restart.
    expect((await app.inject({ method: 'POST', url: '/api/training/versions/1/validate', headers, payload: { today: EXAMPLES_AS_OF } })).json().report.ok).toBe(true);
    expect((await app.inject({ method: 'POST', url: '/api/training/versions/1/activate', headers, payload: { reason: 'validated profile for the bank' } })).statusCode).toBe(200);
    const again = await app.inject({ method: 'POST', url: '/api/ask', headers, payload: { question: 'How many live trades?' } });
    expect(again.statusCode).toBe(200);
    expect(again.json().status).toBe('answered');
    expect((await app.inject({ method: 'GET', url: '/api/meta', headers: { cookie } })).json()).toMatchObject({ trained: true, validated: true, trainingVersion: 'otc-ops v1' });
  }, 120_000);
});

describe('serve on the embedded demo when its profile does not validate', () => {
  let dir: string;
  let server: StartedServer;
  const printed: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'otc-serve-'));
    // A profile whose example SQL no longer matches what the engine answers (an edited profile folder).
    const profileDir = join(dir, 'profile');
    cpSync(PROFILE_DIR, profileDir, { recursive: true });
    const examples = join(profileDir, 'examples.yaml');
    const text = readFileSync(examples, 'utf8');
    const edited = text.replace("WHERE t.status = 'Live' GROUP BY b.desk", "WHERE t.status = 'Matured' GROUP BY b.desk");
    expect(edited).not.toBe(text);
    writeFileSync(examples, edited);
    const cfg = loadConfig({ env: {}, overrides: { dataDir: join(dir, 'data'), demoTrades: 300, adminPassword: ADMIN_PASSWORD, logLevel: 'silent', profileDir, today: TEST_TODAY, host: '127.0.0.1' } });
    server = await startServer(cfg, { port: 0, webRoot: join(dir, 'no-web'), out: (l) => printed.push(l) });
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers with a model trained at start and says so: not a stored, validated version', async () => {
    expect(printed.join('\n')).toMatch(/no validated active version for the demo database \(OTC_ERR_TRAINING_NOT_VALIDATED: .*Live notional by desk/);
    const app = server.app;
    const c = await app.inject({ method: 'GET', url: '/api/auth/csrf' });
    const secret = cookiesOf(c).otc_csrf!;
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', cookies: { otc_csrf: secret }, headers: { 'x-csrf-token': c.json().csrfToken }, payload: { username: 'admin', password: ADMIN_PASSWORD } });
    const cookie = `otc_session=${cookiesOf(login).otc_session}; otc_csrf=${secret}`;
    const headers = { cookie, 'x-csrf-token': login.json().csrfToken as string };
    const meta = (await app.inject({ method: 'GET', url: '/api/meta', headers: { cookie } })).json();
    expect(meta).toMatchObject({ trained: true, validated: false, trainingVersion: 'otc-ops (trained at start, not validated)', trainingVersionId: null });
    const asked = await app.inject({ method: 'POST', url: '/api/ask', headers, payload: { question: 'How many live trades?' } });
    expect(asked.statusCode).toBe(200);
    expect(asked.json().trainingVersion).toBe('otc-ops (trained at start, not validated)');
    // The imported version stays a draft whose report says what failed.
    const v1 = (await app.inject({ method: 'GET', url: '/api/training/versions/1', headers: { cookie } })).json();
    expect(v1.status).toBe('draft');
    expect(v1.validation.ok).toBe(false);
    expect(v1.validation.examples.find((e: { question: string }) => e.question === 'Live notional by desk').pass).toBe(false);
  }, 120_000);
});
