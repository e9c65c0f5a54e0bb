/** Functions every dialect may call: aggregates, plain scalar helpers and window functions (lower case). */
export const COMMON_FUNCTIONS: ReadonlySet<string> = new Set([
  // aggregates
  'count', 'sum', 'avg', 'min', 'max',
  // null handling and conversion
  'coalesce', 'nullif', 'cast',
  // numbers
  'round', 'abs', 'floor', 'ceiling', 'ceil', 'sign', 'power', 'sqrt',
  // text
  'upper', 'lower', 'trim', 'ltrim', 'rtrim', 'length', 'substr', 'substring', 'replace',
  // dates every dialect spells the same
  'current_date', 'current_timestamp',
  // window functions
  'row_number', 'rank', 'dense_rank', 'lag', 'lead', 'ntile', 'first_value', 'last_value', 'percent_rank', 'cume_dist',
]);
