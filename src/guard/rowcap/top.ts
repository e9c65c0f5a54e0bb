import { isObject, variantOf, wholeNumberLiteral, type Json, type JsonObject } from '../ast/json.js';
import type { Token } from '../lexers/types.js';
import type { CapResult, RowCapStrategy } from '../dialects/types.js';
import { findTopLevelWord, insertAt, numberAt, replaceToken, structuralTokens, type Placed } from './edit.js';

const NOT_A_NUMBER = 'The row limit (TOP / FETCH) must be a plain whole number.';

interface Caps {
  top?: { value: number; token: Placed };
  fetch?: { value: number; token: Placed };
  /** Where TOP (n) goes when there is none: after SELECT [ALL|DISTINCT] of a simple outermost select. */
  topInsertAt?: number;
  hasOffset: boolean;
  hasOrderBy: boolean;
}

function topQuantity(top: JsonObject): number | undefined {
  const q = top.quantity;
  if (!isObject(q)) return undefined;
  if (typeof q.Constant === 'number') return q.Constant;
  return wholeNumberLiteral(q.Expr as Json);
}

function readCaps(query: JsonObject, tokens: readonly Token[]): Caps | { reason: string } {
  const st = structuralTokens(tokens);
  const caps: Caps = { hasOffset: false, hasOrderBy: isObject(query.order_by) };
  const clause = query.limit_clause;
  const kind = variantOf(clause);
  if (isObject(clause) && kind) {
    const inner = clause[kind];
    if (isObject(inner) && inner.limit !== null && inner.limit !== undefined) return { reason: 'LIMIT is not SQL Server syntax; use TOP or OFFSET … FETCH.' };
    caps.hasOffset = isObject(inner) && inner.offset !== null && inner.offset !== undefined;
  }
  const body = isObject(query.body) ? query.body : undefined;
  const select = body && isObject(body.Select) ? body.Select : undefined;
  if (select) {
    const selectWord = findTopLevelWord(st, 'SELECT');
    if (selectWord < 0) return { reason: NOT_A_NUMBER };
    let after = selectWord + 1;
    if (['ALL', 'DISTINCT'].includes(st[after]?.text.toUpperCase() ?? '')) after++;
    if (isObject(select.top)) {
      if (select.top.percent === true) return { reason: 'TOP … PERCENT cannot be capped; use TOP with a number of rows.' };
      const value = topQuantity(select.top);
      if (st[after]?.text.toUpperCase() !== 'TOP') return { reason: NOT_A_NUMBER };
      const token = numberAt(st, after + 1);
      if (value === undefined || !token || Number(token.text) !== value) return { reason: NOT_A_NUMBER };
      caps.top = { value, token };
    } else {
      caps.topInsertAt = st[after - 1]!.end;
    }
  }
  const fetch = query.fetch;
  if (isObject(fetch)) {
    if (fetch.percent === true) return { reason: 'A row limit in percent cannot be capped; use a number of rows.' };
    const fetchWord = findTopLevelWord(st, 'FETCH');
    const value = wholeNumberLiteral(fetch.quantity);
    const token = fetchWord < 0 ? undefined : numberAt(st, fetchWord + 2);
    if (value === undefined || !token || Number(token.text) !== value) return { reason: NOT_A_NUMBER };
    caps.fetch = { value, token };
  }
  return caps;
}

/**
 * SQL Server: TOP (n) on a simple outermost SELECT; otherwise OFFSET 0 ROWS FETCH NEXT n ROWS
 * ONLY (a set operation, or a query that already has OFFSET), with ORDER BY 1 when the query
 * has no ORDER BY (FETCH needs one).
 */
export const topRowCap: RowCapStrategy = {
  currentCap(query, tokens) {
    const caps = readCaps(query, tokens);
    if ('reason' in caps) return caps;
    const values = [caps.top?.value, caps.fetch?.value].filter((v): v is number => v !== undefined);
    return values.length ? Math.min(...values) : undefined;
  },
  apply(text, tokens, query, maxRows): CapResult {
    const caps = readCaps(query, tokens);
    if ('reason' in caps) return { ok: false, reason: caps.reason };
    if (caps.top || caps.fetch) {
      let sql = text;
      const edits = [caps.top, caps.fetch]
        .filter((c): c is { value: number; token: Placed } => c !== undefined && c.value > maxRows)
        .sort((a, b) => b.token.start - a.token.start);
      for (const e of edits) sql = replaceToken(sql, e.token, String(maxRows));
      return { ok: true, sql };
    }
    if (caps.hasOffset) return { ok: true, sql: `${text} FETCH NEXT ${maxRows} ROWS ONLY` };
    if (caps.topInsertAt !== undefined) return { ok: true, sql: insertAt(text, caps.topInsertAt, ` TOP (${maxRows})`) };
    const orderBy = caps.hasOrderBy ? '' : ' ORDER BY 1';
    return { ok: true, sql: `${text}${orderBy} OFFSET 0 ROWS FETCH NEXT ${maxRows} ROWS ONLY` };
  },
};
