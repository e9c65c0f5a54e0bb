/** Command-line pieces shared by the benchmark scripts (scripts/bench-*.ts). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The value after `--name` on the command line, or `dflt` when the flag is absent. */
export function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
}

/**
 * The shared benchmark folder (ops-dev.jsonl, ops-dev.db, score.py): OTC_BENCH_DIR, else
 * ../shared/benchmark beside the repository, else /work/shared/benchmark.
 */
export const BENCH_DIR = resolve(
  process.env.OTC_BENCH_DIR ??
    [new URL('../../../shared/benchmark', import.meta.url).pathname, '/work/shared/benchmark'].find((d) => existsSync(d)) ??
    '../shared/benchmark',
);
