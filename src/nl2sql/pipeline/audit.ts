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

export interface AuditSink {
  append(entry: AuditEntry): Promise<unknown>;
  /** Several records in one transaction (one flush to disk), when the audit log offers it. */
  appendMany?(entries: AuditEntry[]): Promise<unknown[]>;
}

/** Records written in one transaction at most. */
const MAX_BATCH = 256;

/**
 * Group commit: appends that arrive while a write is on its way to disk go together in the next
 * transaction (`appendMany`), so the audit log flushes once per batch instead of once per
 * record (each flush is a few milliseconds of fsync: three records per question made the audit
 * log the bound of the server's throughput, issue 14 item 7). Each append still resolves only
 * when its own record is committed, in the order appends were called, so an answer is never
 * given before its records are durable. A batch that fails is retried record by record, so
 * one bad record fails alone. Without `appendMany` the sink is returned as it is.
 */
export function groupCommit(sink: AuditSink): AuditSink {
  if (!sink.appendMany) return sink;
  const appendMany = sink.appendMany.bind(sink);
  let queue: { entry: AuditEntry; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];
  let writing = false;
  async function drain(): Promise<void> {
    writing = true;
    try {
      while (queue.length) {
        // let the requests whose input is ready reach their append first: they join this batch
        await new Promise((r) => setImmediate(r));
        const batch = queue.slice(0, MAX_BATCH);
        queue = queue.slice(batch.length);
        try {
          const records = await appendMany(batch.map((b) => b.entry));
          batch.forEach((b, i) => b.resolve(records[i]));
        } catch (e) {
          if (batch.length === 1) batch[0]!.reject(e);
          else for (const b of batch) await sink.append(b.entry).then(b.resolve, b.reject);
        }
      }
    } finally {
      writing = false;
    }
  }
  return {
    append: (entry) =>
      new Promise((resolve, reject) => {
        queue.push({ entry, resolve, reject });
        if (!writing) void drain();
      }),
    appendMany,
  };
}

export interface RunTrail {
  readonly correlationId: string;
  /** Whether records are written (an audit log is configured). */
  readonly recording: boolean;
  /** The question record that opens a run (today: the as-of date; a re-run says what it re-runs). */
  question(details: { today?: string; trainingVersion?: string; [k: string]: unknown }): Promise<void>;
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
  const write = async (e: Omit<AuditEntry, 'actor' | 'correlationId' | 'question'>) => {
    if (sink) await sink.append({ actor: o.actor, correlationId: o.correlationId, ...(o.question !== undefined ? { question: o.question } : {}), ...e });
  };
  return {
    correlationId: o.correlationId,
    recording: !!sink,
    question: (details) => write({ kind: 'question', outcome: 'started', details }),
    sqlGenerated: (engine, sql, durationMs, details) => write({ kind: 'sql_generated', outcome: 'ok', engine, sql, durationMs, details }),
    run: (engine, sql, res, details) =>
      write({ kind: 'query_run', outcome: 'completed', ...(engine ? { engine } : {}), sql, rowCount: res.rowCount, resultHash: hashRows(res.columns, res.rows), durationMs: res.ms, details: { ...details, truncated: res.truncated } }),
    streamed: (engine, sql, r, details) =>
      write({ kind: 'query_run', outcome: 'completed', ...(engine ? { engine } : {}), sql, rowCount: r.rowCount, resultHash: r.resultHash, durationMs: r.ms, details: { ...details, streamed: true, truncated: r.truncated, ...(r.stoppedEarly ? { stoppedEarly: true } : {}) } }),
    refusal: (engine, details, sql) => write({ kind: 'refusal', outcome: 'refused', ...(engine ? { engine } : {}), ...(sql !== undefined ? { sql } : {}), details }),
    abstention: (engine, reason) => write({ kind: 'abstention', outcome: 'abstained', engine, details: { reason } }),
    error: (engine, code, message) => write({ kind: 'error', outcome: 'error', engine, details: { code, message } }),
  };
}
