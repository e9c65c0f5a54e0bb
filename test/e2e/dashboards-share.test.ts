/**
 * Sharing a dashboard with a named user, and that user's own filters, in Chromium against the
 * real server: the admin builds a dashboard from two answers, opens the share dialog (which lists
 * the users), shares it with one viewer by name; that viewer sees it (another viewer does not),
 * narrows it to one desk for themselves with "Apply for me" (the KPI shows that desk's figure,
 * the dashboard's own filters stay as they were) and resets. Screenshots: docs/screenshots/
 * dashboard-share.png and dashboard-viewer-filter.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, type E2E } from './harness.js';
import { chromiumPresent, openAsAdmin, SHOTS, signIn } from './support/browser.js';
import { saveAsWidget } from './support/dashboards.js';

const hasChromium = chromiumPresent();

let e2e: E2E;
let page: Page;

interface ApiBoard {
  id: string;
  name: string;
  filters: Record<string, unknown>;
  sharing: { roles: string[]; users: string[] };
  widgets: { id: string; title: string; result: { rows: unknown[][] } | null; kpi?: { value: number } }[];
}

const getJson = <T,>(p: Page, url: string): Promise<T> => p.evaluate(async (u) => (await fetch(u, { credentials: 'same-origin' })).json(), url) as Promise<T>;
const status = (p: Page, url: string): Promise<number> => p.evaluate(async (u) => (await fetch(u, { credentials: 'same-origin' })).status, url);

async function signedIn(p: Page, username: string, password: string) {
  await signIn(p, e2e, username, password);
  await p.getByRole('heading', { name: /Ask about your OTC operations/ }).waitFor();
}

const figure = async (p: Page) => Number((await p.locator('.widget', { hasText: 'How many failed settlements?' }).filter({ hasNot: p.getByText('by desk') }).locator('.kpi-value').textContent())!.replace(/,/g, ''));

describe.skipIf(!hasChromium)('Sharing a dashboard by name, and a viewer’s own filters', () => {
  beforeAll(async () => {
    e2e = await startE2E();
    await e2e.server.app.auth.createUser({ username: 'vic', password: 'viewer-password-1', role: 'viewer', displayName: 'Vic Viewer' }, 'e2e');
    await e2e.server.app.auth.createUser({ username: 'val', password: 'viewer-password-2', role: 'viewer', displayName: 'Val Other' }, 'e2e');
    page = await openAsAdmin(e2e);
  }, 240_000);
  afterAll(async () => {
    await e2e?.close();
  });

  it('shares with one viewer through the dialog; that viewer filters it for themselves', async () => {
    await saveAsWidget(page, 'How many failed settlements by desk?', { create: 'Desk fails' });
    await saveAsWidget(page, 'How many failed settlements?', 'Desk fails');
    await page.getByRole('link', { name: 'Dashboards' }).click();
    await page.getByLabel('Dashboard', { exact: true }).selectOption({ label: 'Desk fails' });
    await page.locator('.widget .kpi-value').waitFor();
    const id = (await getJson<{ id: string; name: string }[]>(page, '/api/dashboards')).find((b) => b.name === 'Desk fails')!.id;
    expect(await page.getByTestId('shared-with').textContent()).toBe('Not shared');

    // the share dialog lists the users; vic is chosen by name
    await page.getByRole('button', { name: 'Share…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Share dashboard' });
    await dialog.getByRole('list', { name: 'Users' }).getByText('Vic Viewer').waitFor();
    expect(await dialog.getByText('Val Other').count()).toBe(1);
    await dialog.getByLabel('Find').fill('vic');
    expect(await dialog.getByText('Val Other').count()).toBe(0);
    await dialog.getByRole('checkbox', { name: 'Share with vic' }).check();
    await expect.poll(() => dialog.getByTestId('share-summary').textContent()).toBe('Shared with vic.');
    await page.screenshot({ path: SHOTS + 'dashboard-share.png' });
    await dialog.getByRole('button', { name: 'Save sharing' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('shared-with').textContent()).toBe('Shared with vic');
    const shared = await getJson<ApiBoard>(page, `/api/dashboards/${id}`);
    expect(shared.sharing).toEqual({ roles: [], users: ['vic'] });
    const deskRow = shared.widgets.find((w) => w.title.includes('by desk'))!.result!.rows[0]!;
    const total = shared.widgets.find((w) => w.kpi)!.kpi!.value;

    // vic sees it; val, another viewer, does not
    const vic = await (await e2e.newContext()).newPage();
    await signedIn(vic, 'vic', 'viewer-password-1');
    // the page comes drawn by the server; the app takes it over without asking for the dashboard again
    const drawn = await vic.goto(`${e2e.server.url}/dashboards?id=${id}`);
    expect(await drawn!.text()).toContain('id="otc-first-paint"');
    await vic.locator('#otc-first-paint').waitFor({ state: 'detached' });
    await vic.locator('.widget .kpi-value').waitFor();
    expect(await figure(vic)).toBe(total);
    expect(await vic.evaluate(`performance.getEntriesByType('resource').filter((r) => r.name.endsWith('/api/dashboards/${id}')).length`)).toBe(0);
    expect(await vic.getByRole('button', { name: 'Share…' }).count()).toBe(0);
    const val = await (await e2e.newContext()).newPage();
    await signedIn(val, 'val', 'viewer-password-2');
    expect(await status(val, `/api/dashboards/${id}`)).toBe(404);
    const plain = await val.goto(`${e2e.server.url}/dashboards?id=${id}`);
    expect(await plain!.text()).not.toContain('otc-first-paint');

    // vic narrows it to one desk for themselves: nothing saved
    await vic.getByRole('textbox', { name: 'Desk', exact: true }).fill(String(deskRow[0]));
    await vic.getByRole('button', { name: 'Apply for me' }).click();
    await expect.poll(() => figure(vic), { timeout: 30_000 }).toBe(Number(deskRow[1]));
    await vic.getByRole('status').getByText(/Filtered for you, not saved: desk /).waitFor();
    expect(new URL(vic.url()).searchParams.get('desk')).toBe(String(deskRow[0]));
    await vic.locator('.widget-chart svg').first().waitFor();
    await vic.waitForTimeout(1500); // the grid's width settles and ECharts' entry animation ends
    await vic.screenshot({ path: SHOTS + 'dashboard-viewer-filter.png', fullPage: true });
    const after = await getJson<ApiBoard>(page, `/api/dashboards/${id}`);
    expect(after.filters).toEqual({});
    expect(after.widgets.find((w) => w.kpi)!.kpi!.value).toBe(total);
    // a reload keeps vic's filters (they are in the address); Reset goes back to the dashboard's own
    await vic.reload();
    await expect.poll(() => figure(vic), { timeout: 30_000 }).toBe(Number(deskRow[1]));
    await vic.getByRole('button', { name: "Reset to the dashboard's filters" }).click();
    await expect.poll(() => figure(vic)).toBe(total);

    // both the share and vic's filtered runs are in the audit trail
    const { records } = await getJson<{ records: { kind: string; actor: string; details: { action?: string; reason?: string } }[] }>(page, `/api/audit?text=${id}&limit=500`);
    expect(records.some((r) => r.kind === 'dashboard_change' && r.details.action === 'share_dashboard' && r.actor === 'admin')).toBe(true);
    expect(records.some((r) => r.kind === 'dashboard_refresh' && r.details.reason === 'viewer_filters' && r.actor === 'vic')).toBe(true);
  });

  it('sends the dashboard as a scheduled report of the Extract Manager: the Reports form prefilled from the dashboard, the schedule\'s run renders its PDF', async () => {
    await page.getByRole('link', { name: 'Dashboards' }).click();
    await page.getByLabel('Dashboard', { exact: true }).selectOption({ label: 'Desk fails' });
    await page.getByRole('link', { name: 'E-mail on a schedule…' }).click();
    const form = page.locator('#new-template');
    await expect.poll(() => form.getByLabel('Dashboard to send').locator('option:checked').textContent()).toBe('Desk fails');
    await expect.poll(() => form.getByLabel('Title').inputValue()).toBe('Desk fails');
    await form.getByRole('checkbox', { name: 'Dashboard as PDF' }).waitFor();
    await form.getByLabel('Runs').selectOption('daily');
    await form.getByRole('button', { name: 'Create and schedule' }).click();
    await form.getByText('“Desk fails” is scheduled.').waitFor();
    // the schedule's slot fired now, through the server's own scheduler and report handler (as at 07:00)
    const scheduler = e2e.server.app.deps.scheduler!;
    const schedule = (await scheduler.list()).find((x) => x.name === 'Desk fails' && x.handler === 'report')!;
    const slot = await scheduler.runNow(schedule.id, 'admin');
    await expect.poll(async () => (await scheduler.runs(schedule.id)).find((r) => r.id === slot.id)?.state, { timeout: 60_000 }).toBe('succeeded');
    await page.reload();
    const link = page.getByRole('table', { name: 'Report runs' }).getByRole('link', { name: 'desk-fails-dashboard.pdf' });
    await link.waitFor({ timeout: 30_000 });
    const pdf = await page.evaluate(async (href) => {
      const r = await fetch(href);
      return { type: r.headers.get('content-type'), head: new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5)) };
    }, (await link.getAttribute('href'))!);
    expect(pdf).toEqual({ type: 'application/pdf', head: '%PDF-' });
  });
});
