/**
 * Stage 1, understand: question -> what the semantic engine understood (a typed query), or its
 * refusal or abstention. Deterministic, so a question asked again for the same as-of date (a
 * dashboard refresh, a report run) reuses its understanding. When the semantic engine abstains for
 * lack of coverage (never when it refuses a write), the pipeline hands the question to the
 * fallback engine (LLM) with its own guard and execute stages, so that SQL passes the same guard,
 * row cap and read-only execution.
 */
import type { SemanticEngine, UnderstandContext, Understood } from '../semantic/index.js';
import { BoundedCache } from './cache.js';

export type Understand = (question: string, today: string, ctx?: UnderstandContext) => Understood;

/** The semantic engine's understanding, remembered per (as-of date, question); at most `max` kept. */
export function createUnderstandStage(engine: Pick<SemanticEngine, 'understand'>, max = 1000): Understand {
  const known = new BoundedCache<string, Understood>(max);
  return (question, today, ctx) => {
    // a follow-up or a picked option depends on its thread: not cached
    if (ctx && (ctx.previous || ctx.choice || ctx.inThread)) return engine.understand(question, today, ctx);
    const key = `${today}\u0000${question}`;
    const hit = known.get(key);
    if (hit) return hit;
    const u = engine.understand(question, today);
    known.set(key, u);
    return u;
  };
}
