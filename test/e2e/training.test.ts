import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditLog } from '../../src/audit/index.js';
import { auditUrlOf, loadConfig, storeUrlOf } from '../../src/config/index.js';
import { openDatasource } from '../../src/datasource/index.js';
import { buildDemoDatabase } from '../../src/demo/index.js';
import { openStore } from '../../src/store/index.js';
import { importProfile, readProfileFolder } from '../../src/training/index.js';
import { ADMIN_PASSWORD, startE2E, TODAY, type E2E } from './harness.js';
import { chromiumPresent, SHOTS, signIn } from './support/browser.js';

const hasChromium = chromiumPresent();
/** The as-of date the demo profile's example SQL was written for (profiles/otc-ops/examples.yaml). */
const EXAMPLES_AS_OF = '2026-06-15';
const VIEWER_PASSWORD = 'e2e-viewer-password-1';

let e2e: E2E;
let page: Page;

describe.skipIf(!hasChromium)('training in the web app', () => {
  beforeAll(async () => {
    e2e = await startE2E();
    await e2e.server.app.auth.createUser({ username: 'viewer1', password: VIEWER_PASSWORD, role: 'viewer', displayName: 'Vera Viewer' }, 'e2e');
    page = await e2e.context.newPage();
    mkdirSync(SHOTS, { recursive: true });
  }, 180_000);
  afterAll(async () => {
    await e2e?.close();
  });

  it('an admin opens Training and sees version 1 active with its validation report', async () => {
    await signIn(page, e2e, 'admin', ADMIN_PASSWORD);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Training' }).click();
    await page.getByRole('heading', { name: 'Training', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/training');
    const row = page.locator('table.versions tbody tr', { hasText: 'otc-ops v1' });
    await row.waitFor();

    // serve imported, validated (as of the date the profile's examples are written for) and activated version 1 on first start.
    expect(e2e.printed.join('\n')).toContain('validated and activated otc-ops v1');
    expect(await row.locator('.badge').textContent()).toContain('active');
    expect(await row.textContent()).toContain('passed');
    // The header shows the active version.
    await expect.poll(() => page.locator('header').textContent()).toContain('otc-ops v1');
    expect(await page.locator('header').textContent()).not.toContain('not validated');
    expect(await page.getByRole('note').count()).toBe(0);

    const report = page.locator('section', { has: page.getByRole('heading', { name: 'Validation report of version 1' }) });
    await report.waitFor();
    expect(await report.locator('.verdict').textContent()).toMatch(/^Passed/);
    expect(await report.textContent()).toContain('Validated by system');
    expect(await report.textContent()).toContain('example questions asked as of 2026-06-15');
    const examples = report.locator('table.examples tbody tr');
    expect(await examples.count()).toBeGreaterThan(5);
    expect(await report.locator('table.examples .badge.fail').count()).toBe(0);
    expect(await report.textContent()).toContain('Tables described');
    await page.getByRole('heading', { name: 'Schema drift' }).waitFor();
    await expect.poll(() => page.locator('section', { has: page.getByRole('heading', { name: 'Schema drift' }) }).textContent()).toContain('No drift');
  }, 120_000);

  it('answers questions with the active version', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Ask' }).click();
    await page.getByLabel('Your question').fill('How many live trades are there?');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await page.locator('article.turn .answer:not(.pending)').first().waitFor();
    expect(await page.locator('article.turn .kpi-value').first().textContent()).toMatch(/^\d[\d,]*$/);
  }, 60_000);

  it('an admin promotes feedback into version 2, activates it, compares, and rolls back to version 1; the header follows', async () => {
    const question = 'How many live trades are there?';
    const turn = page.locator('article.turn', { hasText: question }).first();
    await turn.getByRole('button', { name: 'Good answer' }).click();
    await turn.getByText('Thanks, your feedback').waitFor();

    const main = page.getByRole('navigation', { name: 'Main' });
    await main.getByRole('link', { name: 'Training' }).click();
    await page.getByRole('checkbox', { name: `Pick “${question}”` }).check();
    await page.getByRole('button', { name: /^Promote 1 into a new version/ }).click();
    const promote = page.getByRole('dialog', { name: 'Promote 1 candidate(s)' });
    await promote.getByRole('button', { name: 'Promote' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('new draft version 2');

    const v2 = page.locator('table.versions tbody tr', { hasText: 'otc-ops v2' });
    expect(await v2.locator('.badge').textContent()).toBe('draft');
    await v2.getByRole('button', { name: 'Validate version 2' }).click();
    const validate = page.getByRole('dialog', { name: 'Validate version 2' });
    await validate.getByLabel(/As-of date/).fill(EXAMPLES_AS_OF);
    await validate.getByRole('button', { name: 'Validate' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 60_000 }).toContain('Version 2 passed validation');
    await page.getByRole('heading', { name: 'Validation report of version 2' }).waitFor();

    await v2.getByRole('button', { name: 'Activate version 2' }).click();
    const activate = page.getByRole('dialog', { name: 'Activate version 2' });
    await activate.getByLabel(/Reason/).fill('feedback from the ops desk');
    await activate.getByRole('button', { name: 'Activate' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Version 2 is now active');
    await expect.poll(() => page.locator('header').textContent()).toContain('otc-ops v2');

    const diff = page.locator('section', { has: page.getByRole('heading', { name: 'Compare two versions' }) });
    await diff.getByLabel('From').selectOption({ label: 'v1 (retired)' });
    await diff.getByLabel('To').selectOption({ label: 'v2 (active)' });
    await diff.getByRole('button', { name: 'Show the differences' }).click();
    await diff.getByRole('heading', { name: 'Version 1 → version 2' }).waitFor();
    expect(await diff.locator('.diff-list').textContent()).toContain(question);
    await diff.getByText('As text').click();
    expect((await diff.locator('pre.difftext').textContent())?.length).toBeGreaterThan(10);

    const v1 = page.locator('table.versions tbody tr', { hasText: 'otc-ops v1' });
    await v1.getByRole('button', { name: 'Roll back to version 1' }).click();
    const rollback = page.getByRole('dialog', { name: 'Roll back to version 1' });
    // Escape cancels without a change.
    await page.keyboard.press('Escape');
    await rollback.waitFor({ state: 'detached' });
    expect(await v1.locator('.badge').textContent()).toBe('retired');
    await v1.getByRole('button', { name: 'Roll back to version 1' }).click();
    await rollback.getByLabel(/Reason/).fill('the new example needs a second look');
    await rollback.getByRole('button', { name: 'Roll back' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Rolled back: version 1 is active again');
    await expect.poll(() => page.locator('header').textContent()).toContain('otc-ops v1');
    await expect.poll(() => v1.locator('.badge').textContent()).toContain('active');
    expect(await v2.locator('.badge').textContent()).toBe('retired');

    await v1.getByRole('button', { name: 'Show the validation report of version 1' }).click();
    await page.getByRole('heading', { name: 'Validation report of version 1' }).waitFor();
    await page.evaluate('window.scrollTo(0, 0)'); // a page expression: this file is type-checked without the DOM library
    await page.screenshot({ path: SHOTS + 'training.png', fullPage: false });
  }, 180_000);

  it('a viewer sees no Training link and cannot reach /training', async () => {
    const ctx = await e2e.newContext();
    const p = await ctx.newPage();
    await signIn(p, e2e, 'viewer1', VIEWER_PASSWORD);
    await p.getByRole('heading', { name: /Ask about your OTC operations/ }).waitFor();
    const nav = p.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Ask' }).count()).toBe(1);
    expect(await nav.getByRole('link', { name: 'Training' }).count()).toBe(0);
    // The header still shows what answers.
    expect(await p.locator('header').textContent()).toContain('otc-ops v1');
    await p.goto(e2e.server.url + '/training');
    await p.getByRole('heading', { name: 'Not available for your role' }).waitFor();
    expect(await p.locator('main').textContent()).toContain('training');
    expect(await p.locator('table.versions').count()).toBe(0);
    const status = await p.evaluate(async () => (await fetch('/api/training/versions', { credentials: 'same-origin' })).status);
    expect(status).toBe(403);
  }, 60_000);
});

describe.skipIf(!hasChromium)('a configured database without an active training version', () => {
  let bank: E2E;
  const profileDir = fileURLToPath(new URL('../../profiles/otc-ops', import.meta.url));

  beforeAll(async () => {
    bank = await startE2E({
      // The bank's database, with a version imported earlier (otc-copilot train import) but never validated nor activated.
      prepare: async (dir) => {
        const db = join(dir, 'bank.db');
        await buildDemoDatabase({ out: db, trades: 300, seed: 11, asOf: TODAY });
        const cfg = loadConfig({ env: {}, overrides: { dataDir: join(dir, 'data') } });
        mkdirSync(join(dir, 'data'), { recursive: true });
        const store = await openStore(storeUrlOf(cfg));
        const audit = await openAuditLog(auditUrlOf(cfg));
        const ds = await openDatasource(`sqlite:${db}`);
        await importProfile({ store, audit, datasourceKey: ds.description }, { profile: readProfileFolder(profileDir).profile, datasource: ds, by: { actor: 'ops-admin', reason: 'first draft' } });
        await ds.close();
        await store.close();
        await audit.close();
        return { datasourceUrl: `sqlite:${db}` };
      },
    });
    await bank.server.app.auth.createUser({ username: 'viewer1', password: VIEWER_PASSWORD, role: 'viewer' }, 'e2e');
  }, 180_000);
  afterAll(async () => {
    await bank?.close();
  });

  it('the Ask page says why nothing is answered, and links admins to the Training page', async () => {
    const p = await bank.context.newPage();
    await signIn(p, bank, 'admin', ADMIN_PASSWORD);
    const box = p.locator('.notrained');
    await box.getByRole('heading', { name: 'Questions cannot be answered yet' }).waitFor();
    expect(await box.textContent()).toContain('An admin must import, validate and activate a training profile');
    expect(await p.locator('header').textContent()).toContain('none active');
    // Asking anyway gives the same message, not a raw error.
    await p.getByLabel('Your question').fill('How many live trades?');
    await p.getByRole('button', { name: 'Ask', exact: true }).click();
    const answer = p.locator('article.turn .answer.error');
    await answer.waitFor();
    expect(await answer.textContent()).toContain('No active training profile');
    await box.getByRole('link', { name: 'Open the Training page' }).click();
    await p.getByRole('heading', { name: 'Training', level: 1 }).waitFor();
    const row = p.locator('table.versions tbody tr', { hasText: 'otc-ops v1' });
    expect(await row.locator('.badge').textContent()).toBe('draft');
    expect(await row.textContent()).toContain('not validated');
    await p.getByRole('heading', { name: 'Validation report of version 1' }).waitFor();
    expect(await p.locator('main').textContent()).toContain('has not been validated yet');
  }, 60_000);

  it('a viewer is told to ask an administrator, without a link', async () => {
    const ctx = await bank.newContext();
    const p = await ctx.newPage();
    await signIn(p, bank, 'viewer1', VIEWER_PASSWORD);
    const box = p.locator('.notrained');
    await box.waitFor();
    expect(await box.textContent()).toContain('Ask an administrator to activate a training version.');
    expect(await box.getByRole('link').count()).toBe(0);
  }, 60_000);
});
