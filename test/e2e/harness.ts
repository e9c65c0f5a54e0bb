import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { build } from 'vite';
import { loadConfig, type Config } from '../../src/config/index.js';
import { startServer, type StartedServer } from '../../src/server/index.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ADMIN_PASSWORD = 'e2e-admin-password-1';
export const TODAY = '2026-11-20';
const repo = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A key of everything the web bundle is built from: every file under src/ (the web app imports
 * types and helpers from the server's modules too), the package and lock files and the TypeScript
 * settings. Any change to one gives another key, so a cached bundle is always this tree's.
 */
function webInputsKey(): string {
  const h = createHash('sha256');
  const add = (file: string) => h.update(relative(repo, file)).update('\0').update(readFileSync(file)).update('\0');
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) add(p);
    }
  };
  walk(join(repo, 'src'));
  for (const f of ['package.json', 'package-lock.json', 'tsconfig.json']) add(join(repo, f));
  return h.digest('hex').slice(0, 24);
}

/** Where built bundles are kept between test files of a run (OTC_TEST_WEB_CACHE overrides; one folder per inputs key). */
const WEB_CACHE = process.env.OTC_TEST_WEB_CACHE ?? join(tmpdir(), 'otc-test-web-cache');

/**
 * Builds the web app from the current sources into `outDir` (so the test sees this tree, not an old
 * dist/). The bundle is built once per state of the sources and copied for every later caller: the
 * E2E files each start a server on it, and a Vite build per file cost ~18 builds a run.
 */
export async function buildWeb(outDir: string): Promise<void> {
  const cached = join(WEB_CACHE, webInputsKey());
  if (!existsSync(join(cached, 'index.html'))) {
    mkdirSync(WEB_CACHE, { recursive: true });
    const fresh = mkdtempSync(join(WEB_CACHE, 'building-'));
    try {
      await build({ configFile: join(repo, 'src/web/vite.config.ts'), mode: 'production', logLevel: 'error', build: { outDir: fresh, emptyOutDir: true } });
      if (!existsSync(join(fresh, 'index.html'))) throw new Error('web build produced no index.html');
      // Published whole by a rename; a parallel test file that built the same key first wins (same content).
      try {
        renameSync(fresh, cached);
      } catch (e) {
        if (!existsSync(join(cached, 'index.html'))) throw e;
      }
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  }
  rmSync(outDir, { recursive: true, force: true });
  cpSync(cached, outDir, { recursive: true });
  if (!existsSync(join(outDir, 'index.html'))) throw new Error('web build produced no index.html');
}

export interface E2E {
  server: StartedServer;
  context: BrowserContext;
  dir: string;
  printed: string[];
  newContext(): Promise<BrowserContext>;
  close(): Promise<void>;
}

export interface E2EOptions {
  /** Prepares the temp folder before the server starts (e.g. a configured database); its overrides are merged into the config. */
  prepare?: (dir: string) => Promise<Partial<Config>>;
}

/** The real server (demo database, store, audit in a temp folder; random port) and a headless Chromium. */
export async function startE2E(opts: E2EOptions = {}): Promise<E2E> {
  const dir = mkdtempSync(join(tmpdir(), 'otc-e2e-'));
  const webRoot = join(dir, 'web');
  await buildWeb(webRoot);
  const extra = (await opts.prepare?.(dir)) ?? {};
  const cfg = loadConfig({
    env: {},
    overrides: { dataDir: join(dir, 'data'), host: '127.0.0.1', demoTrades: 2000, today: TODAY, adminPassword: ADMIN_PASSWORD, logLevel: 'silent', profileDir: join(repo, 'profiles/otc-ops'), ...extra },
  });
  const printed: string[] = [];
  const server = await startServer(cfg, { port: 0, webRoot, out: (l) => printed.push(l) });
  const contexts: BrowserContext[] = [];
  const newContext = async () => {
    const userDataDir = mkdtempSync(join(dir, 'chromium-'));
    const ctx = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
      viewport: { width: 1280, height: 860 },
      acceptDownloads: true,
    });
    contexts.push(ctx);
    return ctx;
  };
  const context = await newContext();
  return {
    server,
    context,
    dir,
    printed,
    newContext,
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
