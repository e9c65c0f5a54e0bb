/**
 * A top N whose edge is tied, on the Ask page in Chromium (issue 17 item 3): the answer shows N
 * rows and a note naming how many more groups tie with the Nth and which; "Include ties" asks the
 * follow-up in the thread and answers them all.
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

/** Live trades per counterparty in the server's demo data, largest first. */
function liveCounts(dir: string): [string, number][] {
  const dataDir = join(dir, 'data');
  const file = readdirSync(dataDir).find((f) => /demo.*\.db$/.test(f));
  const db = new Database(join(dataDir, file!), { readonly: true });
  try {
    return db
      .prepare("SELECT c.short_name, COUNT(*) FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE t.status = 'Live' GROUP BY c.short_name ORDER BY 2 DESC")
      .raw(true)
      .all() as [string, number][];
  } finally {
    db.close();
  }
}

describe.skipIf(!hasChromium)('top N with ties at the edge', () => {
  beforeAll(async () => {
    ({ e2e, page } = await startAsAdmin());
  }, 180_000);
  afterAll(async () => {
    await e2e?.close();
  });

  it('shows N rows, says which groups tie with the Nth, and "Include ties" answers them', async () => {
    const all = liveCounts(e2e.dir);
    // the smallest N > 1 whose Nth ties with the next one
    const n = all.findIndex(([, c], i) => i > 1 && all[i + 1]?.[1] === c) + 1;
    expect(n).toBeGreaterThan(2);
    const edge = all[n - 1]![1];
    const turn = await ask(page, `Top ${n} counterparties by number of live trades`);
    expect((await turn.locator('.meta-line').textContent())?.trim()).toMatch(new RegExp(`^${n} rows`));
    const note = turn.getByRole('note');
    await note.waitFor();
    expect(n).toBeLessThanOrEqual(10); // all N on the table's first page
    const shown = new Set((await turn.locator('table.result tbody tr td:first-child').allTextContents()).map((s) => s.trim()));
    const tied = all.filter(([name, c]) => c === edge && !shown.has(name)).map(([name]) => name);
    const text = (await note.textContent()) ?? '';
    expect(text).toContain(`${tied.length} more counterpart${tied.length === 1 ? 'y ties' : 'ies tie'} with the ${n}`);
    expect(text).toContain(`at ${edge.toLocaleString('en-US')}`);
    for (const name of tied.slice(0, 8)) expect(text).toContain(name);
    await page.waitForTimeout(700); // let the thread's smooth scroll finish
    await turn.evaluate((el) => el.scrollIntoView({ block: 'start' })); // the question, the note and the table's top
    await page.screenshot({ path: SHOTS + 'ask-top-n-ties.png', fullPage: false });

    await note.getByRole('button', { name: 'Include ties' }).click();
    const next = page.locator('article.turn').nth(1);
    await next.locator('.answer:not(.pending)').waitFor();
    expect(await next.locator('.follows').textContent()).toContain(`Top ${n} counterparties`);
    expect(await next.locator('.explanation').first().textContent()).toMatch(new RegExp(`top ${n} with any tied at the last place.*Follow-up: every counterparty tied with the last of the top ${n} included`));
    // the table pages by 10: the row count is in the line under the explanation
    expect((await next.locator('.meta-line').textContent())?.trim()).toMatch(new RegExp(`^${all.filter(([, c]) => c >= edge).length} rows`));
    expect(await next.getByRole('note').count()).toBe(0);
  });
});
