#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const entry = join(root, 'dist', 'cli', 'index.js');
if (!existsSync(entry)) {
  process.stderr.write('OTC_ERR_NOT_BUILT: the CLI is not built yet. Run `npm ci` (or `npm run build`) in ' + root + '\n');
  process.exit(2);
}
await import(entry);
