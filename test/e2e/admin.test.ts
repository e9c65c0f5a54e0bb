/**
 * Administration (issue 17 item 7) in Chromium against the real server: an admin edits a user's
 * role, resets their password; the user must choose their own at the next sign-in and then lands
 * on a page their role may use (an auditor on Audit); the audit export holds what the filters
 * show; a user the audit names cannot be deleted (disabled instead), one it never names can.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readText, startE2E, type E2E } from './harness.js';
import { chromiumPresent, openAsAdmin, SHOTS, signIn } from './support/browser.js';

const hasChromium = chromiumPresent();

let e2e: E2E;
let admin: Page;

const rowOf = (p: Page, username: string) => p.locator('table.users tbody tr').filter({ has: p.locator('td:first-child', { hasText: new RegExp(`^${username}$`) }) });

describe.skipIf(!hasChromium)('user administration', () => {
  beforeAll(async () => {
    e2e = await startE2E();
    admin = await openAsAdmin(e2e);
  }, 180_000);
  afterAll(async () => {
    await e2e?.close();
  });

  it('adds a user, changes the role, resets the password (shown once); the user chooses their own and lands on Audit as an auditor', async () => {
    await admin.goto(e2e.server.url + '/admin/users');
    await admin.getByRole('heading', { name: 'Users' }).waitFor();
    const form = admin.locator('form[aria-labelledby="new-user"]');
    await form.getByLabel('User name').fill('audrey');
    await form.getByLabel('Display name').fill('Audrey Auditor');
    await form.getByLabel('Password (12+ characters)').fill('first-password-1');
    await form.getByRole('button', { name: 'Add user' }).click();
    const row = rowOf(admin, 'audrey');
    await row.waitFor();
    await row.getByLabel('Role of audrey').selectOption('auditor');
    await row.getByRole('status').filter({ hasText: 'Role is now auditor' }).waitFor();
    await row.getByRole('button', { name: 'Reset password' }).click();
    const secret = (await row.locator('code.secret').textContent())!;
    expect(secret).toMatch(/^[A-Za-z0-9]{16,}$/);
    await row.getByText('must choose a new password').waitFor();
    await admin.screenshot({ path: SHOTS + 'admin-users.png', fullPage: false });

    const ctx = await e2e.newContext();
    const p = await ctx.newPage();
    await signIn(p, e2e, 'audrey', secret);
    await p.getByRole('heading', { name: 'Choose your password' }).waitFor();
    // nothing else answers until then
    expect(await p.evaluate(async () => (await fetch('/api/audit?limit=1')).status)).toBe(403);
    await p.screenshot({ path: SHOTS + 'admin-forced-password.png', fullPage: false });
    await p.getByLabel('Password you were given').fill(secret);
    await p.getByLabel('New password', { exact: true }).fill('audrey-own-password-1');
    await p.getByLabel('New password again').fill('audrey-own-password-1');
    await p.getByRole('button', { name: 'Save and continue' }).click();
    await p.getByRole('heading', { name: 'Audit trail' }).waitFor();
    expect(new URL(p.url()).pathname).toBe('/audit');

    // signing in again lands on Audit too, not on a page the role may not use
    await p.getByRole('button', { name: 'Sign out' }).click();
    await signIn(p, e2e, 'audrey', 'audrey-own-password-1');
    await p.getByRole('heading', { name: 'Audit trail' }).waitFor();
    expect(await p.getByRole('heading', { name: 'Not available for your role' }).count()).toBe(0);

    // the export holds what the filters show
    const filters = p.getByRole('form', { name: 'Search the audit trail' });
    await filters.getByLabel('User', { exact: true }).fill('audrey');
    await filters.getByLabel('Kind').selectOption('sign_in');
    await filters.getByRole('button', { name: 'Search' }).click();
    await p.waitForTimeout(300);
    const shown = await p.locator('table.audit tbody tr').count();
    expect(shown).toBeGreaterThanOrEqual(2);
    const [download] = await Promise.all([p.waitForEvent('download'), p.getByRole('link', { name: 'Export JSON lines' }).click()]);
    const records = readText(await download.path()).trim().split('\n').map((l) => JSON.parse(l) as { actor: string; kind: string });
    expect(records.length).toBe(shown);
    expect(records.every((r) => r.actor === 'audrey' && r.kind === 'sign_in')).toBe(true);
    await p.screenshot({ path: SHOTS + 'admin-auditor-landing.png', fullPage: false });
  });

  it('refuses to delete a user the audit names and disables them instead; deletes one it never names', async () => {
    await admin.goto(e2e.server.url + '/admin/users');
    const row = rowOf(admin, 'audrey');
    await row.waitFor();
    admin.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Delete' }).click();
    expect(await row.getByRole('alert').textContent()).toMatch(/appears in the audit trail.*disable it instead/);
    await row.getByRole('button', { name: 'Disable' }).click();
    await row.getByText('Disabled', { exact: true }).waitFor();
    const ctx = await e2e.newContext();
    const p = await ctx.newPage();
    await signIn(p, e2e, 'audrey', 'audrey-own-password-1');
    await p.getByRole('alert').filter({ hasText: 'not right' }).waitFor();

    await e2e.server.app.auth.createUser({ username: 'temp', password: 'temporary-pass-1', role: 'viewer' }, 'admin');
    await admin.reload();
    const temp = rowOf(admin, 'temp');
    await temp.waitFor();
    admin.once('dialog', (d) => void d.accept());
    await temp.getByRole('button', { name: 'Delete' }).click();
    await temp.waitFor({ state: 'detached' });
  });
});
