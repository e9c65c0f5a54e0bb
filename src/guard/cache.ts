import { guardSql } from './guard.js';
import type { GuardDialect, GuardPolicy, GuardVerdict } from './types.js';

/**
 * The same text under the same policy always gets the same verdict (the guard is
 * deterministic), so a verdict can be kept for texts that come back (dashboards re-running
 * their queries). The key is the dialect, the whole policy's content (every allowed table and
 * column, the row cap, wildcards) and the exact text: a changed policy never meets an old verdict.
 * An addition only: a text seen for the first time goes through guardSql in full.
 */
export interface GuardCache {
  guard(sql: string, dialect: GuardDialect, policy: GuardPolicy): Promise<GuardVerdict>;
  readonly size: number;
  readonly hits: number;
  readonly misses: number;
  clear(): void;
}

/** The policy's content as text: tables and their columns in the order the policy holds them. */
export function policyFingerprint(policy: GuardPolicy): string {
  const parts: string[] = [`rows=${policy.maxRows}`, `wildcards=${policy.wildcards ?? true}`];
  if (!policy.allowedTables) parts.push('tables=*');
  else {
    for (const [table, cols] of policy.allowedTables) {
      // Lengths first: no table or column name can make two different policies read the same.
      if (cols === '*') parts.push(`${table.length}:${table}=*`);
      else {
        let s = `${table.length}:${table}=`;
        for (const c of cols) s += `${c.length}:${c},`;
        parts.push(s);
      }
    }
  }
  return parts.join('\n');
}

/** A bounded least-recently-used cache of verdicts (default 500 texts). */
export function createGuardCache(maxEntries = 500): GuardCache {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a whole number of at least 1');
  const verdicts = new Map<string, GuardVerdict>();
  let hits = 0;
  let misses = 0;
  return {
    async guard(sql, dialect, policy) {
      const key = `${dialect}\u0000${policyFingerprint(policy)}\u0000${sql}`;
      const known = verdicts.get(key);
      if (known) {
        hits++;
        verdicts.delete(key);
        verdicts.set(key, known);
        return structuredClone(known);
      }
      misses++;
      const verdict = await guardSql(sql, dialect, policy);
      verdicts.set(key, structuredClone(verdict));
      if (verdicts.size > maxEntries) verdicts.delete(verdicts.keys().next().value!);
      return verdict;
    },
    get size() {
      return verdicts.size;
    },
    get hits() {
      return hits;
    },
    get misses() {
      return misses;
    },
    clear() {
      verdicts.clear();
    },
  };
}
