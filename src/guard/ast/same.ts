import { isObject, type Json, type JsonObject } from './json.js';

/**
 * Keys a row-cap clause may hold for the fast recheck to vouch for it: number literals and the
 * shape of LIMIT / OFFSET / FETCH / TOP / ORDER BY 1, nothing that names a table, column,
 * function or subquery. Anything else sends the capped text through the full judgement.
 */
const CAP_KEYS = new Set([
  'LimitOffset', 'OffsetCommaLimit', 'limit', 'offset', 'limit_by', 'Value', 'value', 'Number', 'rows', 'with_ties',
  'percent', 'quantity', 'Expr', 'Constant', 'kind', 'Expressions', 'expr', 'options', 'asc', 'nulls_first', 'with_fill',
  'interpolate', 'span', 'start', 'end', 'line', 'column',
]);

/** Where (from the outermost Query node) a row-cap edit may change the AST. */
const CAP_PATHS: ReadonlyArray<readonly string[]> = [['limit_clause'], ['fetch'], ['order_by'], ['body', 'Select', 'top']];

/** Whether `node` is made only of literals and cap-clause shape (see CAP_KEYS). */
export function onlyCapLiterals(node: Json | undefined): boolean {
  if (node === null || node === undefined || typeof node !== 'object') return true;
  if (Array.isArray(node)) return node.every(onlyCapLiterals);
  for (const key of Object.keys(node)) {
    if (!CAP_KEYS.has(key) || !onlyCapLiterals(node[key])) return false;
  }
  return true;
}

/** Deep equality of two parser outputs, source positions (`span`) ignored. */
export function sameAst(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameAst(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!(k in b)) return false;
    if (k !== 'span' && !sameAst(a[k], b[k])) return false;
  }
  return true;
}

function equalExceptCap(a: Json | undefined, b: Json | undefined, paths: ReadonlyArray<readonly string[]>, depth: number): boolean {
  if (!isObject(a) || !isObject(b)) return sameAst(a, b);
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!(k in b)) return false;
    if (k === 'span') continue;
    const here = paths.filter((p) => p[depth] === k);
    if (here.some((p) => p.length === depth + 1)) {
      // A cap clause: unchanged, or (in the capped text) literals only.
      if (!sameAst(a[k], b[k]) && !onlyCapLiterals(b[k])) return false;
    } else if (here.length > 0) {
      if (!equalExceptCap(a[k], b[k], here, depth + 1)) return false;
    } else if (!sameAst(a[k], b[k])) return false;
  }
  return true;
}

/**
 * Whether the capped query `after` is the judged query `before` with only its row-cap clauses
 * (LIMIT / OFFSET / FETCH / TOP, an added ORDER BY 1) changed, and changed to literals only. Then
 * every AST check that admitted `before` admits `after`: they differ only in number literals
 * that name nothing and call nothing.
 */
export function sameQueryExceptCap(before: JsonObject, after: JsonObject): boolean {
  return equalExceptCap(before, after, CAP_PATHS, 0);
}
