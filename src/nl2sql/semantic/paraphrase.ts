/**
 * Plain-English paraphrases the engine reads again when a question did not read as written; each
 * one is built from the profile's own words, never from a schema's names:
 *  - "total called", "amount called", "average agreed": an aggregate word or "amount" before a participle
 *    names the amount the participle's stem names ("call amount", "agreed amount"), when exactly one
 *    measure says so;
 *  - "counterparties we haven't traded with this week", "counterparties that have not traded with us
 *    this week": a negated verb whose stem names rows ("trade" -> trades) is "counterparties with no
 *    trades this week" (exists.ts reads it);
 *  - "how much is due to settle next week": "due" followed by "to" and one of the profile's verbs
 *    ("to settle", "to be settled") says only "due".
 */
import { normPhrase } from '../../training/index.js';
import type { EngineModel } from './model.js';

const AGG_WORD = /^(total|sum|average|avg|mean|max|maximum|min|minimum|largest|smallest)$/i;
const PAIR = /\b([A-Za-z]+)\s+([A-Za-z]+(?:ed|d))\b/g;

/** The participle's stems: "called" -> call, "agreed" -> agreed / agree, "settled" -> settle. */
function stems(word: string): string[] {
  const w = word.toLowerCase();
  const out = [w];
  if (w.endsWith('ed')) out.push(w.slice(0, -2), w.slice(0, -1));
  else if (w.endsWith('d')) out.push(w.slice(0, -1));
  return [...new Set(out)];
}

/** Two-word phrases of the profile's amount measures (a per-row value, not a count), by their first word. */
function amountPhrases(m: EngineModel): Map<string, { phrase: string; measure: string }[]> {
  const out = new Map<string, { phrase: string; measure: string }[]>();
  for (const [phrase, senses] of m.lexicon.phrases) {
    const words = phrase.split(' ');
    if (words.length !== 2) continue;
    for (const s of senses) {
      if (s.kind !== 'measure') continue;
      const md = m.measures.get(s.measure);
      if (!md?.expr || md.agg === 'count' || md.agg === 'count_distinct' || md.agg === 'ratio') continue;
      (out.get(words[0]!) ?? out.set(words[0]!, []).get(words[0]!)!).push({ phrase, measure: s.measure });
    }
  }
  return out;
}

/**
 * "total called" -> "total call amount", "amount called" -> "call amount": an aggregate word, or the
 * last word of an amount's name, before a participle whose stem starts exactly one amount's name.
 */
export function participleAmounts(question: string, m: EngineModel): string | undefined {
  const byFirst = amountPhrases(m);
  const heads = new Set([...byFirst.values()].flat().map((x) => x.phrase.split(' ')[1]!));
  let changed = false;
  const out = question.replace(PAIR, (all, before: string, word: string) => {
    const head = heads.has(normPhrase(before));
    if (!head && !AGG_WORD.test(before)) return all;
    // the word already names a measure ("total notional"): nothing to paraphrase
    if ((m.lexicon.phrases.get(normPhrase(word)) ?? []).some((s) => s.kind === 'measure')) return all;
    const found = stems(word).flatMap((st) => byFirst.get(st) ?? []);
    if (new Set(found.map((f) => f.measure)).size !== 1) return all;
    // "amount called": the head noun is part of the amount's name; "total called": the aggregate word stays
    const phrase = found.find((f) => !head || f.phrase.endsWith(` ${normPhrase(before)}`))?.phrase;
    if (!phrase) return all;
    changed = true;
    return head ? phrase : `${before} ${phrase}`;
  });
  return changed ? out : undefined;
}

const NOT = String.raw`(?:have\s+not|have\s+never|haven['’]?t|havent|has\s+not|hasn['’]?t|did\s+not|didn['’]?t|didnt|never)`;
/** "counterparties (that) we haven't traded with …" */
const NEGATED_VERB = new RegExp(String.raw`^(.+?)\s+(?:that\s+|which\s+)?we\s+${NOT}\s+([A-Za-z]+)\s+(?:with|to|for|on)\b\s*(.*)$`, 'i');
/** "counterparties (that) have not traded with us …": the rows are the verb's subject */
const NEGATED_SUBJECT = new RegExp(String.raw`^(.+?)\s+(?:that\s+|which\s+|who\s+)?${NOT}\s+([A-Za-z]+)\s+(?:with|to|for)\s+us\b\s*(.*)$`, 'i');

/** "counterparties we haven't traded with this week" (or "… that have not traded with us …") -> "counterparties with no trades this week". */
export function negatedVerb(question: string, m: EngineModel): string | undefined {
  const text = question.trim().replace(/[?.!]+$/, '');
  const mt = NEGATED_VERB.exec(text) ?? NEGATED_SUBJECT.exec(text);
  if (!mt) return undefined;
  const verb = mt[2]!.toLowerCase();
  const verbs = m.model.profile.vocabulary.verbs;
  // the verb's base form: a key of the profile's verbs, or the key whose past form it is
  const base = verb in verbs ? verb : Object.keys(verbs).find((k) => normPhrase(verbs[k]!) === normPhrase(verb));
  if (!base) return undefined;
  // the base form must name rows ("trade" -> trades), and only one kind of rows
  const entities = new Set((m.lexicon.phrases.get(normPhrase(base)) ?? []).filter((s) => s.kind === 'entity').map((s) => (s as { entity: string }).entity));
  if (entities.size !== 1) return undefined;
  const entity = m.entities.get([...entities][0]!)!;
  return `${mt[1]!.trim()} with no ${entity.label} ${mt[3]!.trim()}`.trim();
}

/** "due to settle", "due to be settled" -> "due": the verb after "due to" is what being due means. */
export function dueToVerb(question: string, m: EngineModel): string | undefined {
  const verbs = m.model.profile.vocabulary.verbs;
  const forms = new Set(Object.entries(verbs).flatMap(([base, past]) => [normPhrase(base), normPhrase(past)]));
  let changed = false;
  const out = question.replace(/\bdue\s+to\s+(?:be\s+)?([A-Za-z]+)\b/gi, (all, verb: string) => {
    if (!forms.has(normPhrase(verb))) return all;
    changed = true;
    return 'due';
  });
  return changed ? out : undefined;
}

const WHEN_RANKED = /^when\s+(?:was|were|did)\s+(?:the\s+|our\s+)?(oldest|earliest|first|latest|newest|most\s+recent|last)\s+(.+)$/i;

/**
 * "when was the oldest escalated exception raised", "when did the last fail settle": the date of
 * the first or last row by the date its verb names ("raised" -> the raised date), read as "earliest
 * raised date of escalated exception". The verb is the last word of the question, or followed by
 * words that qualify the rows; it must name a date of the profile (itself or "<verb> date"), in
 * its past form where the profile gives one ("settle" -> "settled").
 */
export function whenRanked(question: string, m: EngineModel): string | undefined {
  const mt = WHEN_RANKED.exec(question.trim().replace(/[?.!]+$/, ''));
  if (!mt) return undefined;
  const words = mt[2]!.split(/\s+/);
  const verbs = m.model.profile.vocabulary.verbs;
  const isDate = (phrase: string) => (m.lexicon.phrases.get(normPhrase(phrase)) ?? []).some((s) => s.kind === 'date');
  for (let i = words.length - 1; i >= 1; i--) {
    const w = words[i]!.toLowerCase();
    const past = verbs[w] ?? w;
    const date = [`${past} date`, past].find(isDate);
    if (!date) continue;
    const first = /^(oldest|earliest|first)$/i.test(mt[1]!);
    return `${first ? 'earliest' : 'latest'} ${date} of ${words.slice(0, i).join(' ')} ${words.slice(i + 1).join(' ')}`.trim();
  }
  return undefined;
}
