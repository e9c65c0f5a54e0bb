/**
 * Conditions across entities: "clients with open deals but no late payment this quarter",
 * "how many deals have no signed confirmation", "books with no deals in the last 5 days",
 * "clients that have both a pending break and an unpaid call".
 * The question is split, in plain English, into its rows ("clients", "how many deals") and
 * one or more clauses about related rows ("open deals", "no late payment this quarter"). Each piece is
 * understood by the engine on its own (so defaults, filters and periods are the usual ones), and the
 * clauses become [NOT] EXISTS over the related rows, joined many-to-one into the rows asked about.
 */
import { readAsked } from './asked.js';
import type { EngineModel } from './model.js';
import type { Condition, TypedQuery } from './query.js';
import { colsOf } from './query-parts.js';
import { parseTimeExpressions } from './time/index.js';

type Understand = (question: string) => { status: 'query'; query: TypedQuery } | { status: string };

const CONNECTOR = /^(.+?)\s+(?:(?:that|which|who)\s+)?(have had|has had|have got|have|has|had|without|with|having)\s+(.+)$/i;
const NEGATION = /^(?:no|never had an?|never had any|never had|never|not had any|not any|without any|without)\s+/i;
const ARTICLE = /^(?:an?|any|some|at least one|one or more)\s+/i;

export function readExists(question: string, today: string, m: EngineModel, understand: Understand): TypedQuery | undefined {
  const text = question.trim().replace(/[?.!]+$/, '');
  const mc = CONNECTOR.exec(text);
  if (!mc) return undefined;
  const base = mc[1]!.trim();
  // "desks without settlement fails": "with no"
  let rest = mc[2]!.toLowerCase() === 'without' ? `no ${mc[3]!.trim()}` : mc[3]!.trim();
  const both = /^(both|either)\s+/i.test(rest);
  rest = rest.replace(/^(both|either)\s+/i, '');
  // "live trades cleared at both LCH and CME": one clause per value, the words around them shared
  const inner = both ? undefined : /^(.+?)\s+(?:at|with|in|on|through|via)?\s*both\s+(\S+)\s+and\s+(\S+)(\s.*)?$/i.exec(rest);
  const parts = inner
    ? [inner[2]!, inner[3]!].map((v) => `${rest.slice(0, inner.index + inner[0].indexOf('both')).trim()} ${v}${inner[4] ?? ''}`.trim())
    : rest.split(/\s+(?:but also|but|and also|and)\s+/i).map((p) => p.trim()).filter(Boolean);
  if (!parts.length || parts.length > 3) return undefined;
  // "both a break and a late payment in the last 10 days": the period closing the list holds for each
  const tail = (p: string) => {
    const tm = parseTimeExpressions(p, today).filter((t) => t.range);
    const last = tm[tm.length - 1];
    return last && last.end >= p.length - 1 ? last.text : undefined;
  };
  const closing = both ? tail(parts[parts.length - 1]!) : undefined;

  // the rows asked about: a count, or a listing of them
  const counting = /^(how many|number of|count of|count)\b/i.test(base);
  const bq = understand(counting ? base : /^(which|what|list|show)\b/i.test(base) ? base : `which ${base}`);
  if (bq.status !== 'query') return undefined;
  const q = (bq as { query: TypedQuery }).query;
  if (q.groupBy.length || q.having || q.exists?.length || q.limit !== undefined) return undefined;
  if (counting ? !(q.shape === 'aggregate' && q.measures.length === 1 && q.measures[0]!.agg === 'count') : q.shape !== 'list') return undefined;
  const table = q.table;
  // a listing must be of the rows themselves (their display columns): "desks" of books is not one row per desk
  const e = m.entities.get(q.entity)!;
  const own = (c: string) => (c.includes('.') ? c : `${q.table}.${c}`);
  // "desks with no failed settlements": the distinct values of one of its columns, each correlated on its value
  const single = q.listColumns.length === 1 ? q.listColumns[0]!.col : undefined;
  const on = q.shape === 'list' && q.distinct && single?.table === table && !e.display.map(own).includes(`${single.table}.${single.column}`) ? single : undefined;
  if (q.shape === 'list' && !on && !q.listColumns.every((l) => e.display.map(own).includes(`${l.col.table}.${l.col.column}`))) return undefined;

  const exists: NonNullable<TypedQuery['exists']> = [];
  for (let p of parts) {
    const negate = NEGATION.test(p);
    p = p.replace(NEGATION, '').replace(ARTICLE, '').replace(/\s+at all$/i, '').trim();
    if (closing && !tail(p)) p = `${p} ${closing}`;
    const cr = understand(`how many ${p}`);
    if (cr.status !== 'query') return undefined;
    const c = (cr as { query: TypedQuery }).query;
    if (c.shape !== 'aggregate' || c.groupBy.length || c.having || c.exists?.length || c.measures.length !== 1 || c.measures[0]!.agg !== 'count') return undefined;
    if (c.entity === q.entity || c.currency) return undefined;
    // the clause must name the related rows ("open deals", "a late payment"), not only an amount of them
    // ("more than 1bn of live notional" is a total per parent, not the existence of one row)
    const named = readAsked(m, p, today).items.some((it) => it.senses.some((x) => (x.kind === 'entity' && x.entity === c.entity) || (x.kind === 'filter' && x.entity === c.entity && !!m.filters.get(x.filter)?.implies)));
    if (!named) return undefined;
    const link = m.paths.get(c.entity)?.get(table);
    if (!link?.length) return undefined;
    // correlated on a value, the rows' own table is joined again inside: a condition on it would read the outer one
    if (on && c.where.some((w) => condTables(w.cond).includes(table))) return undefined;
    exists.push({ table: c.table, link, where: c.where.map((w) => w.cond), negate, ...(on ? { on } : {}), label: `${negate ? 'no' : 'some'} ${c.entityLabel}${c.where.length ? ` (${c.where.map((w) => w.label).join(', ')})` : ''}` });
  }
  return { ...q, exists, distinct: q.shape === 'list' ? true : q.distinct };
}

/** The tables a condition reads. */
function condTables(c: Condition): string[] {
  if (c.kind === 'exprcmp') return colsOf(c).map((k) => k.slice(0, k.indexOf('.')));
  return c.kind === 'not' ? c.conds.flatMap(condTables) : c.kind === 'colcmp' ? [c.col.table, c.other.table] : [c.col.table];
}
