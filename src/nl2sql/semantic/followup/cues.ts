/**
 * The words that make a question a follow-up ("and by currency?", "only EUR", "same for last week",
 * "what about bilateral?", "top 5 of those", "by owner team instead"), taken out before the rest is
 * read, and what they say: add to the previous breakdown, or replace it.
 */

export interface Cues {
  /** The question without the follow-up words, to be read against the previous answer's rows. */
  rest: string;
  /** Refers back to the previous answer ("those", "same", "instead", a leading "and", "only"...). */
  anaphoric: boolean;
  /** "and by X", "also by X", "by X too": a breakdown added to the previous one. */
  add: boolean;
  /** "instead", "now by X", "rather": what is named replaces what was there. */
  replace: boolean;
  /** "include ties", "with the ties": keep every group tied with the last of a top N. */
  ties: boolean;
}

const LEADING = /^\s*(?:(?:and|but|also|so|ok|okay|then|now|what|how)\s+about|and\s+then|and\s+also|and|but|also|now|then|just|only|same\s+(?:for|but|with|in)?|the\s+same\s+(?:for|but|with|in)?|what\s+if|ok(?:ay)?|so)\b[\s,]*/i;
const TRAILING = /[\s,]*\b(?:instead|rather|too|as\s+well|then|only|please)\s*[?.!]*\s*$/i;
/** the whole rest is about the ties at the edge of a top N ("include ties", "show me the tied ones too") */
const TIES = /^(?:(?:include|including|with|keep|keeping|show(?:\s+me)?|list|add|plus|what\s+about)\s+)?(?:all\s+)?(?:the\s+)?(?:ties|tied\s+ones|ones\s+tied|tied\s+(?:groups|rows))(?:\s+(?:at\s+the\s+(?:edge|end|last\s+place|cut)|with\s+the\s+last(?:\s+one)?))?$/i;
const BACK = /\b(?:those|them|these|the\s+ones|of\s+those|of\s+them|same|instead|that\s+one|the\s+rest)\b/i;

export function readCues(question: string): Cues {
  const q = question.trim().replace(/[?.!]+$/, '');
  const lead = LEADING.exec(q);
  const lower = q.toLowerCase();
  const add = /^\s*(?:and|also)\b/i.test(q) || /\b(?:too|as\s+well|also)\s*$/i.test(q);
  const replace = /\b(?:instead|rather)\b/i.test(q) || /^\s*(?:now|just|only)\b/i.test(q);
  let rest = lead ? q.slice(lead[0].length) : q;
  let prev = '';
  while (prev !== rest) {
    prev = rest;
    rest = rest.replace(TRAILING, '').replace(LEADING, '');
  }
  // "of those", "of them": the previous rows themselves
  rest = rest.replace(/\b(?:of|from|among|for)\s+(?:those|them|these|the\s+ones)\b/gi, ' ').replace(/\b(?:the\s+ones|those|them|these)\b/gi, ' ');
  rest = rest.replace(/\s+/g, ' ').trim();
  const ties = TIES.test(rest);
  return { rest, anaphoric: ties || !!lead || BACK.test(lower) || /^\s*(?:by|per|in|as|excluding|except|without|top|bottom|for|with)\b/i.test(q), add, replace, ties };
}
