/**
 * Normalisation for retrieval: the training tokeniser (lower case, singular), English function
 * words dropped, and a light suffix stemmer so "settled", "settle" and "settlement", or
 * "confirmed" and "confirmation", meet on one term.
 */
import { normPhrase, tokenize } from '../../training/index.js';

const STOP = new Set(
  (
    'a an the of in on at to for from by with and or not no is are was were be been being do did does done have has had ' +
    'what which who whom whose how many much me my we our us you your i it its this that these those there their them they ' +
    'show list give tell get find all any each per than then as into over under about between during within up down out ' +
    'please can could would should will shall may might let also just only so such very'
  ).split(' '),
);

/** True for words that carry no meaning for retrieval ("the", "how", "we"). */
export function isStopword(norm: string): boolean {
  return STOP.has(norm);
}

/** Light stemmer over a normalised (lower-case, singular) word. */
export function stem(norm: string): string {
  let w = norm;
  if (w.length <= 4 || /\d/.test(w)) return w;
  if (w.endsWith('ation') && w.length > 8) w = w.slice(0, -5);
  else if (w.endsWith('ment') && w.length > 7) w = w.slice(0, -4);
  else if (w.endsWith('ity') && w.length > 6) w = w.slice(0, -3);
  else if (w.endsWith('ing') && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith('ied') && w.length > 5) w = w.slice(0, -3) + 'y';
  else if (w.endsWith('ed') && w.length > 4) w = w.slice(0, -2);
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  // doubled final consonant left by -ed/-ing ("netted" -> "nett" -> "net")
  if (/([bdglmnprt])\1$/.test(w) && w.length > 4) w = w.slice(0, -1);
  return w;
}

/** Retrieval terms of a text: tokens, normalised, stop words dropped, stemmed. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const t of tokenize(text)) {
    if (isStopword(t.norm)) continue;
    out.push(stem(t.norm));
  }
  return out;
}

/** Identifier words: "call_amount_usd" -> "call amount usd". */
export function identWords(name: string): string {
  return name.replace(/_/g, ' ');
}

export { normPhrase, tokenize };
