/** Writes docs/configuration.md from the configuration schema (npm run docs:config). */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configReferenceMarkdown } from '../src/config/reference.js';

const out = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));
writeFileSync(out, configReferenceMarkdown());
process.stdout.write(`wrote ${out}\n`);
