/**
 * Extract Manager end to end in Chromium against the real server: save an answer on the Ask page,
 * make a template on the Reports page, run it now, see the e-mail arrive in the test SMTP server
 * with the right attachment, and see the run with its files and delivery in the run history.
 * Then "Schedule as report" on an answer: the question is saved, the Reports page opens with the
 * template form prefilled, the template is scheduled every minute, the scheduler fires it on its
 * own, and the e-mail is read back from the SMTP server with its attachment's content checked.
 * Screenshots: the Reports page, and the first page of the run's PDF (pdftoppm).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachmentOf, startSmtp, textOf, type TestSmtp } from '../../src/reports/testing/loopback.js';
import { startE2E, type E2E } from './harness.js';
import { chromiumPresent, openAsAdmin, SHOTS } from './support/browser.js';

const hasChromium = chromiumPresent();

let e2e: E2E;
let page: Page;
let smtp: TestSmtp;

describe.skipIf(!hasChromium)('Reports end to end', () => {
  beforeAll(async () => {
    smtp = await startSmtp();
    e2e = await startE2E({ prepare: async () => ({ smtpUrl: smtp.url, mailFrom: 'copilot@bank.example', reportInternalDomains: 'bank.example' }) });
    page = await openAsAdmin(e2e);
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
    // from the top: a full-page shot of a scrolled page draws the sticky header mid-page
    await page.evaluate('window.scrollTo(0, 0)'); // a page expression: this file is type-checked without the DOM library
    await page.screenshot({ path: SHOTS + 'reports.png', fullPage: true });

    const pdf = join(runDir, 'morning-fails.pdf');
    expect(existsSync(pdf)).toBe(true);
    if (!spawnSync('pdftoppm', ['-v']).error) {
      execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', pdf, SHOTS + 'report-pdf-page1']);
      expect(existsSync(SHOTS + 'report-pdf-page1.png')).toBe(true);
    }
  }, 120_000);

  it('"Schedule as report": saves the question, opens the prefilled form, schedules it; the scheduler fires it and the e-mail arrives with the attachment', async () => {
    await page.getByRole('link', { name: 'Ask' }).click();
    await page.getByLabel('Your question').fill('Open exceptions by severity');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    const turn = page.locator('article.turn', { hasText: 'Open exceptions by severity' }).last();
    await turn.locator('.answer:not(.pending)').waitFor();
    const shown = await turn.locator('table').first().innerText();
    await turn.getByRole('button', { name: 'Schedule as report' }).click();

    await page.getByRole('heading', { name: 'New template' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/reports');
    const form = page.locator('form#new-template');
    await expect.poll(() => form.getByLabel('Title').inputValue()).toBe('Open exceptions by severity');
    expect(await form.getByRole('checkbox', { name: 'Open exceptions by severity' }).isChecked()).toBe(true);
    await form.getByRole('checkbox', { name: 'PDF' }).uncheck();
    await form.getByLabel('E-mail to (comma-separated)').fill('desk@bank.example');
    await form.getByLabel('Tell me when a run fails (e-mail)').fill('admin@bank.example');
    await form.getByLabel('Runs').selectOption('every');
    await form.getByRole('spinbutton', { name: 'Minutes' }).fill('1');
    await form.getByLabel('Time zone', { exact: true }).fill('UTC');
    await form.getByRole('button', { name: 'Create and schedule' }).click();
    await form.getByRole('status').getByText('“Open exceptions by severity” is scheduled.').waitFor();
    const row = page.locator('section', { hasText: 'Templates' }).locator('tbody tr', { hasText: 'Open exceptions by severity' });
    expect(await row.textContent()).toContain('failures told to admin@bank.example');

    // No one presses "Run now": the in-process scheduler fires the every-minute slot on its own.
    const mailTo = () => smtp.messages.find((m) => m.to.includes('desk@bank.example'));
    await expect.poll(() => mailTo() !== undefined, { timeout: 150_000, interval: 1000 }).toBe(true);
    const mail = mailTo()!;
    expect(mail.raw).toMatch(/Subject: Open exceptions by severity \(data as of 2026-11-20\)/);
    expect(textOf(mail.raw)).toContain('Attached: open-exceptions-by-severity.csv');
    const csv = attachmentOf(mail.raw, 'open-exceptions-by-severity.csv');
    expect(csv, mail.raw.slice(0, 2000)).toBeDefined();
    const lines = csv!.toString('utf8').replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/severity/i);
    expect(lines.length).toBeGreaterThan(1);
    // the attachment holds the rows the answer showed: each severity with its count
    for (const line of lines.slice(1)) {
      const [severity, count] = line.split(',');
      expect(shown).toContain(severity!);
      expect(shown.replace(/,/g, '')).toContain(count!);
    }
    const runs = await e2e.server.app.inject({ method: 'GET', url: '/api/reports/runs?limit=50', headers: { cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ') } });
    const scheduled = (runs.json() as { actor: string; status: string; deliveries: { recipients: string[] }[] }[]).find((r) => r.deliveries.some((d) => d.recipients.includes('desk@bank.example')));
    expect(scheduled).toMatchObject({ actor: 'scheduler:Open exceptions by severity', status: 'completed' });
    await page.reload();
    const logged = page.getByRole('table', { name: 'Report runs' }).locator('tbody tr', { hasText: 'Open exceptions by severity' }).first();
    await logged.waitFor();
    expect(await logged.textContent()).toContain('email: delivered (desk@bank.example)');
  }, 240_000);
});

