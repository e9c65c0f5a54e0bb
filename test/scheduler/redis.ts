/** Redis for the scheduler tests: the machine's server (required in CI), or one a test starts and stops. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { inCI } from '../support/services.js';

export async function ping(url: string, timeoutMs = 2000): Promise<void> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs, enableOfflineQueue: false });
  r.on('error', () => undefined);
  try {
    await r.connect();
    await r.ping();
  } finally {
    r.disconnect();
  }
}

/** True when Redis answers; in CI a missing Redis is an error, elsewhere the test skips with a reason. */
export async function redisAvailable(url: string): Promise<boolean> {
  try {
    await ping(url);
    return true;
  } catch (e) {
    if (inCI) throw new Error(`Redis is required in CI but not reachable at ${url}: ${(e as Error).message}`);
    console.warn(`[skip] Redis not reachable at ${url}: ${(e as Error).message}`);
    return false;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A redis-server of the test's own on `port` (no persistence), to stop and start again. */
export class OwnRedis {
  private proc?: ChildProcess;
  constructor(readonly port: number) {}
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
  async start(): Promise<void> {
    this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const end = Date.now() + 10_000;
    for (;;) {
      try {
        await ping(this.url, 500);
        return;
      } catch (e) {
        if (Date.now() > end) throw new Error(`redis-server on port ${this.port} did not start: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
  }
}
