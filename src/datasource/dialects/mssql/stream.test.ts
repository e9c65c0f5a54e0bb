/**
 * The row collection of the SQL Server driver, on a request double that emits events the way
 * mssql's stream mode does (recordset, row…, error, done), since no SQL Server runs here.
 */
import { EventEmitter } from 'node:events';
import sql from 'mssql';
import { describe, expect, it } from 'vitest';
import { rowStreamOf } from '../../row-stream.js';
import { collectRows, streamRows, type StreamingRequest } from './driver/stream.js';

type Step = ['recordset', { name: string; type: unknown }[]] | ['row', unknown[]] | ['error', { code: string; message: string }] | ['hang'];

/** Emits the steps one per tick; cancel() stops the script and ends with ECANCEL + done, as tedious does. */
class FakeRequest extends EventEmitter implements StreamingRequest {
  cancelled = 0;
  sql?: string;
  #stopped = false;
  constructor(private readonly steps: Step[]) {
    super();
  }
  cancel(): void {
    this.cancelled++;
    if (this.#stopped) return;
    this.#stopped = true;
    setImmediate(() => {
      this.emit('error', { code: 'ECANCEL', message: 'Canceled.' });
      this.emit('done', {});
    });
  }
  query(text: string): Promise<void> {
    this.sql = text;
    void (async () => {
      for (const step of this.steps) {
        await new Promise((r) => setImmediate(r));
        if (this.#stopped) return;
        if (step[0] === 'hang') return;
        this.emit(step[0], step[1]);
      }
      await new Promise((r) => setImmediate(r));
      if (this.#stopped) return;
      this.#stopped = true;
      this.emit('done', {});
    })();
    return Promise.resolve();
  }
}

const COLS = [
  { name: 'trade_date', type: sql.Date },
  { name: 'created_at', type: sql.DateTime2 },
  { name: 'n', type: sql.BigInt },
];
const row = (i: number): unknown[] => [new Date(Date.UTC(2026, 10, i)), new Date(Date.UTC(2026, 10, i, 10, 15)), String(i)];
const opts = { maxRows: 3, timeoutMs: 500, where: 'sql01:1433' };

describe('SQL Server row streaming', () => {
  it('converts values and returns all rows when under the cap', async () => {
    const req = new FakeRequest([['recordset', COLS], ['row', row(1)], ['row', row(2)]]);
    const r = await collectRows(req, 'SELECT 1', opts);
    expect(req.sql).toBe('SELECT 1');
    expect(r).toEqual({
      columns: ['trade_date', 'created_at', 'n'],
      rows: [
        ['2026-11-01', '2026-11-01T10:15:00', 1],
        ['2026-11-02', '2026-11-02T10:15:00', 2],
      ],
    });
    expect(req.cancelled).toBe(0);
  });

  it('cancels the request after maxRows + 1 rows', async () => {
    const req = new FakeRequest([['recordset', COLS], ...Array.from({ length: 10 }, (_, i) => ['row', row(i + 1)] as Step)]);
    const r = await collectRows(req, 'SELECT 1', opts);
    expect(r.rows).toHaveLength(4);
    expect(req.cancelled).toBe(1);
  });

  it('maps ETIMEOUT to OTC_ERR_QUERY_TIMEOUT and other errors to OTC_ERR_QUERY_FAILED', async () => {
    await expect(collectRows(new FakeRequest([['error', { code: 'ETIMEOUT', message: 'Timeout: Request failed to complete in 500ms' }]]), 'x', opts)).rejects.toMatchObject({
      code: 'OTC_ERR_QUERY_TIMEOUT',
    });
    await expect(collectRows(new FakeRequest([['error', { code: 'EREQUEST', message: "Invalid object name 'nope'." }]]), 'x', opts)).rejects.toMatchObject({
      code: 'OTC_ERR_QUERY_FAILED',
      message: expect.stringContaining("Invalid object name 'nope'"),
    });
    await expect(collectRows(new FakeRequest([['error', { code: 'ESOCKET', message: 'Connection lost' }]]), 'x', opts)).rejects.toMatchObject({
      code: 'OTC_ERR_DATASOURCE_UNREACHABLE',
      message: expect.stringContaining('sql01:1433'),
    });
  });

  it('refuses a batch with a second result set, and a statement with none', async () => {
    const two = new FakeRequest([['recordset', COLS], ['row', row(1)], ['recordset', COLS], ['row', row(2)]]);
    await expect(collectRows(two, 'SELECT 1; SELECT 2', opts)).rejects.toMatchObject({ code: 'OTC_ERR_QUERY_NOT_READ_ONLY' });
    await expect(collectRows(new FakeRequest([]), "WAITFOR DELAY '00:00:01'", opts)).rejects.toMatchObject({ code: 'OTC_ERR_QUERY_NOT_READ_ONLY' });
  });

  it('an AbortSignal cancels the running request', async () => {
    const ac = new AbortController();
    const req = new FakeRequest([['recordset', COLS], ['row', row(1)], ['hang']]);
    const p = collectRows(req, 'SELECT 1', { ...opts, signal: ac.signal });
    setImmediate(() => setImmediate(() => setImmediate(() => ac.abort())));
    await expect(p).rejects.toMatchObject({ code: 'OTC_ERR_QUERY_CANCELLED' });
    expect(req.cancelled).toBe(1);
  });
});

/** Emits `n` rows, one per tick, holding while paused as tedious stops reading the socket. */
class PausableRequest extends EventEmitter implements StreamingRequest {
  emitted = 0;
  pauses = 0;
  cancelled = 0;
  #paused = false;
  #stopped = false;
  #wake?: () => void;
  constructor(private readonly n: number) {
    super();
  }
  pause(): void {
    this.pauses++;
    this.#paused = true;
  }
  resume(): void {
    this.#paused = false;
    this.#wake?.();
  }
  cancel(): void {
    this.cancelled++;
    this.#stopped = true;
    this.#wake?.();
    setImmediate(() => {
      this.emit('error', { code: 'ECANCEL', message: 'Canceled.' });
      this.emit('done', {});
    });
  }
  query(): Promise<void> {
    void (async () => {
      await new Promise((r) => setImmediate(r));
      this.emit('recordset', COLS);
      while (this.emitted < this.n && !this.#stopped) {
        while (this.#paused && !this.#stopped) await new Promise<void>((r) => (this.#wake = r));
        if (this.#stopped) return;
        this.emitted++;
        this.emit('row', row((this.emitted % 28) + 1));
        await new Promise((r) => setImmediate(r));
      }
      if (!this.#stopped) this.emit('done', {});
    })();
    return Promise.resolve();
  }
}

describe('SQL Server streaming with backpressure', () => {
  it('pauses the request while the consumer is behind, so rows read ahead stay under the high-water mark', async () => {
    const req = new PausableRequest(2_000);
    const source = await streamRows(req, 'SELECT 1', { batch: 50, timeoutMs: 500, where: 'sql01:1433' });
    const s = rowStreamOf(source, 10_000);
    expect(s.columns).toEqual(['trade_date', 'created_at', 'n']);
    let consumed = 0;
    let maxAhead = 0;
    for await (const r of s) {
      consumed++;
      expect(r[0]).toMatch(/^2026-1[12]-\d\d$/);
      maxAhead = Math.max(maxAhead, req.emitted - consumed);
      // a slow consumer: the driver would run far ahead without the pause
      if (consumed % 10 === 0) for (let i = 0; i < 30; i++) await new Promise((r) => setImmediate(r));
    }
    expect(consumed).toBe(2_000);
    expect(req.pauses).toBeGreaterThan(0);
    expect(maxAhead).toBeLessThanOrEqual(150);
    expect(req.cancelled).toBe(0);
  });

  it('leaving early cancels the request; the cap says there were more', async () => {
    const req = new PausableRequest(2_000);
    const s = rowStreamOf(await streamRows(req, 'SELECT 1', { batch: 20, timeoutMs: 500, where: 'sql01:1433' }), 30);
    let n = 0;
    for await (const _ of s) n++;
    expect([n, s.truncated]).toEqual([30, true]);
    expect(req.cancelled).toBe(1);
  });

  it('a statement with no result set is refused before any row', async () => {
    await expect(streamRows(new FakeRequest([]), 'SET NOCOUNT ON', { batch: 10, timeoutMs: 500, where: 'sql01:1433' })).rejects.toMatchObject({ code: 'OTC_ERR_QUERY_NOT_READ_ONLY' });
  });
});
