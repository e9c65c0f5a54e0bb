/** The seam between the copilot and its engines (semantic today; an LLM engine as fallback later). */
import type { SqlDialect } from '../datasource/dialect.js';

export interface EngineContext {
  today: string;
  dialect: SqlDialect;
}

export type EngineResult =
  | { status: 'sql'; sql: string; explanation: string }
  /** The engine cannot map the question with confidence (lack of coverage): another engine may try. */
  | { status: 'abstained'; message: string; reason: string; suggestions?: string[] }
  /** The question asks for something the copilot must never do (change data): final, no fallback. */
  | { status: 'refused'; message: string; reason: string };

export interface NlEngine {
  readonly name: 'semantic' | 'llm';
  generate(question: string, ctx: EngineContext): EngineResult | Promise<EngineResult>;
}
