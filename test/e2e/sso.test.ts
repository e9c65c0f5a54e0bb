/**
 * Single sign-on in the browser: the product started as `serve` starts it (startServer with
 * OTC_OIDC_* settings), Debian's Chromium, and a real OpenID Connect provider (oidc-provider 9)
 * on loopback. The user clicks "Sign in with single sign-on", signs in and consents at the
 * identity provider, lands signed in, and signs out here and there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { startServer, type StartedServer } from '../../src/server/index.js';
import { freePort, startTestIdentityProvider, type TestIdentityProvider } from '../support/oidc-provider.js';
import { ADMIN_PASSWORD, buildWeb, CHROMIUM, TODAY } from './harness.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;
let idp: TestIdentityProvider;
let server: StartedServer;
let context: BrowserContext;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otc-e2e-sso-'));
  const webRoot = join(dir, 'web');
  await buildWeb(webRoot);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  idp = await startTestIdentityProvider({ redirectUri: `${base}/api/auth/oidc/callback`, postLogoutRedirectUri: `${base}/` });
  idp.accounts.set('alice', { name: 'Alice Analyst', groups: ['OTC-Ops'] });
  const cfg = loadConfig({
    env: {
      OTC_OIDC_ISSUER: idp.issuer,
      OTC_OIDC_CLIENT_ID: idp.clientId,
      OTC_OIDC_CLIENT_SECRET: idp.clientSecret,
      OTC_OIDC_ROLE_MAP: '{"OTC-Ops":"analyst"}',
      OTC_OIDC_EMERGENCY_ADMIN: 'admin',
    },
    overrides: { dataDir: join(dir, 'data'), host: '127.0.0.1', publicUrl: base, demoTrades: 1000, today: TODAY, adminPassword: ADMIN_PASSWORD, logLevel: 'silent', profileDir: join(repo, 'profiles/otc-ops') },
  });
  server = await startServer(cfg, { port, webRoot, out: () => undefined });
  context = await chromium.launchPersistentContext(join(dir, 'chromium'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}, 240_000);
afterAll(async () => {
  await context?.close().catch(() => undefined);
  await server?.close();
  await idp?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('single sign-on in the browser', () => {
  it('signs in through the identity provider and out again', async () => {
    const page = await context.newPage();
    await page.goto(`${base}/`);
    const sso = page.getByRole('link', { name: 'Sign in with single sign-on' });
    await sso.waitFor();
    await expect(page.getByText('Password sign-in is for the emergency administrator only.').count()).resolves.toBe(1);
    await sso.click();
    // the identity provider's login, then its consent page
    await page.waitForURL(`${idp.issuer}/**`);
    await page.fill('input[name=login]', 'alice');
    await page.fill('input[name=password]', 'any-password');
    await page.click('button[type=submit]');
    await page.waitForSelector('input[name=prompt][value=consent]', { state: 'attached' });
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/**`);
    const me = await page.request.get(`${base}/api/auth/me`);
    expect(me.status()).toBe(200);
    expect(((await me.json()) as { user: { username: string; role: string } }).user).toMatchObject({ username: 'alice', role: 'analyst' });
    await page.getByRole('button', { name: /sign out/i }).click();
    await page.waitForURL(`${idp.issuer}/**`);
    await page.click('button[name=logout][value=yes]');
    await page.waitForURL(`${base}/**`);
    await page.getByRole('link', { name: 'Sign in with single sign-on' }).waitFor();
    expect((await page.request.get(`${base}/api/auth/me`)).status()).toBe(401);
  });
});
