/**
 * Routing to the language model: the FallbackEngine the copilot calls when the semantic engine
 * abstains for lack of coverage. For each question it retrieves the context slice of the
 * training version (schema linking), asks the LLM engine, which guards and runs the SQL through
 * the functions the copilot gives it, and forwards one 'llm_call' audit record per model call,
 * linked by the question's correlation id. Never sends result rows or credentials.
 */
import { join } from 'node:path';
import type { AuditEntry } from '../../audit/types.js';
import { hashRows } from '../../audit/index.js';
import type { Config } from '../../config/index.js';
import { llmClientFromConfig, type LlmClient, type LlmClientOptions } from '../../llm/index.js';
import type { TrainedModel } from '../../training/index.js';
import type { EngineContext, ExecuteFn, FallbackEngine, FallbackRequest, FallbackResult, GuardFn, NlEngine } from '../engine.js';
import { embedderFromClient, openRetriever, type Retriever, type RetrievedContext } from '../retrieval/index.js';
import { createLlmEngine, type LlmEngineOptions } from './engine.js';
import { semanticTarget, type SemanticTarget } from './semantic-target.js';
import { createSemanticEngine, type SemanticEngine } from '../semantic/index.js';
import { explainModelAnswer } from './model-text.js';
import { limitContextData } from './prompt-data.js';
import { guardSql, type GuardDialect } from '../../guard/index.js';

export interface LlmFallbackOptions extends Omit<LlmEngineOptions, 'onAudit'> {
  /** The retriever of the active training version, or a function that opens it (called once, on first use). */
  retriever: Pick<Retriever, 'retrieve'> | (() => Promise<Pick<Retriever, 'retrieve'>>);
  /** Where 'llm_call' records go (the copilot's audit log). Awaited: a failing audit fails the answer. */
  audit?: { append(entry: AuditEntry): Promise<unknown> };
  /** Token budget of the retrieved context (default 1800). */
  contextTokens?: number;
  /**
   * The semantic engine of the same training version: when given, the model is asked for a
   * semantic query first (compiled by this engine), raw SQL only as its fallback.
   */
  semantic?: Pick<SemanticEngine, 'resolve' | 'compile' | 'describe' | 'names'> | (() => Pick<SemanticEngine, 'resolve' | 'compile' | 'describe' | 'names'>);
}

export interface LlmFallback extends FallbackEngine {
  /** The context that would be sent for a question (what `otc-copilot context` prints). */
  context(question: string): Promise<RetrievedContext>;
}

export function createLlmFallback(opts: LlmFallbackOptions): LlmFallback {
  const { retriever: source, audit, contextTokens, semantic, ...engineOpts } = opts;
  const targets = new Map<string, SemanticTarget>();
  let semanticEngine: Pick<SemanticEngine, 'resolve' | 'compile' | 'describe' | 'names'> | undefined;
  const targetFor = (dialect: FallbackRequest['dialect']): SemanticTarget | undefined => {
    if (!semantic) return undefined;
    semanticEngine ??= typeof semantic === 'function' ? semantic() : semantic;
    let t = targets.get(dialect.name);
    if (!t) targets.set(dialect.name, (t = semanticTarget(semanticEngine, dialect)));
    return t;
  };
  let opened: Promise<Pick<Retriever, 'retrieve'>> | undefined;
  const retriever = () => {
    if (typeof source !== 'function') return Promise.resolve(source);
    opened ??= source().catch((e) => {
      opened = undefined; // a failed open is retried on the next question
      throw e;
    });
    return opened;
  };
  /** Retrieval summary per correlation id, added to the audit records of that question. */
  const summaries = new Map<string, Record<string, unknown>>();
  const engine = createLlmEngine({
    ...engineOpts,
    onAudit: audit
      ? async (entry) => {
          const s = entry.correlationId ? summaries.get(entry.correlationId) : undefined;
          await audit.append(s ? { ...entry, details: { ...entry.details, retrieval: s } } : entry);
        }
      : undefined,
  });
  const context = async (question: string): Promise<RetrievedContext> => {
    const r = await (await retriever()).retrieve(question, { maxTokens: contextTokens });
    return { ...r, context: limitContextData(r.context, engineOpts.promptData ?? 'samples') };
  };

  return {
    name: 'llm',
    context,
    async answer(req: FallbackRequest): Promise<FallbackResult> {
      let ctx: RetrievedContext;
      try {
        // a follow-up's own words may not name the tables: retrieve for the previous question too
        ctx = await context(req.previous ? `${req.previous.question}\n${req.question}` : req.question);
      } catch (e) {
        return { status: 'abstained', reason: `The context for the language model could not be prepared: ${e instanceof Error ? e.message : String(e)}` };
      }
      summaries.set(req.correlationId, {
        indexKey: ctx.indexKey,
        tables: ctx.context.tables.map((t) => t.name),
        columns: ctx.context.tables.reduce((n, t) => n + t.columns.length, 0),
        examples: ctx.context.examples.length,
        values: ctx.context.resolvedValues.length,
        contextTokens: ctx.tokens,
        semanticReason: req.semanticReason,
      });
      try {
        const r = await engine.generate({
          question: req.question,
          today: req.today,
          dialect: req.dialect,
          context: ctx.context,
          guard: req.guard,
          execute: req.execute,
          actor: req.actor,
          correlationId: req.correlationId,
          ...(req.previous ? { previous: { question: req.previous.question, sql: req.previous.sql, explanation: req.previous.explanation } } : {}),
          semantic: targetFor(req.dialect),
        });
        if (r.status === 'answered' && r.semantic) {
          // a semantic query: the explanation is the semantic engine's, generated from what ran
          return { status: 'answered', sql: r.sql, explanation: r.semantic.explanation, result: r.result, semantic: r.semantic.query, understood: r.semantic.understood };
        }
        if (r.status === 'answered') {
          // The user reads what was computed, never the model's free text (model-text.ts).
          return { status: 'answered', sql: r.sql, explanation: explainModelAnswer(await tablesOf(r.sql, req.dialect.name), r.result), result: r.result };
        }
        return { status: 'abstained', reason: r.reason };
      } finally {
        summaries.delete(req.correlationId);
      }
    },
  };
}

/** The tables an admitted query reads, as the guard's parser sees them ([] if it cannot tell). */
async function tablesOf(sql: string, dialect: string): Promise<string[]> {
  try {
    const v = await guardSql(sql, dialect as GuardDialect, { maxRows: Number.MAX_SAFE_INTEGER });
    return v.ok ? v.tables : [];
  } catch {
    return [];
  }
}

export interface FallbackFromConfigOptions {
  audit?: { append(entry: AuditEntry): Promise<unknown> };
  /** Folder of persisted retrieval indexes (default <OTC_DATA_DIR>/retrieval). */
  cacheDir?: string;
  clientOverrides?: Partial<LlmClientOptions>;
  contextTokens?: number;
  maxRepairs?: number;
  /** The semantic engine of the same model (default: one built from the model on first use). */
  semantic?: Pick<SemanticEngine, 'resolve' | 'compile' | 'describe' | 'names'>;
}

type FallbackSettings = Pick<
  Config,
  'dataDir' | 'llmProvider' | 'llmBaseUrl' | 'llmApiKey' | 'llmModel' | 'llmApiVersion' | 'llmTimeoutMs' | 'llmMaxRetries' | 'llmExtraHeaders' | 'llmEmbeddingModel' | 'llmAuditPrompts'
> & Partial<Pick<Config, 'llmPromptData'>>;

/**
 * The LLM fallback the OTC_LLM_* settings describe, over the given training version, or
 * undefined when no model is configured. Throws LlmConfigError on incomplete settings.
 * The retrieval index is opened on the first question (built and saved when missing).
 */
export function createFallbackFromConfig(cfg: FallbackSettings, model: TrainedModel, opts: FallbackFromConfigOptions = {}): LlmFallback | undefined {
  const client: LlmClient | undefined = llmClientFromConfig(cfg, opts.clientOverrides);
  if (!client) return undefined;
  const embedder = cfg.llmEmbeddingModel ? embedderFromClient(client, cfg.llmEmbeddingModel) : undefined;
  const cacheDir = opts.cacheDir ?? join(cfg.dataDir, 'retrieval');
  return createLlmFallback({
    client,
    auditPrompts: cfg.llmAuditPrompts,
    promptData: cfg.llmPromptData,
    audit: opts.audit,
    contextTokens: opts.contextTokens,
    maxRepairs: opts.maxRepairs,
    retriever: () => openRetriever(model, { cacheDir, embedder }),
    semantic: opts.semantic ?? (() => createSemanticEngine(model)),
  });
}

export interface CrossCheckRequest extends EngineContext {
  question: string;
  guard: GuardFn;
  execute: ExecuteFn;
  correlationId: string;
  actor?: string;
}

export type CrossCheckResult =
  | { status: 'agree' | 'disagree'; semanticSql: string; llmSql: string; semanticRows: number; llmRows: number }
  | { status: 'incomplete'; reason: string; semanticSql?: string; llmSql?: string };

/**
 * Cross-check mode: runs the semantic engine and the LLM fallback on the same question and, when
 * both answer, compares their results (rows as sets of values, column names and row order
 * ignored). A disagreement flags a question for review.
 */
export async function crossCheck(semantic: NlEngine, fallback: FallbackEngine, req: CrossCheckRequest): Promise<CrossCheckResult> {
  const s = await semantic.generate(req.question, { today: req.today, dialect: req.dialect });
  if (s.status !== 'sql') return { status: 'incomplete', reason: `the semantic engine did not answer (${s.reason})` };
  const v = await req.guard(s.sql);
  if (!v.ok) return { status: 'incomplete', reason: `the SQL guard refused the semantic engine's SQL: ${v.reason}`, semanticSql: s.sql };
  const sr = await req.execute(v.sql);
  const l = await fallback.answer({ ...req, semanticReason: 'cross-check' });
  if (l.status !== 'answered') return { status: 'incomplete', reason: `the language model did not answer (${l.reason})`, semanticSql: v.sql };
  const same = resultKey(sr.columns.length, sr.rows) === resultKey(l.result.columns.length, l.result.rows);
  return { status: same ? 'agree' : 'disagree', semanticSql: v.sql, llmSql: l.sql, semanticRows: sr.rowCount, llmRows: l.result.rowCount };
}

function resultKey(width: number, rows: unknown[][]): string {
  const norm = (v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(10)) : typeof v === 'bigint' ? Number(v) : v);
  const lines = rows.map((r) => JSON.stringify(r.map(norm))).sort();
  return hashRows(Array.from({ length: width }, (_, i) => `c${i}`), lines.map((l) => JSON.parse(l) as unknown[]));
}
