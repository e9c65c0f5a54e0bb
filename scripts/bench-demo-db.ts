/**
 * Benchmark of `demo-db`: builds 100k and 1M trades into temporary SQLite files and prints the
 * wall time, CPU time, rows per second and the per-table row counts.
 *   npm run bench:demo-db              (100000 and 1000000 trades)
 *   npm run bench:demo-db -- 250000    (other sizes)
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDemoDatabase, OPS_TABLE_NAMES } from '../src/demo/index.js';

const sizes = process.argv.slice(2).map(Number).filter((n) => Number.isInteger(n) && n > 0);
const runs = sizes.length > 0 ? sizes : [100_000, 1_000_000];
const dir = mkdtempSync(join(tmpdir(), 'otc-bench-demo-'));
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

console.log(`demo-db benchmark: ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}`);
try {
  for (const trades of runs) {
    const out = join(dir, `demo-${trades}.db`);
    const cpu0 = process.cpuUsage();
    const r = await buildDemoDatabase({ out, trades, seed: 42, asOf: '2026-11-25' });
    const cpu = process.cpuUsage(cpu0);
    const rows = OPS_TABLE_NAMES.reduce((s, t) => s + r.counts[t], 0);
    const secs = r.ms / 1000;
    console.log(`\n${fmt(trades)} trades -> SQLite: ${secs.toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU, ` +
      `${fmt(rows)} rows, ${fmt(rows / secs)} rows/s (${fmt(trades / secs)} trades/s), ${(statSync(out).size / 1e6).toFixed(0)} MB`);
    for (const t of OPS_TABLE_NAMES) console.log(`  ${t.padEnd(16)} ${fmt(r.counts[t]).padStart(12)}`);
    rmSync(out, { force: true });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
