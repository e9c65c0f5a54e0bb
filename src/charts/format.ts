/**
 * Values as a report writes them, from a column's format (src/charts/types.ts ColumnFormat):
 * exact in tables (thousands separators, the column's decimals, a % sign), abbreviated on axes
 * and tooltips ("84.1bn"), dates as dates, codes as the profile's words. A column without a
 * format is written from its value alone.
 */
import { toNumber } from './classify.js';
import type { ColumnFormat } from './types.js';

const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Human-readable column name: "failed_count" -> "Failed count". */
export function labelOf(column: string): string {
  const s = column.replace(/_/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The header of a column: the profile's label with its unit, or the column's name in words. */
export function headerOf(column: string, format?: ColumnFormat): string {
  return format?.label ?? labelOf(column);
}

/** A number the way people read it: thousands separators, at most two decimals. */
export function formatNumber(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: Math.abs(n) < 1 && n !== 0 ? 4 : 2 });
}

function fixed(n: number, decimals: number): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** A date or date-time as a date (a time of day only when there is one). */
export function formatDate(v: unknown): string | undefined {
  if (v instanceof Date) {
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  }
  if (typeof v !== 'string') return undefined;
  const m = ISO_DATE_TIME.exec(v);
  if (!m) return undefined;
  return m[2] === '00:00' && !m[3]?.replace(/[:.0]/g, '') ? m[1] : `${m[1]} ${m[2]}`;
}

/** The profile's word for a code or flag, when it has one. */
function named(v: unknown, format?: ColumnFormat): string | undefined {
  if (!format?.values) return undefined;
  const key = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
  return format.values[key];
}

/** A value for a table cell: exact (the column's decimals, thousands separators, % sign), null as an em dash. */
export function formatValue(v: unknown, format?: ColumnFormat): string {
  if (v === null || v === undefined) return '—';
  const word = named(v, format);
  if (word !== undefined) return word;
  if (format?.type === 'date' || v instanceof Date) return formatDate(v) ?? String(v);
  const n = format?.type === 'text' ? undefined : typeof v === 'number' || typeof v === 'bigint' || format ? toNumber(v) : undefined;
  if (n !== undefined) {
    const text = format?.decimals !== undefined ? fixed(n, format.decimals) : formatNumber(n);
    return format?.type === 'percent' ? `${text}%` : text;
  }
  return formatDate(v) ?? String(v);
}

/** 84_100_000_000 -> "84.1bn", 12_345_678 -> "12.3m", 45_600 -> "45.6k": for axes and tooltips. */
export function abbreviate(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e12) return `${+(n / 1e12).toFixed(1)}tn`;
  if (a >= 1e9) return `${+(n / 1e9).toFixed(1)}bn`;
  if (a >= 1e6) return `${+(n / 1e6).toFixed(1)}m`;
  if (a >= 1e4) return `${+(n / 1e3).toFixed(1)}k`;
  return formatNumber(n);
}

/** A figure on an axis or in a tooltip: abbreviated, with a % sign for percentages. */
export function formatCompact(v: unknown, format?: ColumnFormat): string {
  const n = toNumber(v);
  if (n === undefined) return v === null || v === undefined ? '—' : String(v);
  const a = Math.abs(n) >= 1e4 ? abbreviate(n) : n === 0 ? '0' : format?.decimals !== undefined ? fixed(n, Math.min(format.decimals, Math.abs(n) >= 100 ? 0 : format.decimals)) : formatNumber(n);
  return format?.type === 'percent' ? `${a}%` : a;
}

/** A category on an axis or legend: the profile's word for a code, dates as dates, "(none)" for nothing. */
export function formatCategory(v: unknown, format?: ColumnFormat): string {
  if (v === null || v === undefined || v === '') return '(none)';
  return named(v, format) ?? formatDate(v) ?? String(v);
}
