/** The typed query: what the semantic engine understood, before any SQL dialect is involved. */
import type { TimeBucket } from './time/index.js';

export interface ColumnRef {
  table: string;
  column: string;
}

export type Expr =
  | { kind: 'col'; col: ColumnRef }
  | { kind: 'minus'; a: ColumnRef; b: ColumnRef }
  /** whole days from `from` to `to`; 'today' is the as-of date */
  | { kind: 'days'; from: ColumnRef | 'today'; to: ColumnRef | 'today' };

export type Condition =
  | { kind: 'cmp'; col: ColumnRef; op: '=' | '<>' | '>' | '>=' | '<' | '<='; value: string | number }
  | { kind: 'in'; col: ColumnRef; values: (string | number)[]; negate?: boolean }
  | { kind: 'null'; col: ColumnRef; negate?: boolean }
  | { kind: 'colcmp'; col: ColumnRef; op: '=' | '<>' | '>' | '>=' | '<' | '<='; other: ColumnRef }
  | { kind: 'date'; col: ColumnRef; from?: string; to?: string }
  /** a per-row derived value compared ("settled more than 2 days late": whole days from value date to settled date > 2) */
  | { kind: 'exprcmp'; expr: Expr; op: '=' | '<>' | '>' | '>=' | '<' | '<='; value: number; col?: undefined }
  /** none of the conditions all hold: NOT (a AND b) */
  | { kind: 'not'; conds: Condition[]; col?: undefined };

/** A condition with the words the explanation uses for it. */
export interface LabelledCondition {
  cond: Condition;
  label: string;
}

export interface MeasureSpec {
  alias: string;
  label: string;
  agg: 'count' | 'count_distinct' | 'sum' | 'avg' | 'min' | 'max' | 'ratio';
  expr?: Expr;
  /** ratio: 100 * rows meeting `numerator` / rows meeting `denominator` (all rows when empty) */
  numerator?: Condition[];
  denominator?: Condition[];
  /**
   * A window over the groups' figure (count or sum only): 'share' = 100 * the group's figure / the figure over
   * all groups; 'running' = the figure added up over the time buckets in order (a running total).
   */
  window?: 'share' | 'running';
}

export type GroupSpec =
  | { kind: 'column'; col: ColumnRef; alias: string; label: string }
  | { kind: 'bucket'; col: ColumnRef; bucket: Exclude<TimeBucket, 'quarter' | 'year'>; alias: string; label: string }
  /** "this week vs last week": one row per named period (a CASE over the date, inclusive ISO bounds) */
  | { kind: 'period'; col: ColumnRef; periods: { from: string; to: string; label: string }[]; alias: string; label: string }
  /** "up to 5 days, 6 to 20, older": a CASE over a per-row value, ordered upper bounds, the last band open */
  | { kind: 'band'; expr: Expr; bands: { upper?: number; inclusive?: boolean; label: string }[]; alias: string; label: string; col?: undefined };

export interface TypedQuery {
  entity: string;
  table: string;
  entityLabel: string;
  /** aggregate: measures over groups; list: rows (display columns), possibly DISTINCT */
  shape: 'aggregate' | 'list';
  measures: MeasureSpec[];
  groupBy: GroupSpec[];
  listColumns: { col: ColumnRef; alias: string; label: string }[];
  distinct: boolean;
  where: LabelledCondition[];
  having?: { measure: number; op: '>' | '>=' | '<' | '<=' | '='; value: number };
  orderBy?: { expr: 'measure'; measure: number; dir: 'asc' | 'desc' } | { expr: 'column'; col: ColumnRef | Expr; dir: 'asc' | 'desc'; /** rows ranked by their date ("the oldest") */ byDate?: boolean };
  limit?: number;
  /**
   * A top N of groups that keeps every group tied with the Nth on the ranking measure (RANK, not an
   * arbitrary cut at N): asked for by the follow-up "include ties" after the answer said ties were left out.
   */
  withTies?: boolean;
  /**
   * Conditions across entities: the rows have (or, negated, have no) related rows of another entity that
   * meet `where` ("clients with open deals but no late payment"): [NOT] EXISTS, correlated
   * through `link`, the many-to-one steps from the related table to this query's table.
   */
  exists?: {
    table: string;
    link: { fromTable: string; fromColumn: string; toTable: string; toColumn: string }[];
    where: Condition[];
    negate: boolean;
    label: string;
    /**
     * "desks with no failed settlements": correlated on this column of the rows' table (the distinct
     * value listed), not on the key; the link's last table is joined again inside under its own alias
     */
    on?: ColumnRef;
  }[];
  /**
   * "top 3 products in each asset class": `limit` rows per value of the groups at these indexes (ROW_NUMBER);
   * for a listing ("the biggest pending payment for each team"), per value of `columns`
   */
  perGroup?: { partition: number[]; columns?: { col: ColumnRef; alias: string; label: string }[] };
  today: string;
  /** Plain English of the time restriction, e.g. "trade date from 2026-11-01 to 2026-11-20". */
  timeLabel?: string;
  /** Currency the amounts are in, when not the reporting one. */
  currency?: string;
}
