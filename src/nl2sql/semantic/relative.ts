/**
 * "who" and "whose" as relative pronouns: "desks whose fail rate ...", "traders who booked ...",
 * "who it's owned by". Right after a word that names rows or a column of this data they qualify
 * that noun; they do not ask about people. The question is rewritten in plain English ("desks where
 * fail rate ...", "traders that booked ...", "assigned to") and read again; nothing of a schema here
 * beyond the profile's own words.
 */
import { normWord } from '../../training/index.js';
import type { EngineModel } from './model.js';

const NOUN_SENSES = new Set(['entity', 'dimension', 'filter', 'measure']);

/** The question with relative pronouns rewritten, or undefined when there is none. */
export function rewriteRelativePronouns(question: string, m: EngineModel): string | undefined {
  const isNoun = (word: string) => {
    const senses = m.lexicon.phrases.get(normWord(word)) ?? [];
    if (senses.some((s) => NOUN_SENSES.has(s.kind))) return true;
    // the last word of a known phrase ("product types", "ops analysts")
    for (const [phrase, ss] of m.lexicon.phrases) if (phrase.endsWith(' ' + normWord(word)) && ss.some((s) => NOUN_SENSES.has(s.kind))) return true;
    return false;
  };
  let changed = false;
  // "and who it's owned by", "who they are booked by": the subject pronoun goes, the participle stays
  let out = question.replace(/\b(?:and\s+)?who\s+(?:it|they)\s*(?:['’]s|['’]re|\s+is|\s+are|\s+was|\s+were)\s+/gi, (all) => {
    changed = true;
    return /^and/i.test(all) ? 'and ' : '';
  });
  out = out.replace(/\b([A-Za-z][\w-]*)\s+(whose|who)\b/gi, (all, noun: string, pron: string) => {
    if (!isNoun(noun)) return all;
    changed = true;
    return `${noun} ${pron.toLowerCase() === 'whose' ? 'where' : 'that'}`;
  });
  return changed ? out : undefined;
}
