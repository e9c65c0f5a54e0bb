/**
 * Stage 4, cap: the row cap and timeout of one run. The guard writes one row over the cap into the
 * admitted SQL (`sqlLimit`), so the execute stage can fetch `maxRows` and tell that a result was
 * truncated. A run may lower or raise the configured cap (AskRequest.maxRows).
 */
import { OtcError } from '../../shared/errors.js';

export interface RowCap {
  /** Rows an answer holds at most. */
  maxRows: number;
  /** The LIMIT the guard applies: one more than maxRows. */
  sqlLimit: number;
  /** Milliseconds before the database is told to stop. */
  timeoutMs: number;
}

export function rowCap(configured: { maxRows: number; timeoutMs: number }, requestedMaxRows?: number): RowCap {
  const maxRows = requestedMaxRows ?? configured.maxRows;
  if (!Number.isSafeInteger(maxRows) || maxRows < 1) throw new OtcError('OTC_ERR_USAGE', `the row cap must be a whole number of at least 1 (got ${String(maxRows)})`, { status: 400 });
  return { maxRows, sqlLimit: maxRows + 1, timeoutMs: configured.timeoutMs };
}
