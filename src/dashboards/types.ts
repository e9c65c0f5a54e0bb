/**
 * What a dashboard and its widgets are: chart settings, KPI thresholds, refresh policies, filters
 * and the grid layout, validated with zod (the routes take their JSON schemas from these).
 */
import { z } from 'zod';

export const CHART_TYPES = ['bar', 'stacked-bar', 'line', 'area', 'pie', 'scatter', 'kpi', 'table'] as const;
export type WidgetChartType = (typeof CHART_TYPES)[number];

const column = z.string().min(1).max(128);
const colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb');

/**
 * A KPI's bands. 'higher-is-worse' (fails, breaks): green below `amber`, amber from `amber`,
 * red from `red`. 'higher-is-better' (match rate): red below `red`, amber below `amber`, green above.
 */
export const thresholdsSchema = z
  .object({
    direction: z.enum(['higher-is-worse', 'higher-is-better']),
    amber: z.number().finite(),
    red: z.number().finite(),
  })
  .strict()
  .refine((t) => (t.direction === 'higher-is-worse' ? t.red >= t.amber : t.red <= t.amber), {
    message: 'higher-is-worse needs red >= amber; higher-is-better needs red <= amber',
    path: ['red'],
  });
export type KpiThresholds = z.output<typeof thresholdsSchema>;

export const widgetChartSchema = z
  .object({
    type: z.enum(CHART_TYPES),
    /** The category (x) column; default: the first text or date column of the result. */
    x: column.optional(),
    /** The measure columns drawn as values; default: every numeric column. */
    y: z.array(column).min(1).max(8).optional(),
    /** A column whose values become the series (one line or bar stack per value). */
    series: column.optional(),
    /** Series colours in order; default: the product's palette. */
    colors: z.array(colour).min(1).max(12).optional(),
    thresholds: thresholdsSchema.optional(),
    /** KPI: show the change against the previous period of the same length. */
    trend: z.boolean().optional(),
  })
  .strict();
export type WidgetChart = z.output<typeof widgetChartSchema>;

const at = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time as HH:MM');
export const refreshSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('manual') }).strict(),
  z.object({ mode: z.literal('every'), minutes: z.number().int().min(1).max(1440) }).strict(),
  z
    .object({
      mode: z.literal('daily'),
      at,
      timeZone: z.string().min(1).max(64),
      /** Holiday calendars (TARGET2, US-FED, UK-EW, custom:NAME). */
      holidays: z.array(z.string().min(1).max(64)).max(10).optional(),
      businessDaysOnly: z.boolean().optional(),
    })
    .strict(),
  /** Re-run when a change probe of one of its tables sees new data; pushed over Server-Sent Events. */
  z.object({ mode: z.literal('realtime') }).strict(),
]);
export type RefreshPolicy = z.output<typeof refreshSchema>;

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const values = z.array(z.string().min(1).max(200)).min(1).max(50);
/** The filter bar: a date range, counterparties, desks, currencies (each applied where a widget has it). */
export const filtersSchema = z
  .object({
    from: date.optional(),
    to: date.optional(),
    counterparty: values.optional(),
    desk: values.optional(),
    currency: values.optional(),
  })
  .strict()
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: 'from must not be after to', path: ['to'] });
export type DashboardFilters = z.output<typeof filtersSchema>;
export const FILTER_DIMENSIONS = ['counterparty', 'desk', 'currency'] as const;
export type FilterDimension = (typeof FILTER_DIMENSIONS)[number];

export const layoutItemSchema = z
  .object({
    i: z.string().min(1).max(64),
    x: z.number().int().min(0).max(100),
    y: z.number().int().min(0).max(10_000),
    w: z.number().int().min(1).max(24),
    h: z.number().int().min(1).max(100),
  })
  .strict();
export type LayoutItem = z.output<typeof layoutItemSchema>;
export const layoutSchema = z.array(layoutItemSchema).max(200);

export const SHARE_ROLES = ['viewer', 'analyst', 'admin', 'auditor'] as const;
export const sharingSchema = z
  .object({
    roles: z.array(z.enum(SHARE_ROLES)).max(4),
    users: z.array(z.string().min(1).max(100)).max(200),
  })
  .strict();
export type Sharing = z.output<typeof sharingSchema>;

/** A widget's last good result. */
export interface WidgetResult {
  columns: string[];
  rows: unknown[][];
  rowCount: number;
  truncated: boolean;
  /** KPI with trend: the figure of the previous period of the same length. */
  previous?: { value: number | null; from: string; to: string };
}

export interface Widget {
  id: string;
  dashboardId: string;
  savedId: string;
  title: string;
  chart: WidgetChart;
  refresh: RefreshPolicy;
  scheduleId: string | null;
  result: WidgetResult | null;
  /** When the last good result was read (ISO). */
  dataAsOf: string | null;
  sql: string | null;
  resultVersion: string | null;
  error: { message: string; code: string; at: string } | null;
  lastRefreshMs: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface Dashboard {
  id: string;
  name: string;
  owner: string;
  layout: LayoutItem[];
  filters: DashboardFilters;
  sharing: Sharing;
  createdAt: string;
  updatedAt: string;
}

export interface NewWidget {
  savedId: string;
  title?: string;
  chart: WidgetChart;
  refresh?: RefreshPolicy;
  /** Where it goes on the grid; default: below the others, half the width. */
  position?: Omit<LayoutItem, 'i'>;
}
