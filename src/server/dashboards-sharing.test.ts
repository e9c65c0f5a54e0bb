/**
 * Dashboards seen and passed on: a viewer's own filters (GET …/view, nothing saved, cached apart,
 * audited under the viewer) per role; sharing with named users (the users the share dialog
 * lists, unknown names refused, every change audited); and a dashboard as the content of an
 * Extract Manager report, delivered to a real SMTP server on loopback as a PDF whose text names
 * the widgets (pdftotext) and a PNG.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachmentOf, startSmtp, textOf, type TestSmtp } from '../reports/testing/loopback.js';
import { savedAnswer as savedAnswerOf, startTestServer, type TestServer, type TestWorld } from './testing.js';

let world: TestWorld;
let app: FastifyInstance;
let smtp: TestSmtp;
let server: TestServer;
const call: TestServer['call'] = (...args) => server.call(...args);
const savedAnswer = (user: string, question: string) => savedAnswerOf(call, user, question);

beforeAll(async () => {
  smtp = await startSmtp();
  server = await startTestServer({ maxRows: 200, dashboardProbeIntervalMs: 3_600_000 }, ['analyst', 'viewer', 'admin', 'auditor'], (w) => ({
    reports: {
      reportDir: join(w.dir, 'reports'),
      maxRows: 200,
      governance: { allowedDomains: [], internalDomains: ['bank.test'] },
      deliveryAttempts: 2,
      deliveryBackoffMs: 1,
      deliveryTimeoutMs: 5000,
      readinessIntervalMs: 10,
      channels: { smtpUrl: smtp.url, mailFrom: 'copilot@bank.test', mailMaxBytes: 20e6, graphBaseUrl: 'http://127.0.0.1:1', graphLoginUrl: 'http://127.0.0.1:1' },
    },
  }));
  ({ world, app } = server);
}, 120_000);
afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

interface W {
  id: string;
  title: string;
  result: { rows: unknown[][] } | null;
  kpi?: { value: number };
  filtered?: { applied: string[]; skipped: string[] };
}

/** A dashboard of the analyst: fails by desk (bar) and the number of fails (KPI). */
async function board(name: string): Promise<{ id: string; bar: W; kpi: W }> {
  const d = (await call('analyst', 'POST', '/api/dashboards', { name })).json();
  const bar = (await call('analyst', 'POST', `/api/dashboards/${d.id}/widgets`, { savedId: await savedAnswer('analyst', 'How many failed settlements by desk?'), title: 'Fails by desk', chart: { type: 'bar' } })).json() as W;
  const kpi = (await call('analyst', 'POST', `/api/dashboards/${d.id}/widgets`, { savedId: await savedAnswer('analyst', 'How many failed settlements?'), title: 'Failed settlements', chart: { type: 'kpi' } })).json() as W;
  expect(bar.result!.rows.length).toBeGreaterThan(1);
  return { id: d.id, bar, kpi };
}

describe('a viewer’s own filters', () => {
  it('narrow the widgets for that viewer only, by role, cached and audited', async () => {
    const { id, bar, kpi } = await board('Viewer filters');
    const [desk, fails] = bar.result!.rows[0]! as [string, number];
    const q = `desk=${encodeURIComponent(desk)}`;

    // not shared yet: a viewer does not see it; an auditor never runs queries
    expect((await call('viewer', 'GET', `/api/dashboards/${id}/view?${q}`)).statusCode).toBe(404);
    expect((await call('auditor', 'GET', `/api/dashboards/${id}/view?${q}`)).statusCode).toBe(403);
    expect((await call('analyst', 'PUT', `/api/dashboards/${id}/sharing`, { roles: ['viewer'], users: [] })).statusCode).toBe(200);

    const runs0 = app.dashboards.stats().viewerFilterRuns;
    const v = await call('viewer', 'GET', `/api/dashboards/${id}/view?${q}`);
    expect(v.statusCode).toBe(200);
    const view = v.json() as { filters: unknown; defaultFilters: unknown; viewerFilters: boolean; editable: boolean; widgets: W[] };
    expect(view).toMatchObject({ filters: { desk: [desk] }, defaultFilters: {}, viewerFilters: true, editable: false });
    const vb = view.widgets.find((w) => w.id === bar.id)!;
    const vk = view.widgets.find((w) => w.id === kpi.id)!;
    expect(vb.result!.rows).toEqual([bar.result!.rows[0]]);
    expect(vb.filtered).toEqual({ applied: ['desk'], skipped: [] });
    expect(vk.kpi!.value).toBe(Number(fails));
    expect(app.dashboards.stats().viewerFilterRuns).toBe(runs0 + 2);

    // the dashboard itself is unchanged: its shared results and saved filters
    const shared = (await call('viewer', 'GET', `/api/dashboards/${id}`)).json() as { filters: unknown; widgets: W[] };
    expect(shared.filters).toEqual({});
    expect(shared.widgets.find((w) => w.id === bar.id)!.result!.rows.length).toBe(bar.result!.rows.length);
    expect(shared.widgets.find((w) => w.id === kpi.id)!.kpi!.value).toBe(kpi.kpi!.value);

    // the same view again (another role this time): from the cache, no query
    const again = (await call('analyst', 'GET', `/api/dashboards/${id}/view?${q}`)).json() as { widgets: W[] };
    expect(again.widgets.find((w) => w.id === kpi.id)!.kpi!.value).toBe(Number(fails));
    expect(app.dashboards.stats().viewerFilterRuns).toBe(runs0 + 2);
    // a refresh of the widget makes its personal results stale: the next view runs again
    expect((await call('viewer', 'POST', `/api/dashboards/${id}/widgets/${kpi.id}/refresh`)).statusCode).toBe(200);
    await call('viewer', 'GET', `/api/dashboards/${id}/view?${q}`);
    expect(app.dashboards.stats().viewerFilterRuns).toBe(runs0 + 3);

    // several values of one key; a date range; bad input is a 400
    const two = bar.result!.rows.slice(0, 2).map((r) => String(r[0]));
    const both = (await call('viewer', 'GET', `/api/dashboards/${id}/view?${two.map((d) => `desk=${encodeURIComponent(d)}`).join('&')}`)).json() as { widgets: W[] };
    expect(both.widgets.find((w) => w.id === bar.id)!.result!.rows.length).toBe(2);
    expect((await call('viewer', 'GET', `/api/dashboards/${id}/view?from=2020-01-01&to=2020-01-02`)).json().filters).toEqual({ from: '2020-01-01', to: '2020-01-02' });
    expect((await call('viewer', 'GET', `/api/dashboards/${id}/view?from=yesterday`)).statusCode).toBe(400);
    expect((await call('viewer', 'GET', `/api/dashboards/${id}/view?from=2024-02-01&to=2024-01-01`)).json().code).toBe('OTC_ERR_DASHBOARD_INVALID');
    expect((await call('viewer', 'GET', `/api/dashboards/${id}/view?colour=red`)).statusCode).toBe(400);

    // the viewer cannot save them as the dashboard's filters; the analyst saves the default
    expect((await call('viewer', 'PATCH', `/api/dashboards/${id}`, { filters: { desk: [desk] } })).statusCode).toBe(403);
    const saved = await call('analyst', 'PATCH', `/api/dashboards/${id}`, { filters: { desk: [desk] } });
    expect(saved.statusCode).toBe(200);
    expect((await call('viewer', 'GET', `/api/dashboards/${id}`)).json().filters).toEqual({ desk: [desk] });
    // the viewer clears them for themselves: no filter at all
    const cleared = (await call('viewer', 'GET', `/api/dashboards/${id}/view`)).json() as { filters: unknown; defaultFilters: unknown; widgets: W[] };
    expect(cleared).toMatchObject({ filters: {}, defaultFilters: { desk: [desk] } });
    expect(cleared.widgets.find((w) => w.id === bar.id)!.result!.rows.length).toBe(bar.result!.rows.length);

    // an export with the viewer's filters
    const png = await call('viewer', 'GET', `/api/dashboards/${id}/export.png?desk=${encodeURIComponent(two[1]!)}`);
    expect(png.statusCode).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    // mine=true with no filter: the viewer's view without the saved desk filter
    expect((await call('viewer', 'GET', `/api/dashboards/${id}/export.pdf?mine=true`)).statusCode).toBe(200);
    const exports = (await world.audit.search({ text: id, limit: 500 })).filter((r) => (r.details as { action?: string }).action === 'export_dashboard').map((r) => (r.details as { viewerFilters?: unknown }).viewerFilters);
    expect(exports).toEqual(expect.arrayContaining([{ desk: [two[1]] }, {}]));

    const records = (await world.audit.search({ text: id, limit: 500 })).filter((r) => r.kind === 'dashboard_refresh' && (r.details as { reason?: string }).reason === 'viewer_filters');
    expect(records.some((r) => r.actor === 'viewer' && r.outcome === 'ok' && r.sql && (r.details as { viewerFilters?: { desk?: string[] } }).viewerFilters?.desk?.[0] === desk)).toBe(true);
    expect(records.some((r) => r.actor === 'analyst')).toBe(false); // the analyst's view came from the cache
  });
});

describe('sharing with named users', () => {
  it('lists the users, shares by name, refuses unknown names, audits every change', async () => {
    const d = (await call('analyst', 'POST', '/api/dashboards', { name: 'Named sharing' })).json();
    const choices = await call('analyst', 'GET', `/api/dashboards/${d.id}/sharing`);
    expect(choices.statusCode).toBe(200);
    const c = choices.json() as { sharing: unknown; roles: string[]; users: { username: string; displayName: string | null; role: string }[] };
    expect(c.sharing).toEqual({ roles: [], users: [] });
    expect(c.roles).toEqual(expect.arrayContaining(['viewer', 'analyst']));
    expect(c.users.map((u) => u.username)).toEqual(expect.arrayContaining(['viewer', 'admin', 'auditor']));
    expect(c.users.some((u) => u.username === 'analyst')).toBe(false); // the owner
    expect(c.users.find((u) => u.username === 'viewer')).toEqual({ username: 'viewer', displayName: 'Test viewer', role: 'viewer' });
    expect((await call('viewer', 'GET', `/api/dashboards/${d.id}/sharing`)).statusCode).toBe(403);
    expect((await call('auditor', 'GET', `/api/dashboards/${d.id}/sharing`)).statusCode).toBe(403);

    expect((await call('viewer', 'GET', `/api/dashboards/${d.id}`)).statusCode).toBe(404);
    const bad = await call('analyst', 'PUT', `/api/dashboards/${d.id}/sharing`, { roles: [], users: ['viewer', 'nobody-here'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('"nobody-here"');
    expect((await call('analyst', 'POST', '/api/dashboards', { name: 'x', sharing: { roles: [], users: ['ghost'] } })).statusCode).toBe(400);

    const ok = await call('analyst', 'PUT', `/api/dashboards/${d.id}/sharing`, { roles: [], users: ['viewer'] });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().sharing).toEqual({ roles: [], users: ['viewer'] });
    expect((await call('viewer', 'GET', `/api/dashboards/${d.id}`)).statusCode).toBe(200);
    expect((await call('viewer', 'GET', '/api/dashboards')).json().some((x: { id: string }) => x.id === d.id)).toBe(true);
    // a user named is still no editor
    expect((await call('viewer', 'PATCH', `/api/dashboards/${d.id}`, { name: 'mine' })).statusCode).toBe(403);
    // another analyst (the admin here) sees the choices of any dashboard; the named viewer is unshared again
    expect((await call('admin', 'GET', `/api/dashboards/${d.id}/sharing`)).json().sharing.users).toEqual(['viewer']);
    expect((await call('analyst', 'PUT', `/api/dashboards/${d.id}/sharing`, { roles: ['viewer'], users: [] })).statusCode).toBe(200);
    expect((await call('analyst', 'PUT', `/api/dashboards/${d.id}/sharing`, { roles: [], users: [] })).statusCode).toBe(200);
    expect((await call('viewer', 'GET', `/api/dashboards/${d.id}`)).statusCode).toBe(404);

    const shares = (await world.audit.search({ text: d.id, limit: 100 })).filter((r) => (r.details as { action?: string }).action === 'share_dashboard');
    const changes = shares.map((r) => {
      const x = r.details as { added: unknown; removed: unknown };
      return { added: x.added, removed: x.removed };
    });
    expect(changes).toEqual(
      expect.arrayContaining([
        { added: { roles: [], users: ['viewer'] }, removed: { roles: [], users: [] } },
        { added: { roles: ['viewer'], users: [] }, removed: { roles: [], users: ['viewer'] } },
        { added: { roles: [], users: [] }, removed: { roles: ['viewer'], users: [] } },
      ]),
    );
    expect(shares.every((r) => r.actor === 'analyst')).toBe(true);
  });
});

describe('a dashboard as an Extract Manager report', () => {
  it('a run refreshes the dashboard and e-mails it as a PDF whose text names the widgets, and a PNG', async () => {
    const { id, bar, kpi } = await board('Morning fails');
    // who may make a report of it: the owner (or whoever it is shared with); never a viewer
    const body = { title: 'Morning fails by e-mail', items: [], formats: [], targets: [{ channel: 'email', to: ['ops@bank.test'] }], dashboard: { dashboardId: id, formats: ['pdf', 'png'] } };
    expect((await call('viewer', 'POST', '/api/reports/templates', body)).statusCode).toBe(403);
    const foreign = (await call('admin', 'POST', '/api/dashboards', { name: 'Admin only' })).json();
    expect((await call('analyst', 'POST', '/api/reports/templates', { ...body, dashboard: { dashboardId: foreign.id, formats: ['pdf'] } })).json().code).toBe('OTC_ERR_DASHBOARD_NOT_FOUND');
    expect((await call('analyst', 'POST', '/api/reports/templates', { ...body, dashboard: undefined })).statusCode).toBe(400);
    expect((await call('analyst', 'POST', '/api/reports/templates', { ...body, dashboard: { dashboardId: id, formats: ['svg'] } })).statusCode).toBe(400);

    const created = await call('analyst', 'POST', '/api/reports/templates', body);
    expect(created.statusCode).toBe(201);
    const t = created.json();
    expect(t.dashboard).toEqual({ dashboardId: id, formats: ['pdf', 'png'] });
    const before = (await call('analyst', 'GET', `/api/dashboards/${id}`)).json().widgets.find((w: { id: string }) => w.id === kpi.id).dataAsOf as string;

    const run = (await call('analyst', 'POST', `/api/reports/templates/${t.id}/run`, {})).json();
    expect(run.status).toBe('completed');
    expect(run.files.map((f: { name: string }) => f.name).sort()).toEqual(['morning-fails-by-e-mail-dashboard.pdf', 'morning-fails-by-e-mail-dashboard.png']);
    expect(run.questions.map((q: { title: string }) => q.title).sort()).toEqual(['Morning fails: Failed settlements', 'Morning fails: Fails by desk']);
    expect(run.questions.every((q: { sql?: string; rows: number }) => q.sql && q.rows > 0)).toBe(true);
    expect(run.deliveries).toHaveLength(1);
    expect(run.deliveries[0]).toMatchObject({ channel: 'email', status: 'delivered', recipients: ['ops@bank.test'] });

    // the widgets were refreshed for the run, under the run's actor
    const after = (await call('analyst', 'GET', `/api/dashboards/${id}`)).json().widgets.find((w: { id: string }) => w.id === kpi.id).dataAsOf as string;
    expect(after > before).toBe(true);
    const refreshes = (await world.audit.search({ text: id, limit: 200 })).filter((r) => r.kind === 'dashboard_refresh' && (r.details as { reason?: string }).reason === 'report');
    expect(refreshes.map((r) => (r.details as { widgetId: string }).widgetId).sort()).toEqual([bar.id, kpi.id].sort());
    expect(refreshes.every((r) => r.actor === 'analyst' && r.sql)).toBe(true);

    // the mail on the loopback SMTP server: a valid PDF naming the widgets, and a PNG
    const mail = smtp.messages.find((m) => m.raw.toLowerCase().includes(`x-otc-run-id: ${run.id}`));
    expect(mail).toBeDefined();
    expect(mail!.to).toEqual(['ops@bank.test']);
    expect(textOf(mail!.raw)).toContain('Morning fails: Fails by desk');
    const pdf = attachmentOf(mail!.raw, 'morning-fails-by-e-mail-dashboard.pdf')!;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const dir = mkdtempSync(join(tmpdir(), 'dash-report-'));
    writeFileSync(join(dir, 'd.pdf'), pdf);
    expect(execFileSync('pdfinfo', [join(dir, 'd.pdf')]).toString()).toMatch(/Pages:\s+1/);
    const text = execFileSync('pdftotext', ['-layout', join(dir, 'd.pdf'), '-']).toString();
    expect(text).toContain('Morning fails');
    expect(text).toContain('Fails by desk');
    expect(text).toContain('Failed settlements');
    const png = attachmentOf(mail!.raw, 'morning-fails-by-e-mail-dashboard.png')!;
    expect(png.subarray(1, 4).toString()).toBe('PNG');

    // the run is audited like any other: started, rendered with the files' SHA-256, delivered
    const trail = (await world.audit.search({ text: run.id, limit: 100 })).map((r) => `${r.kind}:${r.outcome}`);
    expect(trail).toEqual(expect.arrayContaining(['report_run:started', 'report_run:ok', 'delivery:started', 'delivery:completed', 'report_run:completed']));

    // the dashboard deleted: the next run fails visibly, naming why
    expect((await call('analyst', 'DELETE', `/api/dashboards/${id}`)).statusCode).toBe(204);
    const failed = (await call('analyst', 'POST', `/api/reports/templates/${t.id}/run`, {})).json();
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('OTC_ERR_DASHBOARD_NOT_FOUND');
  });
});
