/**
 * The English the semantic engine understands on its own, whatever the profile: function words,
 * aggregations, grouping, ranking, comparisons, listing. Domain words live in the profile.
 */

export type Agg = 'count' | 'sum' | 'avg' | 'min' | 'max';
export type CmpOp = '>' | '>=' | '<' | '<=' | '=';

export type GrammarSense =
  | { kind: 'stop' }
  | { kind: 'agg'; agg: Agg; superlative?: 'desc' | 'asc'; quantity?: boolean }
  | { kind: 'count' }
  | { kind: 'distinct' }
  | { kind: 'group' }
  | { kind: 'withCounts' }
  | { kind: 'top'; dir: 'desc' | 'asc' }
  | { kind: 'list' }
  | { kind: 'which' }
  | { kind: 'withTheir' }
  | { kind: 'cmp'; op: CmpOp; after?: boolean }
  | { kind: 'ordinal'; dir: 'worse' | 'better'; inclusive: boolean }
  | { kind: 'unit'; factor: number }
  /** "more than 3 times": the number is a count ("3 times the average", a multiple, is not read) */
  | { kind: 'times' }
  | { kind: 'percent' }
  | { kind: 'inDays' }
  | { kind: 'negate' }
  | { kind: 'between' }
  | { kind: 'versus' }
  /** "oldest", "most recent": rows ranked by their date */
  | { kind: 'dateRank'; dir: 'asc' | 'desc' }
  | { kind: 'sort'; dir: 'asc' | 'desc' }
  /** "the ccy split of settlements", "desk breakdown": the named column's values, each with its figure */
  | { kind: 'split' };

const G: [string[], GrammarSense][] = [
  [['how many', 'number of', 'no of', 'count', 'count of', 'the number of', 'tally', 'volume of', 'quantity of'], { kind: 'count' }],
  [['how much', 'total', 'sum', 'sum of', 'total of', 'aggregate', 'combined', 'overall total', 'in total', 'totals', 'sum up', 'add up'], { kind: 'agg', agg: 'sum' }],
  [['average', 'avg', 'mean', 'typical', 'on average', 'averages'], { kind: 'agg', agg: 'avg' }],
  [['maximum', 'max', 'largest', 'biggest', 'highest', 'greatest', 'longest'], { kind: 'agg', agg: 'max', superlative: 'desc' }],
  [['minimum', 'min', 'smallest', 'lowest', 'shortest'], { kind: 'agg', agg: 'min', superlative: 'asc' }],
  [['oldest', 'earliest', 'first'], { kind: 'dateRank', dir: 'asc' }],
  [['newest', 'latest', 'most recent', 'last', 'youngest'], { kind: 'dateRank', dir: 'desc' }],
  [['most', 'the most', 'highest number of', 'largest number of', 'greatest number of'], { kind: 'agg', agg: 'max', superlative: 'desc', quantity: true }],
  [['least', 'fewest', 'the fewest', 'the least', 'lowest number of', 'smallest number of'], { kind: 'agg', agg: 'min', superlative: 'asc', quantity: true }],
  [['different', 'distinct', 'unique', 'separate'], { kind: 'distinct' }],
  [['by', 'per', 'for each', 'for every', 'each', 'every', 'broken down by', 'break down by', 'breakdown by', 'split by', 'grouped by', 'group by', 'across', 'by each', 'per each', 'for all', 'by their', 'according to', 'ranked by', 'ranked', 'ordered by', 'sorted by', 'in terms of', 'rank by', 'sort by', 'order by'], { kind: 'group' }],
  [['split', 'split of', 'breakdown', 'breakdown of', 'break down of', 'mix', 'mix of', 'distribution', 'distribution of'], { kind: 'split' }],
  [['with count', 'with counts', 'with the count', 'with their count', 'with number', 'with numbers', 'and count', 'and counts', 'and how many', 'with totals', 'counts'], { kind: 'withCounts' }],
  [['top', 'best', 'leading', 'worst'], { kind: 'top', dir: 'desc' }],
  [['bottom'], { kind: 'top', dir: 'asc' }],
  [['list', 'show', 'show me', 'display', 'give me', 'list all', 'list the', 'show all', 'enumerate', 'identify', 'find', 'get', 'pull', 'fetch', 'what are'], { kind: 'list' }],
  [['which', 'what', 'who are'], { kind: 'which' }],
  [['with their', 'with its', 'with the', 'along with', 'including', 'and their', 'together with', 'plus their', 'showing'], { kind: 'withTheir' }],
  [['over', 'above', 'more than', 'greater than', 'bigger than', 'larger than', 'higher than', 'exceeding', 'in excess of', 'exceed', 'exceeds', 'upwards of'], { kind: 'cmp', op: '>' }],
  [['at least', 'no less than', 'not less than', 'minimum of', 'or more', 'and above', 'or above', 'and over', 'or over', 'or greater', 'or higher'], { kind: 'cmp', op: '>=' }],
  [['under', 'below', 'less than', 'fewer than', 'smaller than', 'lower than'], { kind: 'cmp', op: '<' }],
  [['at most', 'no more than', 'not more than', 'up to', 'maximum of', 'or less', 'or fewer', 'and below', 'or below', 'or lower', 'and under', 'or under'], { kind: 'cmp', op: '<=' }],
  [['exactly', 'equal to', 'equals'], { kind: 'cmp', op: '=' }],
  [['not', 'excluding', 'exclude', 'excluded', 'except', 'except for', 'other than', 'apart from', 'aside from', 'without', 'but not', 'non', 'never', 'isn t', 'aren t'], { kind: 'negate' }],
  [['between', 'in the range', 'ranging from'], { kind: 'between' }],
  [['vs', 'versus', 'compared to', 'compared with'], { kind: 'versus' }],
  [['largest first', 'biggest first', 'highest first', 'most first', 'descending', 'in descending order', 'sorted descending', 'from highest to lowest', 'from largest to smallest', 'highest to lowest', 'largest to smallest'], { kind: 'sort', dir: 'desc' }],
  [['smallest first', 'lowest first', 'fewest first', 'least first', 'ascending', 'in ascending order', 'sorted ascending', 'from lowest to highest', 'lowest to highest', 'smallest to largest'], { kind: 'sort', dir: 'asc' }],
  [['or worse', 'and worse', 'or lower rated'], { kind: 'ordinal', dir: 'worse', inclusive: true }],
  [['or better', 'and better', 'or higher rated'], { kind: 'ordinal', dir: 'better', inclusive: true }],
  // "chased more than 3 times": a count said with its own unit (numbers.ts; never "3 times the average")
  [['times'], { kind: 'times' }],
  [['thousand', 'k', 'thousands'], { kind: 'unit', factor: 1e3 }],
  [['million', 'millions', 'mn', 'mm', 'mio', 'm'], { kind: 'unit', factor: 1e6 }],
  [['billion', 'billions', 'bn', 'b'], { kind: 'unit', factor: 1e9 }],
  [['percent', 'percentage', 'pct', 'share', 'proportion', 'ratio', 'rate', 'as a percentage', 'in percent'], { kind: 'percent' }],
  [['in days', 'in day', 'days', 'day', 'number of days', 'in number of days'], { kind: 'inDays' }],
];

/** English function words that carry no meaning for the query. "not", "no", "without" are NOT here. */
export const STOP_WORDS = [
  'a', 'an', 'the', 'of', 'for', 'in', 'on', 'at', 'to', 'with', 'do', 'does', 'did', 'we', 'our', 'ours', 'us', 'are', 'is',
  'was', 'were', 'be', 'been', 'being', 'have', 'has', 'had', 'there', 'please', 'all', 'still', 'any', 'that', 'this', 'these',
  'those', 'it', 'its', 'their', 'them', 'they', 'from', 'and', 'or', 'as', 'currently', 'now', 'so', 'far', 'i', 'you', 'can',
  'could', 'would', 'tell', 'see', 'whats', 'where', 'me', 'my', 'your', 'into', 'via', 'through', 'during', 'just', 'only', 'yet',
  'some', 'about', 'right', 'compare', 'against', 'relate', 'related', 'relating', 'linked', 'belonging', 'belong', 'involving',
  'involve', 'present', 'presently', 'then', 'also', 'want', 'know', 'need', 'like', 'should', 'shall',
  'up', 'out', 'off', 'got', 'get', 'one', 'ones', 'when', 'whose', 'value', 'kind', 'sort', 'thing', 'things', 'exist', 'existing',
  'attached', 'booked in', 'under', 'involved', 'concerning', 'regarding', 'happened', 'happen', 'come', 'came', 'give',
  'here', 'what is', 'what s', 'what was', 'across all', 'been', 'amount to', 'by the', 'done', 'made with', 'held',
  'hold', 'they are', 'it is', 'there are', 'there is', 'count them', 'where the', 'since', 'until', 'till', 'period',
  'occurred', 'occur', 'recorded', 'record', 'owned', 'owned by', 'handled by', 'handled', 'caused', 'caused by', 'due to', 'because',
  'because of', 'having', 'had', 'belongs', 'sitting', 'sit', 'sits', 'currently open',
  // "calls that ended up disputed": how a row came to its state says nothing more than "were"
  'ended up', 'end up', 'ends up', 'turned out', 'turn out', 'turns out', 'turned out to be',
  // "settlements that went late", "flows that actually settled": how it happened, not what
  'went', 'gone', 'actually', 'really',
  'pls', 'plz', 'thanks', 'thx', 'cheers', 'hi', 'hello', 'hey', 'good morning', 'morning', 'quick one', 'quick question', 'am after', 'i am after', 'looking for', 'i am looking for', 'down to', 'working on', 'work on', 'works on', 'looking after', 'look after', 'am', 'i am',
];

/**
 * Words that carry no meaning for the query unless the profile gives them one (then the profile's
 * sense alone stands): "books that carry the most notional", "breaks assigned" say no more than
 * "hold" and "handled by", but a profile may name a column "assigned to" or a measure "carry".
 */
export const SOFT_STOP_WORDS = ['carry', 'carries', 'carrying', 'carried', 'assigned', 'assigned to'];

export const GRAMMAR: [string[], GrammarSense][] = G;

/** Words that ask to change data. The profile can add its own. */
export const STRONG_WRITE_VERBS = ['delete', 'remove', 'update', 'insert', 'drop', 'truncate', 'alter', 'create', 'grant', 'revoke', 'execute', 'exec', 'purge', 'wipe', 'erase', 'overwrite', 'upsert', 'merge', 'rename', 'modify', 'amend'];

/** Words after which a domain word is a verb ("did we book", "do they match"). */
export const AUXILIARIES = ['did', 'do', 'does', 'we', 'they', 'will', 'was', 'were', 'get', 'got', 'have', 'has'];

/** Leading words before an imperative ("please delete...", "can you update..."). */
export const POLITE_PREFIX = ['please', 'can', 'could', 'would', 'you', 'kindly', 'go', 'i', 'want', 'to', 'we', 'need', 'lets', 'let', 'us', 'now', 'just', 'ahead', 'and'];
