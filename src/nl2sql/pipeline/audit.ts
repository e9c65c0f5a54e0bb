/**
 * Stage 6, audit: the records of one run, all under one correlation id and actor: the question,
 * the generated SQL with what was understood, the run (row count, result hash, truncation),
 * refusals, abstentions and errors. The kinds and fields are the audit trail's contract
 * (src/audit/types.ts); nothing is written when the pipeline has no audit log.
 */
import { hashRows } from '../../audit/index.js';
import type { AuditEntry } from '../../audit/types.js';
import type { QueryResult } from '../../datasource/types.js';
import type { EngineName } from '../types.js';
import type { TypedQuery } from '../semantic/index.js';

/** Where records go: the audit log (which commits appends that arrive together in one transaction). */
export interface AuditSink {
  append(entry: AuditEntry): Promise<unknown>;
  /**
   * Records appended as one group (the audit's privacy settings mask SQL values across it);
   * `until: 'committed'`: resolved once committed, before the transaction's checkpoint line is written.
   */
  appendMany?(entries: AuditEntry[], opts?: { until?: 'checkpointed' | 'committed' }): Promise<unknown[]>;
  /** appendMany when nothing is wanted back (the audit log then sends no record text back across threads). */
  record?(entries: AuditEntry[], opts?: { until?: 'checkpointed' | 'committed' }): Promise<void>;
}

export interface RunTrail {
  readonly correlationId: string;
  /** Whether records are written (an audit log is configured). */
  readonly recording: boolean;
  /**
   * The question record that opens a run (today: the as-of date; a re-run says what it re-runs).
   * It need not be awaited: it is held and appended with the trail's next record as one group
   * when that comes in the same turn of the event loop (else alone, or at flush), and every later record resolves only once the records before it are
   * committed too; so the question and the generated SQL go to disk together, and SQL is still
   * on disk before it runs.
   */
  question(details: { today?: string; trainingVersion?: string; [k: string]: unknown }): Promise<void>;
  /** Resolves when every record written so far is committed (rejects if one was not). */
  flush(): Promise<void>;
  sqlGenerated(engine: EngineName, sql: string, durationMs: number, details: { explanation: string; query?: TypedQuery }): Promise<void>;
  /** engine undefined: SQL that no engine produced now (a stored SQL run again, e.g. an export). */
  run(engine: EngineName | undefined, sql: string, result: QueryResult, details?: Record<string, unknown>): Promise<void>;
  /** A streamed run, written when its stream ended: the rows were counted and hashed as they passed (same hash as run()'s). */
  streamed(engine: EngineName | undefined, sql: string, summary: StreamedRun, details?: Record<string, unknown>): Promise<void>;
  refusal(engine: EngineName | undefined, details: { reason: string } | { guard: string }, sql?: string): Promise<void>;
  abstention(engine: EngineName, reason: string): Promise<void>;
  error(engine: EngineName, code: string, message: string): Promise<void>;
}

export interface StreamedRun {
  rowCount: number;
  resultHash: string;
  ms: number;
  truncated: boolean;
  /** The consumer stopped reading before the end (the rows counted are those it read). */
  stoppedEarly: boolean;
}

export function createRunTrail(sink: AuditSink | undefined, o: { actor: string; correlationId: string; question?: string }): RunTrail {
  // Each record is handed to the sink at once (so records of many runs share a commit), except
  // the question record: held until the next record and appended with it as one group (the SQL's
  // values can then be masked in the question too). What a write returns settles only when this
  // record and all before it in the trail are committed.
  let committed: Promise<void> = Promise.resolve();
  let held: { entry: AuditEntry; resolve: () => void; reject: (e: unknown) => void } | undefined;
  const send = (entries: AuditEntry[], atCommit = false): Promise<unknown> => {
    const opts = atCommit ? { until: 'committed' as const } : undefined;
    if (sink!.record) return sink!.record(entries, opts);
    return sink!.appendMany && (entries.length > 1 || atCommit) ? sink!.appendMany(entries, opts) : Promise.all(entries.map((x) => sink!.append(x)));
  };
  const track = (p: Promise<unknown>): Promise<void> => {
    const upTo = Promise.all([committed, p]).then(() => undefined);
    committed = upTo;
    upTo.catch(() => undefined); // surfaced by the next awaited write or flush, never unhandled
    return upTo;
  };
  const release = (next: AuditEntry[], atCommit = false): Promise<unknown> => {
    const h = held;
    held = undefined;
    const appended = send(h ? [h.entry, ...next] : next, atCommit);
    h && appended.then(h.resolve, h.reject);
    return appended;
  };
  const entryOf = (e: Omit<AuditEntry, 'actor' | 'correlationId' | 'question'>): AuditEntry => ({ actor: o.actor, correlationId: o.correlationId, ...(o.question !== undefined ? { question: o.question } : {}), ...e });
  const write = (e: Omit<AuditEntry, 'actor' | 'correlationId' | 'question'>, atCommit = false): Promise<void> => (sink ? track(release([entryOf(e)], atCommit)) : Promise.resolve());
  const hold = (e: Omit<AuditEntry, 'actor' | 'correlationId' | 'question'>): Promise<void> => {
    if (!sink) return Promise.resolve();
    if (held) void release([]);
    const p = track(new Promise<void>((resolve, reject) => (held = { entry: entryOf(e), resolve, reject })));
    // no record followed in this turn of the event loop (a caller awaiting the question itself):
    // it goes alone, so awaiting it never waits for a record that is not coming
    const mine = held;
    setImmediate(() => {
      if (held === mine) void release([]);
    });
    return p;
  };
  return {
    correlationId: o.correlationId,
    recording: !!sink,
    flush: () => {
      if (held) void release([]);
      return committed;
    },
    question: (details) => hold({ kind: 'question', outcome: 'started', details }),
    // the SQL must be committed before it runs; the run's record, next, waits for a checkpoint line covering both
    sqlGenerated: (engine, sql, durationMs, details) => write({ kind: 'sql_generated', outcome: 'ok', engine, sql, durationMs, details }, true),
    run: (engine, sql, res, details) =>
      write({ kind: 'query_run', outcome: 'completed', ...(engine ? { engine } : {}), sql, rowCount: res.rowCount, resultHash: hashRows(res.columns, res.rows), durationMs: res.ms, details: { ...details, truncated: res.truncated } }),
    streamed: (engine, sql, r, details) =>
      write({ kind: 'query_run', outcome: 'completed', ...(engine ? { engine } : {}), sql, rowCount: r.rowCount, resultHash: r.resultHash, durationMs: r.ms, details: { ...details, streamed: true, truncated: r.truncated, ...(r.stoppedEarly ? { stoppedEarly: true } : {}) } }),
    refusal: (engine, details, sql) => write({ kind: 'refusal', outcome: 'refused', ...(engine ? { engine } : {}), ...(sql !== undefined ? { sql } : {}), details }),
    abstention: (engine, reason) => write({ kind: 'abstention', outcome: 'abstained', engine, details: { reason } }),
    error: (engine, code, message) => write({ kind: 'error', outcome: 'error', engine, details: { code, message } }),
  };
}
