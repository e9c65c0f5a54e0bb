import { createHash } from 'node:crypto';
import type { AuditEntry } from '../../audit/types.js';
import type { SqlDialect } from '../../datasource/dialect.js';
import type { QueryResult } from '../../datasource/types.js';
import { isLlmError, type ChatMessage, type LlmAttempt, type LlmClient, type LlmUsage } from '../../llm/index.js';
import type { LlmContext } from './context.js';
import { classifyDbError, describeDbErrorForModel } from './db-error.js';
import { parseModelReply } from './extract.js';
import { modelSaysCannotAnswer, plainModelText } from './model-text.js';
import { limitContextData, type PromptDataLevel } from './prompt-data.js';
import { buildPrompt, repairMessage, type PromptInput, type RepairReason } from './prompt.js';
import type { SemanticTarget } from './semantic-target.js';
import type { SemanticQuery, TypedQuery } from '../semantic/index.js';

/** The SQL guard as the engine sees it (src/guard guardSql bound to a dialect and policy). */
export type SqlGuardFn = (sql: string) => Promise<{ ok: true; sql: string } | { ok: false; reason: string }>;
/** Runs admitted SQL read-only on the datasource (Datasource.query bound to its options). */
export type ExecuteFn = (sql: string) => Promise<QueryResult>;

export interface LlmEngineOptions {
  client: Pick<LlmClient, 'chat' | 'provider' | 'model' | 'host'>;
  /** Receives one 'llm_call' entry per model call. Awaited; an audit failure is thrown, never hidden. */
  onAudit?: (entry: AuditEntry) => void | Promise<void>;
  /** What audit entries keep of prompts and replies: full text, or SHA-256 only (default). */
  auditPrompts?: 'full' | 'hash';
  /** Extra rounds after a guard refusal, database error or unusable reply (default 2). */
  maxRepairs?: number;
  /** Token budget of the rendered context (default 6000). */
  maxContextTokens?: number;
  /** Completion token cap per call (default 1024). */
  maxCompletionTokens?: number;
  /** Default actor of audit entries (default 'system'). */
  actor?: string;
  /**
   * What of the data may go into prompts (OTC_LLM_PROMPT_DATA): 'none' (schema and profile
   * texts only), 'columns' (also which column a word of the question matched, without the
   * stored value), 'samples' (also sample values and matched values as stored; the default).
   */
  promptData?: PromptDataLevel;
}

export interface LlmGenerateRequest {
  question: string;
  /** As-of date 'YYYY-MM-DD'. */
  today: string;
  dialect: Pick<SqlDialect, 'name'>;
  context: LlmContext;
  guard: SqlGuardFn;
  execute: ExecuteFn;
  actor?: string;
  /** Links the audit entries of this question. */
  correlationId?: string;
  signal?: AbortSignal;
  /** The previous question of the thread, with its SQL and explanation: the new one may refine it. */
  previous?: PromptInput['previous'];
  /**
   * The semantic query as the first target (semantic-target.ts): the model answers in the profile's
   * names, the semantic engine's resolver and compiler write the SQL; raw SQL only as the fallback.
   */
  semantic?: SemanticTarget;
}

export type LlmRoundOutcome = 'answered' | 'guard_refused' | 'db_error' | 'unparseable' | 'query_invalid' | 'cannot_answer' | 'llm_error';

/** One round: a model call and what became of its reply. */
export interface LlmRound {
  /** 1 = first call, 2.. = retries with the error sent back. */
  round: number;
  outcome: LlmRoundOutcome;
  /** The SQL the model proposed (untrusted), or the SQL compiled from its semantic query. */
  modelSql?: string;
  /** True when the model answered with a semantic query (valid or not). */
  semanticQuery?: boolean;
  /** The SQL the guard admitted and that ran. */
  guardedSql?: string;
  /** Guard reason, database error, parse problem, model's reason, or LLM error. */
  message?: string;
  errorCode?: string;
  usage?: LlmUsage;
  latencyMs: number;
  /** HTTP attempts of the model call, with statuses. */
  httpAttempts: LlmAttempt[];
}

export type LlmEngineResult =
  | {
      status: 'answered';
      sql: string;
      modelSql: string;
      /** The model's own explanation: untrusted, for the audit trail only, never shown as ours (model-text.ts). */
      explanation: string;
      /**
       * When the model answered with a semantic query: that query (validated), the typed query it
       * resolved to, and the explanation generated from it by the semantic engine (ours, trusted).
       */
      semantic?: { query: SemanticQuery; understood: TypedQuery; explanation: string };
      result: QueryResult;
      attempts: LlmRound[];
    }
  | { status: 'abstained'; reason: string; code: string; attempts: LlmRound[] };

export interface LlmEngine {
  readonly name: 'llm';
  generate(request: LlmGenerateRequest): Promise<LlmEngineResult>;
}

const MAX_FEEDBACK = 600;

const auditOutcome: Record<LlmRoundOutcome, AuditEntry['outcome']> = {
  answered: 'ok',
  guard_refused: 'refused',
  cannot_answer: 'abstained',
  db_error: 'error',
  unparseable: 'error',
  query_invalid: 'error',
  llm_error: 'error',
};
const MAX_ASSISTANT_ECHO = 4000;

/**
 * The LLM engine: prompt -> model -> extract SQL -> guard -> execute, with up to `maxRepairs`
 * retries that send the guard's or the database's message back. Whatever fails ends in an
 * abstention with the reason; the model's output never reaches the database unguarded.
 */
export function createLlmEngine(options: LlmEngineOptions): LlmEngine {
  const maxRepairs = options.maxRepairs ?? 2;
  const auditPrompts = options.auditPrompts ?? 'hash';
  const maxContextTokens = options.maxContextTokens ?? 6000;
  const maxTokens = options.maxCompletionTokens ?? 1024;
  const { client } = options;

  return {
    name: 'llm',
    async generate(req: LlmGenerateRequest): Promise<LlmEngineResult> {
      const actor = req.actor ?? options.actor ?? 'system';
      const rounds: LlmRound[] = [];
      const context = limitContextData(req.context, options.promptData ?? 'samples');
      const messages: ChatMessage[] = buildPrompt({ question: req.question, today: req.today, dialect: req.dialect, context, maxContextTokens, ...(req.previous ? { previous: req.previous } : {}), semantic: req.semantic?.prompt() });
      let lastProblem = '';

      const audit = async (round: LlmRound, prompt: ChatMessage[], reply: string | undefined) => {
        if (!options.onAudit) return;
        const promptText = JSON.stringify(prompt);
        const details: Record<string, unknown> = {
          provider: client.provider,
          model: client.model,
          host: client.host,
          round: round.round,
          retry: round.round - 1,
          roundOutcome: round.outcome,
          httpAttempts: round.httpAttempts,
          promptTokens: round.usage?.promptTokens,
          completionTokens: round.usage?.completionTokens,
          usageReported: round.usage?.reported,
          promptSha256: sha256(promptText),
          ...(reply !== undefined ? { responseSha256: sha256(reply) } : {}),
          ...(auditPrompts === 'full' ? { prompt, ...(reply !== undefined ? { response: reply } : {}) } : {}),
          ...(round.semanticQuery ? { semanticQuery: true } : {}),
          ...(round.message ? { message: round.message } : {}),
          ...(round.errorCode ? { errorCode: round.errorCode } : {}),
        };
        await options.onAudit({
          kind: 'llm_call',
          actor,
          outcome: auditOutcome[round.outcome],
          question: req.question,
          engine: 'llm',
          durationMs: round.latencyMs,
          ...(round.guardedSql ?? round.modelSql ? { sql: round.guardedSql ?? round.modelSql } : {}),
          ...(req.correlationId ? { correlationId: req.correlationId } : {}),
          details,
        });
      };

      for (let n = 1; n <= maxRepairs + 1; n++) {
        const prompt = [...messages];
        let reply: string;
        const round: LlmRound = { round: n, outcome: 'llm_error', latencyMs: 0, httpAttempts: [] };
        rounds.push(round);
        try {
          const r = await client.chat({ messages: prompt, json: true, temperature: 0, maxTokens, signal: req.signal });
          reply = r.text;
          round.usage = r.usage;
          round.latencyMs = r.latencyMs;
          round.httpAttempts = r.attempts;
        } catch (e) {
          if (!isLlmError(e)) throw e;
          round.outcome = 'llm_error';
          round.errorCode = e.code;
          round.message = e.message;
          round.httpAttempts = e.attempts;
          round.latencyMs = e.attempts.reduce((s, a) => s + a.ms + (a.waitMs ?? 0), 0);
          await audit(round, prompt, undefined);
          return { status: 'abstained', code: e.code, reason: `The language model could not be used (${e.code}: ${plainModelText(e.message)}).`, attempts: rounds };
        }

        let parsed = parseModelReply(reply, !!req.semantic);
        let repair: RepairReason | undefined;
        let fromQuery: { query: SemanticQuery; understood: TypedQuery; explanation: string } | undefined;
        if (parsed.kind === 'query') {
          // the model's semantic query: validated and compiled by the semantic engine, then the same guard
          round.semanticQuery = true;
          try {
            const c = req.semantic!.compile(parsed.query, req.today);
            fromQuery = { query: c.semantic, understood: c.understood, explanation: c.explanation };
            parsed = { kind: 'sql', sql: c.sql, explanation: parsed.explanation };
          } catch (e) {
            round.outcome = 'query_invalid';
            round.message = bounded(e instanceof Error ? e.message : String(e));
            repair = { kind: 'query', message: round.message };
          }
        }
        if (parsed.kind === 'cannot_answer') {
          round.outcome = 'cannot_answer';
          round.message = parsed.reason;
          await audit(round, prompt, reply);
          return { status: 'abstained', code: 'OTC_ERR_LLM_CANNOT_ANSWER', reason: modelSaysCannotAnswer(parsed.reason), attempts: rounds };
        } else if (repair) {
          /* the semantic query was not usable: sent back below */
        } else if (parsed.kind === 'unparseable') {
          round.outcome = 'unparseable';
          round.message = parsed.reason;
          repair = { kind: 'unparseable', message: parsed.reason };
        } else if (parsed.kind === 'sql') {
          round.modelSql = parsed.sql;
          const verdict = await runGuard(req.guard, parsed.sql);
          if (!verdict.ok) {
            round.outcome = 'guard_refused';
            round.message = verdict.reason;
            repair = { kind: 'guard', message: verdict.reason };
          } else {
            round.guardedSql = verdict.sql;
            try {
              const result = await req.execute(verdict.sql);
              round.outcome = 'answered';
              await audit(round, prompt, reply);
              return { status: 'answered', sql: verdict.sql, modelSql: parsed.sql, explanation: parsed.explanation, result, attempts: rounds, ...(fromQuery ? { semantic: fromQuery } : {}) };
            } catch (e) {
              // Never the database's text: it can quote rows (see db-error.ts). The audit
              // record, the model and the user all get the same sanitised description.
              const d = classifyDbError(e, verdict.sql);
              round.outcome = 'db_error';
              round.message = describeDbErrorForModel(d);
              if (d.code) round.errorCode = d.code;
              repair = { kind: 'database', message: round.message };
            }
          }
        }
        await audit(round, prompt, reply);
        lastProblem = describeProblem(round);
        if (!repair) repair = { kind: 'unparseable', message: 'the reply was not usable' };
        messages.push({ role: 'assistant', content: reply.slice(0, MAX_ASSISTANT_ECHO) }, repairMessage({ ...repair, message: bounded(repair.message) }, !!req.semantic));
        if (req.signal?.aborted) break;
      }
      return {
        status: 'abstained',
        code: 'OTC_ERR_LLM_NO_VALID_SQL',
        reason: `The language model did not produce a safe, working query after ${rounds.length} attempt${rounds.length > 1 ? 's' : ''} (last problem: ${lastProblem}).`,
        attempts: rounds,
      };
    },
  };
}

/** A guard that throws is treated as a refusal: the SQL does not run. */
async function runGuard(guard: SqlGuardFn, sql: string): Promise<{ ok: true; sql: string } | { ok: false; reason: string }> {
  try {
    const v = await guard(sql);
    if (v && v.ok === true && typeof v.sql === 'string' && v.sql.trim()) return { ok: true, sql: v.sql };
    return { ok: false, reason: v && v.ok === false ? v.reason : 'the SQL guard gave no verdict' };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

function describeProblem(r: LlmRound): string {
  switch (r.outcome) {
    case 'guard_refused':
      return `refused by the SQL guard: ${r.message}`;
    case 'db_error':
      return `database error: ${r.message}`;
    case 'query_invalid':
      return `semantic query not usable: ${r.message}`;
    default:
      return r.message ?? r.outcome;
  }
}

function bounded(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > MAX_FEEDBACK ? `${t.slice(0, MAX_FEEDBACK)}…` : t;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
