// Which locked packages declare an `engines.node` range that a given Node version does not meet
// (what `npm ci` prints as EBADENGINE warnings). Run by .ci/run for the Node it runs on and by
// .ci/node24 for Node 24: exits 1 and lists them if any. Usage: node .ci/engines.cjs [version...]
// (default: the running Node).
'use strict';
const { dirname, join } = require('node:path');
const { realpathSync } = require('node:fs');
const { execFileSync } = require('node:child_process');

// npm's own copy of semver (every npm ships it), so this check needs nothing installed.
const npmBin = realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
const semver = require(join(dirname(npmBin), '..', 'node_modules', 'semver'));
const lock = require(join(__dirname, '..', 'package-lock.json'));

const versions = process.argv.slice(2).length ? process.argv.slice(2) : [process.version];
let bad = 0;
for (const version of versions) {
  const misses = Object.entries(lock.packages)
    .filter(([, p]) => p.engines?.node && !semver.satisfies(version.replace(/^v/, ''), p.engines.node))
    .map(([path, p]) => `${path || '(the project)'} wants node ${p.engines.node}`);
  bad += misses.length;
  console.log(`engines on Node ${version}: ${misses.length ? `${misses.length} package(s) would warn\n  ${misses.join('\n  ')}` : 'every locked package accepts it'}`);
}
process.exit(bad ? 1 : 0);
