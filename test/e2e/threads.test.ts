/**
 * The Ask page as a thread (issue 17): a follow-up refines the previous answer and says what
 * changed; a name shared by several counterparties is offered as buttons and picking one answers;
 * the thread is in the history after a reload and a visit to another page, searchable, and re-runs.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { E2E } from './harness.js';
import { ask, chromiumPresent, SHOTS, startAsAdmin } from './support/browser.js';

const hasChromium = chromiumPresent();

let e2e: E2E;
let page: Page;

/** A word that two to six counterparties of the demo data share after their first word. */
function sharedNameWord(dir: string): string {
  const dataDir = join(dir, 'data');
  const file = readdirSync(dataDir).find((f) => /demo.*\.db$/.test(f));
  const db = new Database(join(dataDir, file!), { readonly: true });
  try {
    const names = (db.prepare('SELECT short_name FROM counterparties').raw(true).all() as string[][]).map((r) => r[0]!);
    const counts = new Map<string, number>();
    for (const n of names) for (const w of n.split(' ').slice(1)) if (w.length >= 5) counts.set(w, (counts.get(w) ?? 0) + 1);
    return [...counts].find(([, c]) => c >= 2 && c <= 6)![0];
  } finally {
    db.close();
  }
}

describe.skipIf(!hasChromium)('Ask threads end to end', () => {
  beforeAll(async () => {
    ({ e2e, page } = await startAsAdmin());
  }, 180_000);
  afterAll(() => e2e?.close());

  it('answers a follow-up in the context of the previous answer and says what changed', async () => {
    const first = await ask(page, 'Live notional by sector');
    expect(await first.locator('.explanation').first().textContent()).toMatch(/by sector/);
    const next = await ask(page, 'now by desk');
    await next.locator('.follows').waitFor();
    expect(await next.locator('.follows').textContent()).toContain('Live notional by sector');
    expect(await next.locator('.explanation').first().textContent()).toMatch(/by desk.*Follow-up: broken down by desk instead of sector/);
    const third = await ask(page, 'top 3 of those');
    expect(await third.locator('.explanation').first().textContent()).toMatch(/Follow-up: the largest 3/);
    await page.waitForTimeout(700); // let the thread's smooth scroll finish
    await next.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: SHOTS + 'ask-follow-up.png', fullPage: false });
  });

  it('offers the counterparties a name could mean, and picking one answers', async () => {
    await page.getByRole('button', { name: 'New thread' }).first().click();
    const word = sharedNameWord(e2e.dir);
    const turn = await ask(page, `Live trades with ${word}`);
    const group = turn.getByRole('group', { name: 'Which one do you mean?' });
    await group.waitFor();
    const options = group.getByRole('button');
    expect(await options.count()).toBeGreaterThanOrEqual(2);
    const label = (await options.first().textContent())!;
    expect(label).toContain(word);
    await page.screenshot({ path: SHOTS + 'ask-which-one.png', fullPage: false });
    await options.first().click();
    await expect.poll(async () => (await turn.locator('.answer:not(.pending)').first().textContent()) ?? '').toContain(label);
    expect(await turn.locator('.answer.choose').count()).toBe(0);
  });

  it('keeps the thread after a reload and a visit to another page; the history is searchable and re-runs', async () => {
    await page.getByRole('button', { name: 'New thread' }).first().click();
    await ask(page, 'How many open exceptions by severity?');
    await ask(page, 'by owner team instead');
    await page.reload();
    await page.locator('article.turn').nth(1).waitFor();
    const questions = async () => (await page.locator('article.turn .question').allTextContents()).map((q) => q.replace(/^You asked: /, ''));
    expect(await questions()).toEqual(['How many open exceptions by severity?', 'by owner team instead']);
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.waitForURL(/\/audit/);
    await page.getByRole('link', { name: 'Ask' }).click();
    await page.locator('article.turn').nth(1).waitFor();
    const history = page.getByRole('complementary', { name: 'History' });
    await expect.poll(() => history.locator('.thread-link').count()).toBeGreaterThanOrEqual(3);
    await history.getByLabel('Search history').fill('owner team');
    await expect.poll(() => history.locator('.thread-link').count()).toBe(1);
    await page.screenshot({ path: SHOTS + 'ask-history.png', fullPage: false });
    await history.getByLabel('Search history').fill('');
    await expect.poll(() => history.locator('.thread-link').count()).toBeGreaterThanOrEqual(3);
    // the follow-up thread opened from the history, re-run on today's data
    await history.locator('.thread-link', { hasText: 'Live notional by sector' }).click();
    await expect.poll(questions).toEqual(['Live notional by sector', 'now by desk', 'top 3 of those']);
    await page.getByRole('button', { name: "Re-run on today's data" }).click();
    await expect.poll(() => page.locator('article.turn .follows').count()).toBe(2);
    expect(await page.locator('article.turn').nth(2).locator('table tbody tr').count()).toBe(3);
  });
});
