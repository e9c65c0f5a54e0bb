/**
 * The copilot service: question -> semantic engine -> SQL guard (policy from the model's
 * snapshot) -> datasource (read-only, row cap, timeout) -> answer, with an audit record for the
 * question, the generated SQL, the run, refusals, abstentions and errors, linked by one
 * correlation id.
 */
import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '../audit/types.js';
import { hashRows } from '../audit/index.js';
import type { Datasource, QueryResult } from '../datasource/types.js';
import { guardSql, policyFromSnapshot, warmUpGuard, type GuardPolicy } from '../guard/index.js';
import { isOtcError } from '../shared/errors.js';
import type { TrainedModel } from '../training/index.js';
import type { EngineResult, FallbackEngine, GuardFn } from './engine.js';
import { createSemanticEngine, type SemanticEngine } from './semantic/index.js';
import type { AskAnswer, AskRequest } from './types.js';

export interface CopilotOptions {
  datasource: Datasource;
  model: TrainedModel;
  /** Where audit records go (anything with append, e.g. openAuditLog(url)). */
  audit?: { append(entry: AuditEntry): Promise<unknown> };
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

export interface Copilot {
  ask(req: AskRequest): Promise<AskAnswer>;
  readonly semantic: SemanticEngine;
  /**
   * Compiles the SQL guard's parsers with the optimising compiler and exercises them once
   * (about a second), so the first questions of a long-lived process (server, eval) do not pay
   * the parsers' JIT warm-up. Not worth it for a one-shot `ask`. Resolves to the milliseconds spent.
   */
  warmUp(): Promise<number>;
}

export function createCopilot(opts: CopilotOptions): Copilot {
  const semantic = createSemanticEngine(opts.model);
  semantic.warmUp(opts.datasource.dialect);
  const ds = opts.datasource;
  const policies = new Map<number, GuardPolicy>();
  // The engine and the guard are deterministic: a question asked again (dashboards, reports) reuses
  // its SQL and the guard's verdict for the same as-of date and row cap. Bounded, oldest dropped first.
  const generated = new BoundedCache<string, EngineResult>(1000);
  const verdicts = new BoundedCache<string, { ok: true; sql: string } | { ok: false; reason: string }>(1000);
  const policy = (maxRows: number) => policies.get(maxRows) ?? policies.set(maxRows, policyFromSnapshot(opts.model.snapshot, maxRows)).get(maxRows)!;

  return {
    semantic,
    warmUp: () => warmUpGuard([ds.dialect.name]),
    async ask(req: AskRequest): Promise<AskAnswer> {
      const t0 = performance.now();
      const correlationId = randomUUID();
      const actor = req.actor ?? opts.actor ?? 'system';
      const maxRows = req.maxRows ?? opts.maxRows;
      const base = { question: req.question, trainingVersion: opts.trainingVersion };
      const audit = async (e: Omit<AuditEntry, 'actor' | 'correlationId' | 'question'>) => {
        if (opts.audit) await opts.audit.append({ actor, correlationId, question: req.question, ...e });
      };
      const auditId = opts.audit ? correlationId : undefined;
      const guard: GuardFn = async (sqlText) => {
        const key = `${maxRows}\u0000${sqlText}`;
        const hit = verdicts.get(key);
        if (hit) return hit;
        // one row over the cap, so the datasource can tell that a result was truncated
        const v = await guardSql(sqlText, ds.dialect.name, policy(maxRows + 1));
        const out = v.ok ? ({ ok: true, sql: v.sql } as const) : ({ ok: false, reason: v.reason } as const);
        verdicts.set(key, out);
        return out;
      };
      const execute = (sqlText: string) => ds.query(sqlText, { maxRows, timeoutMs: opts.timeoutMs });
      const done = (a: Omit<AskAnswer, 'ms' | 'question'>): AskAnswer => ({ ...base, ...a, ms: performance.now() - t0, auditId });

      await audit({ kind: 'question', outcome: 'started', details: { today: req.today, trainingVersion: opts.trainingVersion } });
      let compileMs: number | undefined;
      try {
        const tc = performance.now();
        const key = `${req.today}\u0000${req.question}`;
        const cached = generated.get(key);
        const r = cached ?? (await semantic.generate(req.question, { today: req.today, dialect: ds.dialect }));
        if (!cached) generated.set(key, r);
        compileMs = performance.now() - tc;
        if (r.status === 'refused') {
          await audit({ kind: 'refusal', outcome: 'refused', engine: 'semantic', details: { reason: r.reason } });
          return done({ status: 'refused', engine: 'semantic', explanation: r.message, message: r.message, code: 'OTC_ERR_WRITE_REFUSED', compileMs });
        }
        if (r.status === 'abstained') {
          if (opts.fallback) {
            const fb = await opts.fallback.answer({ question: req.question, today: req.today, dialect: ds.dialect, guard, execute, actor, correlationId, semanticReason: r.reason });
            if (fb.status === 'answered') {
              await auditRun(fb.sql, fb.result, 'llm');
              return done(answered('llm', fb.sql, fb.explanation, fb.result, compileMs));
            }
          }
          await audit({ kind: 'abstention', outcome: 'abstained', engine: 'semantic', details: { reason: r.reason } });
          return done({ status: 'abstained', engine: 'semantic', explanation: `${r.message}: ${r.reason}.`, message: r.message, suggestions: r.suggestions, code: 'OTC_ERR_CANNOT_ANSWER', compileMs });
        }
        await audit({ kind: 'sql_generated', outcome: 'ok', engine: 'semantic', sql: r.sql, durationMs: compileMs, details: { explanation: r.explanation } });
        const v = await guard(r.sql);
        if (!v.ok) {
          await audit({ kind: 'refusal', outcome: 'refused', engine: 'semantic', sql: r.sql, details: { guard: v.reason } });
          return done({ status: 'error', engine: 'semantic', explanation: r.explanation, sql: r.sql, code: 'OTC_ERR_SQL_GUARD_REJECTED', message: v.reason, compileMs });
        }
        const res = await execute(v.sql);
        await auditRun(v.sql, res, 'semantic');
        return done(answered('semantic', v.sql, r.explanation, res, compileMs));
      } catch (e) {
        const code = isOtcError(e) ? e.code : 'OTC_ERR_INTERNAL';
        const message = e instanceof Error ? e.message : String(e);
        await audit({ kind: 'error', outcome: 'error', engine: 'semantic', details: { code, message } }).catch(() => undefined);
        return done({ status: 'error', engine: 'semantic', explanation: `The question could not be answered: ${message}`, code, message, compileMs });
      }

      async function auditRun(sqlText: string, res: QueryResult, engine: 'semantic' | 'llm') {
        await audit({ kind: 'query_run', outcome: 'completed', engine, sql: sqlText, rowCount: res.rowCount, resultHash: hashRows(res.columns, res.rows), durationMs: res.ms, details: { truncated: res.truncated } });
      }
      function answered(engine: 'semantic' | 'llm', sqlText: string, explanation: string, res: QueryResult, cms?: number): Omit<AskAnswer, 'ms' | 'question'> {
        return { status: 'answered', engine, explanation, sql: sqlText, columns: res.columns, rows: res.rows, rowCount: res.rowCount, truncated: res.truncated, compileMs: cms };
      }
    },
  };
}

/** A Map that forgets its oldest entries beyond `max`. */
class BoundedCache<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly max: number) {}
  get(k: K): V | undefined {
    return this.map.get(k);
  }
  set(k: K, v: V): void {
    if (this.map.has(k)) this.map.delete(k);
    this.map.set(k, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }
}
