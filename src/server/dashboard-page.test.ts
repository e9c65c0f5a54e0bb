/**
 * The dashboard page drawn on the server (GET /dashboards?id=…): its grid drawn from the widgets'
 * cached results and the API's own JSON inlined, for exactly those the API shows the dashboard
 * to; everyone else gets the plain app page with no data in it. Texts are escaped (a dashboard
 * and widgets named with a script element), and the page is never stored (no-store).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatNumber } from '../charts/index.js';
import { savedAnswer as savedAnswerOf, signInOver, startTestServer, type TestServer, type TestSession } from './testing.js';

const web = mkdtempSync(join(tmpdir(), 'otc-web-'));
const INDEX = '<!doctype html>\n<html lang="en">\n  <head>\n    <title>OTC Ops Copilot</title>\n    <script type="module" crossorigin src="/assets/index-abc.js"></script>\n    <link rel="stylesheet" crossorigin href="/assets/index-abc.css">\n  </head>\n  <body>\n    <div id="root"></div>\n  </body>\n</html>\n';
const CSS = '.widget{display:flex}';
mkdirSync(join(web, 'assets'));
writeFileSync(join(web, 'index.html'), INDEX);
writeFileSync(join(web, 'assets/index-abc.css'), CSS);
writeFileSync(join(web, 'assets/index-abc.js'), 'export {};');

const EVIL = '<script>alert(1)</script>';
let server: TestServer;
const sessions: Record<string, TestSession> = {};
let board: { id: string; widgets: { id: string; title: string }[] };

/** The page as `user` gets it (undefined: not signed in). */
async function page(user: string | undefined, url: string, accept = 'text/html,application/xhtml+xml'): Promise<LightMyRequestResponse> {
  if (user) return server.app.inject({ method: 'GET', url, headers: { accept, cookie: (sessions[user] ??= await signInOver(server.app, user)).cookie } });
  return server.app.inject({ method: 'GET', url, headers: { accept } });
}
const dataOf = (html: string) => {
  const m = /<script type="application\/json" id="otc-first-paint-data">([\s\S]*?)<\/script>/.exec(html);
  return m ? (JSON.parse(m[1]!) as { id: string; dashboard: unknown; list: unknown; meta?: unknown }) : undefined;
};
const count = (html: string, s: string) => html.split(s).length - 1;

beforeAll(async () => {
  server = await startTestServer({ maxRows: 200, dashboardProbeIntervalMs: 3_600_000, webRoot: web }, ['analyst', 'viewer', 'admin', 'auditor']);
  const call = server.call;
  const d = (await call('analyst', 'POST', '/api/dashboards', { name: `Ops ${EVIL}` })).json();
  const add = async (question: string, title: string, type: string) =>
    expect((await call('analyst', 'POST', `/api/dashboards/${d.id}/widgets`, { savedId: await savedAnswerOf(call, 'analyst', question), title, chart: { type } })).statusCode).toBe(201);
  await add('How many failed settlements by desk?', `Fails by desk ${EVIL}`, 'bar');
  await add('How many failed settlements?', `Fails ${EVIL}`, 'kpi');
  await add('How many failed settlements by desk?', 'Fails table', 'table');
  board = (await call('analyst', 'GET', `/api/dashboards/${d.id}`)).json();
}, 120_000);
afterAll(async () => {
  await server?.close();
  rmSync(web, { recursive: true, force: true });
});

describe('GET /dashboards?id=… drawn on the server', () => {
  it('holds the grid drawn from the cached results and the API’s own JSON, escaped, not stored', async () => {
    const r = await page('analyst', `/dashboards?id=${board.id}`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.headers['cache-control']).toBe('no-store');
    const html = r.body;
    // the app's own page around it: its module script, its stylesheet inlined, the root after the drawing
    expect(html).toContain('<script type="module" crossorigin src="/assets/index-abc.js"></script>');
    expect(html).toContain(`<style>${CSS}</style>`);
    expect(html).not.toContain('rel="stylesheet"');
    expect(html.indexOf('id="otc-first-paint"')).toBeLessThan(html.indexOf('<div id="root">'));

    // the same JSON as the API's answer at the same moment
    const api = (await server.call('analyst', 'GET', `/api/dashboards/${board.id}`)).json() as { widgets: { id: string; chart: { type: string }; result: { rows: unknown[][] }; kpi?: { value: number }; firstPaint?: { svg: string } }[] };
    const data = dataOf(html)!;
    expect(data.id).toBe(board.id);
    expect(data.dashboard).toEqual(api);
    expect(data.list).toEqual((await server.call('analyst', 'GET', '/api/dashboards')).json());
    const meta = (await server.call('analyst', 'GET', '/api/meta')).json() as { trainingVersion: string };
    expect(data.meta).toEqual(meta);
    expect(html).toContain(`<dd>${meta.trainingVersion}</dd>`.replace('<dd>', '<dd title="' + meta.trainingVersion + '">'));

    // every widget drawn: the bar's SVG, the KPI's figure, the table's first rows
    expect(count(html, '<article class="widget')).toBe(3);
    const [bar, kpi, table] = api.widgets;
    expect(bar!.firstPaint?.svg).toMatch(/^<svg/);
    expect(html).toContain(bar!.firstPaint!.svg.slice(bar!.firstPaint!.svg.indexOf('>') + 1, 400));
    expect(html).toContain(`<span class="kpi-value">${formatNumber(kpi!.kpi!.value)}</span>`);
    const tbody = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)![1]!;
    expect(count(tbody, '<tr>')).toBe(Math.min(10, table!.result.rows.length));
    expect(tbody).toContain(`>${String(table!.result.rows[0]![0])}<`);

    // names escaped in the markup and in the JSON: no script element but the app's own and the data
    expect(count(html, '<script')).toBe(2);
    expect(html).toContain('Ops &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Fails by desk &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('\\u003cscript>alert(1)\\u003c/script>');
    // an editor's toolbar
    expect(html).toContain('>Rename</button>');
  });

  it('shows a dashboard to those the API shows it to, and no data to anyone else', async () => {
    const url = `/dashboards?id=${board.id}`;
    // not shared with viewers yet: the plain app page, which shows the API's 404
    for (const [user, why] of [
      ['viewer', 'not shared with them'],
      [undefined, 'not signed in'],
      ['auditor', 'no dashboards for the role'],
    ] as const) {
      const r = await page(user, url);
      expect(r.statusCode, why).toBe(200);
      expect(r.body, why).toBe(INDEX);
      expect(r.body).not.toContain('Fails');
    }
    expect((await server.call('viewer', 'GET', `/api/dashboards/${board.id}`)).statusCode).toBe(404);
    expect((await server.call('analyst', 'PUT', `/api/dashboards/${board.id}/sharing`, { roles: ['viewer'], users: [] })).statusCode).toBe(200);
    const v = await page('viewer', url);
    expect(v.headers['cache-control']).toBe('no-store');
    expect(dataOf(v.body)!.dashboard).toEqual((await server.call('viewer', 'GET', `/api/dashboards/${board.id}`)).json());
    expect(v.body).not.toContain('>Rename</button>'); // not theirs to edit
    expect(count(v.body, '<article class="widget')).toBe(3);
    // an admin sees every dashboard
    expect(count((await page('admin', url)).body, '<article class="widget')).toBe(3);
  });

  it('leaves to the app what it draws itself: no id (the first dashboard), a viewer’s own filters, an unknown dashboard, a non-page request', async () => {
    const first = await page('analyst', '/dashboards');
    expect(dataOf(first.body)?.id).toBe(board.id);
    expect((await page('analyst', `/dashboards?id=${board.id}&mine=1&desk=X`)).body).toBe(INDEX);
    expect((await page('analyst', '/dashboards?id=nope')).body).toBe(INDEX);
    // an id the API's own check refuses (400 there): the plain page too
    expect((await page('analyst', `/dashboards?id=${encodeURIComponent('<b> x')}`)).body).toBe(INDEX);
    const json = await page('analyst', `/dashboards?id=${board.id}`, 'application/json');
    expect(json.statusCode).toBe(404);
    expect(json.json().code).toBe('OTC_ERR_NOT_FOUND');
  });
});
