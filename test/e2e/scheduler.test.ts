import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { E2E } from './harness.js';
import { chromiumPresent, SHOTS, startAsAdmin } from './support/browser.js';

const hasChromium = chromiumPresent();

let e2e: E2E;
let page: Page;

describe.skipIf(!hasChromium)('Scheduler page', () => {
  beforeAll(async () => {
    ({ e2e, page } = await startAsAdmin());
    await page.getByRole('link', { name: 'Scheduler' }).click();
    await page.getByRole('heading', { name: 'Scheduler' }).waitFor();
  }, 180_000);
  afterAll(() => e2e?.close());

  it('adds a business-day schedule on the UK calendar and shows its next five fire times', async () => {
    await page.getByText('Backend: in-process, running').waitFor();
    await page.getByLabel('Name').fill('Morning fails report');
    await page.getByLabel('UK-EW').check();
    await page.getByRole('button', { name: 'Add schedule' }).click();
    const row = page.locator('tbody tr', { hasText: 'Morning fails report' });
    await row.waitFor();
    expect(await row.textContent()).toContain('every business day at 07:00 Europe/London (UK-EW)');
    expect(await row.locator('ol li').count()).toBe(5);
  });

  it('says clearly what is wrong with an unknown time zone or a bad cron', async () => {
    await page.getByLabel('Name').fill('Bad zone');
    await page.getByLabel('Time zone (IANA)').fill('Europe/Londres');
    await page.getByRole('button', { name: 'Add schedule' }).click();
    await expect.poll(() => page.locator('form [role=alert]').textContent()).toContain('"Europe/Londres" is not a known IANA time zone');
    await page.getByLabel('Time zone (IANA)').fill('Europe/London');
    await page.getByLabel('Fires').selectOption('cron');
    await page.getByLabel('Cron expression').fill('0 7 * * mon-fry');
    await page.getByRole('button', { name: 'Add schedule' }).click();
    await expect.poll(() => page.locator('form [role=alert]').textContent()).toContain('is not a valid cron expression');
  });

  it('run now, the run history, pause and resume', async () => {
    const row = page.locator('tbody tr', { hasText: 'Morning fails report' });
    await row.getByRole('button', { name: 'Run now' }).click();
    await row.getByRole('button', { name: 'Morning fails report' }).click();
    const runs = page.locator('section', { has: page.getByRole('heading', { name: 'Runs of Morning fails report' }) });
    // The report handler is registered; this schedule names no template: the run fails at once, with its reason.
    await expect.poll(() => runs.locator('tbody').textContent(), { timeout: 15_000 }).toContain('a report schedule needs payload.templateId');
    expect(await runs.locator('tbody').textContent()).toContain('manual');
    await page.getByLabel('Name').fill('');
    await page.screenshot({ path: SHOTS + 'scheduler.png', fullPage: true });
    await row.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => row.locator('td').nth(2).textContent()).toBe('paused');
    expect(await row.locator('ol li').count()).toBe(0);
    await row.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => row.locator('td').nth(2).textContent()).toBe('active');
  });
});
