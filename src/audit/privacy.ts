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
