/**
 * A Splunk HTTP Event Collector sink: events are queued (never blocking the caller), sent in
 * batches to `<url>/services/collector/event` with `Authorization: Splunk <token>`, and retried
 * with exponential backoff while the collector is down. The queue is bounded: when it is full
 * the oldest events are dropped and counted (`stats().dropped`), so a collector outage costs
 * memory up to `maxBuffer` events and never a request.
 */
export interface HecOptions {
  /** Base URL of the collector, e.g. https://splunk.bank.internal:8088 */
  url: string;
  token: string;
  /** Events per request (default 100). */
  batchSize?: number;
  /** A partial batch is sent after this long (default 1000 ms). */
  flushMs?: number;
  /** Events held at most while the collector is down (default 10,000). */
  maxBuffer?: number;
  /** First retry delay; doubles up to maxBackoffMs (defaults 500 ms and 30 s). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  index?: string;
  sourcetype?: string;
  fetch?: typeof fetch;
}

export interface HecStats {
  buffered: number;
  sent: number;
  dropped: number;
  failedRequests: number;
  lastError: string | null;
}

export class HecSink {
  private readonly queue: { time: number; event: unknown }[] = [];
  private readonly o: Required<Omit<HecOptions, 'index' | 'sourcetype' | 'fetch'>> & Pick<HecOptions, 'index' | 'sourcetype'>;
  private readonly doFetch: typeof fetch;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private backoff = 0;
  private closed = false;
  private readonly s: HecStats = { buffered: 0, sent: 0, dropped: 0, failedRequests: 0, lastError: null };

  constructor(opts: HecOptions) {
    this.o = {
      batchSize: 100,
      flushMs: 1000,
      maxBuffer: 10_000,
      backoffMs: 500,
      maxBackoffMs: 30_000,
      timeoutMs: 10_000,
      ...opts,
      url: opts.url.replace(/\/+$/, ''),
    };
    this.doFetch = opts.fetch ?? fetch;
  }

  /** Queues one event; returns at once. */
  send(event: unknown, time = Date.now()): void {
    if (this.closed) return;
    this.queue.push({ time, event });
    while (this.queue.length > this.o.maxBuffer) {
      this.queue.shift();
      this.s.dropped++;
    }
    if (this.queue.length >= this.o.batchSize && !this.backoff) this.kick(0);
    else this.kick(this.backoff || this.o.flushMs);
  }

  stats(): HecStats {
    return { ...this.s, buffered: this.queue.length };
  }

  private kick(delay: number): void {
    if (this.timer || this.inFlight) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.inFlight = this.drain().finally(() => {
        this.inFlight = undefined;
        if (this.queue.length && !this.closed) this.kick(this.backoff || (this.queue.length >= this.o.batchSize ? 0 : this.o.flushMs));
      });
    }, delay);
    this.timer.unref();
  }

  /** Sends batches until the queue is empty or a request fails (then backs off). */
  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.slice(0, this.o.batchSize);
      const body = batch
        .map((e) =>
          JSON.stringify({
            time: e.time / 1000,
            event: e.event,
            ...(this.o.index ? { index: this.o.index } : {}),
            ...(this.o.sourcetype ? { sourcetype: this.o.sourcetype } : {}),
          }),
        )
        .join('\n');
      try {
        const res = await this.doFetch(`${this.o.url}/services/collector/event`, {
          method: 'POST',
          headers: { authorization: `Splunk ${this.o.token}`, 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(this.o.timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (!res.ok) throw new Error(`HEC answered ${res.status}`);
      } catch (e) {
        this.s.failedRequests++;
        this.s.lastError = (e as Error).message;
        this.backoff = Math.min(this.o.maxBackoffMs, this.backoff ? this.backoff * 2 : this.o.backoffMs);
        return;
      }
      // the batch is delivered: take it off the queue (events dropped meanwhile were the oldest)
      for (const e of batch) {
        const i = this.queue.indexOf(e); // at the front, unless dropped meanwhile
        if (i >= 0) this.queue.splice(i, 1);
      }
      this.s.sent += batch.length;
      this.backoff = 0;
    }
  }

  /** Sends what is queued (one attempt per batch, no waiting for backoff); for shutdown and tests. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.inFlight) await this.inFlight;
    this.backoff = 0;
    this.inFlight = this.drain().finally(() => {
      this.inFlight = undefined;
    });
    await this.inFlight;
  }

  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }
}

let active: HecSink | undefined;
/** The server's sink (its stats are shown by GET /api/audit/status). */
export function setActiveHecSink(s: HecSink | undefined): void {
  active = s;
}
export function activeHecSink(): HecSink | undefined {
  return active;
}

/**
 * A pino destination that writes every JSON log line to `out` (stdout) and queues it for the
 * HEC sink, parsed, without ever waiting for the collector.
 */
export function hecDestination(sink: HecSink, out: NodeJS.WritableStream = process.stdout): { write(line: string): void } {
  return {
    write(line: string) {
      out.write(line);
      try {
        sink.send(JSON.parse(line));
      } catch {
        sink.send({ message: line.trimEnd() });
      }
    },
  };
}
