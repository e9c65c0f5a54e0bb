/**
 * Benchmark of dashboards (issue 13 item 7), against the real server on a demo database:
 * 1. first full paint of a 12-widget dashboard in Chromium (navigation start -> the first frame in
 *    which every widget is drawn from its cached result, seen from inside the page by a check in
 *    every animation frame from document start), relative to the slowest of its 12 queries
 *    measured in the same run through the query pipeline (the final line's first_paint_ratio);
 *    also printed: the same condition polled after page.goto resolved (the load event: the
 *    method of the figures before 2026-12-04, which cannot see a paint before load),
 *    when the dashboard's data arrived, and the same paint when the dashboard is opened from
 *    another page of the running app (no app start), and the browser's floor: the first frame of a
 *    bare page of 12 figures opened the same way (what no drawing of the dashboard can go under);
 *    each load also prints the browser's first-contentful-paint (the first frame with content as presented);
 * 2. 10 real-time widgets and 200 Server-Sent-Events clients: probes per minute (expected: source
 *    tables x probe rate, whatever the number of clients) and widget queries per client (the
 *    widget re-runs with 200 clients minus those of an equal phase with none and the same data
 *    changes, divided by 200). Rows are inserted into the datasource through the bench's own
 *    writable connection during each phase.
 *   npm run bench:dashboard [-- --trades 50000 --clients 200 --phase-seconds 30 --probe-ms 2000 --loads 7]
 */
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { chromium } from 'playwright-core';
import { chooseChart } from '../src/charts/index.js';
import { loadConfig } from '../src/config/index.js';
import { queryTables } from '../src/dashboards/index.js';
import { saveQuestion } from '../src/reports/index.js';
import { startServer } from '../src/server/index.js';
import { buildWeb, CHROMIUM } from '../test/e2e/harness.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const TRADES = Number(arg('trades', '50000'));
const CLIENTS = Number(arg('clients', '200'));
const PHASE_S = Number(arg('phase-seconds', '30'));
const PROBE_MS = Number(arg('probe-ms', '2000'));
const LOADS = Number(arg('loads', '7'));
const TODAY = '2026-11-20';
const PASSWORD = 'bench-admin-password-1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function signIn(base: string, username: string, password: string): Promise<string> {
  const r0 = await fetch(`${base}/api/auth/csrf`);
  const csrfCookie = r0.headers.getSetCookie().map((c) => c.split(';')[0]!).join('; ');
  const { csrfToken } = (await r0.json()) as { csrfToken: string };
  const r = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { cookie: csrfCookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (!r.ok) throw new Error(`sign-in of ${username}: ${r.status} ${await r.text()}`);
  return [csrfCookie, ...r.headers.getSetCookie().map((c) => c.split(';')[0]!)].join('; ');
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'otc-bench-dash-'));
  const out: string[] = [];
  try {
    console.log(`machine: ${cpus().length} cores, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}; demo ${TRADES.toLocaleString('en-US')} trades; probe every ${PROBE_MS} ms`);
    await buildWeb(join(dir, 'web'));
    const cfg = loadConfig({ env: {}, overrides: { dataDir: join(dir, 'data'), host: '127.0.0.1', demoTrades: TRADES, today: TODAY, adminPassword: PASSWORD, logLevel: 'silent', dashboardProbeIntervalMs: PROBE_MS } });
    const server = await startServer(cfg, { port: 0, webRoot: join(dir, 'web'), out: (l) => out.push(l) });
    try {
      const app = server.app;
      const svc = app.dashboards;
      const admin = { username: 'admin', role: 'admin' };
      const a = await app.deps.answering.require();
      const ds = app.deps.datasource;

      // 12 widgets from the profile's example questions the engine answers (10 of them real time)
      const d = await svc.create({ name: 'Bench: 12 widgets', sharing: { roles: ['viewer'], users: [] } }, admin);
      const queries = [];
      for (const ex of a.model.profile.examples) {
        if (queries.length === 12) break;
        const u = a.copilot.semantic.understand(ex.question, TODAY);
        if (u.status !== undefined) continue;
        const ans = await a.copilot.ask({ question: ex.question, today: TODAY, actor: 'bench' });
        if (ans.status !== 'answered') continue;
        const c = a.copilot.semantic.compile(u.query, ds.dialect);
        const s = await saveQuestion(app.deps.store, { owner: 'admin', question: ex.question, asOf: TODAY, sql: c.sql, query: u.query, engine: 'semantic', ...(a.copilot.trainingVersion ? { trainingVersion: a.copilot.trainingVersion } : {}) });
        const kind = chooseChart({ columns: ans.columns ?? [], rows: ans.rows ?? [] }, ex.question).kind;
        const n = queries.length;
        await svc.addWidget(d.id, { savedId: s.id, chart: { type: kind }, refresh: n < 10 ? { mode: 'realtime' } : { mode: 'manual' }, position: { x: (n % 3) * 4, y: Math.floor(n / 3) * 6, w: 4, h: 6 } }, admin);
        queries.push(u.query);
      }
      if (queries.length < 12) throw new Error(`only ${queries.length} example questions answered; the bench needs 12`);

      // the slowest of the 12 queries, through the pipeline (best of 3 each, after the runs above warmed it)
      const perQuery: number[] = [];
      for (const q of queries) {
        const times: number[] = [];
        for (let i = 0; i < 3; i++) times.push((await a.copilot.rerun({ query: q, question: 'bench' }, { actor: 'bench' })).ms);
        perQuery.push(Math.min(...times));
      }
      const slowest = Math.max(...perQuery);

      // first full paint in Chromium. Cold: navigation start -> every one of the 12 widgets drawn
      // (an SVG chart path, a KPI figure or a table row), the time taken in the page at the frame
      // that shows it; the first load fills the browser's cache (a user's second visit), the next
      // LOADS count (their median: single loads swing with the other work on a shared machine). In the app: from another page of the signed-in app, the dashboard opened as
      // its links do (history push) -> every widget drawn; nothing of it prefetched.
      const ctx = await chromium.launchPersistentContext(mkdtempSync(join(dir, 'chromium-')), { executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'], viewport: { width: 1400, height: 1000 } });
      const paints: number[] = []; // the frame in which all 12 were first drawn, seen from inside the page
      const afterLoad: number[] = []; // the same condition polled once page.goto resolved (the load event)
      const dataAt: number[] = [];
      const inApp: number[] = [];
      const floor: number[] = [];
      const floorResponse: number[] = [];
      const presented: number[] = []; // first-contentful-paint of each dashboard load
      const floorPresented: number[] = [];
      // "drawn": every one of the 12 .widget elements holds an SVG chart path, a KPI figure or a table row
      // (the same test as drawnAt's below, as page text for the init script)
      const DRAWN = `(() => { const ws = Array.from(document.querySelectorAll('.widget')); return ws.length === 12 && ws.every((w) => w.querySelector('.widget-chart svg path, .kpi-value, table tbody tr')); })()`;
      // from document start, before any of the page's own scripts: a check in every animation frame,
      // the time of the first frame that shows all 12 kept in the page (the loop ends there, or after a minute)
      await ctx.addInitScript(`(() => {
        const w = window;
        w.__benchDrawnAt = undefined;
        const tick = () => {
          if (${DRAWN}) { w.__benchDrawnAt = performance.now(); return; }
          if (performance.now() < 60000) requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      })()`);
      try {
        const page = await ctx.newPage();
        await page.goto(`${server.url}/`);
        await page.getByLabel('User name').fill('admin');
        await page.getByLabel('Password').fill(PASSWORD);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('heading', { name: /Ask about your OTC operations/ }).waitFor();
        const drawnAt = async () => {
          const h = await page.waitForFunction(
            (n) => {
              const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ querySelector(s: string): unknown }> } }).document;
              const ws = Array.from(doc.querySelectorAll('.widget'));
              return ws.length === n && ws.every((w) => w.querySelector('.widget-chart svg path, .kpi-value, table tbody tr')) ? performance.now() : false;
            },
            12,
            { polling: 'raf', timeout: 60_000 },
          );
          return Number(await h.jsonValue());
        };
        // the browser's own paint timing: when the first frame with content was presented (after that
        // frame's style, layout, paint and raster, which the in-page check above runs before)
        const presentedAt = async () => Number(await (await page.waitForFunction(`performance.getEntriesByName('first-contentful-paint')[0]?.startTime`, undefined, { timeout: 60_000 })).jsonValue());
        const path = `/dashboards?id=${d.id}`;
        for (let i = 0; i <= LOADS; i++) {
          await page.goto(`${server.url}${path}`);
          const late = await drawnAt();
          const inPage = Number(await (await page.waitForFunction(() => (globalThis as unknown as { __benchDrawnAt?: number }).__benchDrawnAt, undefined, { timeout: 60_000 })).jsonValue());
          if (i === 0) continue;
          paints.push(inPage);
          afterLoad.push(late);
          // the dashboard's data: its GET's end, or the page's own when the server inlined it
          dataAt.push(Number(await page.evaluate(`performance.getEntriesByType('resource').find((r) => r.name.endsWith('/api/dashboards/${d.id}'))?.responseEnd ?? performance.getEntriesByType('navigation')[0].responseEnd`)));
          presented.push(await presentedAt());
        }
        // the browser's own floor, for reading the figure above (not part of the ratio): a page of 12
        // bare widgets (a figure each; no styles, no script, a few hundred bytes) from the same server,
        // opened the same way from the dashboard just drawn, timed by the same in-page check
        writeFileSync(join(dir, 'web', 'bench-floor.html'), `<!doctype html><html lang="en"><head><meta charset="UTF-8"><title>floor</title></head><body>${'<div class="widget"><span class="kpi-value">1</span></div>'.repeat(12)}</body></html>`);
        for (let i = 0; i < LOADS; i++) {
          await page.goto(`${server.url}${path}`);
          await drawnAt();
          await page.waitForFunction(() => (globalThis as unknown as { __benchDrawnAt?: number }).__benchDrawnAt, undefined, { timeout: 60_000 });
          await page.goto(`${server.url}/bench-floor.html`);
          floor.push(Number(await (await page.waitForFunction(() => (globalThis as unknown as { __benchDrawnAt?: number }).__benchDrawnAt, undefined, { timeout: 60_000 })).jsonValue()));
          floorResponse.push(Number(await page.evaluate(`performance.getEntriesByType('navigation')[0].responseEnd`)));
          floorPresented.push(await presentedAt());
        }
        for (let i = 0; i < 3; i++) {
          await page.goto(`${server.url}/`);
          await page.getByRole('heading', { name: /Ask about your OTC operations/ }).waitFor();
          const t0 = Number(await page.evaluate(`(() => { const t = performance.now(); history.pushState(null, '', '${path}'); dispatchEvent(new PopStateEvent('popstate')); return t; })()`));
          inApp.push((await drawnAt()) - t0);
        }
      } finally {
        await ctx.close();
      }
      const paint = median(paints);
      const ms = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
      console.log(`slowest of the 12 widget queries (through the query pipeline, best of 3 each): ${slowest.toFixed(1)} ms (all: ${ms(perQuery)} ms)`);
      console.log(`first full paint, cold, in-page frame (navigation start -> the first frame with all 12 widgets drawn, seen by a check in every frame from document start; median of ${paints.length} loads): ${paint.toFixed(1)} ms (${paints.map((x) => x.toFixed(1)).join(', ')}); the dashboard's data (its GET, or the page itself when drawn by the server) received at ${ms(dataAt)} ms`);
      console.log(`first full paint, cold, after load (the same condition polled once page.goto resolved, which waits for the load event; the earlier figure's method): ${median(afterLoad).toFixed(0)} ms (${ms(afterLoad)}), ratio ${(median(afterLoad) / slowest).toFixed(2)}`);
      console.log(`first frame presented (the browser's first-contentful-paint of the same loads: the first frame with any content on screen, after its style, layout, paint and raster, which the in-page check runs before; a lower bound of the full paint as the user sees it): median ${median(presented).toFixed(1)} ms (${ms(presented)}), ratio ${(median(presented) / slowest).toFixed(2)}`);
      console.log(`the browser's floor (a bare page of 12 figures opened the same way from the dashboard; not in the ratio): first frame ${median(floor).toFixed(1)} ms (${ms(floor)}), presented ${median(floorPresented).toFixed(1)} ms (${ms(floorPresented)}), its response received at ${ms(floorResponse)} ms; the dashboard's paint is ${(paint - median(floor)).toFixed(1)} ms above it`);
      console.log(`first full paint, in the app (another page -> dashboard opened -> all 12 drawn; median of ${inApp.length}): ${median(inApp).toFixed(0)} ms (${ms(inApp)}), ratio ${(median(inApp) / slowest).toFixed(2)}`);

      // real time: 10 widgets, probes and widget queries with 0 and then CLIENTS viewers
      const tables = [...new Set(queries.slice(0, 10).flatMap((q) => queryTables(q)))];
      const writer = new Database(join(cfg.dataDir, 'demo-ops.db'));
      const pkOf = (t: string) => (writer.prepare(`PRAGMA table_info(${t})`).all() as { name: string; pk: number; type: string }[]).filter((c) => c.pk > 0);
      // rows are copied with the next integer key; a table whose other columns are unique too is passed over
      const candidates = tables.filter((t) => {
        const pk = pkOf(t);
        return pk.length === 1 && /int/i.test(pk[0]!.type);
      });
      const insertInto = (t: string) => {
        const pk = pkOf(t)[0]!.name;
        const row = writer.prepare(`SELECT * FROM ${t} ORDER BY ${pk} DESC LIMIT 1`).get() as Record<string, unknown>;
        row[pk] = Number(row[pk]) + 1;
        writer.prepare(`INSERT INTO ${t} (${Object.keys(row).join(',')}) VALUES (${Object.keys(row).map(() => '?').join(',')})`).run(...Object.values(row));
      };
      const target = candidates.find((t) => {
        try {
          writer.exec('SAVEPOINT probe_insert');
          insertInto(t);
          return true;
        } catch {
          return false;
        } finally {
          writer.exec('ROLLBACK TO probe_insert');
          writer.exec('RELEASE probe_insert');
        }
      });
      if (!target) throw new Error(`no table among ${tables.join(', ')} takes a copied row with the next integer key`);
      const insert = () => insertInto(target);
      const phase = async () => {
        const s0 = svc.stats();
        const t0 = performance.now();
        for (let k = 1; k <= 3; k++) {
          await sleep((PHASE_S * 1000) / 4);
          insert();
        }
        await sleep((PHASE_S * 1000) / 4);
        const s1 = svc.stats();
        const minutes = (performance.now() - t0) / 60_000;
        return { probes: s1.probes - s0.probes, minutes, queries: (s1.refreshes.realtime ?? 0) - (s0.refreshes.realtime ?? 0), frames: s1.framesSent - s0.framesSent, watched: s1.tables };
      };
      await svc.probeNow(); // the baseline of every table
      const quiet = await phase();
      const cookie = await signIn(server.url, 'admin', PASSWORD);
      const port = new URL(server.url).port;
      let received = 0;
      const reqs = Array.from({ length: CLIENTS }, () => {
        const r = request({ host: '127.0.0.1', port, path: `/api/dashboards/${d.id}/events`, headers: { cookie } }, (res) => {
          res.on('data', (c: Buffer) => {
            received += (c.toString().match(/event: widget/g) ?? []).length;
          });
        });
        r.on('error', () => undefined);
        r.end();
        return r;
      });
      for (let i = 0; i < 100 && svc.stats().clients < CLIENTS; i++) await sleep(100);
      const connected = svc.stats().clients;
      const busy = await phase();
      for (const r of reqs) r.destroy();
      writer.close();
      const probesPerMin = busy.probes / busy.minutes;
      const expected = busy.watched * (60_000 / PROBE_MS);
      const perClient = (busy.queries - quiet.queries) / CLIENTS;
      console.log(`real time: ${busy.watched} source tables watched (${tables.join(', ')}), ${connected} SSE clients connected; inserts into ${target}`);
      console.log(`  no clients: ${quiet.probes} probes, ${quiet.queries} widget queries; ${CLIENTS} clients: ${busy.probes} probes, ${busy.queries} widget queries, ${busy.frames} frames pushed (${received} received)`);
      console.log(`dashboard widgets=12 first_paint_ratio=${(paint / slowest).toFixed(2)} clients=${connected} probes_per_min=${probesPerMin.toFixed(1)} expected_probes_per_min=${expected.toFixed(1)} queries_per_client=${perClient.toFixed(3)}`);
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
