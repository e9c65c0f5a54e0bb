/**
 * Question -> typed query. Every content word must be consumed by something the model knows
 * (entity, measure, filter, dimension, learned value, time phrase, grammar or stop word);
 * otherwise the engine abstains. The question is read once per candidate base entity (the table
 * the rows come from); the reading that consumes everything and names its entity wins.
 */
import { normPhrase, tokenize, type ConditionDef, type MeasureDef, type Token } from '../../training/index.js';
import { AUXILIARIES, POLITE_PREFIX, STRONG_WRITE_VERBS, type Agg, type CmpOp, type GrammarSense } from './grammar.js';
import { fuzzyLookup, type DomainSense, type Sense } from './lexicon.js';
import { columnLabel, distance, valueLabel, type EngineModel } from './model.js';
import type { ColumnRef, Condition, Expr, GroupSpec, LabelledCondition, MeasureSpec, TypedQuery } from './query.js';
import { parseTimeExpressions, type TimeMatch } from './time/index.js';

export type ParseOutcome =
  | { status: 'query'; query: TypedQuery }
  | { status: 'abstain'; reason: string; unknown: string[] }
  | { status: 'refuse'; reason: string };

interface Item {
  kind: 'lex' | 'time' | 'number';
  start: number; // token index
  end: number;
  senses: Sense[];
  time?: TimeMatch;
  number?: number;
  fuzzy?: boolean;
  text: string;
}

const KIND_ORDER: Record<string, number> = { unsupported: -1, measure: 0, filter: 1, value: 2, entity: 3, dimension: 4, date: 5, reporting: 6 };

function isDomain(s: Sense): s is DomainSense {
  return s.kind in KIND_ORDER;
}

/** "refused": the question asks to change data. */
export function detectWrite(tokens: Token[], extraVerbs: Set<string>, startsPhrase: (i: number) => boolean): string | undefined {
  const words = tokens.map((t) => t.raw.toLowerCase());
  let i = 0;
  while (i < words.length && POLITE_PREFIX.includes(words[i]!)) i++;
  const first = words[i];
  if (first && STRONG_WRITE_VERBS.includes(first)) return first;
  // a weaker verb ("match", "settle", "book") is a command only when it does not open a known phrase ("match rate")
  if (first && extraVerbs.has(first) && !startsPhrase(i)) return first;
  for (const w of words) if (['delete', 'drop', 'truncate', 'insert', 'update', 'grant', 'revoke', 'alter', 'upsert', 'purge'].includes(w)) return w;
  // "mark X as matched", "set the status to ..."
  const text = words.join(' ');
  if (/\b(mark|set|change|move|flag)\b.*\b(as|to)\b/.test(text) && /^(please |can you |could you )?(mark|set|change|move|flag)\b/.test(text)) return 'change';
  // indirect requests: "can we get rid of ...", "clear out ...", "re-send ...", "I need X switched to Y"
  if (/\bget rid of\b|\bclear out\b|\bwipe out\b|\bre ?send\b|\bre ?book\b/.test(text)) return 'change';
  if (/\b(need|want|like|please|can you|could you|would you)\b.*\b(switched|changed|updated|moved|flipped|amended|reset|set|marked|flagged|bumped)\s+(to|from|back|as|up)\b/.test(text)) return 'change';
  return undefined;
}

const LINK_WORDS = new Set(['that', 'which', 'are', 'is', 'were', 'was', 'still', 'currently', 'being', 'the', 'of', 'on', 'for', 'with', 'in']);

const NUMBER_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  fifteen: 15, twenty: 20, thirty: 30, fifty: 50, hundred: 100, dozen: 12,
};

const NUM_RE = /^(\d+(?:[.,]\d+)?)(k|m|mm|mn|bn|b)?$/i;
const SUFFIX: Record<string, number> = { k: 1e3, m: 1e6, mm: 1e6, mn: 1e6, bn: 1e9, b: 1e9 };

export class QuestionParser {
  constructor(private readonly m: EngineModel) {}

  parse(question: string, today: string): ParseOutcome {
    const tokens = tokenize(question.replace(/(\d),(?=\d{3}(?!\d))/g, '$1'));
    if (!tokens.length) return { status: 'abstain', reason: 'the question is empty', unknown: [] };
    const verb = detectWrite(tokens, this.m.writeVerbs, (i) => {
      for (let len = 2; len <= this.m.lexicon.maxLen && i + len <= tokens.length; len++)
        if (this.m.lexicon.phrases.has(tokens.slice(i, i + len).map((t) => t.norm).join(' '))) return true;
      return false;
    });
    if (verb) return { status: 'refuse', reason: `"${verb}" would change data; the copilot only reads data and never changes it` };
    // "did each desk book": a domain word after an auxiliary is the verb
    const verbs = this.m.model.profile.vocabulary.verbs;
    tokens.forEach((t, i) => {
      const v = verbs[t.raw.toLowerCase()];
      const det = ['each', 'every', 'the', 'a', 'per', 'by', 'which', 'what', 'this', 'that', 'one', 'any', 'same'].includes(tokens[i - 1]?.raw.toLowerCase() ?? '');
      if (v && !det && tokens.slice(Math.max(0, i - 3), i).some((x) => AUXILIARIES.includes(x.raw.toLowerCase()))) t.norm = normPhrase(v);
    });
    const times = parseTimeExpressions(question.replace(/(\d),(?=\d{3}(?!\d))/g, '$1'), today);
    const timeOf = tokens.map((t) => times.findIndex((tm) => t.start >= tm.start && t.end <= tm.end));
    const mentioned = this.mentionedEntities(tokens, timeOf);
    const namedByWord = new Set([...mentioned.entries()].filter(([e, spans]) => spans.some(([a, b]) => (this.m.lexicon.phrases.get(tokens.slice(a, b).map((t) => t.norm).join(' ')) ?? []).some((x) => x.kind === 'entity' && x.entity === e))).map(([e]) => e));
    const cache = new LookupCache(this.m, tokens, timeOf, question);

    let best: { score: number; q: TypedQuery } | undefined;
    let tie: TypedQuery | undefined;
    let bestFail: { unknown: string[]; reason: string } | undefined;
    let unsupported: ParseOutcome | undefined;
    for (const entity of this.m.entities.keys()) {
      const r = this.readAs(entity, tokens, timeOf, times, mentioned, today, cache);
      if ('fail' in r) {
        if (!bestFail || r.unknown.length < bestFail.unknown.length || (r.unknown.length === bestFail.unknown.length && !r.unknown.length && r.priority > 0))
          bestFail = { unknown: r.unknown, reason: r.fail };
        if (r.unsupported && !unsupported) unsupported = { status: 'abstain', reason: r.fail, unknown: r.unknown };
        continue;
      }
      if (!best || r.score > best.score) {
        best = { score: r.score, q: r.query };
        tie = undefined;
      } else if (r.score === best.score) tie = r.query;
    }
    if (best && tie && best.score >= 100)
      return { status: 'abstain', reason: `the question could be about ${best.q.entityLabel} or ${tie.entityLabel}; please say which`, unknown: [] };
    // a reading whose rows nobody named, while the question names other rows, is a guess
    if (best && best.score < 50 && [...namedByWord].some((e) => e !== best!.q.entity))
      return { status: 'abstain', reason: `the question names ${[...namedByWord].join(', ')} but reads only as a question about ${best.q.entityLabel}`, unknown: [] };
    // a reading that no word of the question points to ("how much is due to us tomorrow" read as trades) is a guess
    if (best && best.score <= 0) return { status: 'abstain', reason: `the question does not say which rows it is about (${best.q.entityLabel}?)`, unknown: [] };
    if (best) return { status: 'query', query: best.q };
    if (unsupported) return unsupported;
    return { status: 'abstain', reason: bestFail?.reason ?? 'the question does not name anything in this data', unknown: bestFail?.unknown ?? [] };
  }

  /** Entities the question names (longest phrases first, so "trade capture errors" names no trades). */
  private mentionedEntities(tokens: Token[], timeOf: number[]): Map<string, [number, number][]> {
    const out = new Map<string, [number, number][]>();
    const addSpan = (e: string, a: number, b: number) => (out.get(e) ?? out.set(e, []).get(e)!).push([a, b]);
    const norms = tokens.map((t) => t.norm);
    const lex = this.m.lexicon;
    let i = 0;
    while (i < norms.length) {
      if (timeOf[i]! >= 0) {
        i++;
        continue;
      }
      let len = Math.min(lex.maxLen, norms.length - i);
      for (; len >= 1; len--) {
        const senses = lex.phrases.get(norms.slice(i, i + len).join(' '));
        if (!senses) continue;
        for (const s of senses) {
          if (s.kind === 'entity') addSpan(s.entity, i, i + len);
          if (s.kind === 'filter' && this.m.filters.get(s.filter)?.implies) addSpan(s.entity, i, i + len);
        }
        break;
      }
      i += Math.max(1, len);
    }
    return out;
  }

  /** Is this sense usable when rows come from `entity`? Returns its join distance, or undefined. */
  private senseDistance(s: Sense, entity: string, mentioned: Map<string, [number, number][]>): number | undefined {
    const table = (e: string) => this.m.entities.get(e)!.table;
    switch (s.kind) {
      case 'entity':
      case 'date':
        return distance(this.m, entity, table(s.entity));
      case 'filter': {
        if (s.entity === entity) return 0;
        if (!mentioned.has(s.entity)) return undefined;
        return distance(this.m, entity, table(s.entity));
      }
      case 'measure':
        return s.entity === entity ? 0 : undefined;
      case 'dimension':
      case 'value':
        return distance(this.m, entity, s.table);
      default:
        return 0;
    }
  }

  private lexItems(entity: string, tokens: Token[], timeOf: number[], times: TimeMatch[], mentioned: Map<string, [number, number][]>, cache: LookupCache): { items: Item[]; unknown: string[] } {
    const lex = this.m.lexicon;
    const norms = tokens.map((t) => t.norm);
    const items: Item[] = [];
    const unknown: string[] = [];
    // words that may stand between a name and what qualifies it ("trades that are still live")
    const stopLike = (k: number) => LINK_WORDS.has(norms[k]!);
    // a filter word of another entity counts only next to that entity's name ("bilateral trades")
    const nearEntity = (e: string, a: number, b: number) =>
      (mentioned.get(e) ?? []).some(([s0, s1]) => {
        if (s0 >= b) {
          for (let k = b; k < s0; k++) if (!stopLike(k) || s0 - b > 3) return false;
          return true;
        }
        if (s1 <= a) {
          for (let k = s1; k < a; k++) if (!stopLike(k) || a - s1 > 3) return false;
          return true;
        }
        return false;
      });
    let at: [number, number] = [0, 0];
    const rank = (senses: Sense[]) => {
      const valid: { s: Sense; d: number }[] = [];
      for (const s of senses) {
        const d = this.senseDistance(s, entity, mentioned);
        if (d === undefined) continue;
        if (s.kind === 'filter' && s.entity !== entity && !nearEntity(s.entity, at[0], at[1])) continue;
        valid.push({ s, d });
      }
      const domain = valid.filter((v) => isDomain(v.s));
      const rest = valid.filter((v) => !isDomain(v.s));
      domain.sort((a, b) => a.d - b.d || KIND_ORDER[a.s.kind]! - KIND_ORDER[b.s.kind]!);
      rest.sort((a, b) => (a.s.kind === 'stop' ? 1 : 0) - (b.s.kind === 'stop' ? 1 : 0));
      // a date word never hides what else the word means
      const nonDate = domain.filter((v) => v.s.kind !== 'date');
      const dates = domain.filter((v) => v.s.kind === 'date');
      return [...nonDate, ...rest, ...dates].map((v) => v.s);
    };
    let i = 0;
    while (i < tokens.length) {
      const ti = timeOf[i]!;
      if (ti >= 0) {
        let j = i;
        while (j < tokens.length && timeOf[j] === ti) j++;
        items.push({ kind: 'time', start: i, end: j, senses: [], time: times[ti], text: times[ti]!.text });
        i = j;
        continue;
      }
      const word = NUMBER_WORDS[norms[i]!];
      if (word !== undefined && (word > 1 || ['top', 'bottom', 'first', 'last'].includes(norms[i - 1] ?? ''))) {
        items.push({ kind: 'number', start: i, end: i + 1, senses: [], number: word, text: tokens[i]!.raw });
        i++;
        continue;
      }
      const nm = NUM_RE.exec(tokens[i]!.raw);
      if (nm) {
        const v = Number(nm[1]!.replace(',', '.')) * (nm[2] ? SUFFIX[nm[2].toLowerCase()]! : 1);
        items.push({ kind: 'number', start: i, end: i + 1, senses: [], number: v, text: tokens[i]!.raw });
        i++;
        continue;
      }
      let found = false;
      let blocked: string | undefined;
      for (const c of cache.exact(i)) {
        at = [i, i + c.len];
        const ranked = rank(c.senses);
        // "Rates Ops" names a team of another table: its first word alone ("Rates") is not a fallback
        if (!ranked.length && c.len > 1 && !found && c.senses.some((x) => x.kind === 'value' && x.how === 'exact')) {
          blocked = c.raw;
          break;
        }
        if (!ranked.length) continue;
        items.push({ kind: 'lex', start: i, end: i + c.len, senses: ranked, text: c.raw });
        i += c.len;
        found = true;
        break;
      }
      if (found) continue;
      if (blocked) {
        unknown.push(blocked);
        i += blocked.split(' ').length;
        continue;
      }
      at = [i, i + 1];
      const fzLong = cache.fuzzy(i);
      const frLong = fzLong && fzLong.len > 1 ? rank(fzLong.senses) : [];
      if (fzLong && frLong.length) {
        items.push({ kind: 'lex', start: i, end: i + fzLong.len, senses: frLong, fuzzy: true, text: tokens.slice(i, i + fzLong.len).map((t) => t.raw).join(' ') });
        i += fzLong.len;
        continue;
      }
      const dist = lex.distinctive.get(norms[i]!);
      const dr = dist ? rank(dist) : [];
      if (dr.length) {
        const vals = new Set(dr.filter((s) => s.kind === 'value').map((s) => (s as { value: string }).value));
        if (vals.size === 1) {
          items.push({ kind: 'lex', start: i, end: i + 1, senses: dr, text: tokens[i]!.raw });
          i++;
          continue;
        }
      }
      const fz = cache.fuzzy(i);
      const fr = fz ? rank(fz.senses) : [];
      if (fz && fr.length) {
        items.push({ kind: 'lex', start: i, end: i + fz.len, senses: fr, fuzzy: true, text: tokens.slice(i, i + fz.len).map((t) => t.raw).join(' ') });
        i += fz.len;
        continue;
      }
      // "missing or incorrect SSIs": a word that names a value together with the tail of the next phrase
      const co = this.coordinated(i, tokens, cache);
      const cr = co ? rank(co) : [];
      if (cr.length) {
        items.push({ kind: 'lex', start: i, end: i + 1, senses: cr, text: tokens[i]!.raw });
        i++;
        continue;
      }
      unknown.push(tokens[i]!.raw);
      i++;
    }
    return { items, unknown };
  }

  private coordinated(i: number, tokens: Token[], cache: LookupCache): Sense[] | undefined {
    const conj = tokens[i + 1]?.norm;
    if (conj !== 'or' && conj !== 'and') return undefined;
    for (const c of cache.exact(i + 2)) {
      if (c.len < 2) continue;
      const values = c.senses.filter((x) => x.kind === 'value');
      if (!values.length) continue;
      const phrase = [tokens[i]!.norm, ...tokens.slice(i + 3, i + 2 + c.len).map((t) => t.norm)].join(' ');
      const mine = (this.m.lexicon.phrases.get(phrase) ?? []).filter((x) => x.kind === 'value' && values.some((v) => v.kind === 'value' && v.dimension === x.dimension));
      if (mine.length) return mine;
    }
    return undefined;
  }

  private readAs(
    entity: string,
    tokens: Token[],
    timeOf: number[],
    times: TimeMatch[],
    mentioned: Map<string, [number, number][]>,
    today: string,
    cache: LookupCache,
  ): { query: TypedQuery; score: number } | { fail: string; unknown: string[]; priority: number; unsupported?: boolean } {
    const { items, unknown } = this.lexItems(entity, tokens, timeOf, times, mentioned, cache);
    const unsupported = items.find((it) => it.senses[0]?.kind === 'unsupported');
    if (unsupported) {
      const what = (unsupported.senses[0] as { what: string }).what;
      return { fail: `this data holds no ${what} ("${unsupported.text}")`, unknown: [unsupported.text], priority: 0, unsupported: true };
    }
    const explicit = items.some((it) => {
      const s = it.senses[0];
      if (!s) return false;
      if (s.kind === 'entity' && s.entity === entity) return true;
      if (s.kind === 'filter' && s.entity === entity && this.m.filters.get(s.filter)?.implies) return true;
      return it.senses.some((x) => x.kind === 'entity' && x.entity === entity);
    });
    const measured = items.some((it) => it.senses[0]?.kind === 'measure');
    if (unknown.length) return { fail: `words not understood: ${unknown.join(', ')}`, unknown, priority: explicit ? 1 : 0 };
    const r = new Interpreter(this.m, entity, items, tokens, today).run();
    if ('fail' in r) return { fail: r.fail, unknown: [], priority: explicit ? 1 : 0 };
    let score = explicit ? 100 : measured ? 50 : 0;
    for (const it of items) {
      const s = it.senses[0];
      if (s && isDomain(s) && this.senseDistance(s, entity, mentioned) === 0) score += 1;
      if (it.fuzzy) score -= 1;
    }
    return { query: r.query, score };
  }
}

/** Look-ups that do not depend on the base entity, done once per question. */
class LookupCache {
  private readonly exacts = new Map<number, { len: number; senses: Sense[]; raw: string }[]>();
  private readonly fuzzies = new Map<number, { len: number; senses: Sense[] } | undefined>();
  private readonly norms: string[];
  /** token index -> identifiers found there by shape */
  private readonly shaped = new Map<number, { len: number; senses: Sense[]; raw: string }>();
  constructor(
    private readonly m: EngineModel,
    private readonly tokens: Token[],
    private readonly timeOf: number[],
    text: string,
  ) {
    this.norms = tokens.map((t) => t.norm);
    for (const p of m.lexicon.patterns) {
      for (const mt of text.matchAll(p.re)) {
        const a = mt.index ?? 0;
        const b = a + mt[0].length;
        const first = tokens.findIndex((t) => t.start >= a);
        let last = first;
        while (last < tokens.length && tokens[last]!.end <= b) last++;
        if (first < 0 || last === first) continue;
        this.shaped.set(first, { len: last - first, raw: mt[0], senses: [{ kind: 'value', dimension: p.dimension, table: p.table, value: mt[0], how: 'exact' }] });
      }
    }
  }

  /** Known phrases starting at token i, longest first. */
  exact(i: number): { len: number; senses: Sense[]; raw: string }[] {
    const hit = this.exacts.get(i);
    if (hit) return hit;
    const lex = this.m.lexicon;
    const out: { len: number; senses: Sense[]; raw: string }[] = [];
    const shaped = this.shaped.get(i);
    if (shaped) out.push(shaped);
    for (let len = Math.min(lex.maxLen, this.tokens.length - i); len >= 1; len--) {
      let crosses = false;
      for (let k = i; k < i + len; k++) if (this.timeOf[k]! >= 0 || (k > i && this.tokens[k - 1]!.possessive)) crosses = true;
      if (crosses) continue;
      const raw = this.tokens
        .slice(i, i + len)
        .map((t) => t.raw)
        .join(' ');
      const senses = [...(lex.rawPhrases.get(raw) ?? []), ...(lex.phrases.get(this.norms.slice(i, i + len).join(' ')) ?? [])];
      if (senses.length) out.push({ len, senses, raw });
    }
    this.exacts.set(i, out);
    return out;
  }

  fuzzy(i: number): { len: number; senses: Sense[] } | undefined {
    if (this.fuzzies.has(i)) return this.fuzzies.get(i);
    let end = i;
    while (end < this.tokens.length && this.timeOf[end]! < 0) end++;
    const r = fuzzyLookup(this.m.lexicon, this.norms.slice(0, end), i);
    this.fuzzies.set(i, r);
    return r;
  }
}

// ---------------------------------------------------------------------------------------------

type Pending = 'group' | 'top' | 'withTheir' | null;

class Interpreter {
  private readonly e;
  private countAsked = false;
  private agg: Agg | null = null;
  private superlative: 'asc' | 'desc' | null = null;
  private listAsked = false;
  /** "largest", "biggest" (a size), as opposed to "most" (a number of rows) */
  private sizeSuperlative = false;
  /** "ccy split", "breakdown": figures per value, never a bare list of the values */
  private splitAsked = false;
  private whichAsked = false;
  private recordsMention = false;
  private measures: MeasureDef[] = [];
  private filters = new Set<string>();
  private values = new Map<string, Set<string>>();
  private groups: GroupSpec[] = [];
  private listDims: { col: ColumnRef; alias: string; label: string }[] = [];
  private extraCols: { col: ColumnRef; alias: string; label: string }[] = [];
  private bucket: TimeMatch | null = null;
  private ranges: TimeMatch[] = [];
  private dateWords: { entity: string; column: string; label: string; filter?: string }[] = [];
  private dateEntityHint: string | null = null;
  private top: { n?: number; dir: 'asc' | 'desc' } | null = null;
  /** afterRows: the comparison follows a noun naming the rows ("trades over 500m"), not a group or a measure */
  private cmps: { op: CmpOp; value?: number; measure?: MeasureDef; countNoun?: boolean; money?: boolean; afterRows?: boolean }[] = [];
  private reporting = false;
  private currencyValues: { dimension: string; value: string; index: number }[] = [];
  private orderMeasure: MeasureDef | null = null;
  private pending: Pending = null;
  /** a "by"/"per" that has not yet met what it groups by */
  private groupOpen = false;
  private rankRowsAsked = false;
  private dateRank: 'asc' | 'desc' | null = null;
  private distinctAsked = false;
  private distinctCols: { col: ColumnRef; alias: string; label: string }[] = [];
  private percentAsked = false;
  /** item index of the first mention of the base entity (splits a share's whole from its part) */
  private baseMentionAt = -1;
  /** where each filter / value was said (item index) */
  private saidAt = new Map<string, number>();
  /** item indexes of filters/values said after "not", "excluding", "other than" */
  private negated = new Set<number>();
  private pendingNegate = false;
  private sortDir: 'asc' | 'desc' | null = null;
  private betweenAt = -1;
  /** "EUR vs USD", "cleared versus bilateral": compare the two side by side */
  private versusAt: number[] = [];
  private periodCompare: { from: string; to: string; label: string }[] | undefined;
  private betweenMeasure: MeasureDef | null = null;
  /** parents named without a role ("counterparties with fewer than 50 trades") */
  private looseParents: string[] = [];
  private nullDims: { table: string; column: string; label: string }[] = [];
  private notNullCols: { table: string; column: string; label: string }[] = [];

  constructor(
    private readonly m: EngineModel,
    private readonly entity: string,
    private readonly items: Item[],
    private readonly tokens: Token[],
    private readonly today: string,
  ) {
    this.e = m.entities.get(entity)!;
  }

  private fail(msg: string): { fail: string } {
    return { fail: msg };
  }

  run(): { query: TypedQuery } | { fail: string } {
    const items = this.items;
    for (let k = 0; k < items.length; k++) {
      const it = items[k]!;
      if (it.kind === 'time') {
        const tm = it.time!;
        if (tm.bucket) {
          this.bucket = tm;
          this.groupOpen = false;
          if (this.pending === 'group') this.pending = null;
        }
        if (tm.range) this.ranges.push(tm);
        const next = items[k + 1];
        const endTok = this.tokens[it.end - 1];
        if (next && next.senses[0]?.kind === 'entity' && (endTok?.possessive || /['’]s$/.test(tm.text))) this.dateEntityHint = (next.senses[0] as { entity: string }).entity;
        continue;
      }
      if (it.kind === 'number') {
        const r = this.number(k);
        if (r === 'fail') return this.fail(`the number "${it.text}" does not say what it limits`);
        k = r;
        continue;
      }
      const s = it.senses[0]!;
      for (const d of it.senses) if (d.kind === 'date') this.dateWords.push({ entity: d.entity, column: d.column, label: d.label, filter: s.kind === 'filter' ? s.filter : undefined });
      if (it.end - it.start > 1 && s.kind === 'filter' && !it.senses.some((d) => d.kind === 'date')) this.innerDateWords(it, s);
      switch (s.kind) {
        case 'stop':
          if (this.pending === 'group' && !this.groupOpen && !/^(and|or|then|,)$/i.test(it.text)) this.pending = null;
          break;
        case 'count':
          this.countAsked = true;
          break;
        case 'agg': {
          const next = items[k + 1];
          if (s.superlative && next?.kind === 'number') {
            this.top = { dir: s.superlative, n: next.number };
            this.pending = 'top';
            k++;
          } else if (s.superlative) {
            // "the largest trade": rows ranked, not groups
            if (!s.quantity) this.sizeSuperlative = true;
            if (!s.quantity) {
              for (let j = k + 1; j < items.length; j++) {
                const nx = items[j]!.senses[0];
                if (nx?.kind === 'entity' && nx.entity === this.entity) this.rankRowsAsked = true;
                // "the largest netting break": a filter phrase that names its rows
                if (nx?.kind === 'filter' && nx.entity === this.entity && this.m.filters.get(nx.filter)?.implies && items[j + 1]?.senses[0]?.kind !== 'measure') this.rankRowsAsked = true;
                if (!nx || !(nx.kind === 'filter' || nx.kind === 'value' || nx.kind === 'stop')) break;
              }
            }
            if (this.top && this.top.n !== undefined) this.top.dir = s.superlative;
            this.superlative = s.superlative;
            this.agg = s.agg;
            this.pending = 'top';
          } else this.agg = s.agg;
          break;
        }
        case 'distinct':
          this.distinctAsked = true;
          break;
        case 'group':
          this.pending = 'group';
          this.groupOpen = true;
          break;
        case 'withCounts':
          this.countAsked = true;
          break;
        case 'split':
          this.splitAsked = true;
          break;
        case 'top': {
          this.top = { dir: s.dir };
          const next = items[k + 1];
          if (next?.kind === 'number') {
            this.top.n = next.number;
            k++;
          }
          this.pending = 'top';
          break;
        }
        case 'list':
          this.listAsked = true;
          break;
        case 'which': {
          this.whichAsked = true;
          // "which 3 counterparties ...": a ranking of that many
          const next = items[k + 1];
          if (next?.kind === 'number' && Number.isInteger(next.number)) {
            this.top = { n: next.number, dir: 'desc' };
            this.pending = 'top';
            k++;
          }
          break;
        }
        case 'withTheir':
          this.pending = 'withTheir';
          break;
        case 'cmp': {
          const prev = items[k - 1];
          // "rated BB or below": a comparison right after a value of an ordered dimension
          if (prev?.senses[0]?.kind === 'value' && /^(or|and)\b/i.test(it.text) && this.ordinal({ kind: 'ordinal', dir: s.op === '<' || s.op === '<=' ? 'worse' : 'better', inclusive: true })) break;
          // "5 or more": the comparison follows its number
          if (prev?.kind === 'number' && /^(or|and|no|not)\b/i.test(it.text) && this.cmps.length && this.cmps[this.cmps.length - 1]!.value === prev.number) {
            this.cmps[this.cmps.length - 1]!.op = s.op;
          } else {
            const pk = this.prevContent(k);
            const pks = pk >= 0 ? items[pk]!.senses[0]?.kind : undefined;
            const ppk = pk >= 0 ? this.prevContent(pk) : -1;
            const afterRows = (pks === 'entity' || pks === 'filter') && (ppk < 0 || items[ppk]!.senses[0]?.kind !== 'group');
            this.cmps.push({ op: s.op, afterRows });
          }
          break;
        }
        case 'negate': {
          // "counterparties without any live trades": parents with no such rows at all (NOT EXISTS), not the
          // parents of the other rows; not expressible here, so the reading fails instead of negating the filter
          const parentBefore = items.slice(0, k).some((x) => x.senses[0]?.kind === 'entity' && (x.senses[0] as { entity: string }).entity !== this.entity);
          let j = k + 1;
          while (j < items.length && items[j]!.senses[0]?.kind === 'stop') j++;
          const ns = items[j]?.senses[0];
          const rowsAfter = !!ns && ((ns.kind === 'entity' && ns.entity === this.entity) || (ns.kind === 'filter' && ns.entity === this.entity && (this.namesEntity(items[j]!) || !!this.m.filters.get(ns.filter)?.implies || (items[j + 1]?.senses[0]?.kind === 'entity' && (items[j + 1]!.senses[0] as { entity: string }).entity === this.entity))));
          if (parentBefore && rowsAfter && !/^(not|excluding|exclude|excluded|except|non)$/i.test(it.text))
            return this.fail(`"${it.text}" ${this.m.entities.get(this.entity)!.label} for whole records (none at all) is not supported yet`);
          this.pendingNegate = true;
          break;
        }
        case 'between':
          this.betweenAt = k;
          break;
        case 'versus':
          this.versusAt.push(k);
          break;
        case 'dateRank': {
          // with an age-like measure ("the oldest open exception, in days") it is that measure's extreme
          if (items.some((x) => x.senses[0]?.kind === 'measure')) {
            this.agg = s.dir === 'asc' ? 'max' : 'min';
            break;
          }
          this.dateRank = s.dir;
          const next = items[k + 1];
          if (next?.kind === 'number' && Number.isInteger(next.number)) {
            this.top = { n: next.number, dir: s.dir };
            k++;
          }
          break;
        }
        case 'sort':
          this.sortDir = s.dir;
          break;
        case 'ordinal':
          if (!this.ordinal(s)) return this.fail(`"${it.text}" needs a rating before it`);
          break;
        case 'unit':
        case 'percent':
        case 'inDays':
          if (s.kind === 'percent') this.percentAsked = true;
          if (s.kind === 'unit') return this.fail(`"${it.text}" without a number`);
          break;
        case 'reporting':
          this.reporting = true;
          break;
        case 'entity':
          this.entityMention(s.entity, k);
          break;
        case 'date':
          break;
        case 'filter':
          if (this.pendingNegate) {
            this.negated.add(k);
            this.pendingNegate = false;
          }
          this.filters.add(s.filter);
          if (!this.saidAt.has('f:' + s.filter)) this.saidAt.set('f:' + s.filter, k);
          this.groupOpen = false; // "top 3 counterparties by fails"
          if (s.entity === this.entity && this.m.filters.get(s.filter)?.implies && this.baseMentionAt < 0) this.baseMentionAt = k;
          // "the large trades", "confirmation breaks": a filter phrase that names its rows
          if (s.entity === this.entity && this.namesEntity(it)) this.entityMention(s.entity, k);
          break;
        case 'measure': {
          const md = this.m.measures.get(s.measure)!;
          // "trades with a fixed rate" / "without a fixed rate": the column has a value (or not)
          const before = [this.tokens[it.start - 1]?.norm, this.tokens[it.start - 2]?.norm];
          const article = before[0] === 'a' || before[0] === 'an';
          const w = article ? before[1] : before[0];
          if (md.expr && 'column' in md.expr && this.cmpAfter(k) < 0 && (w === 'with' || w === 'without' || w === 'having' || (this.pendingNegate && article))) {
            const table = this.m.entities.get(md.entity)!.table;
            if (w === 'without' || this.pendingNegate) {
              this.pendingNegate = false;
              this.nullDims.push({ table, column: md.expr.column, label: md.label });
            } else this.notNullCols.push({ table, column: md.expr.column, label: md.label });
            break;
          }
          const cmp = this.cmps[this.cmps.length - 1];
          const prev = items[k - 1];
          // "more than 10bn notional", "more than 10bn of notional": the amount compared is this measure
          // (words like "of" and named filters such as "live" may stand between)
          let back = k - 1;
          while (back > k - 4 && items[back]?.kind === 'lex' && (items[back]!.senses[0]?.kind === 'stop' || items[back]!.senses[0]?.kind === 'filter')) back--;
          const ofBetween = back < k - 1 ? items[back] : undefined;
          const afterAmount = (x: Item | undefined) => x?.kind === 'number' || x?.senses[0]?.kind === 'reporting' || x?.senses[0]?.kind === 'unit';
          if (cmp && cmp.value !== undefined && !cmp.measure && (afterAmount(prev) || afterAmount(ofBetween))) {
            cmp.measure = md;
            cmp.afterRows = false; // "more than 1bn of notional": the amount is the measure's, not the rows'
          } else if (this.cmpAfter(k) >= 0) {
            const j = this.cmpAfter(k);
            if (items[j]!.senses[0]?.kind === 'between') this.betweenMeasure = md;
            else {
              // "(live) trades with notional over 100m": the amount of each row named right before "with"
              const pk = this.prevContent(k);
              const ps = pk >= 0 ? items[pk]!.senses[0] : undefined;
              const ppk = pk >= 0 ? this.prevContent(pk) : -1;
              const afterRows =
                !!ps && ((ps.kind === 'entity' && ps.entity === this.entity) || (ps.kind === 'filter' && ps.entity === this.entity && this.namesEntity(items[pk]!))) &&
                items.slice(pk + 1, k).some((x) => /^(with|having)$/i.test(x.text)) && (ppk < 0 || items[ppk]!.senses[0]?.kind !== 'group');
              this.cmps.push({ op: (items[j]!.senses[0] as { op: CmpOp }).op, measure: md, afterRows });
              k = j;
            }
          } else if ((this.pending === 'group' || this.pending === 'top') && (this.groups.length || this.listDims.length || this.top || this.superlative)) {
            // "the biggest live trade by notional": "by" + a measure says what ranks, not what groups
            this.orderMeasure = md;
            this.measures.push(md);
            this.pending = null;
            this.groupOpen = false;
          } else this.measures.push(md);
          break;
        }
        case 'dimension':
          if (!this.dimensionMention(s.dimension, k)) return this.fail(`"${it.text}" cannot be shown here`);
          break;
        case 'value':
          if (this.pendingNegate) {
            this.negated.add(k);
            this.pendingNegate = false;
          }
          this.valueMention(s.dimension, s.value, k);
          break;
        default:
          break;
      }
      if (s.kind !== 'stop' && s.kind !== 'group' && s.kind !== 'top' && s.kind !== 'dimension' && s.kind !== 'entity' && s.kind !== 'withTheir' && s.kind !== 'agg' && s.kind !== 'filter' && s.kind !== 'value' && s.kind !== 'count') {
        if (this.pending === 'withTheir') this.pending = null;
      }
    }
    if (this.pendingNegate) return this.fail('"not" / "excluding" must come before what it excludes');
    if (this.groupOpen) return this.fail('"by" / "per" is not followed by something to group by');
    return this.build();
  }

  private number(k: number): number | 'fail' {
    const it = this.items[k]!;
    let v = it.number!;
    let j = k;
    const next = this.items[k + 1];
    let money = /^\d.*[a-z]$/i.test(it.text);
    if (next?.senses[0]?.kind === 'unit') {
      v *= (next.senses[0] as { factor: number }).factor;
      j = k + 1;
      money = true;
    }
    const prev = this.items[k - 1];
    // "between 50m and 100m": two bounds, inclusive
    if (this.betweenAt >= 0 && prev && (this.betweenAt === k - 1)) {
      const andIt = this.items[j + 1];
      const hi = this.items[j + 2];
      if (andIt?.text.toLowerCase() === 'and' && hi?.kind === 'number') {
        let v2 = hi.number!;
        let j2 = j + 2;
        const unit = this.items[j2 + 1];
        if (unit?.senses[0]?.kind === 'unit') {
          v2 *= (unit.senses[0] as { factor: number }).factor;
          j2++;
          money = true;
        }
        if (money && v < 1000 && v2 >= 1000 && next?.senses[0]?.kind !== 'unit') v *= v2 >= 1e9 && v < 1000 ? 1e9 : 1e6;
        const measure = this.betweenMeasure ?? undefined;
        this.cmps.push({ op: '>=', value: v, money, measure }, { op: '<=', value: v2, money, measure });
        this.betweenAt = -1;
        return j2;
      }
      return 'fail';
    }
    const cmp = this.cmps[this.cmps.length - 1];
    if (cmp && cmp.value === undefined && prev && (prev.senses[0]?.kind === 'cmp' || (prev.senses[0]?.kind === 'reporting' && this.items[k - 2]?.senses[0]?.kind === 'cmp'))) {
      cmp.value = v;
      cmp.money = money;
      // a count noun after the number: "more than 5 open breaks"
      const after = this.items[j + 1];
      const s = after?.senses[0];
      if (s && (s.kind === 'filter' || s.kind === 'entity') && !money) cmp.countNoun = true;
      if (s?.kind === 'measure' && !money && this.m.measures.get(s.measure)?.agg === 'count') cmp.countNoun = true;
      return j;
    }
    // "5 or more", "5 and above"
    const after = this.items[j + 1];
    if (after?.senses[0]?.kind === 'cmp' && /^(or|and)\b/i.test(after.text)) {
      const s2 = this.items[j + 2]?.senses[0];
      this.cmps.push({ op: (after.senses[0] as { op: CmpOp }).op, value: v, money, countNoun: !money && !!s2 && (s2.kind === 'filter' || s2.kind === 'entity') });
      return j + 1;
    }
    if (this.top && this.top.n === undefined) {
      this.top.n = v;
      return j;
    }
    // "five counterparties with the most fails": a count of what follows, ranked
    const nx = after?.senses[0];
    if (!money && Number.isInteger(v) && (nx?.kind === 'entity' || nx?.kind === 'dimension') && !this.top) {
      this.top = { n: v, dir: 'desc' };
      this.pending = 'top';
      return j;
    }
    const s = after?.senses[0];
    if (s?.kind === 'dateRank') {
      this.top = { n: v, dir: s.dir };
      return j;
    }
    if (s?.kind === 'agg' && s.superlative) {
      this.top = { n: v, dir: s.superlative };
      this.pending = 'top';
      return j + 1;
    }
    return 'fail';
  }

  private ordinal(s: Extract<GrammarSense, { kind: 'ordinal' }>): boolean {
    for (const [dimName, set] of this.values) {
      const d = this.m.dimensions.get(dimName)!;
      const order = d.values?.order;
      if (!order || set.size !== 1) continue;
      const v = [...set][0]!;
      const idx = order.indexOf(v);
      if (idx < 0) continue;
      const present = new Set(this.m.model.values.find((c) => c.dimension === dimName)?.values.map((x) => x.value) ?? order);
      const picked = s.dir === 'worse' ? order.slice(idx) : order.slice(0, idx + 1);
      this.values.set(dimName, new Set(picked.filter((x) => present.has(x))));
      return true;
    }
    return false;
  }

  /** "got matched": a date word inside a longer phrase still says which date a period is on. */
  private innerDateWords(it: Item, s: Sense): void {
    // a filter that compares a date column itself ("settled late") keeps the default date
    const f = s.kind === 'filter' ? this.m.filters.get(s.filter) : undefined;
    const own = new Set(f ? f.where.flatMap((c) => ('otherColumn' in c && c.otherColumn ? [c.column, c.otherColumn] : [])) : []);
    for (let t = it.start; t < it.end; t++)
      for (const d of this.m.lexicon.phrases.get(this.tokens[t]!.norm) ?? [])
        if (d.kind === 'date' && d.entity === this.entity && !own.has(d.column)) this.dateWords.push({ entity: d.entity, column: d.column, label: d.label });
  }

  /** Index of the closest item before k that is not a stop word, or -1. */
  private prevContent(k: number): number {
    for (let j = k - 1; j >= 0; j--) if (this.items[j]!.senses[0]?.kind !== 'stop') return j;
    return -1;
  }

  /** Does the item's phrase contain a word naming its entity ("large trades")? */
  private namesEntity(it: Item): boolean {
    for (let t = it.start; t < it.end; t++)
      if ((this.m.lexicon.phrases.get(this.tokens[t]!.norm) ?? []).some((x) => x.kind === 'entity' && x.entity === this.entity)) return true;
    return false;
  }

  /** Index of a comparison right after item k (stop words between are allowed), or -1. */
  private cmpAfter(k: number): number {
    for (let j = k + 1; j < Math.min(this.items.length, k + 4); j++) {
      const s = this.items[j]!.senses[0];
      if (s?.kind === 'cmp' || s?.kind === 'between') return j;
      if (s?.kind !== 'stop') return -1;
    }
    return -1;
  }

  private adjacentValueOf(k: number, pred: (s: Sense) => boolean, reach = 2): boolean {
    for (const j of reach === 1 ? [k - 1, k + 1] : [k - 1, k + 1, k + 2, k - 2]) {
      const it = this.items[j];
      if (!it) continue;
      if (Math.abs(j - k) === 2) {
        const mid = this.items[(j + k) / 2];
        if (!mid || !(mid.senses[0]?.kind === 'stop' || mid.senses[0]?.kind === 'dimension' || mid.senses[0]?.kind === 'negate')) continue;
      }
      if (it.senses.some(pred)) return true;
    }
    return false;
  }

  private entityMention(entity: string, k: number): void {
    if (entity === this.entity) {
      this.groupOpen = false; // "average notional per trade"
      if (this.baseMentionAt < 0) this.baseMentionAt = k;
      if (!this.listDims.length && !this.groups.length) this.recordsMention = true;
      if (this.pending === 'withTheir') this.pending = null;
      return;
    }
    const pe = this.m.entities.get(entity)!;
    const table = pe.table;
    // "how many counterparties have trades over 1bn": count the distinct parents
    const prevSense = this.items[k - 1]?.senses[0];
    if (this.countAsked && prevSense?.kind === 'count' && !this.distinctCols.length) {
      const disp = pe.display[0]!;
      const col = disp.includes('.') ? { table: disp.split('.')[0]!, column: disp.split('.')[1]! } : { table, column: disp };
      this.distinctCols.push({ col, alias: entity, label: pe.label.replace(/s$/, '') });
      return;
    }
    // "client sector": the parent's word only says whose sector
    const nxt = this.items[k + 1]?.senses[0];
    if (nxt?.kind === 'dimension' && nxt.table === table) return;
    // a parent named next to one of its values or filters only qualifies them ("hedge fund counterparties")
    const near = this.pending === 'group' || this.pending === 'top' ? 1 : 2;
    const qualifies = this.adjacentValueOf(k, (s) => (s.kind === 'value' && s.table === table) || (s.kind === 'filter' && s.entity === entity), near);
    const governed = this.pending === 'group' || this.pending === 'top' || this.pending === 'withTheir' || ((this.whichAsked || this.listAsked) && !this.recordsMention && !this.groups.length);
    if (!governed && !qualifies) this.looseParents.push(entity);
    if (!governed || qualifies) return;
    const disp = pe.display[0]!;
    const col = disp.includes('.') ? { table: disp.split('.')[0]!, column: disp.split('.')[1]! } : { table, column: disp };
    const dim = [...this.m.dimensions.values()].find((d) => d.table === col.table && d.column === col.column);
    this.placeColumn(col, dim?.name ?? pe.label, dim?.label ?? pe.label);
  }

  private placeColumn(col: ColumnRef, alias: string, label: string): void {
    this.groupOpen = false;
    // "how many different traders": count the distinct values
    if (this.distinctAsked && this.countAsked && !this.distinctCols.length && this.pending !== 'group' && this.pending !== 'top') {
      this.distinctCols.push({ col, alias, label });
      this.distinctAsked = false;
      return;
    }
    if (this.pending === 'withTheir') {
      this.extraCols.push({ col, alias, label });
      return;
    }
    if (this.pending === 'group' || this.pending === 'top') {
      if (!this.groups.some((g) => g.kind === 'column' && g.col.table === col.table && g.col.column === col.column)) this.groups.push({ kind: 'column', col, alias, label });
      return;
    }
    if ((this.whichAsked || this.listAsked) && !this.recordsMention) {
      this.listDims.push({ col, alias, label });
      return;
    }
    if (!this.groups.some((g) => g.kind === 'column' && g.col.table === col.table && g.col.column === col.column)) this.groups.push({ kind: 'column', col, alias, label });
  }

  private dimensionMention(name: string, k: number): boolean {
    const d = this.m.dimensions.get(name)!;
    // "trades without a CCP", "don't have a clearing house": the column is empty
    if (this.pendingNegate && !this.adjacentValueOf(k, (s) => s.kind === 'value' && s.dimension === name)) {
      this.pendingNegate = false;
      this.nullDims.push(d);
      return true;
    }
    // "the credit desk": the word before names one of this dimension's values, not another column's
    const prev = this.items[k - 1];
    const pv = prev?.senses[0];
    if (prev && pv?.kind === 'value' && pv.dimension !== name) {
      const mine = [...prev.senses, ...(this.m.lexicon.distinctive.get(this.tokens[prev.start]!.norm) ?? [])].filter((x) => x.kind === 'value' && x.dimension === name);
      if (mine.length >= 1 && mine[0]!.kind === 'value' && new Set(mine.map((x) => (x as { value: string }).value)).size === 1) {
        const set = this.values.get(pv.dimension);
        set?.delete(pv.value);
        if (set && !set.size) this.values.delete(pv.dimension);
        this.valueMention(name, mine[0]!.value, k - 1);
        prev.senses = [mine[0]!, ...prev.senses];
        return true;
      }
    }
    // a dimension word right next to one of its values only qualifies it ("the Credit Trading desk");
    // after "by"/"per" only a value touching it does ("per counterparty for Alpenrose" still groups)
    const near = this.pending === 'group' || this.pending === 'top' ? 1 : 2;
    if (this.adjacentValueOf(k, (s) => s.kind === 'value' && s.dimension === name, near)) return true;
    if (this.adjacentValueOf(k, (s) => s.kind === 'value' && s.table === d.table && this.m.dimensions.get(s.dimension)?.column === d.column, near)) return true;
    this.placeColumn({ table: d.table, column: d.column }, d.name, d.label);
    return true;
  }

  private valueMention(dimension: string, value: string, k: number): void {
    // "list the hedge funds we trade with", "which banks have fails": rows of the value's own table
    const d0 = this.m.dimensions.get(dimension)!;
    const owner = this.m.entityByTable.get(d0.table);
    const prevK = this.prevContent(k);
    if (owner && owner !== this.entity && (this.listAsked || this.whichAsked) && !this.listDims.length && !this.recordsMention && !this.groups.length && prevK >= 0) {
      const ps = this.items[prevK]!.senses[0];
      if (ps?.kind === 'list' || ps?.kind === 'which') {
        const pe = this.m.entities.get(owner)!;
        const disp = pe.display[0]!;
        const col = disp.includes('.') ? { table: disp.split('.')[0]!, column: disp.split('.')[1]! } : { table: pe.table, column: disp };
        const dim = [...this.m.dimensions.values()].find((x) => x.table === col.table && x.column === col.column);
        if (!(col.table === d0.table && col.column === d0.column)) this.listDims.push({ col, alias: dim?.name ?? pe.label, label: dim?.label ?? pe.label });
      }
    }
    this.groupOpen = false; // "booked by H. Lindqvist", "executed by voice"
    const d = this.m.dimensions.get(dimension)!;
    if (d.values?.currency) this.currencyValues.push({ dimension, value, index: k });
    else {
      if (!this.saidAt.has('v:' + dimension)) this.saidAt.set('v:' + dimension, k);
      const set = this.values.get(dimension) ?? new Set<string>();
      set.add(value);
      this.values.set(dimension, set);
    }
  }

  // -------------------------------------------------------------------------------------------

  private col(c: string, table = this.e.table): ColumnRef {
    return c.includes('.') ? { table: c.split('.')[0]!, column: c.split('.')[1]! } : { table, column: c };
  }

  private condOf(c: ConditionDef, table: string): Condition {
    if ('olderThanDays' in c) return { kind: 'date', col: this.col(c.column, table), to: addDaysIso(this.today, -c.olderThanDays - 1) };
    const col = this.col(c.column, table);
    switch (c.op) {
      case 'in':
      case 'not in':
        return { kind: 'in', col, values: c.values!, negate: c.op === 'not in' };
      case 'is null':
      case 'is not null':
        return { kind: 'null', col, negate: c.op === 'is not null' };
      default:
        if (c.otherColumn) return { kind: 'colcmp', col, op: c.op, other: this.col(c.otherColumn, table) };
        return { kind: 'cmp', col, op: c.op, value: c.value! };
    }
  }

  private filterConds(name: string): Condition[] {
    const f = this.m.filters.get(name)!;
    const table = this.m.entities.get(f.entity)!.table;
    return f.where.map((c) => this.condOf(c, table));
  }

  private exprOf(x: NonNullable<MeasureDef['expr']>, table: string): Expr {
    if ('column' in x) return { kind: 'col', col: this.col(x.column, table) };
    if ('minus' in x) return { kind: 'minus', a: this.col(x.minus[0], table), b: this.col(x.minus[1], table) };
    if ('daysBetween' in x) {
      const [a, b] = x.daysBetween;
      return { kind: 'days', from: a === 'today' ? 'today' : this.col(a, table), to: b === 'today' ? 'today' : this.col(b, table) };
    }
    return { kind: 'days', from: this.col(x.ageDays, table), to: 'today' };
  }

  private build(): { query: TypedQuery } | { fail: string } {
    const e = this.e;
    // "the desk breakdown of live trades": the columns named with "split"/"breakdown" are what is grouped by
    if (this.splitAsked && !this.groups.length) {
      for (const d of [...this.listDims, ...this.extraCols]) this.groups.push({ kind: 'column', col: d.col, alias: d.alias, label: d.label });
      this.listDims = [];
      this.extraCols = [];
      this.listAsked = false;
      this.whichAsked = false;
      if (!this.groups.length && !this.bucket) return { fail: 'a breakdown of what? say which column to split by' };
    }
    const where: LabelledCondition[] = [];

    // --- currency: a named currency filters and switches to native amounts; the reporting one only says how to report
    const reportingCcy = this.m.model.profile.vocabulary.currency?.reporting;
    let currency: string | undefined;
    const ccyFilters = new Map<string, { values: string[]; negated: boolean }>();
    for (const cv of this.currencyValues) {
      const d = this.m.dimensions.get(cv.dimension)!;
      const next = this.items[cv.index + 1]?.senses[0];
      const namesRows = next && ((next.kind === 'entity' && next.entity === this.entity) || (next.kind === 'filter' && next.entity === this.entity));
      const hasUsd = !!e.amount?.usd;
      const negated = this.negated.has(cv.index);
      const reportsAmount = this.measures.length ? this.measures.some((x) => x.unit === reportingCcy) : (!!this.agg && this.agg !== 'count') || this.cmps.some((c) => c.money || c.measure);
      const compared = this.versusAt.some((v) => v === cv.index - 1 || v === cv.index + 1);
      if (cv.value === reportingCcy && hasUsd && !namesRows && reportsAmount && !negated && !compared) {
        this.reporting = true;
        continue;
      }
      const g = ccyFilters.get(cv.dimension) ?? { values: [], negated };
      if (!g.values.includes(cv.value)) g.values.push(cv.value);
      ccyFilters.set(cv.dimension, g);
    }
    for (const [dimName, g] of ccyFilters) {
      const d = this.m.dimensions.get(dimName)!;
      const col = { table: d.table, column: d.column };
      where.push({
        cond: g.values.length === 1 ? { kind: 'cmp', col, op: g.negated ? '<>' : '=', value: g.values[0]! } : { kind: 'in', col, values: g.values, negate: g.negated },
        label: `${d.label} ${g.negated ? 'not ' : ''}${joinOr(g.values)}`,
      });
      // one named currency: amounts are in that currency
      if (!g.negated && g.values.length === 1 && g.values[0] !== reportingCcy) currency = g.values[0];
    }
    const native = currency !== undefined || !e.amount?.usd;

    // --- measures
    const amountMeasure = [...this.m.measures.values()].find((x) => x.entity === this.entity && x.agg === 'sum' && x.expr && 'column' in x.expr && (x.expr.column === e.amount?.usd || x.expr.column === e.amount?.native));
    let measureDefs = [...this.measures];
    const grouped = this.groups.length > 0 || this.listDims.length > 0;
    // "which counterparty has the largest netting break", "largest live trade per desk": a size ranked within or
    // across groups with no amount named; counting rows (or ignoring the groups) would answer another question
    if (this.sizeSuperlative && grouped && !this.countAsked && !this.top && (this.rankRowsAsked ? this.groups.length > 0 : !measureDefs.length))
      return { fail: '"largest" per group needs the amount to compare; say e.g. "largest break amount by counterparty", or "most" to count' };
    // "the largest live trade", "top 10 trades": rows ranked by their amount
    const rankedRows =
      ((!grouped && this.recordsMention) || this.rankRowsAsked) && !this.countAsked && (!!this.top || !!this.superlative) && measureDefs.every((x) => x.expr && 'column' in x.expr);
    // "disputed confirmations with their break reason": rows, with that column alongside
    const withColumns = this.extraCols.length > 0 && this.recordsMention && !this.groups.length && !this.listDims.length;
    const records =
      !this.percentAsked && (rankedRows || (this.recordsMention && (this.listAsked || this.whichAsked || withColumns) && !grouped && !this.countAsked && !this.agg && !measureDefs.length));
    if (rankedRows && measureDefs.length) this.orderMeasure = measureDefs[0]!;
    if (rankedRows) measureDefs = [];
    // in a grouped question a superlative ranks the groups ("which desk has the most trades")
    // "how many ... in total" still counts
    // "average number of trades per day", "average daily trade count": an average of per-group counts is a
    // two-level aggregate this engine does not build; answering with the counts (or an amount) would be wrong
    if (this.agg === 'avg' && (this.groups.length || this.bucket || this.listDims.length) && measureDefs.every((md) => md.agg === 'count' || md.agg === 'count_distinct'))
      return { fail: 'an average of counts per day, week or group is not supported; ask for the counts per day, week or group instead' };
    const aggWanted = this.agg && this.agg !== 'count' && !(this.superlative && grouped) && !(this.countAsked && this.agg === 'sum' && !measureDefs.length) ? this.agg : null;
    if (!measureDefs.length && aggWanted && !records) {
      // "how much is in dispute": the amount a named filter defines (the disputed amount of margin disputes,
      // the break amount of netting breaks) rather than the rows' plain amount
      const defined = [...this.m.measures.values()].filter((x) => x.entity === this.entity && x.agg === 'sum' && x.requires.length > 0 && x.requires.every((r) => this.filters.has(r)));
      if (defined.length === 1) measureDefs = [defined[0]!];
      else if (!amountMeasure) return { fail: `there is no amount to ${aggWanted === 'avg' ? 'average' : 'add up'} for ${e.label}` };
      else measureDefs = [amountMeasure];
    }
    const specs: MeasureSpec[] = [];
    const required = new Set<string>();
    for (const md of measureDefs) {
      const table = this.m.entities.get(md.entity)!.table;
      let agg = md.agg;
      if (aggWanted && ['sum', 'avg', 'min', 'max'].includes(md.agg)) agg = aggWanted;
      md.requires.forEach((r) => required.add(r));
      const x = native && md.native ? md.native : md.expr;
      if (md.agg === 'ratio') {
        specs.push({
          alias: md.name + '_pct',
          label: md.label + ' (%)',
          agg: 'ratio',
          numerator: this.filterConds(md.ratio!.numerator),
          denominator: md.ratio!.denominator.flatMap((f) => this.filterConds(f)),
        });
        continue;
      }
      const alias = agg === 'count' ? 'count' : agg === 'count_distinct' ? md.name : `${agg === 'sum' ? 'total' : agg}_${md.name}${native && md.native ? '' : md.unit === 'USD' ? '_usd' : ''}`;
      const aggWord = { sum: 'total', avg: 'average', min: 'smallest', max: 'largest', count: 'number of', count_distinct: 'number of', ratio: '' }[agg];
      specs.push({
        alias,
        label: agg === 'count' || agg === 'count_distinct' || md.agg === agg ? md.label : `${aggWord} ${md.label}`,
        agg,
        expr: x ? this.exprOf(x, table) : undefined,
      });
    }
    const listing = records || (!this.splitAsked && (this.whichAsked || this.listAsked) && this.listDims.length > 0 && !this.countAsked && !specs.length && !this.superlative && !this.top && !this.cmps.some((c) => c.countNoun || (c.measure?.agg === 'sum' && c.money)));
    for (const dc of this.distinctCols)
      if (!specs.length) specs.push({ alias: `distinct_${dc.alias}`, label: `number of different ${dc.label}s`, agg: 'count_distinct', expr: { kind: 'col', col: dc.col } });
    if (!listing && !specs.length) specs.push({ alias: 'count', label: `number of ${e.label}`, agg: 'count' });
    // a count nobody asked for, where the question asks "when"/"where" or names one record by its own key
    // ("when does trade X mature", "the maturity date of X", "where is Y based"), would answer 1 or 0
    const unaskedCount = !listing && specs.length === 1 && specs[0]!.agg === 'count' && !this.countAsked && !this.groups.length && !this.bucket && !this.listDims.length && !this.percentAsked;
    if (unaskedCount) {
      const words = this.tokens.map((t) => t.raw.toLowerCase());
      let w = 0;
      while (w < words.length && (POLITE_PREFIX.includes(words[w]!) || ['tell', 'me', 'know', 'like', 'wondering', 'hi', 'hello'].includes(words[w]!))) w++;
      if (words[w] === 'when' || words[w] === 'where') return { fail: `"${words[w]}" asks for a date or a place; name the column to show` };
      const ownKey = [...this.values.keys()].some((d) => {
        const dim = this.m.dimensions.get(d);
        return !!dim && dim.table === e.table && (!!dim.values?.pattern || e.display[0] === dim.column);
      });
      if (ownKey) return { fail: 'the question names one record but not what to show about it' };
      // "the maturity date of X", "onboarded when": a date named with no period to apply it to is what is asked
      const askedDate = this.dateWords.some((d) => d.entity === this.entity && !d.filter && d.column !== e.defaultDate) || this.dateWords.some((d) => d.entity !== this.entity && !d.filter && d.column !== this.m.entities.get(d.entity)?.defaultDate);
      if (askedDate && !this.ranges.length && !this.bucket && !this.dateRank) return { fail: 'the question names a date but no period; say which period, or ask to list the rows' };
    }

    // --- "X vs Y": both kept, one row each (values of one column, or filters on one column)
    for (const v of this.versusAt) {
      // "fails this week vs last week": two periods that meet, one row each (a CASE over the date)
      const ta = this.items[v - 1];
      const tb = this.items[v + 1];
      if (ta?.kind === 'time' || tb?.kind === 'time') {
        const ra = ta?.time?.range;
        const rb = tb?.time?.range;
        if (this.periodCompare || !ra?.from || !ra.to || !rb?.from || !rb.to || this.bucket || this.ranges.length !== 2) return { fail: '"vs" between periods needs two whole periods (e.g. "this week vs last week")' };
        const [lo, hi] = ra.from <= rb.from ? [ra, rb] : [rb, ra];
        if (hi.from !== addDaysIso(lo.to!, 1)) return { fail: '"vs" compares periods that follow one another (e.g. "this month vs last month")' };
        const label = (t: string) => t.toLowerCase().replace(/[^a-z0-9 -]/g, '').trim() || 'period';
        this.periodCompare = [
          { from: ra.from, to: ra.to, label: label(ta!.time!.text) },
          { from: rb.from, to: rb.to, label: label(tb!.time!.text) },
        ];
        if (this.periodCompare[0]!.label === this.periodCompare[1]!.label) return { fail: '"vs" needs two different periods' };
        this.ranges = [{ ...ta!.time!, text: `${ta!.time!.text} vs ${tb!.time!.text}`, range: { from: lo.from!, to: hi.to! } }];
        continue;
      }
      const a = this.items[v - 1]?.senses[0];
      const b = this.items[v + 1]?.senses[0];
      const colOf = (x: Sense | undefined): ColumnRef | undefined => {
        if (x?.kind === 'value') {
          const d = this.m.dimensions.get(x.dimension)!;
          return { table: d.table, column: d.column };
        }
        if (x?.kind === 'filter') {
          const f = this.m.filters.get(x.filter)!;
          const c = f.where[0]!;
          if (f.where.length !== 1 || !('op' in c) || (c.op !== '=' && c.op !== 'in')) return undefined;
          return { table: this.m.entities.get(f.entity)!.table, column: c.column };
        }
        return undefined;
      };
      const ca = colOf(a);
      const cb = colOf(b);
      if (!ca || !cb || ca.table !== cb.table || ca.column !== cb.column) return { fail: '"vs" needs two values of the same thing on either side' };
      const fa = a?.kind === 'filter' ? this.m.filters.get(a.filter)! : undefined;
      const fb = b?.kind === 'filter' ? this.m.filters.get(b.filter)! : undefined;
      if (fa && fb) {
        // the two filters become one IN over their values, grouped by the column
        this.filters.delete(fa.name);
        this.filters.delete(fb.name);
        const vals = [fa, fb].flatMap((f) => {
          const c = f.where[0]! as { values?: (string | number)[]; value?: string | number };
          return c.values ?? [c.value!];
        });
        where.push({ cond: { kind: 'in', col: ca, values: vals }, label: `${columnLabel(this.m, ca)} ${joinOr(vals)}` });
      }
      const dim = [...this.m.dimensions.values()].find((d) => d.table === ca.table && d.column === ca.column);
      if (!this.groups.some((g) => g.kind === 'column' && g.col.column === ca.column && g.col.table === ca.table))
        this.groups.push({ kind: 'column', col: ca, alias: dim?.name ?? ca.column, label: columnLabel(this.m, ca) });
    }

    // --- filters: named, implied by measures, values, defaults
    // "what percentage of live trades are cleared": what is said after the rows is the part, the rest the whole
    const share = this.percentAsked && !specs.some((x) => x.agg === 'ratio');
    const part: LabelledCondition[] = [];
    const isPart = (key: string) => share && this.baseMentionAt >= 0 && (this.saidAt.get(key) ?? -1) > this.baseMentionAt;
    const filterNames = new Set([...this.filters, ...required]);
    for (const name of filterNames) {
      const f = this.m.filters.get(name)!;
      const tbl = this.m.entities.get(f.entity)!.table;
      const conds = f.where.map((c) => this.condOf(c, tbl));
      const neg = this.negated.has(this.saidAt.get('f:' + name) ?? -1);
      const list = isPart('f:' + name) ? part : where;
      if (neg) list.push({ cond: conds.length === 1 ? negate(conds[0]!) : { kind: 'not', conds }, label: `not ${f.label}` });
      else conds.forEach((c) => list.push({ cond: c, label: f.label }));
    }
    for (const [dimName, set] of this.values) {
      const d = this.m.dimensions.get(dimName)!;
      const vals = [...set];
      const col = { table: d.table, column: d.column };
      const neg = this.negated.has(this.saidAt.get('v:' + dimName) ?? -1);
      const cond: Condition = vals.length === 1 ? { kind: 'cmp', col, op: neg ? '<>' : '=', value: vals[0]! } : { kind: 'in', col, values: vals, negate: neg };
      (isPart('v:' + dimName) ? part : where).push({ cond, label: `${d.label} ${neg ? 'not ' : ''}${joinOr(vals.map((v) => valueLabel(this.m, dimName, v)))}` });
    }
    for (const d of this.nullDims) where.push({ cond: { kind: 'null', col: { table: d.table, column: d.column } }, label: `no ${d.label}` });
    for (const d of this.notNullCols) where.push({ cond: { kind: 'null', col: { table: d.table, column: d.column }, negate: true }, label: `a ${d.label}` });
    if (share) {
      if (!part.length) return { fail: 'a percentage of what? say which rows make the share' };
      specs.length = 0;
      // "what % of confirmations were matched" is the team's match rate: when the part is exactly the
      // numerator of a named rate, that rate's denominator applies (Cancelled left out, settled or failed)
      const partFilters = [...filterNames].filter((n) => isPart('f:' + n));
      const onlyFilter = partFilters.length === 1 && ![...this.values.keys()].some((d) => isPart('v:' + d)) && !this.negated.has(this.saidAt.get('f:' + partFilters[0]) ?? -1);
      const rate = onlyFilter ? [...this.m.measures.values()].find((md) => md.entity === this.entity && md.agg === 'ratio' && md.ratio?.numerator === partFilters[0]) : undefined;
      specs.push({ alias: 'share_pct', label: `share with ${part.map((p) => p.label).join(' and ')} (%)`, agg: 'ratio', numerator: part.map((p) => p.cond), denominator: rate ? rate.ratio!.denominator.flatMap((f) => this.filterConds(f)) : [] });
    }
    const touched = new Set([...where, ...part].flatMap((w) => colsOf(w.cond)));
    // "trades by status": a column the answer is broken down by shows all its values, so a default
    // filter on that column does not hide some of them (within a period, "booked"/"due" keep it)
    if (!this.ranges.length) for (const g of this.groups) if (g.kind === 'column') touched.add(`${g.col.table}.${g.col.column}`);
    // one record named by its identifier: no default filter hides it
    const identified = [...this.values.keys()].some((d) => !!this.m.dimensions.get(d)?.values?.pattern);
    for (const fname of identified ? [] : e.defaultFilters) {
      const f = this.m.filters.get(fname)!;
      const conds = f.where.map((c) => this.condOf(c, e.table));
      if (conds.some((c) => colsOf(c).some((k) => touched.has(k)))) continue;
      // a ratio whose denominator already restricts the column decides for itself
      if (specs.some((s) => s.agg === 'ratio' && s.denominator!.length)) continue;
      conds.forEach((c) => where.push({ cond: c, label: f.label }));
    }

    // --- comparisons on amounts (WHERE) or on counts (HAVING)
    let having: TypedQuery['having'];
    // "counterparties with fewer than 50 live trades": the parent named first is what is counted per
    // ("counterparties with notional over 1bn": the parent's total of the amount named, likewise)
    if (!this.groups.length && !this.listDims.length && this.looseParents.length && this.cmps.some((c) => c.countNoun || (c.money && c.measure?.agg === 'sum' && !c.afterRows))) {
      const pe = this.m.entities.get(this.looseParents[0]!)!;
      const disp = pe.display[0]!;
      const col = disp.includes('.') ? { table: disp.split('.')[0]!, column: disp.split('.')[1]! } : { table: pe.table, column: disp };
      const dim = [...this.m.dimensions.values()].find((d) => d.table === col.table && d.column === col.column);
      this.listDims.push({ col, alias: dim?.name ?? pe.label, label: dim?.label ?? pe.label });
    }
    // "counterparties with netting mismatches today": the rows' distinct parents, listed
    const firstLex = this.items.find((x) => x.kind !== 'lex' || x.senses[0]?.kind !== 'stop');
    if (
      !this.groups.length && !this.listDims.length && this.looseParents.length && !this.countAsked && !this.agg && !this.measures.length &&
      // "counterparties with trades over 500m": an amount right after the rows filters those rows
      this.cmps.every((c) => c.money && c.afterRows && !c.countNoun) &&
      firstLex?.senses[0]?.kind === 'entity' && (firstLex.senses[0] as { entity: string }).entity === this.looseParents[0]
    ) {
      const pe = this.m.entities.get(this.looseParents[0]!)!;
      const disp = pe.display[0]!;
      const col = disp.includes('.') ? { table: disp.split('.')[0]!, column: disp.split('.')[1]! } : { table: pe.table, column: disp };
      const dim = [...this.m.dimensions.values()].find((d) => d.table === col.table && d.column === col.column);
      this.listDims.push({ col, alias: dim?.name ?? pe.label, label: dim?.label ?? pe.label });
      this.listAsked = true;
    }
    const groupsExist = this.groups.length > 0 || this.listDims.length > 0;
    for (const c of this.cmps) {
      if (c.value === undefined) return { fail: 'a comparison without a number' };
      if (groupsExist && (c.countNoun || (!c.money && !c.measure))) {
        having = { measure: 0, op: c.op, value: c.value };
        continue;
      }
      if (groupsExist && c.measure && c.measure.agg !== 'count' && !c.afterRows) {
        // "counterparties with more than 1bn notional": compare the group's total
        let idx = specs.findIndex((s) => s.alias.includes(c.measure!.name));
        // "sectors with live notional above 10bn": the measure is named only in the comparison, so the
        // groups' total of it is what is compared (and shown, in place of a count nobody asked for)
        const md = c.measure;
        if (idx < 0 && md.agg === 'sum' && md.expr && !specs.some((s) => s.agg === 'ratio')) {
          const x = native && md.native ? md.native : md.expr;
          const spec: MeasureSpec = { alias: `total_${md.name}${native && md.native ? '' : md.unit === 'USD' ? '_usd' : ''}`, label: `total ${md.label}`, agg: 'sum', expr: this.exprOf(x, this.m.entities.get(md.entity)!.table) };
          if (!this.countAsked && specs.length === 1 && specs[0]!.alias === 'count') specs[0] = spec;
          else specs.push(spec);
          idx = specs.indexOf(spec);
        }
        if (idx >= 0) {
          having = { measure: idx, op: c.op, value: c.value };
          continue;
        }
      }
      // "notional by desk over 10bn": an amount compared after the groups' own total of it is that total
      // (HAVING); a single-row filter would answer another question. "live trades by desk over 10bn" (rows
      // named before the amount, counts asked) keeps comparing each row.
      if (groupsExist && c.money && !c.measure && !c.afterRows) {
        const amountSpecs = specs.map((s, i) => [s, i] as const).filter(([s]) => s.agg !== 'count' && s.agg !== 'count_distinct' && s.agg !== 'ratio');
        if (amountSpecs.length > 1 || (amountSpecs.length === 1 && amountSpecs[0]![0].agg !== 'sum'))
          return { fail: `"${fmtNum(c.value)}" could compare each row or each group's ${amountSpecs.map(([s]) => s.label).join(' / ')}; say which` };
        if (amountSpecs.length === 1) {
          having = { measure: amountSpecs[0]![1], op: c.op, value: c.value };
          continue;
        }
      }
      if (c.countNoun) return { fail: 'a count comparison needs something to group by' };
      // "how many counterparties have more than 1bn of live notional": each parent's total, counted, is not a row filter
      if (this.distinctCols.length && c.money && c.measure?.agg === 'sum' && !c.afterRows) return { fail: `counting ${this.distinctCols[0]!.label}s by their total ${c.measure.label} is not supported; ask to list them` };
      const md = c.measure && c.measure.expr && 'column' in c.measure.expr ? c.measure : amountMeasure;
      if (!md || !md.expr || !('column' in md.expr)) return { fail: `no amount to compare for ${e.label}` };
      const x = native && md.native && 'column' in md.native ? md.native : md.expr;
      const col = this.col((x as { column: string }).column, this.m.entities.get(md.entity)!.table);
      where.push({ cond: { kind: 'cmp', col, op: c.op, value: c.value }, label: `${md.label} ${opWord(c.op)} ${fmtNum(c.value)}` });
    }

    // --- time
    // "% of exceptions resolved this year": the word that makes the share's part ("resolved") does not move
    // the period onto its own date (only the part has one, so the share would always be 100%)
    if (share) this.dateWords = this.dateWords.filter((d) => !d.filter || !isPart('f:' + d.filter));
    const dateCol = this.pickDate(measureDefs);
    let timeLabel: string | undefined;
    const groupBy: GroupSpec[] = [];
    if (this.ranges.length || this.bucket) {
      if (!dateCol) return { fail: `no date to apply "${(this.ranges[0] ?? this.bucket)!.text}" to for ${e.label}` };
      const labels: string[] = [];
      for (const r of this.ranges) {
        where.push({ cond: { kind: 'date', col: dateCol.col, from: r.range!.from, to: r.range!.to }, label: `${dateCol.label} ${rangeWords(r.range!.from, r.range!.to)}` });
        labels.push(`${dateCol.label} ${rangeWords(r.range!.from, r.range!.to)}`);
      }
      timeLabel = labels.join(' and ') || undefined;
      if (this.periodCompare) groupBy.push({ kind: 'period', col: dateCol.col, periods: this.periodCompare, alias: 'period', label: 'period' });
      if (this.bucket) {
        const b = this.bucket.bucket!;
        if (b === 'quarter' || b === 'year') return { fail: `grouping by ${b} is not supported yet` };
        groupBy.push({ kind: 'bucket', col: dateCol.col, bucket: b, alias: b, label: `${b} of ${dateCol.label}` });
      }
    }
    groupBy.push(...this.groups);

    // "the oldest open exception", "the 5 latest trades": rows ranked by their date
    if (this.dateRank) {
      const named = this.recordsMention || [...this.filters].some((f) => this.m.filters.get(f)!.implies && this.m.filters.get(f)!.entity === this.entity);
      if (!named || grouped || specs.some((x) => x.agg !== 'count') || this.countAsked || !dateCol) return { fail: '"oldest" / "latest" rank rows of one kind by their date; name the rows' };
      const cols = e.display.map((c) => {
        const col = this.col(c);
        return { col, alias: col.column, label: columnLabel(this.m, col) };
      });
      if (!cols.some((c) => c.col.column === dateCol.col.column && c.col.table === dateCol.col.table)) cols.push({ col: dateCol.col, alias: dateCol.col.column, label: dateCol.label });
      return this.done({
        shape: 'list',
        where,
        listColumns: [...cols, ...this.extraCols],
        orderBy: { expr: 'column', col: dateCol.col, dir: this.dateRank, byDate: true },
        limit: this.top?.n ?? 1,
        timeLabel,
        currency,
        groupBy: [],
        having: undefined,
        specs: [],
        distinct: false,
      });
    }

    // --- shape
    let shape: TypedQuery['shape'] = 'aggregate';
    let listColumns: TypedQuery['listColumns'] = [];
    let distinct = false;
    let orderBy: TypedQuery['orderBy'];
    let limit: number | undefined;
    if (listing) {
      shape = 'list';
      if (records && this.rankRowsAsked && this.listDims.length) {
        // "which trader booked the largest trade": the asked column of the top row(s)
        listColumns = [...this.listDims];
      } else if (records) {
        listColumns = e.display.map((c) => {
          const col = this.col(c);
          return { col, alias: col.column, label: columnLabel(this.m, col) };
        });
      } else {
        listColumns = this.listDims;
        distinct = true;
      }
      for (const x of this.extraCols) if (!listColumns.some((l) => l.col.column === x.col.column && l.col.table === x.col.table)) listColumns.push(x);
      if (this.top || this.superlative) {
        const md = this.orderMeasure ?? amountMeasure;
        if (md?.expr) {
          const x = native && md.native ? md.native : md.expr;
          const ex = this.exprOf(x, this.m.entities.get(md.entity)!.table);
          orderBy = { expr: 'column', col: ex, dir: this.top?.dir ?? this.superlative ?? 'desc' };
          if (ex.kind === 'col' && !listColumns.some((l) => l.col.column === ex.col.column)) listColumns.push({ col: ex.col, alias: ex.col.column, label: md.label });
        }
        limit = this.top?.n ?? 1;
      }
    } else {
      // "which books have more than 5 breaks": the listed column becomes the group
      for (const l of this.listDims) groupBy.push({ kind: 'column', col: l.col, alias: l.alias, label: l.label });
      if (this.extraCols.length) groupBy.push(...this.extraCols.map((x) => ({ kind: 'column' as const, col: x.col, alias: x.alias, label: x.label })));
      if (this.top || (this.superlative && groupBy.length)) {
        const idx = this.orderMeasure ? Math.max(0, specs.findIndex((s) => s.alias.includes(this.orderMeasure!.name))) : 0;
        orderBy = { expr: 'measure', measure: idx, dir: this.top?.dir ?? this.superlative ?? 'desc' };
        limit = this.top?.n ?? 1;
        if (!groupBy.length && this.top?.n !== undefined) return { fail: 'top N of what? name what to rank' };
      }
    }
    if (shape === 'aggregate' && !groupBy.length && having) return { fail: 'a count comparison needs something to group by' };

    // two different values required of one column ("received" and "issued") cannot both hold
    const eqs = new Map<string, string | number>();
    for (const w of where) {
      if (w.cond.kind !== 'cmp' || w.cond.op !== '=') continue;
      const key = `${w.cond.col.table}.${w.cond.col.column}`;
      if (eqs.has(key) && eqs.get(key) !== w.cond.value) return { fail: `the question asks for both ${eqs.get(key)} and ${w.cond.value} as ${columnLabel(this.m, w.cond.col)}` };
      eqs.set(key, w.cond.value);
    }
    return {
      query: {
        entity: this.entity,
        table: e.table,
        entityLabel: e.label,
        shape,
        measures: shape === 'list' ? [] : specs,
        groupBy: shape === 'list' ? [] : groupBy,
        listColumns,
        distinct,
        where: dedupe(where),
        having,
        orderBy,
        limit,
        today: this.today,
        timeLabel,
        currency,
      },
    };
  }

  private done(p: { shape: TypedQuery['shape']; where: LabelledCondition[]; listColumns: TypedQuery['listColumns']; orderBy?: TypedQuery['orderBy']; limit?: number; timeLabel?: string; currency?: string; groupBy: TypedQuery['groupBy']; having?: TypedQuery['having']; specs: MeasureSpec[]; distinct: boolean }): { query: TypedQuery } {
    const e = this.e;
    return {
      query: {
        entity: this.entity,
        table: e.table,
        entityLabel: e.label,
        shape: p.shape,
        measures: p.specs,
        groupBy: p.groupBy,
        listColumns: p.listColumns,
        distinct: p.distinct,
        where: dedupe(p.where),
        having: p.having,
        orderBy: p.orderBy,
        limit: p.limit,
        today: this.today,
        timeLabel: p.timeLabel,
        currency: p.currency,
      },
    };
  }

  private pickDate(measures: MeasureDef[]): { col: ColumnRef; label: string } | undefined {
    const e = this.e;
    for (const md of measures) {
      if (md.date) {
        const d = e.dates.find((x) => x.column === md.date);
        return { col: { table: e.table, column: md.date }, label: d?.label ?? columnLabel(this.m, { table: e.table, column: md.date }) };
      }
    }
    const own = this.dateWords.find((d) => d.entity === this.entity);
    if (own) return { col: { table: e.table, column: own.column }, label: own.label };
    if (this.dateEntityHint && this.dateEntityHint !== this.entity) {
      const pe = this.m.entities.get(this.dateEntityHint)!;
      if (pe.defaultDate) return { col: { table: pe.table, column: pe.defaultDate }, label: pe.dates.find((d) => d.column === pe.defaultDate)?.label ?? pe.defaultDate };
    }
    const parent = this.dateWords.find((d) => d.entity !== this.entity);
    if (parent && !e.defaultDate) return { col: { table: this.m.entities.get(parent.entity)!.table, column: parent.column }, label: parent.label };
    if (e.defaultDate) return { col: { table: e.table, column: e.defaultDate }, label: e.dates.find((d) => d.column === e.defaultDate)?.label ?? e.defaultDate };
    return undefined;
  }
}

function colsOf(c: Condition): string[] {
  if (c.kind === 'not') return c.conds.flatMap(colsOf);
  return [`${c.col.table}.${c.col.column}`];
}

function negate(c: Condition): Condition {
  switch (c.kind) {
    case 'cmp':
      return { ...c, op: ({ '=': '<>', '<>': '=', '>': '<=', '>=': '<', '<': '>=', '<=': '>' } as const)[c.op] };
    case 'in':
      return { ...c, negate: !c.negate };
    case 'null':
      return { ...c, negate: !c.negate };
    default:
      return { kind: 'not', conds: [c] };
  }
}

function dedupe(list: LabelledCondition[]): LabelledCondition[] {
  const seen = new Set<string>();
  const out: LabelledCondition[] = [];
  // an IN on a column that another IN/= on the same column narrows is kept (intersection is still right)
  for (const l of list) {
    const k = JSON.stringify(l.cond);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(l);
  }
  return out;
}

function addDaysIso(iso: string, n: number): string {
  const d = new Date(iso + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function joinOr(vals: (string | number)[]): string {
  if (vals.length <= 1) return String(vals[0] ?? '');
  return vals.slice(0, -1).join(', ') + ' or ' + vals[vals.length - 1];
}

function rangeWords(from?: string, to?: string): string {
  if (from && to) return from === to ? `on ${from}` : `from ${from} to ${to}`;
  if (from) return `on or after ${from}`;
  if (to) return `on or before ${to}`;
  return '';
}

function opWord(op: CmpOp): string {
  return { '>': 'over', '>=': 'at least', '<': 'under', '<=': 'at most', '=': 'equal to' }[op];
}

export function fmtNum(n: number): string {
  if (Math.abs(n) >= 1e9 && n % 1e7 === 0) return `${n / 1e9}bn`;
  if (Math.abs(n) >= 1e6 && n % 1e4 === 0) return `${n / 1e6}m`;
  return n.toLocaleString('en-US');
}

