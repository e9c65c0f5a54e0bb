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
  /** "show all of them", "the full list": every group of a top N, the limit taken off. */
  all: boolean;
  /** "across all counterparties", "for every desk": the words after "all", whose filters are taken off. */
  acrossAll?: string;
  /** "which is the worst?", "who has the most?": the top one of the previous groups. */
  topOne?: 'asc' | 'desc';
  /** "drop the FX", "leave out cleared": the words of what to leave out of the previous rows. */
  drop?: string;
  /** "the Castellan ones", "both Castellans": every name the words match, not one of them. */
  plural: boolean;
}

const LEADING = /^\s*(?:(?:and|but|also|so|ok|okay|then|now|what|how)\s+about|and\s+then|and\s+also|and|but|also|now|then|just|only|same\s+(?:for|but|with|in)?|the\s+same\s+(?:for|but|with|in)?|what\s+if|ok(?:ay)?|so)\b[\s,]*/i;
const TRAILING = /[\s,]*\b(?:instead|rather|too|as\s+well|then|only|please)\s*[?.!]*\s*$/i;
/** the whole rest is about the ties at the edge of a top N ("include ties", "show me the tied ones too") */
const TIES = /^(?:(?:include|including|with|keep|keeping|show(?:\s+me)?|list|add|plus|what\s+about)\s+)?(?:all\s+)?(?:the\s+)?(?:ties|tied\s+ones|ones\s+tied|tied\s+(?:groups|rows))(?:\s+(?:at\s+the\s+(?:edge|end|last\s+place|cut)|with\s+the\s+last(?:\s+one)?))?$/i;
const BACK = /\b(?:those|them|these|the\s+ones|of\s+those|of\s+them|same|instead|that\s+one|the\s+rest)\b/i;

/** "break that down by", "split it out by": only "by" says anything */
const BREAK_DOWN = /\b(?:break|split)\s+(?:(?:it|that|this|these|those|them|the\s+\w+)\s+)?(?:down|out|up)\s+(?=by\b|per\b)/gi;
/** "..., instead of the count": what is replaced is the previous answer's, already known */
const INSTEAD_OF = /[\s,]*\b(?:instead\s+of|rather\s+than|in\s+place\s+of)\b.*$/i;
const ALL = /^(?:show\s+(?:me\s+)?|list\s+|give\s+me\s+|see\s+)?(?:them\s+)?(?:all|everything|every\s+one|(?:the\s+)?(?:full|whole|complete|entire)\s+list|the\s+lot)(?:\s+of)?$/i;
const ACROSS_ALL = /^(?:(?:across|for|over|among|on|with|in|to|of)\s+)?(?:all|every)\s+(?:of\s+)?(?:the\s+|our\s+)?(.+)$/i;
const TOP_ONE = /^(?:so\s+)?(?:which|what|who)(?:\s+one)?\s+(?:is|was|has|had|did|does|are|were|comes?|came)\s+(?:the\s+)?(most|least|highest|lowest|biggest|largest|smallest|top|best|worst|fewest)(?:\s+(?:one|of\s+all))?$/i;
/** "as a percentage of everything booked": of all the rows, which a percentage is of anyway */
const PERCENT_OF_ALL = /\b(as\s+an?\s+(?:percentage|percent|%|proportion|fraction))\s+of\s+(?:everything|all|the\s+(?:total|whole|lot))\b.*$/i;
const DROP = /^(?:drop|leave\s+out|take\s+out|ignore|skip|lose)\s+(?:the\s+)?(.+)$/i;

export function readCues(question: string): Cues {
  let q = question.trim().replace(/[?.!]+$/, '').replace(BREAK_DOWN, '').replace(PERCENT_OF_ALL, '$1').trim();
  const insteadOf = INSTEAD_OF.test(q);
  q = q.replace(INSTEAD_OF, '').trim();
  const lead = LEADING.exec(q);
  const lower = q.toLowerCase();
  const add = /^\s*(?:and|also)\b/i.test(q) || /\b(?:too|as\s+well|also)\s*$/i.test(q);
  const replace = insteadOf || /\b(?:instead|rather)\b/i.test(q) || /^\s*(?:now|just|only)\b/i.test(q);
  let rest = lead ? q.slice(lead[0].length) : q;
  let prev = '';
  while (prev !== rest) {
    prev = rest;
    rest = rest.replace(TRAILING, '').replace(LEADING, '');
  }
  const plural = /\b\w+\s+ones\b/i.test(rest) && !/\bthe\s+ones\b/i.test(rest);
  // "of those", "of them": the previous rows themselves
  rest = rest.replace(/\b(?:of|from|among|for)\s+(?:those|them|these|the\s+ones)\b/gi, ' ').replace(/\b(?:the\s+ones|those|them|these)\b/gi, ' ');
  rest = rest.replace(/\s+/g, ' ').trim();
  const ties = TIES.test(rest);
  const all = ALL.test(rest);
  const across = all ? undefined : ACROSS_ALL.exec(rest)?.[1]?.replace(/^(?:by|per)\b.*$|\s+(?:by|per)\b.*$/i, '') || undefined;
  const words = (x: string | undefined) => (x ? x.split(/\s+/).length : 0);
  const top = TOP_ONE.exec(rest)?.[1]?.toLowerCase();
  const drop = DROP.exec(rest)?.[1];
  const cued = all || (!!across && words(across) <= 3) || !!top || (!!drop && words(drop) <= 4) || insteadOf;
  return {
    rest,
    anaphoric: ties || cued || !!lead || BACK.test(lower) || /^\s*(?:by|per|in|as|excluding|except|without|top|bottom|for|with)\b/i.test(q),
    add,
    replace,
    ties,
    all,
    ...(across && words(across) <= 3 ? { acrossAll: across } : {}),
    ...(top ? { topOne: /^(least|lowest|smallest|fewest)$/.test(top) ? ('asc' as const) : ('desc' as const) } : {}),
    ...(drop && words(drop) <= 4 ? { drop } : {}),
    plural,
  };
}
