/**
 * Stage 2, compile: a typed query -> the datasource dialect's SQL and the plain-English sentence
 * that restates it. Deterministic: the result is kept per typed query object (the understand
 * stage hands out the same object for a question asked again).
 */
import type { SqlDialect } from '../../datasource/dialect.js';
import type { SemanticEngine, TypedQuery } from '../semantic/index.js';

export interface Compiled {
  sql: string;
  explanation: string;
}

export type Compile = (query: TypedQuery) => Compiled;

export function createCompileStage(engine: Pick<SemanticEngine, 'compile'>, dialect: SqlDialect): Compile {
  const compiled = new WeakMap<TypedQuery, Compiled>();
  return (query) => {
    const hit = compiled.get(query);
    if (hit) return hit;
    const c = engine.compile(query, dialect);
    compiled.set(query, c);
    return c;
  };
}
