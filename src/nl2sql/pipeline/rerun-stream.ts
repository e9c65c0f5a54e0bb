/**
 * A saved question re-run with its rows streamed (report runs of any size): the same stages as
 * `rerun` (understand or compile, guard with the run's row cap, audit) with the streaming execute
 * stage at the end, so memory holds a batch of rows whatever the result's size. The run's audit
 * record is written when the stream ends, with the rows counted and hashed as they passed (the
 * same hash a held result gets). A sort asked by the caller (a report template's per-question
 * sort) is done by the database: the admitted SQL is wrapped in an ORDER BY and guarded again.
 */
import { randomUUID } from 'node:crypto';
import { createRowsHasher } from '../../audit/index.js';
import type { SqlDialect } from '../../datasource/dialect.js';
import { SQL_GUARD_REJECTED } from '../../guard/index.js';
import { isOtcError, OtcError } from '../../shared/errors.js';
import type { TypedQuery } from '../semantic/index.js';
import type { EngineName } from '../types.js';
import { createRunTrail, type AuditSink, type RunTrail } from './audit.js';
import { rowCap } from './cap.js';
import type { Compile } from './compile.js';
import type { ExecuteStream } from './execute.js';
import type { Guard } from './guard.js';
import type { RerunInfo, RerunOptions, SavedQuestion } from './pipeline.js';
import type { Understand } from './understand.js';

export interface RerunStreamOptions extends Omit<RerunOptions, 'raise'> {
  /** Sorts the rows in the database (the column must be one of the result's). */
  orderBy?: { column: string; direction: 'asc' | 'desc' };
  /** Stops the statement. */
  signal?: AbortSignal;
  /** Rows per round trip to the database. */
  batchRows?: number;
}

/** A re-run whose rows are read as a stream, once. Errors before the first row are thrown (typed, audited). */
export interface StreamedAnswer {
  engine: EngineName;
  explanation: string;
  /** The SQL that runs (after the guard). */
  sql: string;
  columns: string[];
  understood?: TypedQuery;
  trainingVersion?: string;
  auditId?: string;
  rerun: RerunInfo;
  /** The rows, in order; read once. Leaving the loop early stops the statement. */
  rows: AsyncIterable<unknown[]>;
  /** Rows read so far. */
  readonly rowCount: number;
  /** True when the row cap stopped the stream while the database had more. */
  readonly truncated: boolean;
  /** Stops the statement when the rows will not be read (idempotent). */
  close(): Promise<void>;
}

export interface RerunStreamDeps {
  understand: Understand;
  compile: Compile;
  guard: Guard;
  stream: ExecuteStream;
  dialect: SqlDialect;
  audit: AuditSink | undefined;
  configured: { maxRows: number; timeoutMs: number };
  trainingVersion: string | undefined;
  actor: string | undefined;
}

export function createRerunStream(d: RerunStreamDeps): (saved: SavedQuestion, ro?: RerunStreamOptions) => Promise<StreamedAnswer> {
  return async (saved, ro = {}) => {
    const actor = ro.actor ?? d.actor ?? 'system';
    const from: RerunInfo['from'] = saved.query !== undefined ? 'query' : saved.sql !== undefined ? 'sql' : 'question';
    const trail = createRunTrail(d.audit, { actor, correlationId: ro.correlationId ?? randomUUID(), question: saved.question ?? '' });
    if (!ro.correlationId) {
      const today = saved.query !== undefined ? saved.query.today : saved.sql === undefined ? saved.today : undefined;
      await trail.question({ ...(today ? { today } : {}), trainingVersion: d.trainingVersion, rerun: from, streamed: true, savedVersion: saved.trainingVersion });
    }
    const sqlEngine = saved.query === undefined && saved.sql !== undefined ? saved.engine : undefined;
    const engine: EngineName = sqlEngine ?? 'semantic';
    try {
      const cap = rowCap(d.configured, ro.maxRows);
      let sqlText: string;
      let explanation: string;
      let understood: TypedQuery | undefined;
      if (saved.query === undefined && saved.sql === undefined) {
        const u = d.understand(saved.question, saved.today);
        if (u.status === 'refused') {
          await trail.refusal('semantic', { reason: u.reason });
          throw new OtcError('OTC_ERR_WRITE_REFUSED', u.message, { status: 422 });
        }
        if (u.status === 'abstained' || u.status === 'choose') {
          // a saved question that now reads two ways ("which one?") cannot be re-run unattended
          await trail.abstention('semantic', u.status === 'choose' ? `which one: ${u.reason}` : u.reason);
          throw new OtcError('OTC_ERR_CANNOT_ANSWER', `${u.message}: ${u.reason}.`, { status: 422, hint: 'open the saved question and ask it again' });
        }
        understood = u.query;
      } else if (saved.query !== undefined) understood = saved.query;
      if (understood) {
        const t0 = performance.now();
        const c = d.compile(understood);
        await trail.sqlGenerated('semantic', c.sql, performance.now() - t0, { explanation: c.explanation, query: understood });
        sqlText = c.sql;
        explanation = c.explanation;
      } else {
        sqlText = saved.sql!;
        explanation = 'The saved SQL, run again on current data.';
      }
      let admitted = await admit(d.guard, trail, engine, sqlText, cap);
      const sqlChanged = saved.query !== undefined && saved.sql !== undefined ? saved.sql !== sqlText && saved.sql !== admitted : undefined;
      if (ro.orderBy) {
        const wrapped = `SELECT * FROM (${admitted}) AS otc_sorted ORDER BY ${d.dialect.quoteIdentifier(ro.orderBy.column)} ${ro.orderBy.direction === 'desc' ? 'DESC' : 'ASC'}`;
        admitted = await admit(d.guard, trail, engine, wrapped, cap);
      }
      const started = performance.now();
      const rs = await d.stream(admitted, cap, { ...(ro.signal ? { signal: ro.signal } : {}), workload: engine === 'llm' ? 'model' : 'compiled', ...(ro.batchRows ? { batchRows: ro.batchRows } : {}) });
      const rerun: RerunInfo = {
        from,
        ...(saved.trainingVersion !== undefined ? { savedVersion: saved.trainingVersion } : {}),
        versionChanged: saved.trainingVersion !== undefined && saved.trainingVersion !== d.trainingVersion,
        ...(sqlChanged !== undefined ? { sqlChanged } : {}),
      };
      const runEngine = from === 'sql' ? sqlEngine : engine;
      const rows = audited(rs, trail, runEngine, admitted, started, ro.details);
      return {
        engine,
        explanation,
        sql: admitted,
        columns: rs.columns,
        ...(understood ? { understood } : {}),
        ...(d.trainingVersion !== undefined ? { trainingVersion: d.trainingVersion } : {}),
        ...(trail.recording ? { auditId: trail.correlationId } : {}),
        rerun,
        rows,
        get rowCount() {
          return rs.rowCount;
        },
        get truncated() {
          return rs.truncated;
        },
        close: () => rs.close(),
      };
    } catch (e) {
      if (!(isOtcError(e) && (e.code === SQL_GUARD_REJECTED || e.code === 'OTC_ERR_WRITE_REFUSED' || e.code === 'OTC_ERR_CANNOT_ANSWER'))) {
        await trail.error(engine, isOtcError(e) ? e.code : 'OTC_ERR_INTERNAL', e instanceof Error ? e.message : String(e)).catch(() => undefined);
      }
      throw e;
    }
  };
}

async function admit(guard: Guard, trail: RunTrail, engine: EngineName | undefined, sqlText: string, cap: ReturnType<typeof rowCap>): Promise<string> {
  const v = await guard(sqlText, cap);
  if (v.ok) return v.sql;
  await trail.refusal(engine, { guard: v.reason }, sqlText);
  throw new OtcError(SQL_GUARD_REJECTED, v.reason, { status: 422, hint: 'the SQL is no longer admitted by the guard under the active training version; ask the question again' });
}

/** The stream's rows, counted and hashed as they pass; the run (or its error) audited when it ends. */
function audited(rs: AsyncIterable<unknown[]> & { columns: string[]; rowCount: number; truncated: boolean }, trail: RunTrail, engine: EngineName | undefined, sqlText: string, started: number, details?: Record<string, unknown>): AsyncIterable<unknown[]> {
  return {
    async *[Symbol.asyncIterator]() {
      const hasher = createRowsHasher(rs.columns);
      let state: 'reading' | 'ended' | 'failed' = 'reading';
      try {
        for await (const row of rs) {
          hasher.add(row);
          yield row;
        }
        state = 'ended';
      } catch (e) {
        state = 'failed';
        await trail.error(engine ?? 'semantic', isOtcError(e) ? e.code : 'OTC_ERR_INTERNAL', e instanceof Error ? e.message : String(e)).catch(() => undefined);
        throw e;
      } finally {
        // also when the consumer left early: the run is recorded with the rows it read
        if (state !== 'failed') await trail.streamed(engine, sqlText, { rowCount: rs.rowCount, resultHash: hasher.digest(), ms: Math.round(performance.now() - started), truncated: rs.truncated, stoppedEarly: state === 'reading' }, details);
      }
    },
  };
}
