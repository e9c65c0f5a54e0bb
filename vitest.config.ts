import { existsSync } from 'node:fs';
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
    reporters: ['default', './test/support/summary-reporter.ts'],
    env: { OTC_SHARED_DIR: sharedDir },
  },
});
