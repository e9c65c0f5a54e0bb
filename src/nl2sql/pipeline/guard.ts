/**
 * Stage 3, guard: every SQL text the pipeline runs (semantic engine, language model, a saved
 * question's stored SQL, an export) is admitted by the SQL guard first, under the policy of the
 * trained model's schema snapshot in the datasource's dialect, with the run's row cap written in.
 * Verdicts are kept (the guard's own cache, keyed by dialect, the policy's content and the text),
 * so SQL that comes back (dashboards, reports, a repeated question) is not parsed again.
 */
import type { SchemaSnapshot } from '../../datasource/types.js';
import { createGuardCache, policyFromSnapshot, type GuardDialect, type GuardPolicy } from '../../guard/index.js';
import { BoundedCache } from './cache.js';
import type { RowCap } from './cap.js';

export type GuardOutcome = { ok: true; sql: string } | { ok: false; reason: string };
export type Guard = (sql: string, cap: Pick<RowCap, 'sqlLimit'>) => Promise<GuardOutcome>;

export function createGuardStage(o: { dialect: GuardDialect; snapshot: SchemaSnapshot; cacheSize?: number }): Guard {
  const cache = createGuardCache(o.cacheSize ?? 1000);
  const policies = new BoundedCache<number, GuardPolicy>(16);
  const policy = (limit: number) => {
    let p = policies.get(limit);
    if (!p) policies.set(limit, (p = policyFromSnapshot(o.snapshot, limit)));
    return p;
  };
  return async (sql, cap) => {
    const v = await cache.guard(sql, o.dialect, policy(cap.sqlLimit));
    return v.ok ? { ok: true, sql: v.sql } : { ok: false, reason: v.reason };
  };
}
