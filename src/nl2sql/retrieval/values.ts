/**
 * Values of the question found in the value index: "Northbridge" -> counterparties.short_name =
 * 'Northbridge Capital', "LCH" -> trades.ccp = 'LCH'. Longest phrase first; a word is used once.
 * A single distinctive word (the first word of a multi-word name) counts only when it is not one
 * of the profile's own words ("counterparty" never resolves to 'Counterparty Late').
 */
import type { TrainedModel } from '../../training/index.js';
import { isStopword, normPhrase, tokenize } from './text.js';

export interface ValueMatch {
  /** The words as the user wrote them. */
  text: string;
  table: string;
  column: string;
  value: string;
  /** Whole name (form) or one distinctive word of it. */
  how: 'form' | 'distinctive';
  /** The words are also one of the profile's own words ("settlements" the team vs the table): never picks a table by itself. */
  weak: boolean;
}

interface Candidate {
  table: string;
  column: string;
  value: string;
  caseSensitive: boolean;
  /** The form is the value itself (not a synonym or alias). */
  own: boolean;
  how: 'form' | 'distinctive';
}

export interface ValueMatcher {
  match(question: string): ValueMatch[];
}

const MAX_PHRASE = 6;

export function createValueMatcher(model: TrainedModel): ValueMatcher {
  const byForm = new Map<string, Candidate[]>();
  const vocab = profileWords(model);
  const vocabPhrases = profilePhrases(model);
  const add = (key: string, c: Candidate) => {
    const list = byForm.get(key) ?? byForm.set(key, []).get(key)!;
    if (!list.some((x) => x.table === c.table && x.column === c.column && x.value === c.value)) list.push(c);
  };
  for (const vc of model.values) {
    for (const e of vc.values) {
      const own = normPhrase(e.value);
      const base = { table: vc.table.toLowerCase(), column: vc.column.toLowerCase(), value: e.value, caseSensitive: vc.caseSensitive };
      for (const f of e.forms) if (f) add(f, { ...base, own: f === own, how: 'form' });
      for (const d of e.distinctive) if (!vocab.has(d) && !isStopword(d)) add(d, { ...base, own: false, how: 'distinctive' });
    }
  }
  return {
    match(question: string): ValueMatch[] {
      const toks = tokenize(question);
      const used = new Array<boolean>(toks.length).fill(false);
      const out: ValueMatch[] = [];
      // Spans the profile names as one multi-word term ("fixed rate", "money at stake"): a shorter
      // value inside one ("rate" -> asset class Rates) is not what the question means.
      const inTerm: [number, number][] = [];
      for (let len = Math.min(MAX_PHRASE, toks.length); len >= 2; len--)
        for (let i = 0; i + len <= toks.length; i++)
          if (vocabPhrases.has(toks.slice(i, i + len).map((t) => t.norm).join(' '))) inTerm.push([i, i + len]);
      const insideTerm = (i: number, len: number) => inTerm.some(([a, b]) => a <= i && i + len <= b && b - a > len);
      for (let len = Math.min(MAX_PHRASE, toks.length); len >= 1; len--) {
        for (let i = 0; i + len <= toks.length; i++) {
          if (used.slice(i, i + len).some(Boolean)) continue;
          const key = toks
            .slice(i, i + len)
            .map((t) => t.norm)
            .join(' ');
          const cands = byForm.get(key);
          if (!cands || insideTerm(i, len)) continue;
          const raw = question.slice(toks[i]!.start, toks[i + len - 1]!.end);
          const ok = cands.filter((c) => {
            if (c.how === 'form' && len === 1 && isStopword(key)) return false;
            // case-sensitive codes (ratings, countries) only as written: "A" the rating, not "a" the article
            if (c.caseSensitive && c.own) return raw === c.value;
            return true;
          });
          if (!ok.length) continue;
          const forms = ok.filter((c) => c.how === 'form');
          const weak = key.split(' ').every((w) => vocab.has(w) || isStopword(w));
          for (const c of forms.length ? forms : ok) out.push({ text: raw, table: c.table, column: c.column, value: c.value, how: c.how, weak });
          for (let k = i; k < i + len; k++) used[k] = true;
        }
      }
      return out;
    },
  };
}

/** The profile's multi-word names of things (entities, dates, dimensions, measures), normalised. */
function profilePhrases(model: TrainedModel): Set<string> {
  const p = model.profile;
  const all: string[] = [];
  for (const e of Object.values(p.entities)) all.push(...e.words, e.label, ...e.dates.flatMap((d) => [...d.words, d.label]));
  p.dimensions.forEach((d) => all.push(...d.words, d.label));
  p.measures.forEach((m) => all.push(...m.words, m.label));
  // filter words are left out: "failed settlement" does mean the value Failed
  return new Set(all.map((w) => normPhrase(w)).filter((w) => w.includes(' ')));
}

/** Every normalised word of the profile's vocabulary (entity, dimension, measure, filter, date words). */
function profileWords(model: TrainedModel): Set<string> {
  const p = model.profile;
  const out = new Set<string>();
  const addAll = (ws: string[]) => ws.forEach((w) => normPhrase(w).split(' ').forEach((x) => x && out.add(x)));
  for (const e of Object.values(p.entities)) {
    addAll(e.words);
    addAll([e.label]);
    e.dates.forEach((d) => addAll([...d.words, d.label]));
  }
  p.dimensions.forEach((d) => addAll([...d.words, d.label]));
  p.measures.forEach((m) => addAll([...m.words, m.label]));
  p.filters.forEach((f) => addAll([...f.words, f.label]));
  addAll(p.vocabulary.ignore);
  return out;
}
