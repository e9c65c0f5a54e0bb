/**
 * Dependencies that nothing uses are removed until they are used (issue 14 item 9). A package in
 * package.json counts as used when:
 * - a file of the repository's code (src, scripts, bin, test, the root config files) names it as
 *   a module: `'name'` or `'name/…'` quoted, as import, import(), require() and resolve() take it;
 * - or one of its programs is run by a package.json script or a CI script (tsc, biome, vitest…);
 * - or, for `@types/X`, when X is used (or X is Node itself).
 * A package only another package needs (tedious for mssql) comes with that package and is not
 * listed here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const repo = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string>; scripts?: Record<string, string> };

function files(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) files(p, out);
    else if (/\.(ts|tsx|js|mjs|cjs|sh)$/.test(e.name) || dir.endsWith('.ci')) out.push(p);
  }
  return out;
}

const rootConfigs = readdirSync(repo).filter((f) => /\.(ts|js|mjs|cjs)$/.test(f)).map((f) => join(repo, f));
const self = fileURLToPath(import.meta.url);
const codeFiles = [...['src', 'scripts', 'bin', 'test'].flatMap((d) => files(join(repo, d))), ...rootConfigs].filter((f) => f !== self);
const code = codeFiles.map((f) => readFileSync(f, 'utf8')).join('\n');
const runners = [...Object.values(pkg.scripts ?? {}), ...files(join(repo, '.ci')).map((f) => readFileSync(f, 'utf8'))].join('\n');

const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const named = (dep: string) => new RegExp(`['"\`]${reEscape(dep)}(/[^'"\`]*)?['"\`]`).test(code);
function programs(dep: string): string[] {
  const file = join(repo, 'node_modules', dep, 'package.json');
  if (!existsSync(file)) return [];
  const bin = (JSON.parse(readFileSync(file, 'utf8')) as { bin?: string | Record<string, string> }).bin;
  return typeof bin === 'string' ? [dep.split('/').pop()!] : Object.keys(bin ?? {});
}
const run = (dep: string) => programs(dep).some((b) => new RegExp(`(^|[\\s/;&|(])${reEscape(b)}(\\s|$)`, 'm').test(runners));

const all = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
function used(dep: string): boolean {
  if (dep.startsWith('@types/')) {
    const of = dep.slice('@types/'.length).replace(/^([^_]+)__(.+)$/, '@$1/$2');
    return of === 'node' || (all.includes(of) && used(of));
  }
  return named(dep) || run(dep);
}

it('every dependency in package.json is used by the code, a script or CI', () => {
  expect(codeFiles.length).toBeGreaterThan(100);
  expect(all.filter((d) => !used(d))).toEqual([]);
});

it('the check finds a dependency nothing uses (it can fail)', () => {
  expect(used('left-pad-nobody-imports')).toBe(false);
  expect(used('@types/left-pad-nobody-imports')).toBe(false);
  expect(used('fastify')).toBe(true);
  expect(used('@biomejs/biome')).toBe(true); // its program: `biome lint`
  expect(used('@types/pg')).toBe(true);
});
