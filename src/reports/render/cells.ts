import type { ColumnFormat } from '../../charts/index.js';

/**
 * Cell values for files opened in spreadsheets. A text starting with = + - @ tab or CR would be
 * read as a formula by Excel or LibreOffice (CSV injection): it gets a leading apostrophe. A text
 * that is a plain number ("-12.5") is left as it is: no spreadsheet runs it.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/;

export function neutraliseFormula(s: string): string {
  return FORMULA_START.test(s) && !PLAIN_NUMBER.test(s) ? `'${s}` : s;
}

/** A CSV cell: text (formula-safe), numbers as written, dates as ISO text, null as empty. */
export function csvCell(v: unknown): string | number {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return neutraliseFormula(String(v));
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** A typed XLSX cell: numbers stay numbers, ISO dates become dates, text is formula-safe. */
export function xlsxCell(v: unknown): string | number | boolean | Date | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v === 'boolean') return v;
  if (v instanceof Date) return v;
  if (typeof v === 'string') {
    if (ISO_DATE.test(v)) return new Date(`${v}T00:00:00Z`);
    if (ISO_DATETIME.test(v)) {
      const d = new Date(/(Z|[+-]\d{2}:?\d{2})$/.test(v) ? v : `${v}Z`);
      if (!Number.isNaN(d.getTime())) return d;
    }
    return neutraliseFormula(v);
  }
  return neutraliseFormula(String(v));
}

/** A column's header in a file: the profile's label with its unit, or the column's name. */
export function headerCell(column: string, format?: ColumnFormat): string {
  return neutraliseFormula(format?.label ?? column);
}

/** A code or flag in the profile's words, when the column has them; the value otherwise. */
export function namedValue(v: unknown, format?: ColumnFormat): unknown {
  if (!format?.values || v === null || v === undefined) return v;
  return format.values[typeof v === 'boolean' ? (v ? '1' : '0') : String(v)] ?? v;
}

/** The Excel number format of a column: its decimals, a literal % for percentages (values are 0-100). */
export function xlsxNumFmt(format?: ColumnFormat): string | undefined {
  if (!format || format.values) return undefined;
  if (format.type === 'date') return undefined;
  if (format.type !== 'number' && format.type !== 'percent') return undefined;
  const d = format.decimals ?? 2;
  const base = d > 0 ? `#,##0.${'0'.repeat(d)}` : '#,##0';
  return format.type === 'percent' ? `${base}"%"` : base;
}
