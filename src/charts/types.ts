/** The chart kinds the copilot draws. 'table' means no chart: the table alone says it best. */
export type ChartKind = 'kpi' | 'line' | 'bar' | 'pie' | 'scatter' | 'table';

/** What a column holds, read from its values. */
export type ColumnKind = 'number' | 'date' | 'month' | 'text' | 'empty';

/** A result as every surface has it: column names and rows of values. */
export interface ChartData {
  columns: string[];
  rows: unknown[][];
  /** How each column is shown (labels, units, decimals, codes), when the profile describes them. */
  formats?: (ColumnFormat | undefined)[];
}

/**
 * One chart description, independent of where it is drawn (browser, PDF, e-mail).
 * Columns are referred to by index into ChartData.columns.
 */
export interface ChartSpec {
  kind: ChartKind;
  /** The x axis / slice names / KPI label column (line, bar, pie), if any. */
  category?: number;
  /** Measure columns drawn as values (KPI: the one value; scatter: [x, y]). */
  measures: number[];
  /** Chart kinds this result can also be shown as, the chosen one first; always ends with 'table'. */
  options: ChartKind[];
  /** Why this kind was chosen, in plain English (for tooltips and logs). */
  reason: string;
}

/**
 * How one result column is shown, from the training profile (the server describes the columns of
 * an answer): its header with the unit, how its values are written, and what codes mean.
 */
export interface ColumnFormat {
  /** The result column this describes. */
  name: string;
  /** The header people read: the profile's label with its unit, e.g. "Notional (USD)", "Fail rate (%)". */
  label: string;
  /** measure: a figure; dimension: a category; time: a date or period; detail: a listed value. */
  role?: 'measure' | 'dimension' | 'time' | 'detail';
  /** number (with `decimals`), percent (a % sign), date (YYYY-MM-DD), text. */
  type?: 'number' | 'percent' | 'date' | 'text';
  /** Decimals every value of the column is written with (numbers and percents). */
  decimals?: number;
  /** The unit of a figure (USD, days), also in `label`. */
  unit?: string;
  /** Codes and flags -> the profile's words for them (1 -> "Cleared", 0 -> "Bilateral"). */
  values?: Record<string, string>;
}
