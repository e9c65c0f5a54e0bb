/**
 * Stage 5, execute: admitted SQL on the datasource, read-only by construction, with the run's
 * timeout and row cap; the result says when more rows existed (truncated). A timeout or a
 * database error surfaces as the datasource's typed error (OTC_ERR_QUERY_TIMEOUT, ...).
 */
import type { Datasource, QueryResult, RowStream, Workload } from '../../datasource/types.js';
import type { RowCap } from './cap.js';

/** `workload` 'model' for SQL a language model wrote: it may not hold every query slot (datasource/admission.ts). */
export type Execute = (sql: string, cap: RowCap, signal?: AbortSignal, workload?: Workload) => Promise<QueryResult>;

export function createExecuteStage(ds: Pick<Datasource, 'query'>): Execute {
  return (sql, cap, signal, workload) => ds.query(sql, { maxRows: cap.maxRows, timeoutMs: cap.timeoutMs, ...(signal ? { signal } : {}), ...(workload ? { workload } : {}) });
}

/**
 * Stage 5 for results too large to hold (report runs): the same admitted SQL, read-only, with the
 * run's timeout and row cap, as a stream of rows (Datasource.stream: columns first, backpressure,
 * stopped on abort or when the consumer leaves).
 */
export type ExecuteStream = (sql: string, cap: RowCap, o?: { signal?: AbortSignal; workload?: Workload; batchRows?: number }) => Promise<RowStream>;

export function createExecuteStreamStage(ds: Pick<Datasource, 'stream'>): ExecuteStream {
  return (sql, cap, o = {}) => ds.stream(sql, { maxRows: cap.maxRows, timeoutMs: cap.timeoutMs, ...(o.signal ? { signal: o.signal } : {}), ...(o.workload ? { workload: o.workload } : {}), ...(o.batchRows ? { batchRows: o.batchRows } : {}) });
}
