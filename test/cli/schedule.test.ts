/**
 * `otc-copilot worker` and `otc-copilot schedule list|next`, through the built CLI
 * (bin/otc-copilot.js -> dist/).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { redisConnection } from '../../src/scheduler/backends/bullmq.js';
import { createScheduler, InProcessBackend } from '../../src/scheduler/index.js';
import { memoryLogger } from '../../src/scheduler/testing.js';
import { openStore } from '../../src/store/index.js';
import { REDIS_URL } from '../support/services.js';
import { redisAvailable } from '../scheduler/redis.js';

const root = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'otc-cli-sched-'));
let redisUp = false;

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OTC_')) e[k] = v;
  return { ...e, OTC_DATA_DIR: join(dir, 'data'), OTC_LOG_LEVEL: 'silent', ...extra };
}
const cli = (args: string[], extra: Record<string, string> = {}) => spawnSync(process.execPath, [join(root, 'bin/otc-copilot.js'), ...args], { env: env(extra), encoding: 'utf8', timeout: 60_000 });

beforeAll(async () => {
  redisUp = await redisAvailable(REDIS_URL);
  const store = await openStore(`sqlite:${join(dir, 'data', 'app.db')}`);
  const s = createScheduler({ store, backend: new InProcessBackend(), logger: memoryLogger() });
  await s.register({ name: 'Month-end margin report', handler: 'report', spec: { kind: 'monthly', at: '18:00', businessDay: -1, timeZone: 'America/New_York', calendar: { holidays: ['US-FED'] } } }, 'admin');
  await s.close();
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('otc-copilot schedule and worker', () => {
  it('schedule list and next', () => {
    const list = cli(['schedule', 'list']);
    expect(list.status).toBe(0);
    expect(list.stdout).toContain('Month-end margin report  [report]  on the last business day of the month at 18:00 America/New_York (US-FED)');
    const next = cli(['schedule', 'next', 'Month-end margin report', '--count', '3']);
    expect(next.status).toBe(0);
    const lines = next.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).every((l) => /^\d{4}-\d\d-\d\dT\d\d:00:00\.000Z .* 18:00 America\/New_York$/.test(l))).toBe(true);
    const missing = cli(['schedule', 'next', 'nope']);
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toBe('OTC_ERR_SCHEDULE_NOT_FOUND: no schedule nope');
  });

  it('worker without OTC_REDIS_URL, or with a bad one, is one line and exit 2', () => {
    const none = cli(['worker']);
    expect(none.status).toBe(2);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
    expect(none.stderr).toMatch(/^OTC_ERR_CONFIG: the worker runs schedules from a Redis queue: OTC_REDIS_URL is not set/);
    const bad = cli(['worker'], { OTC_REDIS_URL: 'http://localhost:6379' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/OTC_REDIS_URL/);
  });

  it('worker starts on Redis and stops cleanly on SIGTERM', async () => {
    if (!redisUp) return;
    // Database 13 of the machine's Redis; the worker's queue is removed afterwards.
    const url = `${REDIS_URL.replace(/\/\d*$/, '')}/13`;
    const child = spawn(process.execPath, [join(root, 'bin/otc-copilot.js'), 'worker', '--concurrency', '2'], { env: env({ OTC_REDIS_URL: url }), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    await new Promise<void>((resolve, reject) => {
      const t = setInterval(() => out.includes('running') && (clearInterval(t), resolve()), 50);
      child.once('exit', (c) => (clearInterval(t), reject(new Error(`worker exited ${c}: ${out}`))));
    });
    expect(out).toMatch(/Scheduler worker \S+ running \(queue on 127\.0\.0\.1:6379, concurrency 2\)/);
    const code = await new Promise<number | null>((r) => {
      child.once('exit', r);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    const q = new Queue('otc-scheduler', { connection: redisConnection(url), prefix: 'otc' });
    await q.obliterate({ force: true });
    await q.close();
  }, 60_000);
});
