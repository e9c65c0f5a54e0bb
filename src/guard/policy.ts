import type { SchemaSnapshot } from '../datasource/types.js';
import type { GuardPolicy } from './types.js';

/**
 * The allow-list of a schema snapshot: every table with its columns (lower case), under its own
 * name and, when it has one, under schema.table.
 */
export function policyFromSnapshot(snapshot: SchemaSnapshot, maxRows: number): GuardPolicy {
  const allowedTables = new Map<string, Set<string> | '*'>();
  for (const t of snapshot.tables) {
    const cols = new Set(t.columns.map((c) => c.name.toLowerCase()));
    allowedTables.set(t.name.toLowerCase(), cols);
    if (t.schema) allowedTables.set(`${t.schema}.${t.name}`.toLowerCase(), cols);
  }
  return { allowedTables, maxRows };
}
