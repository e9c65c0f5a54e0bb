/**
 * Buckets of a per-row value: "pending items by age: up to 5 days, 6 to 20, older", "live trades by
 * notional size: under 10m, 5m to 50m, 50m and above". The question is split into its figure and rows
 * ("open exceptions"), the value banded (a measure of the rows, "days since <date>", "days to <date>") and
 * the list of bands, read as ordered upper bounds with a last open band. The rows' figure is then grouped
 * by a CASE over the value (GroupSpec 'band'). Plain English only; names come from the profile.
 */
import { normPhrase } from '../../training/index.js';
import { condOf, toExpr } from './coverage.js';
import type { EngineModel } from './model.js';
import type { Expr, GroupSpec, TypedQuery } from './query.js';

type Understand = (question: string) => { status: 'query'; query: TypedQuery } | { status: string };
type Band = Extract<GroupSpec, { kind: 'band' }>['bands'][number];

const NUM = String.raw`(\d+(?:\.\d+)?)\s*(k|m|mm|mn|bn|b|%)?`;
const SCALE: Record<string, number> = { k: 1e3, m: 1e6, mm: 1e6, mn: 1e6, bn: 1e9, b: 1e9 };
const num = (v: string, unit?: string) => Number(v) * (unit && SCALE[unit.toLowerCase()] ? SCALE[unit.toLowerCase()]! : 1);

/** One band's text -> its upper bound (undefined: the last, open band). null: not a band. */
function readBand(raw: string): { upper?: number; lower?: number; inclusive: boolean; open?: boolean } | null {
  const t = raw.toLowerCase().replace(/^(same day|on the day|today or earlier|today|same-day)$/, '0').replace(/\ba week\b/g, '7 days').replace(/\ba month\b/g, '30 days').replace(/\bdays?\b/g, '').replace(/\s+/g, ' ').trim();
  let mt: RegExpExecArray | null;
  if (/^(same day|today|today or earlier|on the day|0)$/.test(t)) return { upper: 0, inclusive: true };
  if ((mt = new RegExp(`^(?:up to|within|at most|no more than|max)\\s+${NUM}$`).exec(t))) return { upper: num(mt[1]!, mt[2]), inclusive: true };
  if ((mt = new RegExp(`^${NUM}\\s+(?:or less|or fewer|and under|or under|and below|or below)$`).exec(t))) return { upper: num(mt[1]!, mt[2]), inclusive: true };
  if ((mt = new RegExp(`^(?:under|below|less than|fewer than|lower than)\\s+${NUM}$`).exec(t))) return { upper: num(mt[1]!, mt[2]), inclusive: false };
  if ((mt = new RegExp(`^${NUM}\\s*(?:-|–|to)\\s*${NUM}$`).exec(t))) {
    const unit = mt[4] ?? mt[2];
    return { lower: num(mt[1]!, mt[2] ?? unit), upper: num(mt[3]!, unit), inclusive: true };
  }
  if ((mt = new RegExp(`^${NUM}$`).exec(t))) return { upper: num(mt[1]!, mt[2]), inclusive: true };
  if ((mt = new RegExp(`^(?:more than|over|above|greater than|beyond)\\s+${NUM}$`).exec(t))) return { lower: num(mt[1]!, mt[2]), open: true, inclusive: false };
  if ((mt = new RegExp(`^${NUM}\\s*(?:and above|and over|or more|and more|and up|\\+|or above|plus)$`).exec(t))) return { lower: num(mt[1]!, mt[2]), open: true, inclusive: true };
  if (/^(older|later|longer|further|further out|more|the rest|beyond|after that|anything else)$/.test(t)) return { open: true, inclusive: false };
  return null;
}

/** The bands, checked: increasing upper bounds, one open band last. */
export function readBands(list: string): Band[] | undefined {
  const parts = list.split(/\s*,\s*(?:and\s+)?|\s+and\s+(?!above|over|up|more|below|under|less|fewer)(?=[a-z0-9])/i).map((p) => p.trim()).filter(Boolean);
  if (parts.length < 2) return undefined;
  const read = parts.map(readBand);
  if (read.some((b) => b === null)) return undefined;
  const bands: Band[] = [];
  for (let i = 0; i < read.length; i++) {
    const b = read[i]!;
    if (b.open) {
      if (i !== read.length - 1) return undefined;
      bands.push({ label: parts[i]! });
      continue;
    }
    // "5m to 50m, 50m and above": a bound the next band starts at belongs to the next band
    const next = read[i + 1];
    const range = b.lower !== undefined;
    bands.push({ upper: b.upper!, inclusive: b.inclusive && !(range && next && next.lower === b.upper && next.inclusive), label: parts[i]! });
  }
  if (bands[bands.length - 1]!.upper !== undefined) return undefined;
  for (let i = 1; i < bands.length - 1; i++) if (bands[i]!.upper! < bands[i - 1]!.upper!) return undefined;
  return bands;
}

export function readBanded(question: string, today: string, m: EngineModel, understand: Understand): TypedQuery | undefined {
  const text = question.trim().replace(/[?.!]+$/, '');
  const mc = /^(.+?)\s+(?:by|grouped by|split by|broken down by|bucketed by|banded by)\s+([a-z][a-z ]*?)\s*(?::|-|–|—)\s*(.+)$/i.exec(text);
  if (!mc) return undefined;
  let list = mc[3]!.trim();
  // "(count and total)": the figures asked, said after the bands
  const paren = /\(([^)]*)\)\s*$/.exec(list);
  if (paren) list = list.slice(0, paren.index).trim();
  const bands = readBands(list);
  if (!bands) return undefined;
  const base = paren ? `${paren[1]} of ${mc[1]}` : mc[1]!;
  const r = understand(base);
  if (r.status !== 'query') return undefined;
  const q = (r as { query: TypedQuery }).query;
  if (q.shape !== 'aggregate' || q.groupBy.length || q.having || q.limit !== undefined || q.exists?.length) return undefined;
  if (q.measures.some((x) => x.window || x.agg === 'ratio')) return undefined;
  const value = bandedValue(mc[2]!.trim(), q, m, mc[1]!);
  if (!value) return undefined;
  const where = [...q.where];
  const e = m.entities.get(q.entity)!;
  // a measure that only means something for some rows ("time to resolve": resolved ones) keeps them to those
  for (const fname of value.requires) {
    const f = m.filters.get(fname);
    if (!f) continue;
    for (const c of f.where) {
      const cond = condOf(c, e.table, today);
      if (!where.some((w) => JSON.stringify(w.cond) === JSON.stringify(cond))) where.push({ cond, label: f.label });
    }
  }
  return { ...q, where, groupBy: [{ kind: 'band', expr: value.expr, bands, alias: 'band', label: value.label }] };
}

/** The per-row value named after "by": a measure of the rows, "days since <date>", "days to <date>", or their size. */
function bandedValue(what: string, q: TypedQuery, m: EngineModel, base: string): { expr: Expr; label: string; requires: string[] } | undefined {
  const e = m.entities.get(q.entity)!;
  const phrase = normPhrase(what.replace(/\s+(band|bands|bucket|buckets|range|ranges|size)$/i, '').trim());
  const senses = m.lexicon.phrases.get(phrase) ?? [];
  const dateOf = (p: string) => (m.lexicon.phrases.get(normPhrase(p)) ?? []).find((s) => s.kind === 'date' && s.entity === q.entity) as { column: string; label: string } | undefined;
  const md = senses.map((s) => (s.kind === 'measure' ? m.measures.get(s.measure) : undefined)).find((x) => x && x.entity === q.entity && x.expr && x.agg !== 'ratio' && x.agg !== 'count_distinct');
  if (!md) {
    const since = /^(?:days?|time)\s+(?:since|from)\s+(?:the\s+)?(.+)$/i.exec(what);
    if (since) {
      const d = dateOf(since[1]!);
      return d ? { expr: { kind: 'days', from: { table: e.table, column: d.column }, to: 'today' }, label: `days since ${d.label}`, requires: [] } : undefined;
    }
    const until = /^(?:days?|time)(?:\s+left)?\s+(?:to|until|till|before)\s+(?:the\s+)?(.+)$/i.exec(what);
    if (until) {
      const d = dateOf(until[1]!) ?? dateOf(until[1]!.replace(/\s+date$/i, ''));
      if (d) return { expr: { kind: 'days', from: 'today', to: { table: e.table, column: d.column } }, label: `days to ${d.label}`, requires: [] };
    }
  }
  const sized = /^(size|amount|value)$/i.test(phrase) || /\b(size|amount)$/i.test(what);
  const amount = !md && sized ? [...m.measures.values()].find((x) => x.entity === q.entity && x.agg === 'sum' && x.expr && 'column' in x.expr && x.expr.column === e.amount?.usd) : undefined;
  // "by coupon band" after "with a coupon": the measure of the question whose name ends with the word
  const tail = !md && !amount ? [...m.measures.values()].find((x) => x.entity === q.entity && x.expr && x.agg !== 'ratio' && x.words.some((w) => normPhrase(w).endsWith(` ${phrase}`) && normPhrase(base).includes(normPhrase(w)))) : undefined;
  const pick = md ?? amount ?? tail;
  if (!pick || !pick.expr) return undefined;
  const x = q.currency && pick.native ? pick.native : pick.expr;
  return { expr: toExpr(x, e.table), label: pick.label, requires: pick.requires };
}
