/** The chart kinds the copilot draws. 'table' means no chart: the table alone says it best. */
export type ChartKind = 'kpi' | 'line' | 'bar' | 'pie' | 'scatter' | 'table';

/** What a column holds, read from its values. */
export type ColumnKind = 'number' | 'date' | 'month' | 'text' | 'empty';

/** A result as every surface has it: column names and rows of values. */
export interface ChartData {
  columns: string[];
  rows: unknown[][];
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
