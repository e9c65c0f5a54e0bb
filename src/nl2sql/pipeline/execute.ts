/**
 * Stage 5, execute: admitted SQL on the datasource, read-only by construction, with the run's
 * timeout and row cap; the result says when more rows existed (truncated). A timeout or a
 * database error surfaces as the datasource's typed error (OTC_ERR_QUERY_TIMEOUT, ...).
 */
import type { Datasource, QueryResult } from '../../datasource/types.js';
import type { RowCap } from './cap.js';

export type Execute = (sql: string, cap: RowCap, signal?: AbortSignal) => Promise<QueryResult>;

export function createExecuteStage(ds: Pick<Datasource, 'query'>): Execute {
  return (sql, cap, signal) => ds.query(sql, { maxRows: cap.maxRows, timeoutMs: cap.timeoutMs, ...(signal ? { signal } : {}) });
}
