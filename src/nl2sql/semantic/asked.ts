/**
 * What a question asks for, read from its words alone (independently of how the parser chose to
 * answer it): the figures it names (a count, totals, averages, extremes, named measures), the
 * columns of a listing it enumerates, the numbers that are rates or day counts, the rows each time
 * phrase qualifies, and "top N in each group". The coverage stage (coverage.ts) holds the typed
 * query against this, so an answer carries every requested output or the engine abstains.
 */
import type { Token } from '../../training/index.js';
import { readingOf, type Reading } from './reading.js';
import type { Sense } from './lexicon.js';
import type { EngineModel } from './model.js';
import type { TimeMatch } from './time/index.js';

export interface AskedItem {
  start: number; // token index
  end: number;
  senses: Sense[];
  text: string;
}

/** A column named in an enumeration ("book code, desk, amount and value date"). */
export type NamedColumn =
  /** owner: an entity named in the same slot ("settlement id") */
  | { kind: 'dimension'; dimensions: string[]; text: string; owner?: string }
  /** filters: filter words inside the name ("called amount") */
  | { kind: 'measure'; measures: string[]; text: string; usd: boolean; filters?: string[] }
  | { kind: 'date'; entity: string; column: string; label: string; text: string; all: { entity: string; column: string }[] }
  | { kind: 'entity'; entity: string; text: string };

export interface Asked {
  tokens: Token[];
  items: AskedItem[];
  /** "how many", "number of", "count" (not "average number of", not "how many days") */
  count: boolean;
  /** how many separate counts are asked ("how many overall, how many still pending": 2) */
  countTimes: number;
  /** "largest", "longest" (sizes, not "most") and the measures right after them */
  superlatives: { agg: 'max' | 'min'; measures: string[]; text: string }[];
  /** a grouping word ("by", "per", "each", "breakdown") is said */
  groupWord: boolean;
  /** "with their", "along with" */
  withTheir: boolean;
  /** "swaps in USD": a currency said of the rows (dimension, value) */
  rowCurrency: { dimension: string; value: string }[];
  /** "side by side", "vs": two things compared */
  sideBySide: boolean;
  /** aggregates named for an amount ("total notional", "min, max and avg") */
  aggs: Set<'sum' | 'avg' | 'min' | 'max'>;
  /** measures named, each with the measure names the phrase may mean */
  measures: { names: string[]; text: string }[];
  /** the longest enumeration of columns (2+ items joined by commas / "and"); empty when none */
  enumeration: NamedColumn[];
  /** the enumeration follows a listing word, a colon or a dash, or "with" */
  listingCue: boolean;
  /** the enumeration comes right after "with" / "with their": columns added to the rows' own */
  withCue: boolean;
  /** numbers said as a percentage or as a number of days */
  rateNumbers: number[];
  dayNumbers: number[];
  /** per time phrase: the entity (or an entity's date) it qualifies, when words say so */
  /** adjacent: the rows' name touches the phrase with no word between ("clients this quarter") */
  times: { time: TimeMatch; entity?: string; dates: { entity: string; column: string }[]; adjacent?: boolean }[];
  /** "top 3 ... in each desk", "per region": N and where the group word is */
  perGroupTop?: { n: number };
}

const SEP = /[,:;\-–—/&]|\band\b|\bplus\b/i;

/** Words that may stand between rows and the time phrase that qualifies them ("trades we booked last week"). */
const BRIDGE = new Set(['we', 'that', 'which', 'were', 'was', 'are', 'is', 'have', 'has', 'had', 'been', 'they', 'the', 'did', 'got', 'get', 'done', 'made', 'from', 'of', 'in', 'on', 'since']);

export function readAsked(m: EngineModel, question: string, today: string, reading?: Reading): Asked {
  const rd = readingOf(question, today, reading);
  const { text, times } = rd;
  const tokens = rd.tokens as Token[];
  const timeOf = tokens.map((t) => times.findIndex((tm) => t.start >= tm.start && t.end <= tm.end));
  const lex = m.lexicon;
  const items: AskedItem[] = [];
  // a phrase never crosses a time phrase, a possessive or punctuation
  const breakBefore = tokens.map((t, k) => k > 0 && (tokens[k - 1]!.possessive || /[,:;\-–—&/]/.test(text.slice(tokens[k - 1]!.end, t.start))));
  for (let i = 0; i < tokens.length; ) {
    if (timeOf[i]! >= 0) {
      i++;
      continue;
    }
    let max = 1;
    while (max < lex.maxLen && i + max < tokens.length && timeOf[i + max]! < 0 && !breakBefore[i + max]) max++;
    const raws: string[] = [];
    const norms: string[] = [];
    for (let k = 0; k < max; k++) {
      raws.push(k ? `${raws[k - 1]} ${tokens[i + k]!.raw}` : tokens[i]!.raw);
      norms.push(k ? `${norms[k - 1]} ${tokens[i + k]!.norm}` : tokens[i]!.norm);
    }
    let found = 0;
    for (let len = max; len >= 1 && !found; len--) {
      const r = lex.rawPhrases.get(raws[len - 1]!);
      const n = lex.phrases.get(norms[len - 1]!);
      if (!r && !n) continue;
      items.push({ start: i, end: i + len, senses: [...(r ?? []), ...(n ?? [])], text: raws[len - 1]! });
      found = len;
    }
    i += found || 1;
  }
  const has = (it: AskedItem | undefined, kind: Sense['kind']) => !!it?.senses.some((s) => s.kind === kind);
  const isAnd = (it?: AskedItem) => !!it && /^(and|plus)$/i.test(it.text);
  const isAndOrSep = (k: number) => {
    const a0 = items[k - 1];
    const b0 = items[k];
    if (!a0 || !b0) return false;
    return /^(and|plus)$/i.test(b0.text) || /[,;:&/\-]/.test(text.slice(tokens[a0.end - 1]!.end, tokens[b0.start]!.start));
  };
  const aggOf = (it: AskedItem | undefined) => it?.senses.find((s) => s.kind === 'agg') as Extract<Sense, { kind: 'agg' }> | undefined;
  const sepBefore = (k: number) => {
    const a = items[k - 1];
    const b = items[k];
    if (!a || !b) return false;
    const between = text.slice(tokens[a.end - 1]!.end, tokens[b.start]!.start);
    return SEP.test(between) || /^(and|plus)$/i.test(a.text);
  };

  // --- a count
  let count = false;
  let countTimes = 0;
  for (let k = 0; k < items.length; k++) {
    const it = items[k]!;
    if (has(it, 'withCounts') && !has(items[k + 1], 'inDays')) {
      count = true;
      countTimes++;
      continue;
    }
    // "- number and total amount": "number" alone in a list of figures
    if (/^number$/i.test(it.text) && (isAndOrSep(k + 1) || k === items.length - 1)) {
      count = true;
      countTimes++;
    }
    if (!has(it, 'count')) continue;
    const prev = aggOf(items[k - 1]);
    if (prev && prev.agg !== 'sum') continue; // "average number of reminders"
    const next = items[k + 1];
    if (next && (has(next, 'inDays') || has(next, 'measure') && !next.senses.some((s) => s.kind === 'measure' && m.measures.get(s.measure)?.agg === 'count'))) continue;
    count = true;
    countTimes++;
  }
  const superlatives: Asked['superlatives'] = [];
  for (let k = 0; k < items.length; k++) {
    const a = aggOf(items[k]);
    if (!a?.superlative || a.quantity || (a.agg !== 'max' && a.agg !== 'min')) continue;
    const next = items[k + 1];
    superlatives.push({ agg: a.agg, measures: (next?.senses ?? []).filter((x) => x.kind === 'measure').map((x) => (x as { measure: string }).measure), text: items[k]!.text });
  }
  const groupWord = items.some((it) => has(it, 'group') || has(it, 'split'));
  const withTheir = items.some((it) => has(it, 'withTheir'));
  const sideBySide = /\bside by side\b/i.test(text);
  const rowCurrency: Asked['rowCurrency'] = [];
  for (let k = 2; k < items.length; k++) {
    const v = items[k]!.senses.find((x) => x.kind === 'value' && !!m.dimensions.get(x.dimension)?.values?.currency) as Extract<Sense, { kind: 'value' }> | undefined;
    if (v && /^in$/i.test(items[k - 1]!.text) && items[k - 2]!.senses.some((x) => x.kind === 'entity' || x.kind === 'filter' || (x.kind === 'value' && !m.dimensions.get(x.dimension)?.values?.currency))) rowCurrency.push({ dimension: v.dimension, value: v.value });
  }

  // --- aggregates: sum/avg always; min/max only as words of their own or in a list with another aggregate
  const aggs = new Set<'sum' | 'avg' | 'min' | 'max'>();
  for (let k = 0; k < items.length; k++) {
    const a = aggOf(items[k]);
    if (!a || a.quantity || a.agg === 'count') continue;
    const w = items[k]!.text.toLowerCase();
    if (a.agg === 'sum') {
      if (/^(in total|overall total|totals|combined|aggregate)$/.test(w)) continue;
      const next = items[k + 1];
      // "total number of trades" is a count; "total trades" too; but "count and total" asks for both
      const withCount = isAnd(items[k - 1]) && (has(items[k - 2], 'count') || /^number$/i.test(items[k - 2]?.text ?? ''));
      if (!withCount && (has(next, 'count') || has(next, 'entity') || has(next, 'filter'))) continue;
      aggs.add('sum');
      continue;
    }
    if (a.agg === 'avg') {
      aggs.add('avg');
      continue;
    }
    const listed = (aggOf(items[k + 1]) && sepBefore(k + 1)) || (aggOf(items[k - 1]) && sepBefore(k));
    if (/^(min|max|minimum|maximum)$/.test(w) || listed) aggs.add(a.agg as 'min' | 'max');
  }

  // --- measures named
  const measures: Asked['measures'] = [];
  for (const it of items) {
    const names = it.senses.filter((s) => s.kind === 'measure').map((s) => (s as { measure: string }).measure);
    if (names.length && it.senses[0]!.kind === 'measure') measures.push({ names, text: it.text });
  }

  // --- enumerations of columns: slots between list separators, each one column name (its last noun
  // decides: "called amount" is an amount, "settlement id" the settlements' id, "USD amount" in dollars)
  const colSense = (it: AskedItem) => {
    const s = it.senses[0]!;
    return s.kind === 'dimension' || s.kind === 'measure' || s.kind === 'date' || s.kind === 'entity' || (s.kind !== 'value' && s.kind !== 'filter' && it.senses.some((x) => x.kind === 'dimension' || x.kind === 'measure' || x.kind === 'date'));
  };
  const ccyWord = (it: AskedItem) => it.senses.some((x) => x.kind === 'reporting' || (x.kind === 'value' && !!m.dimensions.get(x.dimension)?.values?.currency));
  const listSep = (k: number) => {
    const a0 = items[k - 1];
    const b0 = items[k];
    if (!a0 || !b0) return false;
    return /[,;&/]/.test(text.slice(tokens[a0.end - 1]!.end, tokens[b0.start]!.start));
  };
  const punct = (k: number) => {
    const a0 = items[k - 1];
    const b0 = items[k];
    if (!a0 || !b0) return false;
    return /[,;:&/\-–—]/.test(text.slice(tokens[a0.end - 1]!.end, tokens[b0.start]!.start));
  };
  const reporting = m.model.profile.vocabulary.currency?.reporting;
  /** the slot starting at item k: [column, next item index] */
  const slotAt = (k: number): [NamedColumn, number] | undefined => {
    let j = k;
    while (j < items.length && has(items[j], 'stop') && !isAnd(items[j]) && !punct(j + 1) && j - k < 2) j++; // "our net", "their net"
    const parts: AskedItem[] = [];
    while (j < items.length && (parts.length === 0 || !punct(j)) && !isAnd(items[j]) && (colSense(items[j]!) || (ccyWord(items[j]!) && items[j + 1] && colSense(items[j + 1]!)))) parts.push(items[j++]!);
    const cols = parts.filter(colSense);
    if (!cols.length) return undefined;
    const head = cols[cols.length - 1]!;
    const txt = parts.map((p) => p.text).join(' ');
    const hm = head.senses.filter((x) => x.kind === 'measure').map((x) => (x as { measure: string }).measure);
    const hd = head.senses.filter((x) => x.kind === 'dimension').map((x) => (x as { dimension: string }).dimension);
    const hdate = head.senses.find((x) => x.kind === 'date') as Extract<Sense, { kind: 'date' }> | undefined;
    const owner = parts.slice(0, -1).map((p) => p.senses.find((x) => x.kind === 'entity')).find(Boolean) as Extract<Sense, { kind: 'entity' }> | undefined;
    let c: NamedColumn;
    const inner = parts.slice(0, -1).flatMap((p) => p.senses.filter((x) => x.kind === 'filter').map((x) => (x as { filter: string }).filter));
    if (hm.length && head.senses[0]!.kind !== 'entity') c = { kind: 'measure', measures: hm, filters: inner, text: txt, usd: parts.some(ccyWord) || (!!reporting && new RegExp(`\\b${reporting}\\b`, 'i').test(txt)) };
    else if (hd.length && head.senses[0]!.kind !== 'entity') c = { kind: 'dimension', dimensions: hd, text: txt, owner: owner?.entity };
    else if (hdate && head.senses[0]!.kind !== 'entity') c = { kind: 'date', entity: hdate.entity, column: hdate.column, label: hdate.label, text: txt, all: head.senses.filter((x) => x.kind === 'date').map((x) => ({ entity: (x as { entity: string }).entity, column: (x as { column: string }).column })) };
    else {
      const es = head.senses.find((x) => x.kind === 'entity') as Extract<Sense, { kind: 'entity' }> | undefined;
      if (!es) return undefined;
      c = { kind: 'entity', entity: es.entity, text: txt };
    }
    return [c, j];
  };
  let enumeration: NamedColumn[] = [];
  let listingCue = false;
  let withCue = false;
  for (let k = 0; k < items.length; k++) {
    const run: NamedColumn[] = [];
    let j = k;
    for (;;) {
      const sl = slotAt(j);
      if (!sl) break;
      run.push(sl[0]);
      j = sl[1];
      if (isAnd(items[j])) j++;
      else if (!(j < items.length && listSep(j))) break;
    }
    // "list counterparties with their onboarding date": one column named right after "with (their)" in a listing
    // (the slot may start at the "with" itself, a word it skips)
    const isWith = (it: AskedItem | undefined) => has(it, 'withTheir') || /^with$/i.test(it?.text ?? '');
    const afterWith = isWith(items[k]) || (k > 0 && isWith(items[k - 1]));
    const single = run.length === 1 && !enumeration.length && afterWith && items.slice(0, k).some((x) => has(x, 'list'));
    if ((run.length >= 2 || single) && run.length > enumeration.length) {
      enumeration = run;
      const before = k > 0 ? text.slice(tokens[items[k - 1]!.end - 1]!.end, tokens[items[k]!.start]!.start) : '';
      listingCue = /[:\-–—]/.test(before) || items.slice(0, k).some((x) => has(x, 'list') || has(x, 'withTheir') || /^with$/i.test(x.text));
      withCue = afterWith && !/[:\-–—]/.test(before);
      k = j - 1;
    }
  }

  // --- numbers that are rates or day counts
  const rateNumbers: number[] = [];
  const dayNumbers: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const n = /^\d+(?:\.\d+)?$/.test(tokens[i]!.raw) ? Number(tokens[i]!.raw) : undefined;
    if (n === undefined || timeOf[i]! >= 0) continue;
    const after = text.slice(tokens[i]!.end, tokens[i + 1]?.start ?? text.length);
    const nx = tokens[i + 1]?.norm;
    if (/^\s*%/.test(after) || nx === 'percent' || nx === 'pct') rateNumbers.push(n);
    if (nx === 'day' || nx === 'days' || nx === 'business' || nx === 'working') dayNumbers.push(n);
  }

  // --- which rows each time phrase qualifies: the closest entity or date word before it
  const itemAt = (t: number) => items.find((x) => x.start <= t && t < x.end);
  const timed: Asked['times'] = [];
  for (const tm of times) {
    const first = tokens.findIndex((t) => t.start >= tm.start);
    const entry: Asked['times'][number] = { time: tm, dates: [] };
    for (let t = first - 1, hops = 0; t >= 0 && hops < 4; t--, hops++) {
      const it = itemAt(t);
      const ds = (it?.senses ?? []).filter((s) => s.kind === 'date') as Extract<Sense, { kind: 'date' }>[];
      const es = it?.senses.find((s) => s.kind === 'entity') as Extract<Sense, { kind: 'entity' }> | undefined;
      // a date word names the date itself ("booked", "value date"): it decides
      if (ds.length) {
        entry.dates = ds.map((d) => ({ entity: d.entity, column: d.column }));
        entry.entity = ds[0]!.entity;
        break;
      }
      if (es) {
        entry.entity = es.entity;
        entry.adjacent = hops === 0;
        break;
      }
      if (!BRIDGE.has(tokens[t]!.norm)) break;
    }
    timed.push(entry);
  }

  // --- "top 3 ... in each / per / for each <group>"
  let perGroupTop: Asked['perGroupTop'];
  const nTop = items.findIndex((it) => has(it, 'top') || (aggOf(it)?.superlative && !aggOf(it)?.quantity));
  if (nTop >= 0 || /\b(top|biggest|largest|highest|lowest|smallest)\b/i.test(text)) {
    const each = /\b(in each|for each|per|by each|within each|in every|for every|each)\s+[a-z]/i.exec(text);
    const nm = /\b(?:top|bottom|first)\s+(\d+)\b|\b(\d+)\s+(?:biggest|largest|highest|lowest|smallest|best|worst)\b/i.exec(text);
    if (each && nm) perGroupTop = { n: Number(nm[1] ?? nm[2]) };
    else if (each && /\b(the )?(biggest|largest|highest|smallest|lowest)\b/i.test(text.slice(0, each.index))) perGroupTop = { n: 1 };
  }

  return { tokens, items, count, countTimes, superlatives, groupWord, withTheir, rowCurrency, sideBySide, aggs, measures, enumeration, listingCue, withCue, rateNumbers, dayNumbers, times: timed, perGroupTop };
}
