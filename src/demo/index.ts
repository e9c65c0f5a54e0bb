/**
 * The demo module: a synthetic OTC operations database of the shared schema (otc_ops.sql), at
 * any scale, deterministic for a seed, written to a SQLite file or a PostgreSQL database.
 * SQLite: loaded into a temporary file (half of the trade history built by a worker thread from
 * 20,000 trades), indexed, then published at --out in one step. PostgreSQL: one transaction.
 */
import { isOtcError } from '../shared/errors.js';
import { parseIsoDate } from './dates.js';
import { demoAborted, demoTarget, demoUsage } from './errors.js';
import { generateDemoData, type RemotePartition, type RowSink, type TableCounts } from './generate.js';
import { startPartitionWorker } from './parallel.js';
import { isPostgresUrl, openPostgresTarget } from './postgres-target.js';
import { OPS_TABLE_NAMES, type OpsTable } from './schema.js';
import { openSqliteTarget } from './sqlite-target.js';

export { DEMO_ERRORS } from './errors.js';
export { OPS_SCHEMA_INDEXES_SQL, OPS_SCHEMA_TABLES_SQL, OPS_TABLES, OPS_TABLE_NAMES, type OpsTable } from './schema.js';
export { CLOSED_LISTS, USD_PER_UNIT } from './vocab.js';
export type { TableCounts } from './generate.js';

export const MAX_DEMO_TRADES = 10_000_000;
const PARALLEL_FROM_TRADES = 20_000;

export interface BuildDemoOptions {
  /** A SQLite file path, or a postgres:// URL (optionally with ?schema=name). */
  out: string;
  trades: number;
  seed: number;
  /** 'YYYY-MM-DD': "today" of the generated data. */
  asOf: string;
  /** Replace an existing file / existing tables. */
  force?: boolean;
  /**
   * Called as rows of a table are written. Earlier calls may carry an estimated total; the last
   * call for a table has done === total.
   */
  onProgress?: (table: OpsTable, done: number, total: number) => void;
  /** Aborting stops the build; nothing is left at the target. */
  signal?: AbortSignal;
  /**
   * Build half of the trade history in a worker thread (SQLite targets). Default: from
   * 20,000 trades. The data is identical either way.
   */
  parallel?: boolean;
}

export type DemoTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export type BuildDemoResult = DemoTarget & { counts: TableCounts; ms: number };

function validate(opts: BuildDemoOptions): number {
  if (typeof opts.out !== 'string' || opts.out.trim() === '') throw demoUsage('--out: give a SQLite file path or a postgres:// URL');
  // Any other scheme (foo://, mssql://, sqlite://…) is a mistake, not a file name to create.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(opts.out) && !isPostgresUrl(opts.out)) {
    throw demoUsage(`--out: ${opts.out.split('://')[0]}:// is not a target the demo can write: give a SQLite file path or a postgres:// URL`);
  }
  if (!Number.isInteger(opts.trades) || opts.trades < 1 || opts.trades > MAX_DEMO_TRADES) {
    throw demoUsage(`--trades: a whole number from 1 to ${MAX_DEMO_TRADES.toLocaleString('en-US')}, got ${opts.trades}`);
  }
  if (!Number.isInteger(opts.seed) || opts.seed < 0 || opts.seed > 0xffffffff) throw demoUsage(`--seed: a whole number from 0 to 4294967295, got ${opts.seed}`);
  const day = parseIsoDate(opts.asOf);
  if (day === undefined || opts.asOf < '1990-01-01' || opts.asOf > '2199-12-31') throw demoUsage(`--as-of: a date YYYY-MM-DD, got ${opts.asOf}`);
  return day;
}

/** Builds the demo database; resolves with where it went, the row count of every table and the time taken. */
export async function buildDemoDatabase(opts: BuildDemoOptions): Promise<BuildDemoResult> {
  const asOfDay = validate(opts);
  const started = performance.now();
  const force = opts.force ?? false;
  const estimates: Partial<Record<OpsTable, number>> = { trades: opts.trades, confirmations: opts.trades, settlements: Math.round(opts.trades * 2.5) };
  const done: Record<string, number> = {};
  const progress = (table: OpsTable, n: number): void => {
    done[table] = (done[table] ?? 0) + n;
    if (opts.onProgress) opts.onProgress(table, done[table], Math.max(estimates[table] ?? 0, done[table] + 1));
  };
  const checkpoint = async (): Promise<void> => {
    await new Promise<void>((r) => setImmediate(r));
    if (opts.signal?.aborted) throw demoAborted();
  };
  const finalProgress = (counts: TableCounts): void => {
    if (opts.onProgress) for (const t of OPS_TABLE_NAMES) opts.onProgress(t, counts[t], counts[t]);
  };
  if (opts.signal?.aborted) throw demoAborted();

  if (isPostgresUrl(opts.out)) {
    const target = await openPostgresTarget(opts.out, force);
    try {
      const sink: RowSink = {
        async write(table, rows) {
          await target.sink.write(table, rows);
          progress(table, rows.length);
        },
      };
      const counts = await generateDemoData({ trades: opts.trades, seed: opts.seed, asOfDay }, sink, checkpoint);
      await checkpoint();
      await target.finish();
      finalProgress(counts);
      return { kind: 'postgres', url: target.url, counts, ms: Math.round(performance.now() - started) };
    } catch (e) {
      await target.abandon();
      throw wrap(e);
    }
  }

  const target = openSqliteTarget(opts.out, force);
  try {
    const sink: RowSink = {
      write(table, rows) {
        target.sink.write(table, rows);
        progress(table, rows.length);
      },
    };
    const genOpts = { trades: opts.trades, seed: opts.seed, asOfDay };
    const parallel = opts.parallel ?? opts.trades >= PARALLEL_FROM_TRADES;
    const remote = (partition: number): RemotePartition | undefined => {
      if (!parallel) return undefined;
      const r = startPartitionWorker(genOpts, partition, target.scratchPath(`part${partition}`), progress, (file, base) => target.mergeScratch(file, base));
      if (r && opts.signal) opts.signal.addEventListener('abort', () => void r.cancel(), { once: true });
      return r;
    };
    const counts = await generateDemoData(genOpts, sink, checkpoint, remote);
    await checkpoint();
    target.finish();
    finalProgress(counts);
    return { kind: 'sqlite', path: target.path, counts, ms: Math.round(performance.now() - started) };
  } catch (e) {
    target.abandon();
    if (opts.signal?.aborted) throw demoAborted();
    throw wrap(e);
  }
}

function wrap(e: unknown): unknown {
  if (isOtcError(e)) return e;
  return demoTarget(`demo database build failed: ${(e as Error).message ?? String(e)}`, e);
}
