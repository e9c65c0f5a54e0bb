/**
 * Extract Manager end to end in Chromium against the real server: save an answer on the Ask page,
 * make a template on the Reports page, run it now, see the e-mail arrive in the test SMTP server
 * with the right attachment, and see the run with its files and delivery in the run history.
 * Screenshots: the Reports page, and the first page of the run's PDF (pdftoppm).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachmentOf, startSmtp, type TestSmtp } from '../../src/reports/testing/loopback.js';
import { ADMIN_PASSWORD, CHROMIUM, startE2E, type E2E } from './harness.js';

const shots = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`);
  console.warn(`skipping the browser tests: ${CHROMIUM} is missing (apt-get install -y chromium)`);
}

let e2e: E2E;
let page: Page;
let smtp: TestSmtp;

describe.skipIf(!hasChromium)('Reports end to end', () => {
  beforeAll(async () => {
    smtp = await startSmtp();
    e2e = await startE2E({ prepare: async () => ({ smtpUrl: smtp.url, mailFrom: 'copilot@bank.example', reportInternalDomains: 'bank.example' }) });
    page = await e2e.context.newPage();
    mkdirSync(shots, { recursive: true });
    await page.goto(e2e.server.url + '/');
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /Ask about your OTC operations/ }).waitFor();
  }, 180_000);
  afterAll(async () => {
    await e2e?.close();
    await smtp?.close();
  });

  it('saves an answer, makes a template, runs it now: the e-mail arrives with the attachment and the run is in the log', async () => {
    await page.getByLabel('Your question').fill('How many fails by counterparty?');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    const turn = page.locator('article.turn').first();
    await turn.locator('.answer:not(.pending)').waitFor();
    await turn.getByRole('button', { name: 'Save question' }).click();
    await turn.getByText('Saved. It runs again on current data from Reports.').waitFor();

    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Reports', exact: true }).waitFor();
    await page.locator('section', { hasText: 'Saved questions' }).getByText('How many fails by counterparty?').first().waitFor();
    await page.getByLabel('Title').fill('Morning fails');
    await page.getByLabel('Intro').fill('Fails by counterparty for the stand-up.');
    await page.getByRole('checkbox', { name: 'How many fails by counterparty?' }).check();
    await page.getByLabel('E-mail to (comma-separated)').fill('ops@bank.example');
    await page.getByRole('button', { name: 'Create template' }).click();
    const row = page.locator('section', { hasText: 'Templates' }).locator('tbody tr', { hasText: 'Morning fails' });
    await row.waitFor();
    await row.getByRole('button', { name: 'Run now' }).click();
    const run = page.getByRole('table', { name: 'Report runs' }).locator('tbody tr', { hasText: 'Morning fails' });
    await run.waitFor({ timeout: 60_000 });
    await expect.poll(() => run.locator('td').nth(2).textContent(), { timeout: 60_000 }).toBe('completed');
    expect(await run.textContent()).toContain('email: delivered (ops@bank.example)');

    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0]!;
    expect(mail.to).toEqual(['ops@bank.example']);
    const dataDir = join(e2e.dir, 'data', 'reports');
    const runDir = join(dataDir, readdirSync(dataDir)[0]!);
    const csv = attachmentOf(mail.raw, 'morning-fails.csv')!;
    expect(csv.equals(readFileSync(join(runDir, 'morning-fails.csv')))).toBe(true);
    expect(csv.toString('utf8')).toMatch(/^\uFEFF/);
    const link = run.getByRole('link', { name: 'morning-fails.csv' });
    expect(await link.getAttribute('title')).toBe(`SHA-256 ${createHash('sha256').update(csv).digest('hex')}`);
    await page.screenshot({ path: shots + 'reports.png', fullPage: true });

    const pdf = join(runDir, 'morning-fails.pdf');
    expect(existsSync(pdf)).toBe(true);
    if (!spawnSync('pdftoppm', ['-v']).error) {
      execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', pdf, shots + 'report-pdf-page1']);
      expect(existsSync(shots + 'report-pdf-page1.png')).toBe(true);
    }
  }, 120_000);
});
