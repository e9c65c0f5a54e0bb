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
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

const format = process.argv[2];
if (format === 'csv' || format === 'xlsx' || format === 'pdf') {
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
