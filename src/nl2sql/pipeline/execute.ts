/**
 * Stage 5, execute: admitted SQL on the datasource, read-only by construction, with the run's
 * timeout and row cap; the result says when more rows existed (truncated). A timeout or a
 * database error surfaces as the datasource's typed error (OTC_ERR_QUERY_TIMEOUT, ...).
 */
import type { Datasource, QueryResult, Workload } from '../../datasource/types.js';
import type { RowCap } from './cap.js';

/** `workload` 'model' for SQL a language model wrote: it may not hold every query slot (datasource/admission.ts). */
export type Execute = (sql: string, cap: RowCap, signal?: AbortSignal, workload?: Workload) => Promise<QueryResult>;

export function createExecuteStage(ds: Pick<Datasource, 'query'>): Execute {
  return (sql, cap, signal, workload) => ds.query(sql, { maxRows: cap.maxRows, timeoutMs: cap.timeoutMs, ...(signal ? { signal } : {}), ...(workload ? { workload } : {}) });
}
