/**
 * Dashboards end to end in Chromium against the real server: the default ops dashboard made on
 * first start; two answers saved as widgets from the Ask page onto a new dashboard; a widget
 * resized on the grid (layout saved); a KPI threshold set; a real-time widget updated after the
 * test inserts a row into the datasource through its own writable connection; a dashboard
 * filter applied; the PDF export downloaded and looked at (pdftoppm). Screenshots of the default
 * dashboard and of the edited one go to docs/screenshots.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { E2E } from './harness.js';
import { chromiumPresent, SHOTS, startAsAdmin } from './support/browser.js';
import { saveAsWidget } from './support/dashboards.js';

const hasChromium = chromiumPresent();

let e2e: E2E;
let page: Page;

interface ApiWidget {
  id: string;
  title: string;
  result: { columns: string[]; rows: unknown[][] } | null;
  kpi?: { value: number; status?: string };
}
interface ApiBoard {
  id: string;
  name: string;
  layout: { i: string; x: number; y: number; w: number; h: number }[];
  widgets: ApiWidget[];
}

const getJson = <T>(url: string): Promise<T> => page.evaluate(async (u) => (await fetch(u, { credentials: 'same-origin' })).json(), url) as Promise<T>;

describe.skipIf(!hasChromium)('Dashboards end to end', () => {
  beforeAll(async () => {
    ({ e2e, page } = await startAsAdmin({ prepare: async () => ({ dashboardProbeIntervalMs: 1000 }) }));
  }, 240_000);
  afterAll(async () => {
    await e2e?.close();
  });

  it('opened from another page, the dashboards page asks for its data while its code loads, and the page on screen stays until it is ready', async () => {
    // the page's chunk is held until its data has been asked for (5 s at most): before, the data
    // was asked only once the chunk had loaded and React had shown "Loading…" for 300 ms
    let dataAsked = false;
    const onRequest = (r: { url(): string }) => {
      if (new URL(r.url()).pathname.startsWith('/api/dashboards')) dataAsked = true;
    };
    page.on('request', onRequest);
    let chunkHeld = false;
    let dataBeforeChunk = false;
    const chunk = /\/assets\/Dashboards-[^/]+\.js$/;
    await page.route(chunk, async (route) => {
      chunkHeld = true;
      for (let i = 0; i < 50 && !dataAsked; i++) await new Promise((r) => setTimeout(r, 100));
      dataBeforeChunk = dataAsked;
      await route.continue();
    });
    try {
      // the suspense fallback is a "Loading…" paragraph right under <main>
      await page.evaluate(`(() => {
        const main = document.getElementById('main');
        window.__fallbackShown = false;
        new MutationObserver(() => {
          if (Array.from(main.children).some((c) => c.tagName === 'P' && c.textContent === 'Loading…')) window.__fallbackShown = true;
        }).observe(main, { childList: true, subtree: true, characterData: true });
      })()`);
      await page.getByRole('link', { name: 'Dashboards' }).click();
      await page.locator('.widget').first().waitFor();
      expect(chunkHeld).toBe(true);
      expect(dataBeforeChunk).toBe(true);
      expect(await page.evaluate('window.__fallbackShown')).toBe(false);
    } finally {
      await page.unroute(chunk);
      page.off('request', onRequest);
    }
    await page.getByRole('link', { name: 'Ask' }).click();
    await page.getByRole('heading', { name: /Ask about your OTC operations/ }).waitFor();
  });

  it('the default ops dashboard is there on first start', async () => {
    expect(e2e.printed.join('\n')).toContain('Operations overview');
    await page.getByRole('link', { name: 'Dashboards' }).click();
    await expect.poll(() => page.getByLabel('Dashboard', { exact: true }).locator('option:checked').textContent()).toBe('Operations overview');
    await page.locator('.widget').first().waitFor();
    expect(await page.locator('.widget').count()).toBeGreaterThanOrEqual(4);
    await page.locator('.widget-chart svg').first().waitFor();
    await page.waitForTimeout(1500); // the grid's measured width settles (its items move with a CSS transition) and ECharts' entry animation ends
    await page.screenshot({ path: SHOTS + 'dashboard-default.png', fullPage: true });
  });

  it('builds a dashboard from two answers, resizes, thresholds, updates in real time, filters and exports a PDF', async () => {
    await page.getByRole('link', { name: 'Ask' }).click();
    await saveAsWidget(page, 'How many failed settlements by desk?', { create: 'Settlement fails' });
    await saveAsWidget(page, 'How many failed settlements?', 'Settlement fails');

    await page.getByRole('link', { name: 'Dashboards' }).click();
    await page.getByLabel('Dashboard', { exact: true }).selectOption({ label: 'Settlement fails' });
    const bar = page.locator('.widget', { hasText: 'How many failed settlements by desk?' });
    const kpi = page.locator('.widget', { hasText: 'How many failed settlements?' }).filter({ hasNot: page.getByText('by desk') });
    await bar.locator('.widget-chart svg').waitFor();
    await kpi.locator('.kpi-value').waitFor();
    const boards = await getJson<{ id: string; name: string }[]>('/api/dashboards');
    const id = boards.find((b) => b.name === 'Settlement fails')!.id;
    const before = await getJson<ApiBoard>(`/api/dashboards/${id}`);
    const barId = before.widgets.find((w) => w.title.includes('by desk'))!.id;
    const kpiId = before.widgets.find((w) => w.id !== barId)!.id;

    // resize the bar chart by its handle: the grid saves the new layout
    const handle = page.locator('.grid-item', { has: page.locator(`[data-widget-id="${barId}"]`) }).locator('.react-resizable-handle');
    const box = (await handle.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 200, box.y + 160, { steps: 12 });
    await page.mouse.up();
    const sizeOf = async () => (await getJson<ApiBoard>(`/api/dashboards/${id}`)).layout.find((l) => l.i === barId)!;
    const old = before.layout.find((l) => l.i === barId)!;
    await expect.poll(async () => (await sizeOf()).w > old.w && (await sizeOf()).h > old.h, { timeout: 10_000 }).toBe(true);

    // KPI threshold (red from 1) and real-time refresh
    const value = Number((await kpi.locator('.kpi-value').textContent())!.replace(/,/g, ''));
    await kpi.getByRole('button', { name: /^Edit / }).click();
    const dialog = page.getByRole('form', { name: 'Edit widget' });
    await dialog.getByLabel('Amber at').fill('0');
    await dialog.getByLabel('Red at').fill(String(Math.max(1, value)));
    await dialog.getByLabel('Refresh').selectOption('realtime');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => kpi.locator('.kpi-tile').getAttribute('data-kpi-status')).toBe('red');
    await expect.poll(() => kpi.getByTestId('as-of').textContent()).toContain('real time');

    // a failed settlement written through the test's own connection reaches the open page by itself
    const db = new Database(join(e2e.dir, 'data', 'demo-ops.db'));
    try {
      const fail = db.prepare("SELECT * FROM settlements WHERE status = 'Failed' LIMIT 1").get() as Record<string, unknown> | undefined;
      const row = fail ?? (db.prepare('SELECT * FROM settlements LIMIT 1').get() as Record<string, unknown>);
      const pk = (db.prepare('PRAGMA table_info(settlements)').all() as { name: string; pk: number }[]).find((c) => c.pk === 1)!.name;
      const max = (db.prepare(`SELECT max(${pk}) AS m FROM settlements`).get() as { m: unknown }).m;
      row[pk] = typeof max === 'number' ? max + 1 : `${String(max)}-E2E`;
      db.prepare(`INSERT INTO settlements (${Object.keys(row).join(',')}) VALUES (${Object.keys(row).map(() => '?').join(',')})`).run(...Object.values(row));
    } finally {
      db.close();
    }
    await expect.poll(async () => Number((await kpi.locator('.kpi-value').textContent())!.replace(/,/g, '')), { timeout: 30_000 }).toBe(value + 1);

    // a dashboard filter: one desk; both widgets narrow to it
    const now = await getJson<ApiBoard>(`/api/dashboards/${id}`);
    const deskRow = now.widgets.find((w) => w.id === barId)!.result!.rows[0]!;
    await page.getByRole('textbox', { name: 'Desk', exact: true }).fill(String(deskRow[0]));
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(async () => (await getJson<ApiBoard>(`/api/dashboards/${id}`)).widgets.find((w) => w.id === barId)!.result!.rows.length).toBe(1);
    await expect.poll(async () => Number((await kpi.locator('.kpi-value').textContent())!.replace(/,/g, ''))).toBe(Number(deskRow[1]));
    await page.waitForTimeout(1500);
    await page.screenshot({ path: SHOTS + 'dashboard-edited.png', fullPage: true });

    // the PDF export, looked at through pdftoppm
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Export PDF' }).click();
    const pdf = join(e2e.dir, 'dashboard.pdf');
    await (await download).saveAs(pdf);
    const info = execFileSync('pdfinfo', [pdf]).toString();
    expect(info).toMatch(/Pages:\s+1/);
    const out = join(e2e.dir, 'dashboard-pdf');
    const r = spawnSync('pdftoppm', ['-png', '-r', '50', '-singlefile', pdf, out]);
    expect(r.status).toBe(0);
    expect(existsSync(`${out}.png`)).toBe(true);
    execFileSync('cp', [`${out}.png`, SHOTS + 'dashboard-pdf.png']);
    void kpiId;
  });
});
