import { isObject, variantOf, wholeNumberLiteral, type JsonObject } from '../ast/json.js';
import type { Token } from '../lexers/types.js';
import type { CapResult, RowCapStrategy } from '../dialects/types.js';
import { findTopLevelWord, numberAt, replaceToken, structuralTokens, type Placed } from './edit.js';

const NOT_A_NUMBER = 'The row limit (LIMIT / FETCH) must be a plain whole number.';

interface Caps {
  limit?: { value: number; token: Placed };
  fetch?: { value: number; token: Placed };
}

/** Reads LIMIT n / LIMIT o, n / FETCH FIRST n ROWS of the outermost query, with where n is written. */
function readCaps(query: JsonObject, tokens: readonly Token[]): Caps | { reason: string } {
  const st = structuralTokens(tokens);
  const caps: Caps = {};
  const clause = query.limit_clause;
  const kind = variantOf(clause);
  const limitWord = findTopLevelWord(st, 'LIMIT');
  if (isObject(clause) && kind) {
    const inner = clause[kind];
    const limitExpr = isObject(inner) ? inner.limit : undefined;
    if (limitExpr !== null && limitExpr !== undefined) {
      const value = wholeNumberLiteral(limitExpr);
      if (value === undefined || limitWord < 0) return { reason: NOT_A_NUMBER };
      // LIMIT n [OFFSET m]  or  LIMIT m, n (SQLite: offset first)
      let at = limitWord + 1;
      if (kind === 'OffsetCommaLimit') {
        at = st.findIndex((t, i) => i > limitWord && t.depth === 0 && t.text === ',') + 1;
        if (at <= 0) return { reason: NOT_A_NUMBER };
      }
      const token = numberAt(st, at);
      if (!token || Number(token.text) !== value) return { reason: NOT_A_NUMBER };
      caps.limit = { value, token };
    } else if (limitWord >= 0) return { reason: NOT_A_NUMBER };
  } else if (limitWord >= 0) return { reason: NOT_A_NUMBER };

  const fetch = query.fetch;
  if (isObject(fetch)) {
    if (fetch.percent === true) return { reason: 'A row limit in percent cannot be capped; use a number of rows.' };
    const fetchWord = findTopLevelWord(st, 'FETCH');
    if (fetchWord < 0) return { reason: NOT_A_NUMBER };
    if (fetch.quantity === null || fetch.quantity === undefined) {
      // FETCH FIRST ROW ONLY: one row
      caps.fetch = { value: 1, token: st[fetchWord]! };
    } else {
      const value = wholeNumberLiteral(fetch.quantity);
      const token = numberAt(st, fetchWord + 2);
      if (value === undefined || !token || Number(token.text) !== value) return { reason: NOT_A_NUMBER };
      caps.fetch = { value, token };
    }
  }
  return caps;
}

/** SQLite and PostgreSQL: `LIMIT n` at the end of the outermost query. */
export const limitRowCap: RowCapStrategy = {
  currentCap(query, tokens) {
    const caps = readCaps(query, tokens);
    if ('reason' in caps) return caps;
    const values = [caps.limit?.value, caps.fetch?.value].filter((v): v is number => v !== undefined);
    return values.length ? Math.min(...values) : undefined;
  },
  apply(text, tokens, query, maxRows): CapResult {
    const caps = readCaps(query, tokens);
    if ('reason' in caps) return { ok: false, reason: caps.reason };
    let sql = text;
    // Edit from the end of the text backwards so earlier offsets stay valid.
    const edits = [caps.limit, caps.fetch]
      .filter((c): c is { value: number; token: Placed } => c !== undefined && c.value > maxRows && c.token.kind === 'number')
      .sort((a, b) => b.token.start - a.token.start);
    for (const e of edits) sql = replaceToken(sql, e.token, String(maxRows));
    if (!caps.limit && !caps.fetch) sql = `${text} LIMIT ${maxRows}`;
    return { ok: true, sql };
  },
};
