/**
 * The loopback sink of `npm run bench:scheduler`: every run posts {key, scheduledAt, startedAt}
 * to it; it counts runs per idempotency key (duplicates) and keeps each run's lateness.
 */
import { Agent, createServer, request, type Server } from 'node:http';
import type { RunHandler } from '../../src/scheduler/index.js';

export interface SinkHit {
  key: string;
  scheduledAt: number;
  startedAt: number;
  receivedAt: number;
  pid: number;
}

export function sinkHandler(url: string): RunHandler {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const u = new URL(url);
  return (ctx) =>
    new Promise<void>((resolve, reject) => {
      const startedAt = Date.now();
      const body = JSON.stringify({ key: ctx.idempotencyKey, scheduledAt: ctx.scheduledAt.getTime(), startedAt, pid: process.pid });
      const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, signal: ctx.signal }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode && res.statusCode < 300 ? resolve() : reject(new Error(`sink answered ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
}

export class Sink {
  hits: SinkHit[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        try {
          const h = JSON.parse(body) as Omit<SinkHit, 'receivedAt'>;
          this.hits.push({ ...h, receivedAt: Date.now() });
          res.writeHead(204).end();
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/run`;
  }

  reset(): void {
    this.hits = [];
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}
