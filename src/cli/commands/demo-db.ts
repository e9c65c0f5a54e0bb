import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { z } from 'zod';
import type { OpsTable } from '../../demo/index.js';
import { action } from '../handle-error.js';
import { parseFlags } from '../parse.js';

const flagsSchema = z.object({
  out: z.string({ error: 'required: a SQLite file path or a postgres:// URL' }).min(1, 'required: a SQLite file path or a postgres:// URL'),
  trades: z.coerce.number({ error: 'a whole number' }).int('a whole number').min(1, 'at least 1').default(50_000),
  seed: z.coerce.number({ error: 'a whole number' }).int('a whole number').min(0, 'at least 0').max(4_294_967_295, 'at most 4294967295').default(42),
  asOf: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
    .default(() => new Date().toISOString().slice(0, 10)),
  force: z.boolean().default(false),
});

/** Progress on stderr: bars on a terminal, one line per finished table otherwise. */
function progressReporter(): { onProgress: (t: OpsTable, done: number, total: number) => void; stop: () => void } {
  if (!process.stderr.isTTY) {
    const reported = new Set<string>();
    return {
      onProgress(table, done, total) {
        if (done === total && !reported.has(table)) {
          reported.add(table);
          process.stderr.write(`${table}: ${done.toLocaleString('en-US')} rows\n`);
        }
      },
      stop() {},
    };
  }
  const multi = new cliProgress.MultiBar(
    { stream: process.stderr, format: ' {table} |{bar}| {value}/{total}', hideCursor: true, clearOnComplete: false, fps: 5 },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  let stopped = false;
  return {
    onProgress(table, done, total) {
      if (stopped) return;
      let bar = bars.get(table);
      if (!bar) {
        bar = multi.create(total, 0, { table: table.padEnd(16) });
        bars.set(table, bar);
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      multi.stop();
    },
  };
}

export const demoDbCommand = new Command('demo-db')
  .description('build a synthetic OTC operations database (otc_ops schema), deterministic for a seed')
  .option('--out <target>', 'required: SQLite file path, or postgres://user@host/db[?schema=name]')
  .option('--trades <n>', 'number of trades', '50000')
  .option('--seed <n>', 'random seed: the same seed gives the same data', '42')
  .option('--as-of <date>', "the data's today, YYYY-MM-DD (default: today)")
  .option('--force', 'replace an existing file or existing tables')
  .action(
    action(async (raw: Record<string, unknown>) => {
      const flags = parseFlags(flagsSchema, raw);
      const { buildDemoDatabase, OPS_TABLE_NAMES } = await import('../../demo/index.js');
      const progress = progressReporter();
      const abort = new AbortController();
      const onSigint = (): void => abort.abort();
      process.once('SIGINT', onSigint);
      process.once('SIGTERM', onSigint);
      try {
        const r = await buildDemoDatabase({ ...flags, onProgress: progress.onProgress, signal: abort.signal });
        progress.stop();
        const where = r.kind === 'sqlite' ? r.path : r.url;
        process.stdout.write(`Demo database written to ${where} (${flags.trades} trades, seed ${flags.seed}, as of ${flags.asOf}) in ${(r.ms / 1000).toFixed(1)} s\n`);
        for (const t of OPS_TABLE_NAMES) process.stdout.write(`  ${t.padEnd(16)} ${r.counts[t].toLocaleString('en-US').padStart(12)}\n`);
      } finally {
        progress.stop();
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigint);
      }
    }),
  );
