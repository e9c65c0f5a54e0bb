import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { build } from 'vite';
import { loadConfig, type Config } from '../../src/config/index.js';
import { startServer, type StartedServer } from '../../src/server/index.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ADMIN_PASSWORD = 'e2e-admin-password-1';
export const TODAY = '2026-11-20';
const repo = fileURLToPath(new URL('../..', import.meta.url));

/** Builds the web app from the current sources into a temp folder (so the test sees this tree, not an old dist/). */
export async function buildWeb(outDir: string): Promise<void> {
  await build({ configFile: join(repo, 'src/web/vite.config.ts'), mode: 'production', logLevel: 'error', build: { outDir, emptyOutDir: true } });
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
