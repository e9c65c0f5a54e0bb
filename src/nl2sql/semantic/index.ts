/**
 * The semantic engine: deterministic, offline question -> SQL over a trained model, with a
 * plain-English explanation, and abstention ("I can't answer that from this data") or refusal
 * (a request to change data) instead of a guess.
 */
import type { SqlDialect } from '../../datasource/dialect.js';
import type { TrainedModel } from '../../training/index.js';
import type { EngineContext, EngineResult, NlEngine } from '../engine.js';
import { compileQuery } from './compile.js';
import { explain } from './explain.js';
import { buildEngineModel } from './model.js';
import { QuestionParser } from './parse.js';
import type { TypedQuery } from './query.js';
import { buildSuggestionPool, suggest } from './suggest.js';

export type { TypedQuery } from './query.js';

export const ABSTAIN_MESSAGE = "I can't answer that from this data";

/** What the engine understood of a question: the typed query, or a refusal or an abstention. */
export type Understood =
  | { query: TypedQuery; status?: undefined }
  | { status: 'refused'; message: string; reason: string }
  | { status: 'abstained'; message: string; reason: string; suggestions: string[] };

export interface SemanticEngine extends NlEngine {
  /** Synchronous: the semantic engine never waits on anything. */
  generate(question: string, ctx: EngineContext): EngineResult;
  /**
   * The typed query for a question, or why there is none: a refusal (a request to change data)
   * or an abstention with up to three close questions the engine can answer.
   */
  understand(question: string, today: string): Understood;
  /** A typed query -> the dialect's SQL and its one-sentence explanation (deterministic). */
  compile(query: TypedQuery, dialect: SqlDialect): { sql: string; explanation: string };
  /** Runs the profile's example questions once so the first real question is as fast as the rest. */
  warmUp(dialect: SqlDialect): void;
}

export function createSemanticEngine(model: TrainedModel): SemanticEngine {
  const m = buildEngineModel(model);
  const parser = new QuestionParser(m);
  const pool = buildSuggestionPool(m);
  const understand = (question: string, today: string): Understood => {
    const r = parser.parse(question, today);
    if (r.status === 'query') return { query: r.query };
    if (r.status === 'refuse') return { status: 'refused', message: `Refused: ${r.reason}.`, reason: r.reason };
    return { status: 'abstained', message: ABSTAIN_MESSAGE, reason: r.reason, suggestions: suggest(pool, question) };
  };
  const compile = (query: TypedQuery, dialect: SqlDialect) => ({ sql: compileQuery(query, m, dialect), explanation: explain(query) });
  const generate = (question: string, ctx: EngineContext): EngineResult => {
    const u = understand(question, ctx.today);
    return u.status ? u : { status: 'sql', ...compile(u.query, ctx.dialect) };
  };
  return {
    name: 'semantic',
    understand,
    compile,
    generate,
    warmUp(dialect) {
      for (const ex of model.profile.examples.slice(0, 30)) generate(ex.question, { today: '2026-01-15', dialect });
    },
  };
}

export type { SqlDialect };
