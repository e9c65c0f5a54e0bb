/**
 * The JSON schema of what was understood (the semantic engine's TypedQuery, src/nl2sql/semantic/
 * query.ts) as the API answers it: it documents the shape in the OpenAPI document and lets the
 * response serializer write it. Objects accept further properties, so a field the engine adds is
 * passed through rather than dropped; the pipeline's tests compare the API's `understood` with the
 * engine's own typed query, so a drift between the two shows.
 */
const columnRef = {
  type: 'object',
  description: 'A column of a table of the datasource.',
  required: ['table', 'column'],
  properties: { table: { type: 'string' }, column: { type: 'string' } },
  additionalProperties: false,
} as const;

/** A column, a difference of two columns, or whole days between two columns or the as-of date. */
const expr = {
  type: 'object',
  required: ['kind'],
  properties: {
    kind: { type: 'string', enum: ['col', 'minus', 'days'] },
    col: columnRef,
    a: columnRef,
    b: columnRef,
    from: { description: "a column, or 'today' (the as-of date)" },
    to: { description: "a column, or 'today' (the as-of date)" },
  },
  additionalProperties: true,
} as const;

const condition = {
  type: 'object',
  description: 'A filter: compare, in a list, null, column against column, date range, or none of several conditions (not).',
  required: ['kind'],
  properties: {
    kind: { type: 'string', enum: ['cmp', 'in', 'null', 'colcmp', 'date', 'exprcmp', 'not'] },
    expr: { type: 'object', description: 'exprcmp: the per-row value compared', additionalProperties: true },
    col: columnRef,
    op: { type: 'string' },
    value: { type: ['string', 'number'] },
    values: { type: 'array', items: { type: ['string', 'number'] } },
    negate: { type: 'boolean' },
    other: columnRef,
    from: { type: 'string', description: 'inclusive ISO date' },
    to: { type: 'string', description: 'inclusive ISO date' },
    conds: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
  additionalProperties: true,
} as const;

const measure = {
  type: 'object',
  required: ['alias', 'label', 'agg'],
  properties: {
    alias: { type: 'string' },
    label: { type: 'string' },
    agg: { type: 'string', description: 'count, count_distinct, sum, avg, min, max or ratio' },
    expr,
    numerator: { type: 'array', items: condition },
    denominator: { type: 'array', items: condition },
  },
  additionalProperties: true,
} as const;

const group = {
  type: 'object',
  description: 'A column, a time bucket of a date, or named periods compared as rows.',
  required: ['kind', 'alias', 'label'],
  properties: {
    kind: { type: 'string', enum: ['column', 'bucket', 'period'] },
    col: columnRef,
    bucket: { type: 'string' },
    periods: {
      type: 'array',
      items: { type: 'object', required: ['from', 'to', 'label'], properties: { from: { type: 'string' }, to: { type: 'string' }, label: { type: 'string' } }, additionalProperties: true },
    },
    alias: { type: 'string' },
    label: { type: 'string' },
  },
  additionalProperties: true,
} as const;

export const understoodQuerySchema = {
  type: 'object',
  description: 'What the semantic engine understood of the question, before any SQL dialect: the typed query the SQL was compiled from.',
  required: ['entity', 'table', 'entityLabel', 'shape', 'measures', 'groupBy', 'listColumns', 'distinct', 'where', 'today'],
  properties: {
    entity: { type: 'string' },
    table: { type: 'string' },
    entityLabel: { type: 'string' },
    shape: { type: 'string', enum: ['aggregate', 'list'] },
    measures: { type: 'array', items: measure },
    groupBy: { type: 'array', items: group },
    listColumns: {
      type: 'array',
      items: { type: 'object', required: ['col', 'alias', 'label'], properties: { col: columnRef, alias: { type: 'string' }, label: { type: 'string' } }, additionalProperties: true },
    },
    distinct: { type: 'boolean' },
    where: {
      type: 'array',
      items: { type: 'object', required: ['cond', 'label'], properties: { cond: condition, label: { type: 'string' } }, additionalProperties: true },
    },
    having: {
      type: 'object',
      description: 'A condition on a measure per group (index into measures).',
      properties: { measure: { type: 'integer' }, op: { type: 'string' }, value: { type: 'number' } },
      additionalProperties: true,
    },
    orderBy: {
      type: 'object',
      properties: { expr: { type: 'string', enum: ['measure', 'column'] }, measure: { type: 'integer' }, col: { type: 'object', additionalProperties: true }, dir: { type: 'string', enum: ['asc', 'desc'] } },
      additionalProperties: true,
    },
    limit: { type: 'integer' },
    today: { type: 'string', description: 'the as-of date the relative dates were resolved against' },
    timeLabel: { type: 'string' },
    currency: { type: 'string' },
  },
  additionalProperties: true,
} as const;
