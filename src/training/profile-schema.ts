/**
 * The training profile's shape: the semantic model a bank's team hands over in YAML
 * (profiles/<name>/*.yaml). Validated with zod so a mistake is reported with its file and path.
 */
import { z } from 'zod';

const words = z.array(z.string().min(1)).default([]);
const ident = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier (letters, digits, _)');
/** A column of the entity's table, or table.column of a table reached through foreign keys. */
const columnRef = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/, 'must be column or table.column');

export const dateColumnSchema = z.object({
  column: ident,
  label: z.string().min(1),
  words,
});

export const entitySchema = z.object({
  table: ident,
  label: z.string().min(1),
  words,
  display: z.array(columnRef).min(1, 'needs at least one display column'),
  defaultDate: ident.optional(),
  dates: z.array(dateColumnSchema).default([]),
  defaultFilters: z.array(ident).default([]),
  amount: z.object({ usd: ident.optional(), native: ident.optional() }).optional(),
  currencyColumn: ident.optional(),
});

export const dimensionSchema = z.object({
  name: ident,
  table: ident,
  column: ident,
  label: z.string().min(1),
  words,
  values: z
    .object({
      index: z.boolean().default(true),
      caseSensitive: z.boolean().default(false),
      currency: z.boolean().default(false),
      synonyms: z.record(z.string(), z.array(z.string().min(1))).default({}),
      aliases: z.array(ident).default([]),
      /**
       * a lookup table that describes the codes ("IRS" -> 'Interest Rate Swap'): its rows whose `key`
       * equals the code (and whose `where` columns hold the given values, e.g. a status domain) give
       * the description, learned from the database, that names the code and explains it
       */
      describedBy: z
        .object({ table: ident, key: ident, label: ident, where: z.record(ident, z.union([z.string(), z.number()])).default({}) })
        .optional(),
      order: z.array(z.string()).optional(),
      /**
       * names people shorten to one distinctive word: 'first' (or true) = the first word of a name
       * ("Northbridge" -> 'Northbridge Capital'), 'any' = any word, for people ("Garcia" -> 'Maria Garcia')
       */
      partial: z.union([z.boolean(), z.enum(['first', 'any'])]).default(false),
      /** identifiers too many to index, recognised by their shape (a regular expression), e.g. trade references */
      pattern: z
        .string()
        .refine((p) => {
          try {
            new RegExp(p);
            return true;
          } catch {
            return false;
          }
        }, 'must be a valid regular expression')
        .optional(),
    })
    .optional(),
});

export const exprSchema = z.union([
  z.object({ column: ident }).strict(),
  z.object({ minus: z.tuple([ident, ident]) }).strict(),
  z.object({ daysBetween: z.tuple([ident, ident]) }).strict(),
  z.object({ ageDays: ident }).strict(),
]);

export const measureSchema = z
  .object({
    name: ident,
    entity: ident,
    label: z.string().min(1),
    words,
    agg: z.enum(['count', 'count_distinct', 'sum', 'avg', 'min', 'max', 'ratio']),
    expr: exprSchema.optional(),
    native: exprSchema.optional(),
    requires: z.array(ident).default([]),
    date: ident.optional(),
    ratio: z.object({ numerator: ident, denominator: z.array(ident).default([]) }).optional(),
    unit: z.string().optional(),
  })
  .superRefine((m, ctx) => {
    if (m.agg === 'ratio' && !m.ratio) ctx.addIssue({ code: 'custom', message: 'a ratio measure needs ratio: {numerator, denominator}', path: ['ratio'] });
    if (['sum', 'avg', 'min', 'max', 'count_distinct'].includes(m.agg) && !m.expr) ctx.addIssue({ code: 'custom', message: `agg ${m.agg} needs expr`, path: ['expr'] });
  });

export const conditionSchema = z.union([
  z
    .object({
      column: ident,
      op: z.enum(['=', '<>', 'in', 'not in', '>', '>=', '<', '<=', 'is null', 'is not null']),
      value: z.union([z.string(), z.number()]).optional(),
      values: z.array(z.union([z.string(), z.number()])).optional(),
      otherColumn: ident.optional(),
    })
    .strict()
    .superRefine((c, ctx) => {
      if ((c.op === 'in' || c.op === 'not in') && !c.values) ctx.addIssue({ code: 'custom', message: `op '${c.op}' needs values: [...]`, path: ['values'] });
      if (!['in', 'not in', 'is null', 'is not null'].includes(c.op) && c.value === undefined && c.otherColumn === undefined)
        ctx.addIssue({ code: 'custom', message: `op '${c.op}' needs value or otherColumn`, path: ['value'] });
    }),
  z.object({ column: ident, olderThanDays: z.number().int().nonnegative() }).strict(),
]);

export const filterSchema = z.object({
  name: ident,
  entity: ident,
  label: z.string().min(1),
  words,
  where: z.array(conditionSchema).min(1, 'needs at least one condition'),
  implies: z.boolean().default(false),
});

export const vocabularySchema = z.object({
  valueIndex: z.object({ maxDistinct: z.number().int().positive().default(2000), readLimit: z.number().int().positive().default(5000) }).default({ maxDistinct: 2000, readLimit: 5000 }),
  currency: z
    .object({
      reporting: z.string().min(3).max(3),
      reportingWords: words,
      names: z.record(z.string(), z.array(z.string().min(1))).default({}),
    })
    .optional(),
  ignore: words,
  /** short forms people write inside names (word -> abbreviations), e.g. management: [mgmt, am] */
  abbreviations: z.record(z.string(), z.array(z.string().min(1))).default({}),
  /** words read as their verb form after an auxiliary ("did we book" -> booked) */
  verbs: z.record(z.string(), z.string().min(1)).default({}),
  unsupported: z.array(z.object({ what: z.string().min(1), words })).default([]),
  writeVerbs: words,
});

export const exampleSchema = z.object({
  question: z.string().min(3),
  sql: z.string().min(6),
  /**
   * The day the question was asked (YYYY-MM-DD): its relative dates ("yesterday", "last week")
   * and the dates in its SQL belong to that day, so validation asks it as of then. Without it,
   * the question is asked as of the validation's date.
   */
  asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').optional(),
  /**
   * The same query in another database's SQL, where `sql` uses what only one database has (date
   * arithmetic, week starts): validation runs the SQL of the datasource's dialect, and the model's
   * context shows it. Each must return what `sql` returns there.
   */
  sqlFor: z.object({ sqlite: z.string().min(6), postgres: z.string().min(6), mssql: z.string().min(6) }).partial().strict().optional(),
});

export const joinSchema = z.object({
  from: z.string().regex(/^\w+\.\w+$/, 'must be table.column'),
  to: z.string().regex(/^\w+\.\w+$/, 'must be table.column'),
});

export const profileSchema = z.object({
  name: z.string().min(1),
  description: z.string().default(''),
  /** The as-of date the examples' SQL was written for: validation answers the example questions as of this date. */
  examplesAsOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD').optional(),
  joins: z.array(joinSchema).default([]),
  entities: z.record(ident, entitySchema),
  dimensions: z.array(dimensionSchema).default([]),
  measures: z.array(measureSchema).default([]),
  filters: z.array(filterSchema).default([]),
  vocabulary: vocabularySchema.default({} as never),
  examples: z.array(exampleSchema).default([]),
  documents: z.array(z.object({ name: z.string(), text: z.string() })).default([]),
});

export type Profile = z.output<typeof profileSchema>;
export type EntityDef = z.output<typeof entitySchema>;
export type DimensionDef = z.output<typeof dimensionSchema>;
export type MeasureDef = z.output<typeof measureSchema>;
export type FilterDef = z.output<typeof filterSchema>;
export type ConditionDef = z.output<typeof conditionSchema>;
export type ExprDef = z.output<typeof exprSchema>;
export type VocabularyDef = z.output<typeof vocabularySchema>;
export type ExampleDef = z.output<typeof exampleSchema>;

/** An example's SQL for a database dialect: its `sqlFor` entry when it has one, else `sql`. */
export function exampleSql(ex: Pick<ExampleDef, 'sql' | 'sqlFor'>, dialect: 'sqlite' | 'postgres' | 'mssql'): string {
  return ex.sqlFor?.[dialect] ?? ex.sql;
}

/** Which top-level keys each profile file may hold (file -> keys), for error messages. */
export const PROFILE_FILES: Record<string, string[]> = {
  'profile.yaml': ['name', 'description', 'examplesAsOf', 'joins'],
  'entities.yaml': ['entities'],
  'dimensions.yaml': ['dimensions'],
  'measures.yaml': ['measures'],
  'filters.yaml': ['filters'],
  'vocabulary.yaml': ['vocabulary', 'valueIndex', 'currency', 'ignore', 'unsupported', 'writeVerbs'],
  'examples.yaml': ['examples'],
};
