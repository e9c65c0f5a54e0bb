import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The shared reference material (benchmark database and questions, the schema) sits beside the
// repository as ../shared, on developer machines and in CI; OTC_SHARED_DIR overrides it.
const repo = dirname(fileURLToPath(import.meta.url));
const sharedDir =
  process.env.OTC_SHARED_DIR ?? [join(repo, '..', 'shared'), '/work/shared'].find((d) => existsSync(d)) ?? resolve(repo, '..', 'shared');

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default is one file at a time per core less one: a single file at a time on the
    // 2-core CI machine, whose second core then mostly waits, as the suite spends much of its time
    // in child processes, Chromium and database round trips. Two at a time there; the default
    // (cores - 1) on larger machines. Test files share no fixed names (temp folders, random database,
    // schema and queue names), so they may run side by side. `--maxWorkers=1` runs them one by one.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: ['default', './test/support/summary-reporter.ts'],
    env: { OTC_SHARED_DIR: sharedDir },
  },
});
