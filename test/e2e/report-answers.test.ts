/**
 * Answers formatted like a report, and downloads an analyst can forward (issue 17 items 3 and 5),
 * in Chromium against the real server: largest first, headers with units, exact figures in the
 * table and abbreviated ones on the axis, percentages with a % sign, dates as dates, a chart that
 * fits, "Refused:" said once; the XLSX read back with exceljs.
 */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readText, type E2E } from './harness.js';
import { ask, chromiumPresent, SHOTS, startAsAdmin } from './support/browser.js';

const hasChromium = chromiumPresent();

let e2e: E2E;
let page: Page;

const number = (s: string) => Number(s.replace(/[,%]/g, ''));

describe.skipIf(!hasChromium)('answers formatted like a report, downloads to forward', () => {
  beforeAll(async () => {
    ({ e2e, page } = await startAsAdmin());
  }, 180_000);
  afterAll(() => e2e?.close());

  it('orders groups largest first, heads columns with units, writes figures exactly in the table and abbreviated on the axis', async () => {
    const turn = await ask(page, 'Live notional by desk');
    await turn.locator('.chart[data-chart-kind="bar"] svg').waitFor();
    const headers = await turn.locator('table.result thead th').allTextContents();
    expect(headers.map((h) => h.replace(/[▲▼↕]/g, '').trim())).toEqual(['Desk', 'Notional (USD)']);
    const cells = await turn.locator('table.result tbody tr td:nth-child(2)').allTextContents();
    expect(cells.length).toBeGreaterThan(2);
    for (const c of cells) expect(c).toMatch(/^-?\d{1,3}(,\d{3})*\.\d{2}$/);
    const values = cells.map(number);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    const axis = (await turn.locator('.chart svg text').allTextContents()).join(' ');
    expect(axis).toMatch(/\d(\.\d)?(bn|m)\b/);
    expect(axis).not.toMatch(/\d{1,3},\d{3},\d{3}/);
    expect(await turn.getByRole('radio', { name: 'Line' }).count()).toBe(0);
    await page.waitForTimeout(700);
    await turn.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: SHOTS + 'ask-report-format.png', fullPage: false });
  });

  it('writes percentages with a % sign and one decimal, and orders a top N largest first', async () => {
    const rate = await ask(page, 'Settlement fail rate by currency last month');
    expect((await rate.locator('table.result thead th').allTextContents()).join('|')).toContain('Fail rate (%)');
    const cells = await rate.locator('table.result tbody tr td:nth-child(2)').allTextContents();
    for (const c of cells) expect(c).toMatch(/^\d+\.\d%$/);
    const top = await ask(page, 'Top 3 counterparties by number of live trades');
    expect(await top.locator('.explanation').textContent()).toContain('top 3');
    const counts = (await top.locator('table.result tbody tr td:nth-child(2)').allTextContents()).map(number);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(counts.length).toBe(3);
  });

  it('writes dates as dates, and says "Refused:" once', async () => {
    const list = await ask(page, 'List the failed settlements this month');
    const headers = (await list.locator('table.result thead th').allTextContents()).map((h) => h.replace(/[▲▼↕]/g, '').trim());
    const dateCol = headers.findIndex((h) => /date/i.test(h));
    expect(dateCol).toBeGreaterThanOrEqual(0);
    const dates = await list.locator(`table.result tbody tr td:nth-child(${dateCol + 1})`).allTextContents();
    for (const d of dates) expect(d).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const refused = await ask(page, 'Delete all trades');
    const text = (await refused.locator('.explanation').textContent()) ?? '';
    expect(text).toMatch(/^Refused: /);
    expect(text.match(/Refused/g)).toHaveLength(1);
  });

  it('downloads a workbook to forward: labelled frozen header with autofilter, typed cells, a sheet with question, explanation, SQL, training version, user and data as of; and a labelled CSV', async () => {
    const turn = await ask(page, 'Live notional by desk');
    const [xlsx] = await Promise.all([page.waitForEvent('download'), turn.getByRole('link', { name: 'Download XLSX' }).click()]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(await xlsx.path()) as unknown as ArrayBuffer);
    const [cover, sheet] = wb.worksheets;
    const coverText = cover!.getSheetValues().flat().map(String).join('\n');
    for (const want of ['Live notional by desk', 'Adding up notional of trades with status Live, by desk', 'select', 'Downloaded by', 'admin', 'Training version', 'Data as of']) expect(coverText).toContain(want);
    expect(sheet!.getRow(1).values).toEqual([undefined, 'Desk', 'Notional (USD)']);
    expect(sheet!.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet!.autoFilter).toBeTruthy();
    const amount = sheet!.getRow(2).getCell(2);
    expect(typeof amount.value).toBe('number');
    expect(amount.numFmt).toBe('#,##0.00');
    const firstDesk = String(sheet!.getRow(2).getCell(1).value);
    expect((await turn.locator('table.result tbody tr td:first-child').first().textContent())?.trim()).toBe(firstDesk);

    const [csv] = await Promise.all([page.waitForEvent('download'), turn.getByRole('link', { name: 'Download CSV' }).click()]);
    const lines = readText(await csv.path()).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('Desk,Notional (USD)');
  });
});
