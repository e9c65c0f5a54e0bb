/**
 * The semantic query: what a question asks, in a training profile's own names (its entities,
 * measures, dimensions, named dates and named filters), before any table, join or SQL dialect.
 * Defined once here (zod); the API answer and `ask --format json` show it, the LLM engine is asked
 * for it (its JSON Schema is in the prompt), and semantic-resolve.ts turns it into the TypedQuery
 * the compiler reads, applying the profile's defaults (default filters, default date, labels).
 *
 * A field is named as the profile names it (fields.ts): a dimension ("counterparty"), an entity's
 * named date ("trades.trade date"), a measure's per-row value ("notional"), or, for a column the
 * profile only lists (display and filter columns), "<entity>.<column>".
 */
import { z } from 'zod';

const MAX_NAME = 120;
const MAX_TEXT = 200;
const MAX_LIST = 50;

const name = z.string().min(1).max(MAX_NAME);
const text = z.string().max(MAX_TEXT);
const field = name.describe('a field name from the profile: a dimension, "<entity>.<date label>", a measure name (its per-row value) or "<entity>.<column>"');
const scalar = z.union([z.string().max(MAX_TEXT), z.number().finite()]);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const cmpOp = z.enum(['=', '<>', '>', '>=', '<', '<=']);
const label = text.optional().describe('words for the explanation (default: from the profile)');
const alias = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'a plain identifier')
  .optional()
  .describe('the result column name (default: from the profile)');

/** A per-row value: a field, the difference of two fields, or whole days between two fields or "today" (the as-of date). */
export const semanticValueSchema = z.union([
  z.object({ field }).strict(),
  z.object({ minus: z.tuple([field, field]) }).strict(),
  z.object({ daysBetween: z.tuple([field, field]).describe('from, to: field names or "today"') }).strict(),
]);

const conditionShapes = [
  z.object({ filter: name.describe('a named filter of the profile'), label }).strict(),
  z.object({ field, op: cmpOp, value: scalar, label }).strict(),
  z.object({ of: semanticValueSchema.describe('a per-row value (e.g. days between two dates)'), op: cmpOp, value: z.number().finite(), label }).strict(),
  z.object({ field, in: z.array(scalar).min(1).max(MAX_LIST), negate: z.boolean().optional(), label }).strict(),
  z.object({ field, isNull: z.boolean(), label }).strict(),
  z.object({ field, op: cmpOp, otherField: field, label }).strict(),
  z
    .object({ field: field.optional().describe("a date field (default: the entity's default date)"), from: isoDate.optional(), to: isoDate.optional(), label })
    .strict()
    .refine((c) => c.from !== undefined || c.to !== undefined, 'a date range needs from or to'),
  z.object({ field: field.optional(), period: text.describe('a period in words relative to today, e.g. "last week", "this month", "yesterday"'), label }).strict(),
] as const;

export type SemanticCondition =
  | z.output<(typeof conditionShapes)[number]>
  | { not: SemanticCondition[]; label?: string };

/** A condition: a named filter, a comparison, a list, null, field against field, a date range or period, or "not all of". */
export const semanticConditionSchema: z.ZodType<SemanticCondition> = z.lazy(() =>
  z.union([...conditionShapes, z.object({ not: z.array(semanticConditionSchema).min(1).max(MAX_LIST), label }).strict()]),
);

const window = z.enum(['share', 'running']).optional().describe('share: % of the total over all groups; running: running total over the time buckets');

export const semanticMeasureSchema = z.union([
  z.object({ measure: name.describe('a measure of the profile'), as: alias, label, window }).strict(),
  z
    .object({ agg: z.enum(['count', 'count_distinct', 'sum', 'avg', 'min', 'max']), of: semanticValueSchema.optional().describe('the per-row value (not for count)'), as: alias, label, window })
    .strict(),
  z
    .object({
      ratio: z.object({ numerator: z.array(semanticConditionSchema).min(1).max(MAX_LIST), denominator: z.array(semanticConditionSchema).max(MAX_LIST) }).strict().describe('100 * rows meeting numerator / rows meeting denominator (all rows when empty)'),
      as: alias,
      label,
      window,
    })
    .strict(),
]);

const period = z.object({ from: isoDate, to: isoDate, label: text }).strict();
const band = z.object({ upper: z.number().finite().optional(), inclusive: z.boolean().optional(), label: text }).strict();

export const semanticGroupSchema = z.union([
  z.object({ field, as: alias, label }).strict(),
  z.object({ field, bucket: z.enum(['day', 'week', 'month']), as: alias, label }).strict(),
  z.object({ field, periods: z.array(period).min(2).max(12).describe('one row per period (e.g. this week vs last week)'), as: alias, label }).strict(),
  z.object({ value: semanticValueSchema, bands: z.array(band).min(2).max(12).describe('ordered upper bounds, the last band open'), as: alias, label }).strict(),
]);

const column = z.object({ field, as: alias, label }).strict();

export const semanticQuerySchema = z
  .object({
    entity: name.describe('the entity whose rows are counted or listed'),
    shape: z.enum(['aggregate', 'list']).default('aggregate').describe('aggregate: measures over groups; list: rows with columns'),
    measures: z.array(semanticMeasureSchema).max(12).default([]),
    groupBy: z.array(semanticGroupSchema).max(6).default([]),
    columns: z.array(column).max(20).default([]).describe('list: the columns shown (default: the entity display columns)'),
    distinct: z.boolean().optional(),
    where: z.array(semanticConditionSchema).max(MAX_LIST).default([]),
    defaultFilters: z.boolean().optional().describe("false: do not add the entity's default filters"),
    having: z.object({ measure: z.number().int().min(0), op: z.enum(['>', '>=', '<', '<=', '=']), value: z.number().finite() }).strict().optional().describe('a condition on a measure (index into measures) per group'),
    orderBy: z
      .union([
        z.object({ measure: z.number().int().min(0), dir: z.enum(['asc', 'desc']) }).strict(),
        z.object({ value: semanticValueSchema, dir: z.enum(['asc', 'desc']), byDate: z.boolean().optional() }).strict(),
      ])
      .optional(),
    limit: z.number().int().min(1).max(100000).optional(),
    exists: z
      .array(
        z
          .object({
            entity: name,
            where: z.array(semanticConditionSchema).max(MAX_LIST).default([]),
            negate: z.boolean().default(false),
            on: field.optional().describe("correlate on this field's value (a distinct value listed) rather than the rows themselves"),
            label,
          })
          .strict(),
      )
      .max(4)
      .optional()
      .describe('the rows have (negate: have no) related rows of another entity meeting where'),
    perGroup: z
      .object({ partition: z.array(z.number().int().min(0)).max(6).default([]).describe('indexes into groupBy'), columns: z.array(column).max(6).optional().describe('list: per value of these columns') })
      .strict()
      .optional()
      .describe('limit applies within each group (top N per group)'),
    currency: z.string().regex(/^[A-Z]{3}$/).optional().describe('amounts in this currency (native amounts)'),
    timeLabel: text.optional(),
  })
  .strict();

export type SemanticQuery = z.output<typeof semanticQuerySchema>;
export type SemanticQueryInput = z.input<typeof semanticQuerySchema>;
export type SemanticValue = z.output<typeof semanticValueSchema>;
export type SemanticMeasure = z.output<typeof semanticMeasureSchema>;
export type SemanticGroup = z.output<typeof semanticGroupSchema>;

let jsonSchema: Record<string, unknown> | undefined;
/** The semantic query's JSON Schema (for the LLM prompt and the OpenAPI document). */
export function semanticQueryJsonSchema(): Record<string, unknown> {
  jsonSchema ??= z.toJSONSchema(semanticQuerySchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return jsonSchema;
}
