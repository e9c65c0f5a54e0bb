/**
 * The lexicon: every phrase the engine knows, from the trained model (entity, date, filter,
 * measure, dimension words; learned values) and from the built-in grammar, keyed by normal form.
 * Built once per model (precomputed matchers), then each question is a few map look-ups.
 */
import { editDistance, normPhrase, typoAllowance, type TrainedModel } from '../../training/index.js';
import { GRAMMAR, SOFT_STOP_WORDS, STOP_WORDS, type GrammarSense } from './grammar.js';

export type DomainSense =
  | { kind: 'entity'; entity: string }
  | { kind: 'date'; entity: string; column: string; label: string }
  | { kind: 'filter'; filter: string; entity: string }
  | { kind: 'measure'; measure: string; entity: string }
  | { kind: 'dimension'; dimension: string; table: string }
  | { kind: 'value'; dimension: string; table: string; value: string; how: 'exact' | 'distinctive' | 'typo' }
  | { kind: 'reporting' }
  | { kind: 'unsupported'; what: string };

export type Sense = DomainSense | GrammarSense;

export interface Lexicon {
  /** normal phrase -> senses */
  phrases: Map<string, Sense[]>;
  /** case-sensitive raw phrases (codes such as ratings) -> senses */
  rawPhrases: Map<string, Sense[]>;
  maxLen: number;
  /** distinctive single tokens of names -> value senses */
  distinctive: Map<string, Sense[]>;
  /** candidates for typo-tolerant matching: normal token sequences of 5+ letters */
  fuzzy: { tokens: string[]; phrase: string; senses: Sense[] }[];
  /** identifiers recognised by their shape (e.g. trade references) */
  patterns: { re: RegExp; dimension: string; table: string }[];
  /** the same, by first letter */
  fuzzyByInitial: Map<string, { tokens: string[]; phrase: string; senses: Sense[] }[]>;
}

function add(map: Map<string, Sense[]>, phrase: string, sense: Sense): number {
  if (!phrase) return 0;
  const list = map.get(phrase) ?? [];
  if (!list.some((s) => JSON.stringify(s) === JSON.stringify(sense))) list.push(sense);
  map.set(phrase, list);
  return phrase.split(' ').length;
}

export function buildLexicon(model: TrainedModel): Lexicon {
  const p = model.profile;
  const phrases = new Map<string, Sense[]>();
  const rawPhrases = new Map<string, Sense[]>();
  const distinctive = new Map<string, Sense[]>();
  let maxLen = 1;
  const put = (text: string, sense: Sense) => {
    maxLen = Math.max(maxLen, add(phrases, normPhrase(text), sense));
  };
  for (const [name, e] of Object.entries(p.entities)) {
    e.words.forEach((w) => put(w, { kind: 'entity', entity: name }));
    for (const d of e.dates) {
      const sense: Sense = { kind: 'date', entity: name, column: d.column, label: d.label };
      d.words.forEach((w) => put(w, sense));
      // "onboarding date", "onboarded date": the column's own label, and a one-word name of it followed by "date"
      put(d.label, sense);
      for (const w of d.words) if (!/\s/.test(w.trim()) && !/\b(date|day)$/i.test(w)) put(`${w} date`, sense);
    }
  }
  for (const f of p.filters) f.words.forEach((w) => put(w, { kind: 'filter', filter: f.name, entity: f.entity }));
  for (const m of p.measures) m.words.forEach((w) => put(w, { kind: 'measure', measure: m.name, entity: m.entity }));
  for (const d of p.dimensions) d.words.forEach((w) => put(w, { kind: 'dimension', dimension: d.name, table: d.table }));
  const currencyNames = p.vocabulary.currency?.names ?? {};
  for (const vc of model.values) {
    const synonyms = Object.entries(p.dimensions.find((d) => d.name === vc.dimension)?.values?.synonyms ?? {});
    for (const v of vc.values) {
      const sense: Sense = { kind: 'value', dimension: vc.dimension, table: vc.table, value: v.value, how: 'exact' };
      const own = normPhrase(v.value);
      // a case-sensitive code ('NDF', 'IM') is matched as written, unless the profile also gives
      // it as a word people write (a synonym "ndf" is matched in any case: "NDFs", "ndf")
      const said = synonyms.some(([canon, words]) => canon.toLowerCase() === v.value.toLowerCase() && words.some((w) => normPhrase(w) === own));
      for (const f of v.forms) {
        if (vc.caseSensitive && f === own && !said) {
          maxLen = Math.max(maxLen, add(rawPhrases, v.value.split(/[^A-Za-z0-9+-]+/).filter(Boolean).join(' '), sense));
        } else maxLen = Math.max(maxLen, add(phrases, f, sense));
      }
      if (vc.currency) for (const n of currencyNames[v.value] ?? []) put(n, sense);
      for (const t of v.distinctive) add(distinctive, t, { ...sense, how: 'distinctive' });
    }
  }
  for (const w of p.vocabulary.currency?.reportingWords ?? []) put(w, { kind: 'reporting' });
  for (const u of p.vocabulary.unsupported) u.words.forEach((w) => put(w, { kind: 'unsupported', what: u.what }));
  for (const w of p.vocabulary.ignore) put(w, { kind: 'stop' });
  for (const [words, sense] of GRAMMAR) words.forEach((w) => put(w, sense));
  for (const w of STOP_WORDS) put(w, { kind: 'stop' });
  for (const w of SOFT_STOP_WORDS) if (!phrases.has(normPhrase(w))) put(w, { kind: 'stop' });
  maxLen = Math.max(maxLen, addAbbreviated(phrases, p.vocabulary.abbreviations));

  // typo candidates: domain phrases whose every token has 5+ letters somewhere (names, words)
  const fuzzy: Lexicon['fuzzy'] = [];
  for (const [phrase, senses] of phrases) {
    const domain = senses.filter((s) => s.kind === 'value' || s.kind === 'entity' || s.kind === 'filter' || s.kind === 'measure' || s.kind === 'dimension' || s.kind === 'date' || s.kind === 'agg' || s.kind === 'count');
    if (!domain.length) continue;
    const tokens = phrase.split(' ');
    if (!tokens.some((t) => t.length >= 5)) continue;
    fuzzy.push({ tokens, phrase, senses: domain.map((s) => (s.kind === 'value' ? { ...s, how: 'typo' as const } : s)) });
  }
  for (const [tok, senses] of distinctive) if (tok.length >= 5) fuzzy.push({ tokens: [tok], phrase: tok, senses: senses.map((s) => ({ ...s, how: 'typo' as const })) });
  const fuzzyByInitial = new Map<string, Lexicon['fuzzy']>();
  for (const c of fuzzy) (fuzzyByInitial.get(c.tokens[0]![0]!) ?? fuzzyByInitial.set(c.tokens[0]![0]!, []).get(c.tokens[0]![0]!)!).push(c);
  const patterns = p.dimensions.filter((d) => d.values?.pattern).map((d) => ({ re: new RegExp(`\\b(?:${d.values!.pattern})\\b`, 'g'), dimension: d.name, table: d.table }));
  return { phrases, rawPhrases, maxLen: Math.min(maxLen, 8), distinctive, fuzzy, fuzzyByInitial, patterns };
}

const DOMAIN_KINDS = new Set<Sense['kind']>(['entity', 'date', 'filter', 'measure', 'dimension', 'value']);

/**
 * The short forms the profile says people write ("settlement: [stl]", "currency: [ccy]") inside
 * any of its phrases, not only inside names: "stl fails", "cross ccy swaps", "ccy split". A form is
 * added only where it is new (a phrase that already means something keeps its meaning) and never
 * as a lone function word ("am" for asset management). Returns the longest phrase's length.
 */
function addAbbreviated(phrases: Map<string, Sense[]>, abbreviations: Record<string, string[]>): number {
  const shorts = Object.entries(abbreviations)
    .map(([full, forms]) => [normPhrase(full), forms.map(normPhrase).filter((f) => f && !STOP_WORDS.includes(f))] as const)
    .filter(([full, forms]) => full && forms.length);
  // several phrases abbreviating to the same form: their senses together (an ambiguity, as written)
  const added = new Map<string, Sense[]>();
  for (const [phrase, senses] of phrases) {
    const domain = senses.filter((s) => DOMAIN_KINDS.has(s.kind));
    if (!domain.length) continue;
    for (const [full, forms] of shorts) {
      if (!` ${phrase} `.includes(` ${full} `)) continue;
      for (const f of forms) {
        const variant = ` ${phrase} `.split(` ${full} `).join(` ${f} `).trim();
        if (variant === phrase || phrases.has(variant)) continue;
        const list = added.get(variant) ?? [];
        for (const s of domain) if (!list.some((x) => JSON.stringify(x) === JSON.stringify(s))) list.push(s);
        added.set(variant, list);
      }
    }
  }
  let longest = 1;
  for (const [variant, senses] of added) {
    phrases.set(variant, senses);
    longest = Math.max(longest, variant.split(' ').length);
  }
  return longest;
}

/**
 * Typo-tolerant look-up of the phrase starting at token i: every token within its allowance
 * (Damerau-Levenshtein <= 1 for 5+ letters, <= 2 for 9+), at least one token actually misspelt.
 * Returns the longest, and only if every best candidate agrees on its senses.
 */
const KNOWN_WORDS = new WeakMap<Lexicon, Set<string>>();
/** Every word that occurs in some known phrase: such a word is never taken for a typo of another. */
function knownWords(lex: Lexicon): Set<string> {
  let set = KNOWN_WORDS.get(lex);
  if (!set) {
    set = new Set([...lex.phrases.keys()].flatMap((p) => p.split(' ')));
    KNOWN_WORDS.set(lex, set);
  }
  return set;
}

export function fuzzyLookup(lex: Lexicon, norms: string[], i: number): { len: number; senses: Sense[] } | undefined {
  const known = knownWords(lex);
  let best: { len: number; dist: number; senses: Sense[]; phrase: string }[] = [];
  const first = norms[i]!;
  if (first.length < 5 && !norms.slice(i + 1, i + lex.maxLen).some((t) => t.length >= 5)) return undefined;
  for (const c of lex.fuzzyByInitial.get(first[0]!) ?? []) {
    const k = c.tokens.length;
    if (Math.abs(c.tokens[0]!.length - first.length) > 2) continue;
    if (i + k > norms.length) continue;
    let dist = 0;
    let ok = true;
    for (let j = 0; j < k && ok; j++) {
      const a = norms[i + j]!;
      const b = c.tokens[j]!;
      if (a === b) continue;
      // "margin" is a word of its own, not a typo of the analyst "Martin"
      if (known.has(a)) {
        ok = false;
        break;
      }
      const allow = typoAllowance(Math.min(a.length, b.length));
      if (!allow || a[0] !== b[0]) {
        ok = false;
        break;
      }
      const d = editDistance(a, b, allow);
      if (d > allow) ok = false;
      else dist += d;
    }
    if (!ok || dist === 0) continue;
    if (!best.length || k > best[0]!.len || (k === best[0]!.len && dist < best[0]!.dist)) best = [{ len: k, dist, senses: c.senses, phrase: c.phrase }];
    else if (k === best[0]!.len && dist === best[0]!.dist) best.push({ len: k, dist, senses: c.senses, phrase: c.phrase });
  }
  if (!best.length) return undefined;
  const phrasesSet = new Set(best.map((b) => b.phrase));
  if (phrasesSet.size > 1) {
    // several different words are equally close: only accept if they mean the same values
    const keys = new Set(best.flatMap((b) => b.senses.map((s) => JSON.stringify({ ...s, how: undefined }))));
    if (keys.size > best[0]!.senses.length) return undefined;
  }
  return { len: best[0]!.len, senses: best[0]!.senses };
}
