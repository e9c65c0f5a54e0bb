import type { ColumnKind } from './types.js';

const DATE_RE = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const MONTH_RE = /^\d{4}-\d{2}$/;
const NUMERIC_TEXT_RE = /^-?\d+(\.\d+)?$/;

/** A value as a finite number, or undefined (numeric text such as "12.50" counts: drivers return decimals as text). */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && NUMERIC_TEXT_RE.test(v.trim())) return Number(v);
  return undefined;
}

/** What one column holds, looking at every non-null value. Mixed columns are text. */
export function classifyColumn(rows: unknown[][], index: number): ColumnKind {
  let kind: ColumnKind = 'empty';
  for (const row of rows) {
    const v = row[index];
    if (v === null || v === undefined || v === '') continue;
    let k: ColumnKind;
    if (v instanceof Date) k = 'date';
    else if (typeof v === 'string' && MONTH_RE.test(v)) k = 'month';
    else if (typeof v === 'string' && DATE_RE.test(v)) k = 'date';
    else if (toNumber(v) !== undefined) k = 'number';
    else k = 'text';
    if (kind === 'empty') kind = k;
    else if (kind !== k) {
      if ((kind === 'date' && k === 'month') || (kind === 'month' && k === 'date')) kind = 'date';
      else return 'text';
    }
  }
  return kind;
}

/** A column named like an identifier or a year is not a measure even if numeric. */
export function looksLikeIdentifier(name: string): boolean {
  return /(^id$|_id$|^id_|(^|_)(code|number|no|ref|year)$)/i.test(name);
}

/** A column whose name says it is a period (month, week, day, date, quarter, year). */
export function looksLikePeriod(name: string): boolean {
  return /(^|_)(date|day|week|month|quarter|year|period|as_of)($|_)/i.test(name);
}
