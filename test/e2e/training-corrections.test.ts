/**
 * Training that can be corrected (issue 17 item 6) in Chromium against the real server: a
 * corrected SQL with a date validates (the example carries the day it was asked; on another day:
 * src/training/lifecycle/as-of.test.ts),
 * a candidate can be dismissed, a failed validation is shown as a failure with what failed, and
 * the failed draft can be deleted.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TODAY, type E2E } from './harness.js';
import { ask, chromiumPresent, SHOTS, startAsAdmin } from './support/browser.js';

const hasChromium = chromiumPresent();

let e2e: E2E;
let page: Page;

async function correct(question: string, fix: (sql: string) => string) {
  const turn = await ask(page, question);
  const sql = (await turn.locator('.sql pre').textContent({ timeout: 10_000 }))!;
  await turn.getByRole('button', { name: 'Wrong answer' }).click();
  await turn.getByLabel('Corrected SQL (optional)').fill(fix(sql));
  await turn.getByRole('button', { name: 'Send feedback' }).click();
  await turn.getByRole('status').filter({ hasText: 'feedback' }).waitFor();
}

async function validate(version: number, asOf?: string) {
  await page.getByRole('button', { name: `Validate version ${version}` }).click();
  const dialog = page.getByRole('dialog', { name: `Validate version ${version}` });
  if (asOf) await dialog.getByLabel('As-of date of the example questions (optional)').fill(asOf);
  await dialog.getByRole('button', { name: 'Validate' }).click();
  await dialog.waitFor({ state: 'detached' });
}

async function promote(question: string) {
  await page.getByRole('checkbox', { name: `Pick “${question}”` }).check();
  await page.getByRole('button', { name: /^Promote 1 into a new version/ }).click();
  await page.getByRole('dialog', { name: 'Promote 1 candidate(s)' }).getByRole('button', { name: 'Promote' }).click();
  await page.getByRole('status').filter({ hasText: 'promoted into a new draft version' }).waitFor();
}

describe.skipIf(!hasChromium)('training corrections', () => {
  beforeAll(async () => {
    ({ e2e, page } = await startAsAdmin());
  }, 180_000);
  afterAll(() => e2e?.close());

  it('dismisses a candidate; shows a failed validation as a failure with what failed; deletes the failed draft; a dated correction validates', async () => {
    // a correction with a date in it (yesterday of the day it was asked), a wrong one, and a thumbs up
    await correct('How many trades were booked yesterday?', (sql) => sql.replace(/^select/i, 'SELECT'));
    await correct('How many live trades are there?', () => 'SELECT 42 AS n');
    const liked = await ask(page, 'Number of live trades by desk');
    await liked.getByRole('button', { name: 'Good answer' }).click();
    await liked.getByRole('status').filter({ hasText: 'feedback' }).waitFor();

    await page.getByRole('link', { name: 'Training' }).click();
    await page.getByRole('heading', { name: 'Feedback candidates' }).waitFor();
    // the heading shows at once, the candidates when their GET answers
    await expect.poll(() => page.getByText(`asked as of ${TODAY}`).count()).toBe(3);
    await page.getByRole('button', { name: 'Dismiss “Number of live trades by desk”' }).click();
    await page.getByRole('dialog', { name: 'Dismiss this candidate' }).getByRole('button', { name: 'Dismiss' }).click();
    await page.getByRole('status').filter({ hasText: 'is dismissed' }).waitFor();
    await expect.poll(() => page.getByRole('checkbox', { name: 'Pick “Number of live trades by desk”' }).count()).toBe(0);

    await promote('How many live trades are there?');
    await validate(2);
    const failure = page.getByRole('alert').filter({ hasText: 'Version 2 failed validation' });
    await failure.waitFor();
    expect(await failure.textContent()).toContain('How many live trades are there?');
    await page.screenshot({ path: SHOTS + 'training-failed-validation.png', fullPage: false });
    await page.getByRole('button', { name: 'Delete draft version 2' }).click();
    await page.getByRole('dialog', { name: 'Delete draft version 2' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('status').filter({ hasText: 'Draft version 2 is deleted' }).waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Validate version 2' }).count()).toBe(0);

    // the dated correction (it carries the day it was asked) validates
    await promote('How many trades were booked yesterday?');
    // (the deleted draft's number is free again: versions are numbered from the ones that exist)
    await validate(2);
    await page.getByRole('status').filter({ hasText: 'Version 2 passed validation' }).waitFor();
    await page.getByRole('button', { name: 'Activate version 2' }).waitFor();
    await page.screenshot({ path: SHOTS + 'training-corrections.png', fullPage: false });
  });

  it('adds a glossary and edits an example in the web app: each save is a new draft version', async () => {
    await page.getByRole('button', { name: 'Show the validation report of version 2' }).click();
    const panel = page.getByRole('region', { name: 'Examples and documents of version 2' });
    await panel.getByText(/^Example questions \(\d+\)$/).click();
    const q1 = panel.getByLabel('Question 1', { exact: true });
    const before = (await q1.inputValue()).trim();
    await q1.fill(`${before} (checked)`);
    await panel.getByText(/^Documents \(\d+\)$/).click();
    await panel.getByRole('button', { name: 'Add a document or glossary' }).click();
    // the new document is the last text box of the panel (its label: "Text of glossary.csv")
    await panel.locator('textarea').last().fill('term,definition\nfail,a settlement that did not settle on its value date\n');
    await panel.getByRole('button', { name: 'Save as a new draft version' }).click();
    await page.getByRole('status').filter({ hasText: 'Your changes are draft version 3' }).waitFor();
    await page.getByRole('button', { name: 'Validate version 3' }).waitFor();
    const bundle = await page.evaluate(async () => (await (await fetch('/api/training/versions/3/export')).json()) as { profile: { examples: { question: string }[]; documents: { name: string; text: string }[] } });
    expect(bundle.profile.examples[0]!.question).toMatch(/\(checked\)$/);
    expect(bundle.profile.documents.some((d) => d.name === 'glossary.csv' && d.text.includes('did not settle'))).toBe(true);
    await page.getByRole('button', { name: 'Show the validation report of version 3' }).click();
    await page.getByRole('region', { name: 'Examples and documents of version 3' }).getByText(/^Documents \(\d+\)$/).click();
    await page.getByRole('region', { name: 'Examples and documents of version 3' }).evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: SHOTS + 'training-content.png', fullPage: false });
  });
});
