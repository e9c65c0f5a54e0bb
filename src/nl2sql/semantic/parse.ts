/**
 * Question -> typed query, in stages: this file tokenises the question and looks its phrases up in
 * the lexicon (items), once per candidate base entity (the table the rows come from); the grammar
 * (interpret.ts) reads the items, the resolver (resolve.ts) applies the profile's defaults and
 * builds the typed query. Every content word must be consumed by something the model knows
 * (entity, measure, filter, dimension, learned value, time phrase, grammar or stop word);
 * otherwise the engine abstains. The reading that consumes everything and names its entity wins.
 */
import { editDistance, normPhrase, typoAllowance, type Token } from '../../training/index.js';
import { readingOf, readQuestion, type Reading } from './reading.js';
import { AUXILIARIES, POLITE_PREFIX, STRONG_WRITE_VERBS } from './grammar.js';
import { fuzzyLookup, type DomainSense, type Sense } from './lexicon.js';
import { distance, type EngineModel } from './model.js';
import type { TypedQuery } from './query.js';
import type { TimeMatch } from './time/index.js';
import { Interpreter, type Item } from './interpret.js';

export type ParseOutcome =
  | { status: 'query'; query: TypedQuery }
  | { status: 'abstain'; reason: string; unknown: string[]; tie?: string[] }
  | { status: 'refuse'; reason: string };

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

/**
 * "did we setlle": a verb of the profile's misspelt (Damerau-Levenshtein within the typo allowance, same
 * first letter), when the word is no known word itself and exactly one verb is that close.
 */
function verbTypo(word: string, verbs: Record<string, string>, m: EngineModel): string | undefined {
  const allow = typoAllowance(word.length);
  if (!allow || m.lexicon.phrases.has(word)) return undefined;
  const close = Object.keys(verbs).filter((k) => k[0] === word[0] && editDistance(word, k, allow) <= allow);
  return close.length === 1 ? verbs[close[0]!] : undefined;
}

export class QuestionParser {
  constructor(private readonly m: EngineModel) {}

  parse(question: string, today: string, reading?: Reading): ParseOutcome {
    const rd = readingOf(question, today, reading);
    // the parser rewrites some tokens' normal form (verbs after an auxiliary): its own copies
    const tokens = rd.tokens.map((t) => ({ ...t }));
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
      const v = verbs[t.raw.toLowerCase()] ?? verbTypo(t.raw.toLowerCase(), verbs, this.m);
      const det = ['each', 'every', 'the', 'a', 'per', 'by', 'which', 'what', 'this', 'that', 'one', 'any', 'same'].includes(tokens[i - 1]?.raw.toLowerCase() ?? '');
      if (v && !det && tokens.slice(Math.max(0, i - 3), i).some((x) => AUXILIARIES.includes(x.raw.toLowerCase()))) t.norm = normPhrase(v);
    });
    const times = rd.times;
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
      return { status: 'abstain', reason: `the question could be about ${best.q.entityLabel} or ${tie.entityLabel}; please say which`, unknown: [], tie: [best.q.entity, tie.entity] };
    // a reading whose rows nobody named, while the question names other rows, is a guess
    if (best && best.score < 50 && [...namedByWord].some((e) => e !== best!.q.entity))
      return { status: 'abstain', reason: `the question names ${[...namedByWord].join(', ')} but reads only as a question about ${best.q.entityLabel}`, unknown: [] };
    // a reading that no word of the question points to ("how much is due to us tomorrow" read as trades) is a guess
    if (best && best.score <= 0) return { status: 'abstain', reason: `the question does not say which rows it is about (${best.q.entityLabel}?)`, unknown: [] };
    if (best) return { status: 'query', query: best.q };
    if (unsupported) return unsupported;
    return { status: 'abstain', reason: bestFail?.reason ?? 'the question does not name anything in this data', unknown: bestFail?.unknown ?? [] };
  }

  /**
   * A follow-up's words read against a given base entity (the previous answer's rows): the grammar's
   * findings (not yet resolved into a query), or the words not understood, or a refusal.
   */
  readFragment(question: string, today: string, entity: string):
    | { status: 'read'; ip: Interpreter; named: string[] }
    | { status: 'abstain'; reason: string; unknown: string[] }
    | { status: 'refuse'; reason: string } {
    const rd = readQuestion(question, today);
    const text = rd.text;
    const tokens = rd.tokens.map((t) => ({ ...t }));
    if (!tokens.length) return { status: 'abstain', reason: 'the question is empty', unknown: [] };
    const verb = detectWrite(tokens, this.m.writeVerbs, () => false);
    if (verb) return { status: 'refuse', reason: `"${verb}" would change data; the copilot only reads data and never changes it` };
    const times = rd.times;
    const timeOf = tokens.map((t) => times.findIndex((tm) => t.start >= tm.start && t.end <= tm.end));
    const mentioned = this.mentionedEntities(tokens, timeOf);
    const cache = new LookupCache(this.m, tokens, timeOf, text);
    const { items, unknown } = this.lexItems(entity, tokens, timeOf, times, mentioned, cache);
    const unsupported = items.find((it) => it.senses[0]?.kind === 'unsupported');
    if (unsupported) return { status: 'abstain', reason: `this data holds no ${(unsupported.senses[0] as { what: string }).what} ("${unsupported.text}")`, unknown: [unsupported.text] };
    if (unknown.length) return { status: 'abstain', reason: `words not understood: ${unknown.join(', ')}`, unknown };
    const ip = new Interpreter(this.m, entity, items, tokens, today);
    const f = ip.scan();
    if (f) return { status: 'abstain', reason: f.fail, unknown: [] };
    return { status: 'read', ip, named: [...mentioned.keys()] };
  }

  /** The entities a question names by a word of their own or an implied filter ("trades", "fails"). */
  namedEntities(question: string, today: string): string[] {
    const { tokens, times } = readQuestion(question, today);
    const timeOf = tokens.map((t) => times.findIndex((tm) => t.start >= tm.start && t.end <= tm.end));
    return [...this.mentionedEntities([...tokens], timeOf).keys()];
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

export { fmtNum, joinOr } from './query-parts.js';
