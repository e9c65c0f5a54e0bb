import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HecSink } from './hec.js';

/** A loopback HTTP Event Collector that can be switched down (503) and up again. */
async function fakeHec(): Promise<{ url: string; events: unknown[]; auth: string[]; setUp(up: boolean): void; server: Server }> {
  const events: unknown[] = [];
  const auth: string[] = [];
  let up = true;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      auth.push(String(req.headers.authorization));
      if (!up || req.url !== '/services/collector/event') {
        res.writeHead(503).end('{"text":"Server is busy","code":9}');
        return;
      }
      for (const line of body.split('\n')) events.push((JSON.parse(line) as { event: unknown }).event);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"text":"Success","code":0}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, events, auth, setUp: (u) => (up = u), server };
}

const until = async (cond: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

let servers: Server[] = [];
afterEach(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  servers = [];
});

describe('Splunk HEC sink', () => {
  it('loses nothing across a collector outage shorter than its buffer, in order, batched', async () => {
    const hec = await fakeHec();
    servers.push(hec.server);
    const sink = new HecSink({ url: hec.url, token: 't0k', batchSize: 10, flushMs: 5, backoffMs: 5, maxBackoffMs: 20, maxBuffer: 1000 });
    for (let i = 0; i < 25; i++) sink.send({ n: i });
    await until(() => hec.events.length === 25);
    hec.setUp(false);
    for (let i = 25; i < 300; i++) sink.send({ n: i }); // returns at once while the collector is down
    await until(() => sink.stats().failedRequests >= 3);
    expect(sink.stats()).toMatchObject({ dropped: 0 });
    expect(sink.stats().buffered).toBe(275);
    hec.setUp(true);
    await until(() => hec.events.length === 300);
    expect(hec.events).toEqual(Array.from({ length: 300 }, (_, n) => ({ n })));
    expect(sink.stats()).toMatchObject({ sent: 300, dropped: 0, buffered: 0, lastError: 'HEC answered 503' });
    expect(new Set(hec.auth)).toEqual(new Set(['Splunk t0k']));
    await sink.close();
  });

  it('drops the oldest events beyond its bound when the collector stays down, and counts them', async () => {
    const hec = await fakeHec();
    servers.push(hec.server);
    hec.setUp(false);
    const sink = new HecSink({ url: hec.url, token: 't', batchSize: 5, flushMs: 5, backoffMs: 5, maxBackoffMs: 10, maxBuffer: 50 });
    for (let i = 0; i < 80; i++) sink.send({ n: i });
    expect(sink.stats()).toMatchObject({ buffered: 50, dropped: 30 });
    hec.setUp(true);
    await until(() => hec.events.length === 50);
    expect(hec.events).toEqual(Array.from({ length: 50 }, (_, k) => ({ n: 30 + k })));
    await sink.close();
  });

  it('a collector that does not answer at all (connection refused) never throws to the caller', async () => {
    const hec = await fakeHec();
    const url = hec.url;
    await new Promise((r) => hec.server.close(r));
    const sink = new HecSink({ url, token: 't', batchSize: 2, flushMs: 5, backoffMs: 5, maxBackoffMs: 10, maxBuffer: 10 });
    for (let i = 0; i < 4; i++) expect(() => sink.send({ i })).not.toThrow();
    await until(() => sink.stats().failedRequests >= 1);
    expect(sink.stats().sent).toBe(0);
    expect(sink.stats().buffered).toBe(4);
    await sink.close();
  });
});
