import type { EventEmitter } from 'node:events';
import type { OtcError } from '../../../../shared/errors.js';
import { notReadOnly, queryCancelled, queryFailed, queryTimeout, unreachable } from '../../../errors.js';
import type { BatchSource } from '../../../row-stream.js';
import { converterFor } from './values.js';

/** The part of an mssql Request in stream mode (`stream = true`, `arrayRowMode = true`) used here. */
export interface StreamingRequest extends EventEmitter {
  cancel(): void;
  query(sql: string): unknown;
  /** Stops the driver reading rows from the socket (stream mode); resume() reads on. */
  pause?(): boolean | undefined | void;
  resume?(): boolean | undefined | void;
}

interface ColumnMeta {
  name: string;
  type: unknown;
}

/**
 * Runs the request and collects at most maxRows + 1 rows, then cancels it. Maps mssql's
 * error codes: ETIMEOUT -> OTC_ERR_QUERY_TIMEOUT, ECANCEL after an abort -> OTC_ERR_QUERY_CANCELLED,
 * a second result set or none at all -> OTC_ERR_QUERY_NOT_READ_ONLY.
 */
export function collectRows(
  req: StreamingRequest,
  sqlText: string,
  o: { maxRows: number; timeoutMs: number; signal?: AbortSignal; where: string },
): Promise<{ columns: string[]; rows: unknown[][] }> {
  return new Promise((resolve, reject) => {
    let meta: ColumnMeta[] | undefined;
    let convert: ((v: unknown) => unknown)[] = [];
    const rows: unknown[][] = [];
    let capped = false;
    let aborted = false;
    let failure: OtcError | undefined;
    const onAbort = () => {
      aborted = true;
      req.cancel();
    };
    req.on('recordset', (cols: ColumnMeta[]) => {
      if (meta) {
        failure ??= notReadOnly('the text returned more than one result set (more than one statement)');
        req.cancel();
        return;
      }
      meta = cols;
      convert = cols.map((c) => converterFor(c.type));
    });
    req.on('row', (row: unknown[]) => {
      if (capped || failure) return;
      rows.push(row.map((v, i) => (convert[i] ? convert[i]!(v) : v)));
      if (rows.length > o.maxRows) {
        capped = true;
        req.cancel();
      }
    });
    req.on('error', (e: { code?: string; message?: string }) => {
      if (failure) return;
      if (e.code === 'ECANCEL' && capped) return;
      if (e.code === 'ECANCEL') failure = aborted ? queryCancelled() : queryFailed('the request was cancelled');
      else if (e.code === 'ETIMEOUT') failure = queryTimeout(o.timeoutMs);
      else if (e.code === 'ESOCKET' || e.code === 'ECONNCLOSED') failure = unreachable(o.where, String(e.message), e);
      else failure = queryFailed(String(e.message ?? e), e);
    });
    req.once('done', () => {
      o.signal?.removeEventListener('abort', onAbort);
      if (failure) reject(failure);
      else if (aborted) reject(queryCancelled());
      else if (!meta) reject(notReadOnly('the statement returns no rows (not a query)'));
      else resolve({ columns: meta.map((c) => c.name), rows });
    });
    o.signal?.addEventListener('abort', onAbort, { once: true });
    // In stream mode results and errors arrive as events; the returned promise only settles.
    Promise.resolve(req.query(sqlText)).catch(() => undefined);
    if (o.signal?.aborted) onAbort();
  });
}

/**
 * Streams the request's rows as batches: rows arriving from the driver wait in a queue; past
 * `highWater` rows the request is paused (tedious stops reading the socket) and resumed when
 * the consumer has taken them. Resolves once the columns are known (first 'recordset'); the
 * error mapping is collectRows'. close() cancels a request that is still running.
 */
export function streamRows(
  req: StreamingRequest,
  sqlText: string,
  o: { batch: number; timeoutMs: number; signal?: AbortSignal; where: string; highWater?: number },
): Promise<BatchSource> {
  const highWater = o.highWater ?? o.batch * 2;
  return new Promise((resolveOpen, rejectOpen) => {
    let meta: ColumnMeta[] | undefined;
    let convert: ((v: unknown) => unknown)[] = [];
    let queue: unknown[][] = [];
    let paused = false;
    let done = false;
    let stopped = false;
    let aborted = false;
    let failure: OtcError | undefined;
    let wake: (() => void) | undefined;
    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const onAbort = () => {
      aborted = true;
      failure ??= queryCancelled();
      req.cancel();
      notify();
    };
    req.on('recordset', (cols: ColumnMeta[]) => {
      if (meta) {
        failure ??= notReadOnly('the text returned more than one result set (more than one statement)');
        req.cancel();
        notify();
        return;
      }
      meta = cols;
      convert = cols.map((c) => converterFor(c.type));
      resolveOpen(source);
    });
    req.on('row', (row: unknown[]) => {
      if (stopped || failure) return;
      queue.push(row.map((v, i) => (convert[i] ? convert[i]!(v) : v)));
      if (!paused && queue.length >= highWater && req.pause) {
        paused = true;
        req.pause();
      }
      notify();
    });
    req.on('error', (e: { code?: string; message?: string }) => {
      if (failure) return;
      if (e.code === 'ECANCEL' && stopped) return;
      if (e.code === 'ECANCEL') failure = aborted ? queryCancelled() : queryFailed('the request was cancelled');
      else if (e.code === 'ETIMEOUT') failure = queryTimeout(o.timeoutMs);
      else if (e.code === 'ESOCKET' || e.code === 'ECONNCLOSED') failure = unreachable(o.where, String(e.message), e);
      else failure = queryFailed(String(e.message ?? e), e);
      notify();
    });
    req.once('done', () => {
      done = true;
      o.signal?.removeEventListener('abort', onAbort);
      if (!meta) rejectOpen(failure ?? (aborted ? queryCancelled() : notReadOnly('the statement returns no rows (not a query)')));
      notify();
    });
    const source: BatchSource = {
      get columns() {
        return (meta ?? []).map((c) => c.name);
      },
      async next() {
        for (;;) {
          if (failure) throw failure;
          if (queue.length > 0 && (queue.length >= o.batch || done)) {
            const rows = queue.length <= o.batch ? queue : queue.slice(0, o.batch);
            queue = queue.length <= o.batch ? [] : queue.slice(o.batch);
            if (paused && queue.length < highWater / 2) {
              paused = false;
              req.resume?.();
            }
            return rows;
          }
          if (done || stopped) return [];
          await new Promise<void>((r) => (wake = r));
        }
      },
      async close() {
        o.signal?.removeEventListener('abort', onAbort);
        if (!done && !stopped) {
          stopped = true;
          if (paused) req.resume?.();
          req.cancel();
        }
        stopped = true;
        queue = [];
      },
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(req.query(sqlText)).catch(() => undefined);
    if (o.signal?.aborted) onAbort();
  });
}
