/** The seams between the copilot and its engines: the semantic engine, and a fallback (LLM) engine. */
import type { SqlDialect } from '../datasource/dialect.js';
import type { QueryResult } from '../datasource/types.js';
import type { PreviousTurn } from './types.js';
import type { TypedQuery } from './semantic/query.js';
import type { SemanticQuery } from './semantic/semantic-query.js';

export interface EngineContext {
  today: string;
  dialect: SqlDialect;
}

export type EngineResult =
  | { status: 'sql'; sql: string; explanation: string }
  /** The engine cannot map the question with confidence (lack of coverage): a fallback engine may try. */
  | { status: 'abstained'; message: string; reason: string; suggestions?: string[] }
  /** The question asks for something the copilot must never do (change data): final, no fallback. */
  | { status: 'refused'; message: string; reason: string };

/** An engine that turns a question into SQL without running it (the semantic engine). */
export interface NlEngine {
  readonly name: 'semantic' | 'llm';
  generate(question: string, ctx: EngineContext): EngineResult | Promise<EngineResult>;
}

/** The SQL guard bound to the datasource's dialect and the model's policy. */
export type GuardFn = (sql: string) => Promise<{ ok: true; sql: string } | { ok: false; reason: string }>;
/** Runs admitted SQL read-only on the datasource with the copilot's row cap and timeout. */
export type ExecuteFn = (sql: string) => Promise<QueryResult>;

export interface FallbackRequest {
  question: string;
  today: string;
  dialect: SqlDialect;
  guard: GuardFn;
  execute: ExecuteFn;
  actor?: string;
  correlationId: string;
  /** Why the semantic engine abstained (e.g. the words it did not understand). */
  semanticReason: string;
  /** The previous question of the thread (a follow-up): its SQL and explanation go into the prompt. */
  previous?: PreviousTurn;
}

export type FallbackResult =
  | {
      status: 'answered';
      sql: string;
      explanation: string;
      result: QueryResult;
      /** When the model answered with a semantic query: that query and the typed query it resolved to. */
      semantic?: SemanticQuery;
      understood?: TypedQuery;
    }
  | { status: 'abstained'; reason: string };

/**
 * An engine the copilot routes to when the semantic engine abstains for lack of coverage (never
 * when it refuses a write). It guards and executes through the functions it is given, so its SQL
 * passes the same guard (the LLM engine in src/nl2sql/llm fits behind a small adapter).
 */
export interface FallbackEngine {
  readonly name: 'llm';
  answer(req: FallbackRequest): Promise<FallbackResult>;
}
