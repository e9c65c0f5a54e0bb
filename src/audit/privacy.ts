/**
 * What the audit keeps (privacy): configured columns masked wherever they appear as a key of a
 * record's details (at any depth), and what is kept of a result: its row count and hash
 * (default), the count only, or nothing. The rows themselves are never kept by the audit log.
 */
import type { AuditEntry } from './types.js';

export const MASKED = '[masked]';

export interface AuditPrivacy {
  /** Column names (case-insensitive) whose values are masked. */
  maskColumns?: readonly string[];
  results?: 'count_hash' | 'count' | 'none';
  /**
   * 'strings': the string literals of audited SQL are kept as '[masked]', and the same values in
   * the question text and details of the records appended with it (one append or appendMany) too.
   */
  sqlLiterals?: 'keep' | 'strings';
}

/** The string literals of a SQL text ('…' with '' inside), with where each starts and ends. */
function stringLiterals(sql: string): { start: number; end: number; value: string }[] {
  const out: { start: number; end: number; value: string }[] = [];
  // quoted identifiers and comments are skipped so that a quote inside them opens nothing
  const re = /"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|--[^\n]*|\/\*[\s\S]*?\*\/|'((?:[^']|'')*)'/g;
  for (let m = re.exec(sql); m; m = re.exec(sql)) {
    if (m[1] !== undefined) out.push({ start: m.index, end: m.index + m[0].length, value: m[1].replace(/''/g, "'") });
  }
  return out;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function replaceValues(text: string, re: RegExp | undefined): string {
  return re ? text.replace(re, MASKED) : text;
}
function replaceDeep(v: unknown, re: RegExp): unknown {
  if (typeof v === 'string') return replaceValues(v, re);
  if (Array.isArray(v)) return v.map((x) => replaceDeep(x, re));
  if (v && typeof v === 'object' && !(v instanceof Date)) return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, replaceDeep(x, re)]));
  return v;
}

/**
 * Entries appended together with their SQL string literals masked: in the SQL, each literal
 * becomes '[masked]'; its value (LIKE wildcards at the ends taken off; two characters or more)
 * is masked wherever it appears in the question text and in string values of the details, of
 * every entry of the group, case-insensitively. Done before hashing: the chain covers what is kept.
 */
export function maskSqlLiterals(entries: AuditEntry[]): AuditEntry[] {
  const values = new Set<string>();
  for (const e of entries) {
    if (typeof e.sql !== 'string') continue;
    for (const l of stringLiterals(e.sql)) {
      const v = l.value.replace(/^%+|%+$/g, '');
      if (v.length >= 2) values.add(v);
    }
  }
  const anyLiteral = entries.some((e) => typeof e.sql === 'string' && stringLiterals(e.sql).length > 0);
  if (!anyLiteral) return entries;
  const sorted = [...values].sort((a, b) => b.length - a.length); // the longest first: 'ACME Ltd' before 'ACME'
  const re = sorted.length ? new RegExp(sorted.map(escapeRegExp).join('|'), 'gi') : undefined;
  return entries.map((e) => {
    const out: AuditEntry = { ...e };
    if (typeof e.sql === 'string') {
      let sql = '';
      let at = 0;
      for (const l of stringLiterals(e.sql)) {
        sql += e.sql.slice(at, l.start) + `'${MASKED}'`;
        at = l.end;
      }
      out.sql = sql + e.sql.slice(at);
    }
    if (re && typeof e.question === 'string') out.question = replaceValues(e.question, re);
    if (re && e.details) out.details = replaceDeep(e.details, re) as Record<string, unknown>;
    return out;
  });
}

function maskDeep(v: unknown, names: Set<string>): unknown {
  if (Array.isArray(v)) return v.map((x) => maskDeep(x, names));
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = names.has(k.toLowerCase()) ? MASKED : maskDeep(x, names);
    return out;
  }
  return v;
}

/** Masks values of `names` (lower-case) in `rows` given their `columns`. */
export function maskRows(columns: readonly string[], rows: readonly unknown[][], maskColumns: readonly string[] | undefined): unknown[][] {
  if (!maskColumns?.length) return rows as unknown[][];
  const names = new Set(maskColumns.map((c) => c.toLowerCase()));
  const idx = columns.flatMap((c, i) => (names.has(c.toLowerCase()) ? [i] : []));
  if (!idx.length) return rows as unknown[][];
  return rows.map((r) => {
    const copy = [...r];
    for (const i of idx) if (copy[i] !== null && copy[i] !== undefined) copy[i] = MASKED;
    return copy;
  });
}

/** The entry as the audit keeps it under the privacy settings. */
export function applyPrivacy(entry: AuditEntry, p: AuditPrivacy | undefined): AuditEntry {
  if (!p) return entry;
  let e = entry;
  if (p.maskColumns?.length && e.details) e = { ...e, details: maskDeep(e.details, new Set(p.maskColumns.map((c) => c.toLowerCase()))) as Record<string, unknown> };
  if (p.results === 'count' || p.results === 'none') {
    const { resultHash: _h, rowCount, ...rest } = e;
    e = p.results === 'count' && rowCount !== undefined ? { ...rest, rowCount } : rest;
  }
  return e;
}

/** pino redact paths for the masked columns (as a key at the first three levels of a log object). */
export function redactPathsFor(maskColumns: readonly string[] | undefined): string[] {
  return (maskColumns ?? []).flatMap((c) => [c, `*.${c}`, `*.*.${c}`]);
}
