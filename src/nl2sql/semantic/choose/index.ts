/**
 * "Which one?": a phrase of the question that could mean several things the model knows, so the
 * engine asks instead of guessing or giving up:
 * - a word (or words) shared by several learned names ("Juniper" in two counterparties' names,
 *   "merchant bank" in two), found among the words no phrase of the lexicon reads;
 * - a word that is part of several measures' phrases of the question's rows ("volume": "trade
 *   volume" and "volume traded");
 * - a word whose readings name different rows ("breaks": confirmation breaks or netting breaks).
 * Each option says what it resolves to; picking one re-reads the question with the phrase replaced
 * by the option's own words (the value's name, the measure's or filter's phrase), so the answer goes
 * through the same parser, resolver and coverage checks as any question.
 */
import { normPhrase, tokenize, type Token } from '../../../training/index.js';
import type { ChoiceOption, ChoicePick } from '../../types.js';
import { STOP_WORDS } from '../grammar.js';
import type { EngineModel } from '../model.js';
import { parseTimeExpressions } from '../time/index.js';

export interface Ambiguity {
  /** the words of the question (as written) the options are about */
  phrase: string;
  options: ChoiceOption[];
}

/** Most options offered; a phrase matching more names is too vague to list. */
const MAX_OPTIONS = 8;
const STOP = new Set(STOP_WORDS);

interface NamePart {
  dimension: string;
  label: string;
  value: string;
}

const PARTS = new WeakMap<EngineModel, Map<string, NamePart[]>>();

/** Sub-phrases of learned names (of dimensions whose names people shorten) -> the names they occur in. */
function nameParts(m: EngineModel): Map<string, NamePart[]> {
  const hit = PARTS.get(m);
  if (hit) return hit;
  const out = new Map<string, NamePart[]>();
  for (const vc of m.model.values) {
    const d = m.dimensions.get(vc.dimension);
    if (!d?.values?.partial || vc.currency) continue;
    for (const v of vc.values) {
      const seen = new Set<string>();
      for (const form of v.forms) {
        const toks = form.split(' ');
        for (let a = 0; a < toks.length; a++)
          for (let b = a + 1; b <= toks.length; b++) {
            if (b - a === toks.length) continue;
            const part = toks.slice(a, b);
            if (part.every((t) => STOP.has(t) || t.length < 3)) continue;
            if (STOP.has(part[0]!) || STOP.has(part[part.length - 1]!)) continue;
            const key = part.join(' ');
            if (seen.has(key)) continue;
            seen.add(key);
            const list = out.get(key) ?? [];
            if (!list.some((x) => x.dimension === d.name && x.value === v.value)) list.push({ dimension: d.name, label: d.label, value: v.value });
            out.set(key, list);
          }
      }
    }
  }
  PARTS.set(m, out);
  return out;
}

/** Is some phrase of the lexicon (or a learned value) read at token i? */
function known(m: EngineModel, norms: string[], i: number): number {
  for (let len = Math.min(m.lexicon.maxLen, norms.length - i); len >= 1; len--) if (m.lexicon.phrases.has(norms.slice(i, i + len).join(' '))) return len;
  const d = m.lexicon.distinctive.get(norms[i]!);
  if (d && new Set(d.map((s) => (s as { value?: string }).value)).size === 1) return 1;
  return 0;
}

/**
 * Names sharing the words of the question that nothing else reads: "Juniper" -> Juniper Partners,
 * Juniper Merchant Bank. When one name of a column contains all others' shared words, it is still
 * a choice: the question named only the shared part.
 */
export function nameAmbiguity(m: EngineModel, question: string, today: string): Ambiguity | undefined {
  const tokens = tokenize(question);
  const norms = tokens.map((t) => t.norm);
  const times = parseTimeExpressions(question, today);
  const inTime = (t: Token) => times.some((tm) => t.start >= tm.start && t.end <= tm.end);
  const parts = nameParts(m);
  let i = 0;
  while (i < tokens.length) {
    if (inTime(tokens[i]!)) {
      i++;
      continue;
    }
    const k = known(m, norms, i);
    if (k) {
      i += k;
      continue;
    }
    for (let len = Math.min(6, tokens.length - i); len >= 1; len--) {
      const key = norms.slice(i, i + len).join(' ');
      const names = parts.get(key);
      if (!names) continue;
      const distinct = [...new Map(names.map((n) => [`${n.dimension}\u0000${n.value}`, n])).values()];
      // the same name under two columns (a short name and its legal name): one reading, not a choice
      const byDim = new Map<string, NamePart[]>();
      for (const n of distinct) (byDim.get(n.dimension) ?? byDim.set(n.dimension, []).get(n.dimension)!).push(n);
      const dims = [...byDim.values()].sort((a, b) => b.length - a.length);
      const pick = dims[0]!;
      if (pick.length < 2 || pick.length > MAX_OPTIONS) break;
      const raw = tokens.slice(i, i + len).map((t) => t.raw).join(' ');
      return {
        phrase: raw,
        options: pick.map((n) => ({ label: n.value, means: `${n.label} ${n.value}`, pick: { phrase: key, sense: { kind: 'value', dimension: n.dimension, value: n.value } } })),
      };
    }
    i++;
  }
  return undefined;
}

/** A word of the question that is part of several measures' phrases of one entity ("volume"). */
export function measureAmbiguity(m: EngineModel, question: string, entity: string | undefined): Ambiguity | undefined {
  const tokens = tokenize(question);
  const norms = tokens.map((t) => t.norm);
  let i = 0;
  while (i < norms.length) {
    const k = known(m, norms, i);
    if (k) {
      i += k;
      continue;
    }
    const w = norms[i]!;
    if (w.length >= 4 && !STOP.has(w)) {
      const found = new Map<string, string>();
      for (const md of m.measures.values()) {
        if (entity && md.entity !== entity) continue;
        const phrase = md.words.find((x) => normPhrase(x).split(' ').includes(w) && normPhrase(x) !== w);
        if (phrase) found.set(md.name, phrase);
      }
      const entities = new Set([...found.keys()].map((n) => m.measures.get(n)!.entity));
      if (found.size >= 2 && found.size <= MAX_OPTIONS && entities.size === 1)
        return {
          phrase: tokens[i]!.raw,
          options: [...found].map(([name, phrase]) => {
            const md = m.measures.get(name)!;
            return { label: md.label, means: `${md.label} (${name.replace(/_/g, ' ')}): "${phrase}"`, pick: { phrase: w, sense: { kind: 'measure', measure: name } } };
          }),
        };
    }
    i++;
  }
  return undefined;
}

/** A phrase whose filter readings name different rows ("breaks"), for the entities the parser could not choose between. */
export function rowsAmbiguity(m: EngineModel, question: string, entities: string[]): Ambiguity | undefined {
  const tokens = tokenize(question);
  const norms = tokens.map((t) => t.norm);
  for (let i = 0; i < norms.length; i++)
    for (let len = Math.min(m.lexicon.maxLen, norms.length - i); len >= 1; len--) {
      const key = norms.slice(i, i + len).join(' ');
      const senses = m.lexicon.phrases.get(key);
      if (!senses) continue;
      const filters = senses.filter((s) => s.kind === 'filter' && entities.includes(s.entity)) as { kind: 'filter'; filter: string; entity: string }[];
      if (new Set(filters.map((f) => f.entity)).size < 2) break;
      return {
        phrase: tokens.slice(i, i + len).map((t) => t.raw).join(' '),
        options: filters.map((f) => {
          const fd = m.filters.get(f.filter)!;
          const rows = m.entities.get(f.entity)!.label;
          // two filters worded alike ("status Disputed") say which rows they are about
          const alike = filters.some((g) => g !== f && m.filters.get(g.filter)!.label.split(' (')[0] === fd.label.split(' (')[0]);
          return { label: alike ? `${rows} with ${fd.label}` : fd.label, means: `${rows} with ${fd.label}`, pick: { phrase: key, sense: { kind: 'filter', filter: f.filter } } };
        }),
      };
    }
  return undefined;
}

/** The words that say the picked option unambiguously: the value's name, the measure's or filter's own phrase. */
function wordsOf(m: EngineModel, pick: ChoicePick): string | undefined {
  const s = pick.sense;
  if (s.kind === 'value') return m.dimensions.has(s.dimension) ? s.value : undefined;
  const words = s.kind === 'measure' ? m.measures.get(s.measure)?.words : m.filters.get(s.filter)?.words;
  if (!words) return undefined;
  const reads = (w: string) => (m.lexicon.phrases.get(normPhrase(w)) ?? []).filter((x) => x.kind === s.kind).length === 1;
  // the option's own phrase that contains the ambiguous words ("confirmation breaks"), else its first unambiguous one
  return words.find((w) => ` ${normPhrase(w)} `.includes(` ${pick.phrase} `) && normPhrase(w) !== pick.phrase && reads(w)) ?? words.find(reads);
}

/** The question with the ambiguous phrase replaced by the picked option's words; undefined when the pick does not fit. */
export function applyPick(m: EngineModel, question: string, pick: ChoicePick): string | undefined {
  const words = wordsOf(m, pick);
  if (!words) return undefined;
  const tokens = tokenize(question);
  const n = pick.phrase.split(' ').length;
  for (let i = 0; i + n <= tokens.length; i++) {
    if (tokens.slice(i, i + n).map((t) => t.norm).join(' ') !== pick.phrase) continue;
    return question.slice(0, tokens[i]!.start) + words + question.slice(tokens[i + n - 1]!.end);
  }
  return undefined;
}

/** The question with the ambiguous phrase replaced by every option's words ("A, B and C"): all of them, not one. */
export function applyAll(m: EngineModel, question: string, picks: ChoicePick[]): string | undefined {
  const words = picks.map((p) => wordsOf(m, p));
  if (!picks.length || words.some((w) => !w) || picks.some((p) => p.sense.kind !== 'value' || p.phrase !== picks[0]!.phrase)) return undefined;
  const list = words.length === 1 ? words[0]! : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
  return applyPick(m, question, picks[0]!)?.replace(words[0]!, list);
}
