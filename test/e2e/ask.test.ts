import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, readText, startE2E, type E2E } from './harness.js';
import { ask, chromiumPresent, SHOTS, signIn } from './support/browser.js';

const hasChromium = chromiumPresent();

let e2e: E2E;
let page: Page;

describe.skipIf(!hasChromium)('web app end to end', () => {
  beforeAll(async () => {
    e2e = await startE2E();
    page = await e2e.context.newPage();
    mkdirSync(SHOTS, { recursive: true });
  }, 180_000);
  afterAll(async () => {
    await e2e?.close();
  });

  it('prints the URL and the admin on first start', () => {
    expect(e2e.printed.join('\n')).toContain(`running at ${e2e.server.url}`);
    expect(e2e.printed.join('\n')).toContain('First admin created. User: admin');
  });

  it('refuses a wrong password, then signs in and shows the data context and questions to try', async () => {
    await signIn(page, e2e, 'admin', 'not-the-password');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not right');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /Ask about your OTC operations/ }).waitFor();
    const header = await page.locator('header').textContent();
    expect(header).toContain('demo-ops.db');
    expect(header).toContain('2026-11-20');
    expect(await page.locator('.empty .chip').count()).toBeGreaterThan(3);
    await page.screenshot({ path: SHOTS + 'ask-empty.png', fullPage: false });
  });

  it('answers a single number as a KPI', async () => {
    const turn = await ask(page, 'How many trades were booked last week?');
    await turn.locator('.kpi-value').waitFor();
    expect(await turn.locator('.kpi-value').textContent()).toMatch(/^\d[\d,]*$/);
    await turn.locator('summary', { hasText: 'SQL' }).click();
    expect(await turn.locator('.sql pre').textContent()).toMatch(/select count/i);
    await page.screenshot({ path: SHOTS + 'ask-number.png', fullPage: false });
  });

  it('shows what was understood under the SQL', async () => {
    const turn = await ask(page, 'Top 5 counterparties by number of live trades');
    await turn.locator('summary', { hasText: 'SQL' }).click();
    await turn.locator('summary', { hasText: 'What was understood' }).click();
    const understood = turn.locator('.understood dl');
    await understood.waitFor();
    const text = (await understood.textContent()) ?? '';
    expect(text).toContain('Datatrades');
    expect(text).toContain('Grouped bycounterparty');
    expect(text).toMatch(/highest first, first 5/);
    await page.waitForTimeout(700); // let the thread's smooth scroll finish
    await turn.locator('details.sql').first().evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: SHOTS + 'ask-understood.png', fullPage: false });
  });

  it('draws a grouped question as a bar chart, switches it to a pie, and downloads the CSV with the same rows', async () => {
    const turn = await ask(page, 'Live notional by desk');
    await turn.locator('.chart[data-chart-kind="bar"] svg').waitFor();
    const tableRows = await turn.locator('table.result tbody tr').count();
    expect(tableRows).toBeGreaterThan(1);
    await turn.getByRole('radio', { name: 'Pie' }).click();
    await turn.locator('.chart[data-chart-kind="pie"] svg').waitFor();
    expect(await turn.getByRole('radio', { name: 'Pie' }).getAttribute('aria-checked')).toBe('true');
    await turn.getByRole('radio', { name: 'Bar' }).click();
    await turn.locator('.chart[data-chart-kind="bar"] svg').waitFor();
    // a line joins points in time: over desks the choices are bar, pie and table
    expect(await turn.getByRole('radio', { name: 'Line' }).count()).toBe(0);
    await page.keyboard.press('ArrowRight');
    await turn.locator('.chart[data-chart-kind="pie"] svg').waitFor();
    await page.keyboard.press('ArrowLeft');
    await turn.locator('.chart[data-chart-kind="bar"] svg').waitFor();
    await turn.locator('table.result th button').nth(1).click();
    await page.waitForTimeout(50);
    const [download] = await Promise.all([page.waitForEvent('download'), turn.getByRole('link', { name: 'Download CSV' }).click()]);
    const path = await download.path();
    const lines = readText(path).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('Desk,Notional (USD)');
    expect(lines.length - 1).toBe(tableRows);
    const firstDesk = lines[1]!.split(',')[0]!;
    expect(await turn.locator('table.result').textContent()).toContain(firstDesk);
    await page.waitForTimeout(700); // let the thread's smooth scroll finish
    await turn.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: SHOTS + 'ask-chart.png', fullPage: false });
  });

  it('draws a time series as a line; "Save as widget" and "Schedule as report" are offered', async () => {
    const turn = await ask(page, 'Number of trades booked per month this year');
    await turn.locator('.chart[data-chart-kind="line"] svg').waitFor();
    await page.waitForTimeout(700); // let the thread's smooth scroll finish
    await turn.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: SHOTS + 'ask-timeseries.png', fullPage: false });
    // enabled: it saves the question as a dashboard widget (test/e2e/dashboards.test.ts)
    expect(await turn.getByRole('button', { name: 'Save as widget' }).isEnabled()).toBe(true);
    // enabled: it saves the question and opens the Reports page's template form (test/e2e/reports.test.ts)
    expect(await turn.getByRole('button', { name: 'Schedule as report' }).isEnabled()).toBe(true);
  });

  it('records thumbs-down feedback with a corrected SQL', async () => {
    const turn = page.locator('article.turn').last();
    await turn.getByRole('button', { name: 'Wrong answer' }).click();
    await turn.getByLabel('Corrected SQL (optional)').fill('select count(*) from trades');
    await turn.getByRole('button', { name: 'Send feedback' }).click();
    await turn.getByRole('status').filter({ hasText: 'feedback' }).waitFor();
  });

  it('shows an abstention with suggestions, and a suggestion asks that question', async () => {
    const turn = await ask(page, 'What is the weather in Paris tomorrow?');
    const chips = turn.locator('.answer.abstained .chip');
    await chips.first().waitFor();
    expect(await chips.count()).toBeGreaterThan(0);
    await page.waitForTimeout(700); // let the thread's smooth scroll finish
    await turn.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: SHOTS + 'ask-abstention.png', fullPage: false });
    const suggestion = (await chips.first().textContent())!;
    const before = await page.locator('article.turn').count();
    await chips.first().click();
    const next = page.locator('article.turn').nth(before);
    await next.locator('.answer:not(.pending)').waitFor();
    expect(await next.locator('.question').textContent()).toContain(suggestion);
  });

  it('shows the audit trail to the admin with an intact chain', async () => {
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('heading', { name: 'Audit trail' }).waitFor();
    await page.getByText(/Intact: \d+ records/).waitFor();
    await expect.poll(() => page.locator('table.audit tbody tr').count()).toBeGreaterThan(3);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export JSON lines' }).click()]);
    const lines = readText(await download.path()).trim().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    expect(JSON.parse(lines[0]!)).toEqual(expect.objectContaining({ seq: 1, hash: expect.any(String) }));
    await page.screenshot({ path: SHOTS + 'audit.png', fullPage: false });
  });

  it('keeps a viewer out of admin-only pages', async () => {
    await e2e.server.app.auth.createUser({ username: 'vic', password: 'viewer-password-1', role: 'viewer' }, 'e2e');
    const ctx = await e2e.newContext();
    const p = await ctx.newPage();
    await signIn(p, e2e, 'vic', 'viewer-password-1');
    await p.getByRole('heading', { name: /Ask about your OTC operations/ }).waitFor();
    expect(await p.getByRole('link', { name: 'Audit' }).count()).toBe(0);
    expect(await p.getByRole('link', { name: 'Users' }).count()).toBe(0);
    await p.goto(e2e.server.url + '/admin/users');
    await p.getByRole('heading', { name: 'Not available for your role' }).waitFor();
    await p.goto(e2e.server.url + '/audit');
    await p.getByRole('heading', { name: 'Not available for your role' }).waitFor();
    const status = await p.evaluate(async () => (await fetch('/api/users')).status);
    expect(status).toBe(403);
    await p.getByRole('button', { name: 'Sign out' }).click();
    await p.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await p.evaluate(async () => (await fetch('/api/auth/me')).status)).toBe(401);
  });
});
