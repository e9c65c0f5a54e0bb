/**
 * Plain-English paraphrases the engine reads again when a question did not read as written; each
 * one is built from the profile's own words, never from a schema's names:
 *  - "total called", "amount called", "average agreed": an aggregate word or "amount" before a participle
 *    names the amount the participle's stem names ("call amount", "agreed amount"), when exactly one
 *    measure says so;
 *  - "counterparties we haven't traded with this week": a negated verb whose stem names rows
 *    ("trade" -> trades) is "counterparties with no trades this week" (exists.ts reads it).
 */
import { normPhrase } from '../../training/index.js';
import type { EngineModel } from './model.js';

const AGG_WORD = /\b(total|sum of|sum|average|avg|mean|max|maximum|min|minimum|largest|smallest)\s+([A-Za-z]+(?:ed|d))\b/gi;

/** The participle's stems: "called" -> call, "agreed" -> agreed / agree, "settled" -> settle. */
function stems(word: string): string[] {
  const w = word.toLowerCase();
  const out = [w];
  if (w.endsWith('ed')) out.push(w.slice(0, -2), w.slice(0, -1));
  else if (w.endsWith('d')) out.push(w.slice(0, -1));
  return [...new Set(out)];
}

/** "amount called" (the noun before the participle) */
const AMOUNT_WORD = /\b(amounts?)\s+([A-Za-z]+(?:ed|d))\b/gi;

/** "total called", "total amount called" -> "total call amount", when one measure phrase "<stem> amount" exists. */
export function participleAmounts(question: string, m: EngineModel): string | undefined {
  let changed = false;
  const rewrite = (all: string, agg: string, word: string) => {
    // the word already names a measure ("total notional"): nothing to paraphrase
    if ((m.lexicon.phrases.get(normPhrase(word)) ?? []).some((s) => s.kind === 'measure')) return all;
    const found = new Set<string>();
    let phrase: string | undefined;
    for (const st of stems(word))
      for (const noun of ['amount', 'amounts'])
        for (const s of m.lexicon.phrases.get(normPhrase(`${st} ${noun}`)) ?? [])
          if (s.kind === 'measure') {
            found.add(s.measure);
            phrase ??= `${st} ${noun}`;
          }
    if (found.size !== 1 || !phrase) return all;
    changed = true;
    return /^amounts?$/i.test(agg) ? phrase : `${agg} ${phrase}`;
  };
  const out = question.replace(AMOUNT_WORD, rewrite).replace(AGG_WORD, rewrite);
  return changed ? out : undefined;
}

const NEGATED_VERB = /^(.+?)\s+(?:that\s+|which\s+)?we\s+(?:have\s+not|have\s+never|haven['’]?t|havent|did\s+not|didn['’]?t|didnt|never)\s+([A-Za-z]+)\s+(?:with|to|for|on)\b\s*(.*)$/i;

/** "counterparties we haven't traded with this week" -> "counterparties with no trades this week". */
export function negatedVerb(question: string, m: EngineModel): string | undefined {
  const mt = NEGATED_VERB.exec(question.trim().replace(/[?.!]+$/, ''));
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
