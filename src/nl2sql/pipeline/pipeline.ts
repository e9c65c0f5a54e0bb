/**
 * The query pipeline: the one path every question and every re-run takes, whoever asks (the
 * CLI's ask and eval, the API's ask and export, and next saved questions, report runs and
 * dashboard refreshes):
 *
 *   understand -> compile -> guard -> cap -> execute (held, or streamed: rerunStream) -> audit
 *
 * understand  the semantic engine reads the question into a typed query (or refuses a write, or
 *             abstains); on an abstention the fallback engine (LLM), when configured, tries with
 *             this pipeline's own guard and execute stages;
 * compile     the typed query -> the datasource dialect's SQL and its explanation;
 * guard       the SQL guard admits the SQL under the trained model's policy (verdicts cached);
 * cap         the run's row cap and timeout: the guard writes cap + 1 into the SQL;
 * execute     read-only on the datasource, with the timeout, the row cap and a truncation flag;
 * audit       question, SQL with what was understood, run, refusal, abstention or error, all
 *             under one correlation id.
 *
 * Each stage is a small function in this folder, tested alone, knowing nothing of HTTP; this file
 * only chains them. No caller re-assembles the path.
 */
import { randomUUID } from 'node:crypto';
import type { Datasource, QueryResult } from '../../datasource/types.js';
import { SQL_GUARD_REJECTED, warmUpGuard } from '../../guard/index.js';
import { isOtcError, OtcError } from '../../shared/errors.js';
import type { TrainedModel } from '../../training/index.js';
import type { FallbackEngine, GuardFn } from '../engine.js';
import { createSemanticEngine, type SemanticEngine, type TypedQuery } from '../semantic/index.js';
import type { AskAnswer, AskRequest, EngineName, TieNote } from '../types.js';
import { createRunTrail, type AuditSink, type RunTrail } from './audit.js';
import { rowCap, type RowCap } from './cap.js';
import { createCompileStage } from './compile.js';
import { createExecuteStage, createExecuteStreamStage } from './execute.js';
import { createRerunStream, type RerunStreamOptions, type StreamedAnswer } from './rerun-stream.js';
import { createGuardStage } from './guard.js';
import { edgeTies, tieProbe } from './ties.js';
import { createUnderstandStage } from './understand.js';

export interface PipelineOptions {
  datasource: Datasource;
  model: TrainedModel;
  /** Where audit records go (anything with append, e.g. openAuditLog(url)). */
  audit?: AuditSink;
  /** Row cap of every answer (AskRequest.maxRows may lower or raise it per question). */
  maxRows: number;
  timeoutMs: number;
  /** Tried when the semantic engine abstains for lack of coverage. */
  fallback?: FallbackEngine;
  /** The training version the model came from, reported on every answer. */
  trainingVersion?: string;
  /** Default actor for audit records. */
  actor?: string;
}

/**
 * A saved question to run again on current data (Extract Manager reports, dashboard widgets):
 * - by its text and as-of date: asked again from the start, exactly as `ask` does;
 * - by its typed query (what was understood when it was saved): compiled by the current engine,
 *   so the dates and filters stay those that were saved; when `sql` is also given (the answer's SQL
 *   or the compiled text), the answer says whether the current training version compiles it to
 *   other SQL (`rerun.sqlChanged`), so the caller can offer to re-generate;
 * - by its stored SQL: guarded again under the current policy and run; the engine is not asked.
 * `trainingVersion` is the version the question was saved with: `rerun.versionChanged` tells the
 * caller to offer a re-generation when the active version is another one.
 */
export type SavedQuestion =
  | { question: string; today: string; trainingVersion?: string; query?: undefined; sql?: undefined }
  | { query: TypedQuery; question: string; sql?: string; trainingVersion?: string }
  | { sql: string; question?: string; engine?: EngineName; trainingVersion?: string; query?: undefined };

export interface RerunOptions {
  /** Who runs it, for the audit trail (default: the pipeline's actor). */
  actor?: string;
  /** Row cap of this run (default: the pipeline's). */
  maxRows?: number;
  /**
   * Records this run under an existing correlation id (e.g. a download of an answer re-runs that
   * answer's SQL): no new question record is written, only the run (or the refusal or error).
   */
  correlationId?: string;
  /** Added to the run's audit record (e.g. { export: 'csv' }). */
  details?: Record<string, unknown>;
  /** Throw the typed error (after auditing it) instead of answering with status 'error'. */
  raise?: boolean;
}

export interface RerunInfo {
  from: 'question' | 'query' | 'sql';
  /** The version the question was saved with, when given. */
  savedVersion?: string;
  /** True when the pipeline answers with another training version than the saved one. */
  versionChanged: boolean;
  /** By typed query with its saved SQL: whether the current engine compiles it differently. */
  sqlChanged?: boolean;
}

export type RerunAnswer = AskAnswer & { rerun: RerunInfo };

export interface QueryPipeline {
  /** A question in plain English -> an answer, through every stage. */
  ask(req: AskRequest): Promise<AskAnswer>;
  /**
   * A saved question on current data (see SavedQuestion), through the same stages: the entry point
   * for saved questions, Extract Manager report runs and dashboard widget refreshes, and for a
   * download of an answer (its recorded SQL under its correlation id).
   */
  rerun(saved: SavedQuestion, opts?: RerunOptions): Promise<RerunAnswer>;
  /**
   * rerun with the rows streamed instead of held (report runs of any size): same stages, the
   * streaming execute stage last; the run is audited when the stream ends. Errors are thrown.
   */
  rerunStream(saved: SavedQuestion, opts?: RerunStreamOptions): Promise<StreamedAnswer>;
  readonly semantic: SemanticEngine;
  /** The training version this pipeline answers with. */
  readonly trainingVersion?: string;
  /**
   * Compiles the SQL guard's parsers with the optimising compiler and exercises them once
   * (about a second), so the first questions of a long-lived process (server, eval) do not pay
   * the parsers' JIT warm-up. Not worth it for a one-shot `ask`. Resolves to the milliseconds spent.
   */
  warmUp(): Promise<number>;
}

type AnswerBody = Omit<AskAnswer, 'ms' | 'question'>;

export function createPipeline(opts: PipelineOptions): QueryPipeline {
  const ds = opts.datasource;
  const semantic = createSemanticEngine(opts.model);
  semantic.warmUp(ds.dialect);
  const understand = createUnderstandStage(semantic);
  const compile = createCompileStage(semantic, ds.dialect);
  const guard = createGuardStage({ dialect: ds.dialect.name, snapshot: opts.model.snapshot });
  const execute = createExecuteStage(ds);
  const configured = { maxRows: opts.maxRows, timeoutMs: opts.timeoutMs };
  const audit = opts.audit;
  const rerunStream = createRerunStream({ understand, compile, guard, stream: createExecuteStreamStage(ds), dialect: ds.dialect, audit, configured, trainingVersion: opts.trainingVersion, actor: opts.actor });

  /** guard -> execute -> audit of one SQL text; the shared tail of every path. */
  async function guardAndRun(trail: RunTrail, engine: EngineName | undefined, sqlText: string, cap: RowCap, details?: Record<string, unknown>): Promise<{ ok: true; sql: string; result: QueryResult } | { ok: false; reason: string }> {
    const v = await guard(sqlText, cap);
    if (!v.ok) {
      await trail.refusal(engine, { guard: v.reason }, sqlText);
      return v;
    }
    await trail.flush(); // the run's records so far are on disk before its SQL runs
    const result = await execute(v.sql, cap, undefined, engine === 'llm' ? 'model' : 'compiled');
    await trail.run(engine, v.sql, result, details);
    return { ok: true, sql: v.sql, result };
  }

  async function failed(trail: RunTrail, engine: EngineName, e: unknown): Promise<AnswerBody> {
    const code = isOtcError(e) ? e.code : 'OTC_ERR_INTERNAL';
    const message = e instanceof Error ? e.message : String(e);
    await trail.error(engine, code, message).catch(() => undefined);
    return { status: 'error', engine, explanation: `The question could not be answered: ${message}`, code, message };
  }

  async function ask(req: AskRequest): Promise<AskAnswer> {
    const t0 = performance.now();
    const actor = req.actor ?? opts.actor ?? 'system';
    const trail = createRunTrail(audit, { actor, correlationId: randomUUID(), question: req.question });
    const follows = req.previous ? { question: req.previous.question, ...(req.previous.auditId ? { auditId: req.previous.auditId } : {}) } : undefined;
    const done0 = finish(req.question, t0, trail);
    const done = (a: AnswerBody): AskAnswer => done0(follows ? { ...a, follows } : a);
    // not awaited: committed together with the next record (the SQL generated, a refusal...)
    void trail.question({
      today: req.today,
      trainingVersion: opts.trainingVersion,
      // a follow-up is recorded with the question it refines (its audit correlation id)
      ...(follows ? { follows: follows.auditId ?? null, previousQuestion: follows.question } : {}),
      ...(req.choice ? { choice: req.choice } : {}),
    });
    let compileMs: number | undefined;
    let query: TypedQuery | undefined;
    try {
      const cap = rowCap(configured, req.maxRows);
      const tc = performance.now();
      const u = understand(req.question, req.today, { previous: req.previous?.understood, inThread: !!req.previous, choice: req.choice });
      if (u.status === 'choose') {
        compileMs = performance.now() - tc;
        await trail.abstention('semantic', `which one: ${u.reason}`);
        return done({ status: 'choose', engine: 'semantic', explanation: `${u.message} ${u.reason}.`, message: u.message, choices: u.options, code: 'OTC_ERR_WHICH_ONE', compileMs });
      }
      if (u.status === 'refused') {
        compileMs = performance.now() - tc;
        await trail.refusal('semantic', { reason: u.reason });
        return done({ status: 'refused', engine: 'semantic', explanation: u.message, message: u.message, code: 'OTC_ERR_WRITE_REFUSED', compileMs });
      }
      if (u.status === 'abstained') {
        compileMs = performance.now() - tc;
        if (opts.fallback) {
          await trail.flush();
          const guardFn: GuardFn = (s) => guard(s, cap);
          const fb = await opts.fallback.answer({
            question: req.question,
            today: req.today,
            dialect: ds.dialect,
            guard: guardFn,
            execute: (s) => execute(s, cap, undefined, 'model'),
            actor,
            correlationId: trail.correlationId,
            semanticReason: u.reason,
            ...(req.previous ? { previous: req.previous } : {}),
          });
          if (fb.status === 'answered') {
            await trail.run('llm', fb.sql, fb.result, fb.semantic ? { semantic: fb.semantic } : undefined);
            return done({ ...answered('llm', fb.sql, fb.explanation, fb.result, compileMs), ...(fb.understood ? { understood: fb.understood } : {}), ...(fb.semantic ? { semantic: fb.semantic } : {}) });
          }
        }
        await trail.abstention('semantic', u.reason);
        return done({ status: 'abstained', engine: 'semantic', explanation: `${u.message}: ${u.reason}.`, message: u.message, suggestions: u.suggestions, code: 'OTC_ERR_CANNOT_ANSWER', compileMs });
      }
      query = u.query;
      const c0 = compile(query);
      // a follow-up says what it changed in the previous answer
      const c = u.changes?.length ? { ...c0, explanation: `${c0.explanation} (Follow-up: ${u.changes.join('; ')}.)` } : c0;
      compileMs = performance.now() - tc;
      return done(await fromCompiled(trail, query, c, cap, compileMs));
    } catch (e) {
      return done({ ...(await failed(trail, 'semantic', e)), compileMs, ...(query ? shown(query) : {}) });
    }
  }

  /** compile's result -> guard -> cap -> execute -> audit (compile already timed by the caller). */
  async function fromCompiled(trail: RunTrail, query: TypedQuery, c: { sql: string; explanation: string }, cap: RowCap, compileMs: number): Promise<AnswerBody> {
    await trail.sqlGenerated('semantic', c.sql, compileMs, { explanation: c.explanation, query });
    const r = await guardAndRun(trail, 'semantic', c.sql, cap);
    if (!r.ok) return { status: 'error', engine: 'semantic', explanation: c.explanation, sql: c.sql, ...shown(query), code: SQL_GUARD_REJECTED, message: r.reason, compileMs };
    const ties = await tiesAtEdge(trail, query, r.result, cap);
    return { ...answered('semantic', r.sql, c.explanation, r.result, compileMs), ...shown(query), ...(ties ? { ties } : {}) };
  }

  /**
   * A top N whose Nth ties with groups beyond it: the same query with a longer limit, through the
   * same compile, guard and execute stages (audited as a run with details.tieCheck), then compared
   * (ties.ts). A probe that fails leaves the answer without a note; the answer itself stands.
   */
  async function tiesAtEdge(trail: RunTrail, query: TypedQuery, result: QueryResult, cap: RowCap): Promise<TieNote | undefined> {
    const probe = tieProbe(query);
    if (!probe || result.rows.length < query.limit!) return undefined;
    try {
      const c = compile(probe);
      const r = await guardAndRun(trail, 'semantic', c.sql, { ...cap, maxRows: probe.limit!, sqlLimit: probe.limit! + 1 }, { tieCheck: true });
      return r.ok ? edgeTies(query, result, r.result) : undefined;
    } catch {
      return undefined;
    }
  }

  async function rerun(saved: SavedQuestion, ro: RerunOptions = {}): Promise<RerunAnswer> {
    const info = (from: RerunInfo['from'], sqlChanged?: boolean): RerunInfo => ({
      from,
      ...(saved.trainingVersion !== undefined ? { savedVersion: saved.trainingVersion } : {}),
      versionChanged: saved.trainingVersion !== undefined && saved.trainingVersion !== opts.trainingVersion,
      ...(sqlChanged !== undefined ? { sqlChanged } : {}),
    });
    if (saved.query === undefined && saved.sql === undefined) {
      const a = await ask({ question: saved.question, today: saved.today, actor: ro.actor, maxRows: ro.maxRows });
      return raiseIfAsked({ ...a, rerun: info('question') }, ro);
    }
    const t0 = performance.now();
    const actor = ro.actor ?? opts.actor ?? 'system';
    const question = saved.question;
    const trail = createRunTrail(audit, { actor, correlationId: ro.correlationId ?? randomUUID(), question });
    const done = finish(question ?? '', t0, trail);
    if (!ro.correlationId) {
      void trail.question({ ...(saved.query ? { today: saved.query.today } : {}), trainingVersion: opts.trainingVersion, rerun: saved.query ? 'query' : 'sql', savedVersion: saved.trainingVersion });
    }
    if (saved.query !== undefined) {
      const query = saved.query;
      let sqlChanged: boolean | undefined;
      let a: AnswerBody;
      try {
        const cap = rowCap(configured, ro.maxRows);
        const tc = performance.now();
        const c = compile(query);
        a = await fromCompiled(trail, query, c, cap, performance.now() - tc);
        // the saved SQL is the answer's (admitted by the guard, row cap written in) or the compiled text
        if (saved.sql !== undefined) sqlChanged = saved.sql !== c.sql && saved.sql !== a.sql;
      } catch (e) {
        a = { ...(await failed(trail, 'semantic', e)), ...shown(query) };
      }
      return raiseIfAsked({ ...done(a), rerun: info('query', sqlChanged) }, ro);
    }
    const engine = saved.engine ?? 'semantic';
    let a: AnswerBody;
    try {
      const cap = rowCap(configured, ro.maxRows);
      const r = await guardAndRun(trail, saved.engine, saved.sql, cap, ro.details);
      a = r.ok
        ? answered(engine, r.sql, 'The saved SQL, run again on current data.', r.result)
        : { status: 'error', engine, explanation: `The saved SQL is no longer admitted: ${r.reason}`, sql: saved.sql, code: SQL_GUARD_REJECTED, message: r.reason };
    } catch (e) {
      a = await failed(trail, engine, e);
      if (ro.raise) throw e;
    }
    return raiseIfAsked({ ...done(a), rerun: info('sql') }, ro);
  }

  /** What was understood, as the typed query and as the semantic query in the profile's names (when it has one). */
  function shown(query: TypedQuery): Pick<AskAnswer, 'understood' | 'semantic'> {
    try {
      return { understood: query, semantic: semantic.describe(query) };
    } catch {
      return { understood: query };
    }
  }

  function finish(question: string, t0: number, trail: RunTrail) {
    return (a: AnswerBody): AskAnswer => ({ question, trainingVersion: opts.trainingVersion, ...a, ms: performance.now() - t0, auditId: trail.recording ? trail.correlationId : undefined });
  }

  return {
    semantic,
    trainingVersion: opts.trainingVersion,
    warmUp: () => warmUpGuard([ds.dialect.name]),
    ask,
    rerun,
    rerunStream,
  };
}

function answered(engine: EngineName, sqlText: string, explanation: string, res: QueryResult, compileMs?: number): AnswerBody {
  return { status: 'answered', engine, explanation, sql: sqlText, columns: res.columns, rows: res.rows, rowCount: res.rowCount, truncated: res.truncated, compileMs };
}

/** RerunOptions.raise: an answer that is an error becomes the typed error it stands for. */
function raiseIfAsked(a: RerunAnswer, ro: RerunOptions): RerunAnswer {
  if (!ro.raise || a.status === 'answered') return a;
  if (a.code === SQL_GUARD_REJECTED) throw new OtcError(SQL_GUARD_REJECTED, a.message ?? a.explanation, { status: 422, hint: 'the SQL is no longer admitted by the guard under the active training version; ask the question again' });
  throw new OtcError(a.code ?? 'OTC_ERR_INTERNAL', a.message ?? a.explanation, { status: a.status === 'error' ? 500 : 422 });
}
