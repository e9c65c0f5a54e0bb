/**
 * The tables and columns a SQL text refers to, read against a known schema: string literals and
 * comments removed, FROM/JOIN tables with their aliases, qualified `alias.column` references,
 * and bare identifiers that are a column of a table in the query. Used to tie example
 * question/SQL pairs to the schema, and by bench:context to score retrieval against gold SQL.
 */
import type { SchemaSnapshot } from '../../datasource/types.js';

export interface SqlRefs {
  /** Lower-case table names, in order of appearance. */
  tables: string[];
  /** Lower-case 'table.column'. */
  columns: string[];
}

const KEYWORDS = new Set(
  'select from where join inner left right full outer cross on and or not group by order having limit offset as union all distinct case when then else end is null in between like exists top fetch first rows only with asc desc'.split(' '),
);

export function sqlRefs(sql: string, snapshot: Pick<SchemaSnapshot, 'tables'>): SqlRefs {
  const cols = new Map<string, Set<string>>();
  for (const t of snapshot.tables) cols.set(t.name.toLowerCase(), new Set(t.columns.map((c) => c.name.toLowerCase())));
  const text = sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/[`"[\]]/g, '');
  const tokens = [...text.matchAll(/[A-Za-z_][A-Za-z0-9_$]*(?:\.[A-Za-z_][A-Za-z0-9_$]*)*|[(),]/g)].map((m) => m[0]);
  const tables: string[] = [];
  const alias = new Map<string, string>();
  const addTable = (name: string, i: number): number => {
    const bare = name.toLowerCase().split('.').pop()!;
    if (!cols.has(bare)) return i;
    if (!tables.includes(bare)) tables.push(bare);
    alias.set(bare, bare);
    let j = i + 1;
    if (tokens[j]?.toLowerCase() === 'as') j++;
    const a = tokens[j];
    if (a && /^[A-Za-z_]/.test(a) && !KEYWORDS.has(a.toLowerCase())) {
      alias.set(a.toLowerCase(), bare);
      return j;
    }
    return i;
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!.toLowerCase();
    if (t === 'from' || t === 'join') {
      let j = i + 1;
      while (j < tokens.length && tokens[j] !== '(') {
        j = addTable(tokens[j]!, j) + 1;
        if (tokens[j] !== ',') break;
        j++;
      }
    }
  }
  const columns = new Set<string>();
  for (const tok of tokens) {
    const lower = tok.toLowerCase();
    if (lower.includes('.')) {
      const parts = lower.split('.');
      const col = parts.pop()!;
      const owner = alias.get(parts.pop()!);
      if (owner && cols.get(owner)!.has(col)) columns.add(`${owner}.${col}`);
      continue;
    }
    if (KEYWORDS.has(lower) || alias.has(lower)) continue;
    for (const t of tables) if (cols.get(t)!.has(lower)) columns.add(`${t}.${lower}`);
  }
  return { tables, columns: [...columns] };
}
