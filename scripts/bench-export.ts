/**
 * Benchmark of the report renderers: a 1,000,000-row question to CSV and XLSX, and its first
 * 10,000 rows to PDF (with its chart). Each format runs in a child process of its own, so its peak
 * RSS (getrusage maxrss) is its own. The rows come from a generator of trade-shaped rows (ids,
 * counterparties, desks, amounts, dates; text, integers, decimals and dates), pulled one at a time
 * as a database cursor would hand them over.
 *   npm run bench:export               (1,000,000 rows)
 *   npm run bench:export -- 250000     (another size)
 * Ends with one line per format:
 *   export format=csv|xlsx|pdf rows=N seconds=N rows_per_s=N peak_rss_mb=N
 *
 * With `source=db` the rows come from a real database the way a report run reads them: a demo
 * database (trained, then its trades table grown to at least N rows), one saved SQL re-run through
 * the query pipeline (guard, audit) with its rows streamed (Datasource.stream) into the run's row
 * spool, and each format rendered from the spool, each format in its own process:
 *   npm run bench:export -- source=db [dialect=sqlite|postgres] [workdir=DIR] [formats=csv,xlsx,pdf] [N]
 * (workdir: the SQLite database and model are kept there and reused by the next run)
 * PostgreSQL: OTC_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/test), in a schema of
 * its own that is dropped afterwards. Ends with one line per format:
 *   export source=db dialect=sqlite format=csv rows=N seconds=N rows_per_s=N peak_rss_mb=N rss_before_mb=N
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderCsv, renderPdf, renderXlsx, type RenderInput, type RenderSection } from '../src/reports/render/index.js';

const COUNTERPARTIES = ['Northbridge Capital', 'Harbour Lane Bank', 'Meridian Trust', 'Aster Securities', 'Kestrel Partners', 'Blue Fjord AG', 'Sable & Crane', 'Orchard Street LLP'];
const DESKS = ['Rates', 'FX', 'Credit', 'Equity Derivs', 'Commodities'];
const STATUSES = ['Live', 'Matured', 'Terminated', 'Pending'];
const CCY = ['USD', 'EUR', 'GBP', 'JPY', 'CHF'];

/** Trade-shaped rows from a small linear congruential generator (deterministic, no allocation but the row). */
function* tradeRows(n: number): Generator<unknown[]> {
  let x = 42;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  const day0 = Date.UTC(2024, 0, 1);
  for (let i = 1; i <= n; i++) {
    const d = new Date(day0 + (next() % 1000) * 86_400_000).toISOString().slice(0, 10);
    yield [`TRD-${String(i).padStart(8, '0')}`, COUNTERPARTIES[next() % 8], DESKS[next() % 5], STATUSES[next() % 4], CCY[next() % 5], Math.round((next() % 50_000_000) + 100_000) + (next() % 100) / 100, (next() % 40) + 1, d];
  }
}

/** The report's question in the bench: every column of the trades a listing would show. */
const DB_SQL = 'SELECT trade_ref, counterparty_id, book_id, asset_class, product_type, trade_date, maturity_date, direction, notional, currency, notional_usd, fixed_rate, status, created_at FROM trades';

const COLUMNS = ['trade_id', 'counterparty', 'desk', 'status', 'currency', 'notional', 'fails', 'trade_date'];
function input(rows: number): RenderInput {
  const section: RenderSection = {
    title: 'Live trades',
    question: 'List the trades with their notional',
    explanation: 'Listing trades with counterparty, desk, status, currency, notional, fails and trade date',
    sql: `SELECT ${COLUMNS.join(', ')} FROM trades`,
    columns: COLUMNS,
    rows: () => tradeRows(rows),
  };
  return { title: 'Export benchmark', intro: 'Generated trade-shaped rows.', asOf: '2026-11-20', sections: [section] };
}

const args = process.argv.slice(2);
const format = args[0];
if (args.includes('source=db')) {
  await benchDb(args);
} else if (format === 'csv' || format === 'xlsx' || format === 'pdf') {
  // Child: one format, one measurement, printed as JSON on the last line.
  const rows = Number(process.argv[3]);
  const out = process.argv[4]!;
  const t0 = performance.now();
  const r = format === 'csv' ? await renderCsv(input(rows).sections[0]!, join(out, 'bench.csv')) : format === 'xlsx' ? await renderXlsx(input(rows), join(out, 'bench.xlsx')) : await renderPdf(input(rows), join(out, 'bench.pdf'), { maxTableRows: 10_000 });
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ rows: r.rows, bytes: r.bytes, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
} else {
  const n = Number(process.argv[2] ?? 1_000_000);
  const rows = Number.isInteger(n) && n > 0 ? n : 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'otc-bench-export-'));
  const self = fileURLToPath(import.meta.url);
  console.log(`export benchmark: ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}, ${rows.toLocaleString('en-US')} rows (PDF: the first 10,000)`);
  const lines: string[] = [];
  try {
    for (const f of ['csv', 'xlsx', 'pdf'] as const) {
      const outText = execFileSync(process.execPath, [...process.execArgv, self, f, String(rows), dir], { encoding: 'utf8', maxBuffer: 1 << 20 });
      const m = JSON.parse(outText.trim().split('\n').pop()!) as { rows: number; bytes: number; seconds: number; peakRssMb: number };
      const rps = m.rows / m.seconds;
      console.log(`${f.padEnd(4)} ${m.rows.toLocaleString('en-US')} rows in ${m.seconds.toFixed(1)} s, ${Math.round(rps).toLocaleString('en-US')} rows/s, ${(m.bytes / 1e6).toFixed(1)} MB file, peak RSS ${m.peakRssMb.toFixed(0)} MB`);
      lines.push(`export format=${f} rows=${m.rows} seconds=${m.seconds.toFixed(2)} rows_per_s=${Math.round(rps)} peak_rss_mb=${Math.round(m.peakRssMb)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const l of lines) console.log(l);
}


async function benchDb(argv: string[]): Promise<void> {
  const { openDatasource } = await import('../src/datasource/index.js');
  const { createPipeline } = await import('../src/nl2sql/index.js');
  const { openAuditLog } = await import('../src/audit/index.js');
  const { loadModel } = await import('../src/training/index.js');
  const { spoolRows } = await import('../src/reports/spool.js');
  const opt = (k: string) => argv.find((a) => a.startsWith(`${k}=`))?.slice(k.length + 1);
  const child = opt('child');
  if (child === 'csv' || child === 'xlsx' || child === 'pdf') {
    // Child: the report run's path for one question, then one format from the spool.
    const rows = Number(opt('rows'));
    const out = opt('out')!;
    const ds = await openDatasource(opt('url')!, { maxRows: rows, timeoutMs: 3_600_000 });
    const audit = await openAuditLog(`sqlite:${join(out, `audit-${child}.db`)}`);
    const pipeline = createPipeline({ datasource: ds, model: loadModel(join(out, 'model.json')), audit, maxRows: 1000, timeoutMs: 3_600_000, trainingVersion: 'bench', actor: 'bench' });
    const rssBefore = process.memoryUsage().rss / 2 ** 20;
    // where the memory is at its highest: the JS heap, or buffers outside it
    const peak = { heapMb: 0, externalMb: 0, externalBeforeMb: process.memoryUsage().external / 2 ** 20, arrayBuffersMb: 0 };
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak.heapMb = Math.max(peak.heapMb, m.heapTotal / 2 ** 20);
      peak.externalMb = Math.max(peak.externalMb, m.external / 2 ** 20);
      peak.arrayBuffersMb = Math.max(peak.arrayBuffersMb, m.arrayBuffers / 2 ** 20);
    }, 200);
    const t0 = performance.now();
    const a = await pipeline.rerunStream({ sql: DB_SQL, question: 'List the trades' }, { maxRows: rows });
    const spool = await spoolRows(a.rows, join(out, `q-${child}.rows`));
    const section: RenderSection = { title: 'Trades', question: 'List the trades', explanation: a.explanation, sql: a.sql, columns: a.columns, rows: () => spool.read() };
    const doc: RenderInput = { title: 'Export benchmark (database)', asOf: '2026-11-20', sections: [section] };
    const r = child === 'csv' ? await renderCsv(section, join(out, 'bench.csv')) : child === 'xlsx' ? await renderXlsx(doc, join(out, 'bench.xlsx')) : await renderPdf(doc, join(out, 'bench.pdf'), { maxTableRows: 10_000 });
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    spool.remove();
    await audit.close();
    await ds.close();
    console.log(JSON.stringify({ rows: r.rows, streamed: a.rowCount, bytes: r.bytes, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, rssBeforeMb: rssBefore, ...peak }));
    return;
  }
  const { buildDemoDatabase } = await import('../src/demo/index.js');
  const { loadProfile, trainModel, saveModel } = await import('../src/training/index.js');
  const n = Number(argv.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
  const dialect = opt('dialect') ?? 'sqlite';
  if (dialect !== 'sqlite' && dialect !== 'postgres') throw new Error('dialect=sqlite|postgres');
  // workdir=DIR keeps the SQLite database and the model there for the next run (built once)
  const keep = opt('workdir');
  if (keep) mkdirSync(keep, { recursive: true });
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'otc-bench-export-db-'));
  const reuse = dialect === 'sqlite' && keep !== undefined && existsSync(join(dir, 'ops.db')) && existsSync(join(dir, 'model.json'));
  const pgSchema = `otc_bench_${process.pid}_${Date.now().toString(36)}`;
  const pgBase = process.env.OTC_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const url = dialect === 'sqlite' ? `sqlite:${join(dir, 'ops.db')}` : `${pgBase}${pgBase.includes('?') ? '&' : '?'}schema=${pgSchema}`;
  const pg = (await import('pg')).default;
  const lines: string[] = [];
  try {
    const tb = performance.now();
    const copies = Math.ceil(n / 2000);
    if (!reuse) await prepare();
    async function prepare(): Promise<void> {
    await buildDemoDatabase({ out: dialect === 'sqlite' ? join(dir, 'ops.db') : url, trades: 2000, seed: 7, asOf: '2026-11-20' });
    const ds = await openDatasource(url);
    saveModel(await trainModel(loadProfile('profiles/otc-ops'), ds), join(dir, 'model.json'));
    await ds.close();
    // Grow the trades table to at least n rows: copies of the demo trades under new ids and refs.
    const grow = `INSERT INTO trades SELECT 100000000 + k.n * 10000 + t.trade_id, 'B' || k.n || '-' || t.trade_ref, counterparty_id, book_id, asset_class, product_type, trade_date, effective_date, maturity_date, direction, notional + k.n, currency, notional_usd + k.n, fixed_rate, trader, execution_venue, is_cleared, ccp, status, source_system, created_at FROM trades t CROSS JOIN (WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < ${copies}) SELECT n FROM c) k`;
    if (dialect === 'sqlite') {
      const Database = (await import('better-sqlite3')).default;
      const db = new Database(join(dir, 'ops.db'));
      db.exec(grow);
      db.close();
    } else {
      const c = new pg.Client({ connectionString: pgBase });
      await c.connect();
      await c.query(`SET search_path = "${pgSchema}"`);
      await c.query(grow);
      await c.query('ANALYZE trades');
      await c.end();
    }
    }
    console.log(`export benchmark from ${dialect}: ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}; database with ${((copies + 1) * 2000).toLocaleString('en-US')} trades ready in ${((performance.now() - tb) / 1000).toFixed(1)} s; a ${n.toLocaleString('en-US')}-row question (PDF: the first 10,000)`);
    const self = fileURLToPath(import.meta.url);
    const only = opt('formats')?.split(',');
    for (const f of (['csv', 'xlsx', 'pdf'] as const).filter((x) => !only || only.includes(x))) {
      const outText = execFileSync(process.execPath, [...process.execArgv, self, 'source=db', `child=${f}`, `rows=${n}`, `out=${dir}`, `url=${url}`], { encoding: 'utf8', maxBuffer: 1 << 20 });
      const m = JSON.parse(outText.trim().split('\n').pop()!) as { rows: number; streamed: number; bytes: number; seconds: number; peakRssMb: number; rssBeforeMb: number };
      const rps = m.streamed / m.seconds;
      console.log(`${f.padEnd(4)} ${m.streamed.toLocaleString('en-US')} rows streamed from ${dialect}, ${m.rows.toLocaleString('en-US')} in the file, in ${m.seconds.toFixed(1)} s, ${Math.round(rps).toLocaleString('en-US')} rows/s, ${(m.bytes / 1e6).toFixed(1)} MB file, RSS ${m.rssBeforeMb.toFixed(0)} MB before the run, peak RSS ${m.peakRssMb.toFixed(0)} MB`);
      lines.push(`export source=db dialect=${dialect} format=${f} rows=${m.rows} seconds=${m.seconds.toFixed(2)} rows_per_s=${Math.round(rps)} peak_rss_mb=${Math.round(m.peakRssMb)} rss_before_mb=${Math.round(m.rssBeforeMb)}`);
    }
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
    if (dialect === 'postgres') {
      const c = new pg.Client({ connectionString: pgBase });
      await c.connect().then(() => c.query(`DROP SCHEMA IF EXISTS "${pgSchema}" CASCADE`)).catch(() => undefined);
      await c.end().catch(() => undefined);
    }
  }
  for (const l of lines) console.log(l);
}
