/**
 * Stage 3, guard: every SQL text the pipeline runs (semantic engine, language model, a saved
 * question's stored SQL, an export) is admitted by the SQL guard first, under the policy of the
 * trained model's schema snapshot in the datasource's dialect, with the run's row cap written in.
 * The guard is deterministic and a stage's dialect and snapshot never change, so verdicts are kept
 * per (cap, text): SQL that comes back (dashboards, reports, a repeated question) is not parsed
 * again. Bounded, oldest dropped first.
 */
import type { SchemaSnapshot } from '../../datasource/types.js';
import { guardSql, policyFromSnapshot, type GuardDialect, type GuardPolicy } from '../../guard/index.js';
import { BoundedCache } from './cache.js';
import type { RowCap } from './cap.js';

export type GuardOutcome = { ok: true; sql: string } | { ok: false; reason: string };
export type Guard = (sql: string, cap: Pick<RowCap, 'sqlLimit'>) => Promise<GuardOutcome>;

export function createGuardStage(o: { dialect: GuardDialect; snapshot: SchemaSnapshot; cacheSize?: number }): Guard {
  const verdicts = new BoundedCache<string, GuardOutcome>(o.cacheSize ?? 1000);
  const policies = new BoundedCache<number, GuardPolicy>(16);
  const policy = (limit: number) => {
    let p = policies.get(limit);
    if (!p) policies.set(limit, (p = policyFromSnapshot(o.snapshot, limit)));
    return p;
  };
  return async (sql, cap) => {
    const key = `${cap.sqlLimit}\u0000${sql}`;
    const known = verdicts.get(key);
    if (known) return known;
    const v = await guardSql(sql, o.dialect, policy(cap.sqlLimit));
    const out: GuardOutcome = v.ok ? { ok: true, sql: v.sql } : { ok: false, reason: v.reason };
    verdicts.set(key, out);
    return out;
  };
}
