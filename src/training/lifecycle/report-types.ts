/**
 * The shapes of the training reports (validation, diff, schema drift), free of any runtime
 * dependency so that the server, the CLI and the browser bundle (src/web) share one definition.
 */

export interface SchemaDrift {
  changed: boolean;
  tablesAdded: string[];
  tablesRemoved: string[];
  columnsAdded: { table: string; column: string; type: string }[];
  columnsRemoved: { table: string; column: string; type: string }[];
  typeChanged: { table: string; column: string; from: string; to: string }[];
}

export interface ValidationIssue {
  /** Stable kind: missing_column, missing_table, example_sql_refused, example_sql_failed, example_mismatch, example_not_answered, ambiguous_word, not_trained. */
  code: string;
  message: string;
}

export interface ExampleCheck {
  index: number;
  question: string;
  sql: string;
  /** The example's SQL: admitted by the guard and run, refused, or failed on the database. */
  sqlStatus: 'ok' | 'refused' | 'failed';
  sqlRows?: number;
  /** The engine's answer compared with the example's SQL. */
  engineStatus: 'match' | 'mismatch' | 'abstained' | 'refused' | 'error' | 'skipped';
  engineSql?: string;
  engineRows?: number;
  pass: boolean;
  message?: string;
}

export interface CoverageReport {
  tables: number;
  tablesDescribed: number;
  columns: number;
  columnsDescribed: number;
  /** Tables no entity or dimension describes. */
  undescribedTables: string[];
  /** table.column that no dimension, date, measure, filter or display names (keys excluded). */
  undescribedColumns: string[];
}

export interface ValidationReport {
  ok: boolean;
  validatedAt: string;
  validatedBy: string;
  /** The day relative questions of the examples were asked on. */
  today: string;
  summary: string;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  columns: { ok: boolean; checked: number; missing: { name: string; usedBy: string[]; suggestion?: string }[] };
  examples: ExampleCheck[];
  coverage: CoverageReport;
  ambiguities: { word: string; meanings: string[] }[];
}

export interface SectionDiff {
  added: string[];
  removed: string[];
  /** Items present in both whose definition differs, with the fields that differ (word lists are under `synonyms`). */
  changed: { name: string; fields: string[] }[];
}

export interface WordChange {
  /** e.g. "dimension 'desk'" or "value 'Failed' of dimension 'settlement_status'". */
  of: string;
  added: string[];
  removed: string[];
}

export interface VersionDiff {
  from: { id: string; version: number; contentHash: string };
  to: { id: string; version: number; contentHash: string };
  identical: boolean;
  entities: SectionDiff;
  dimensions: SectionDiff;
  measures: SectionDiff;
  filters: SectionDiff;
  joins: SectionDiff;
  vocabulary: SectionDiff;
  examples: SectionDiff;
  documents: SectionDiff;
  synonyms: WordChange[];
  values: { dimension: string; added: string[]; removed: string[] }[];
  schema: SchemaDrift;
}
