import type { ChartKind, ColumnFormat } from '../../charts/index.js';

/** One question of a report, as the renderers see it: what it says, its SQL, and a source of rows. */
export interface RenderSection {
  title: string;
  question: string;
  explanation: string;
  sql: string;
  columns: string[];
  /**
   * How each column is shown (the profile's label with its unit as the header, decimals, dates,
   * codes in words), when known: headers and cell formats of every file come from it.
   */
  formats?: ColumnFormat[];
  /**
   * The rows, pulled one at a time (backpressure): a renderer never holds them all, so memory
   * does not grow with the rows (the PDF keeps at most its table's row limit).
   */
  rows: () => AsyncIterable<unknown[]> | Iterable<unknown[]>;
  /** The chart kind chosen in the browser for this answer (PDF only; default: the automatic choice; KPI and table draw none). */
  chart?: { kind: ChartKind };
}

export interface RenderInput {
  title: string;
  intro?: string;
  /** "Data as of" stamp printed in every format. */
  asOf: string;
  /** More lines of the cover sheet (label, value), e.g. who downloaded it and the training version. */
  details?: [string, string][];
  sections: RenderSection[];
}

export type ReportFormat = 'csv' | 'xlsx' | 'pdf';
export const REPORT_FORMATS: readonly ReportFormat[] = ['csv', 'xlsx', 'pdf'];

/** A file a renderer wrote: its receipt fields. */
export interface RenderedFile {
  name: string;
  /** png: a dashboard's image (a report whose content is a dashboard). */
  format: ReportFormat | 'png';
  path: string;
  bytes: number;
  sha256: string;
  rows: number;
}
