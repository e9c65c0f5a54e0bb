/**
 * Text normalisation shared by training (value index, vocabulary) and the semantic engine:
 * one tokeniser and one word form, so a phrase in the profile and a question meet on the same terms.
 */

export interface Token {
  /** Normal form: lower case, singular. */
  norm: string;
  /** The token as written. */
  raw: string;
  start: number;
  end: number;
  /** Followed by 's (possessive), e.g. "today's". */
  possessive: boolean;
}

const TOKEN_RE = /[A-Za-z0-9][A-Za-z0-9]*(?:[.'’][A-Za-z0-9]+)*|%/g;

/** Splits text into word tokens with their offsets; punctuation separates tokens. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN_RE)) {
    let raw = m[0];
    // "%" is a word: "what % of trades are cleared" asks for a percentage
    if (raw === '%') {
      // "a fixed rate over 5%": after a number the sign is only its unit
      if (/\d\s*$/.test(text.slice(0, m.index ?? 0))) continue;
      out.push({ norm: 'percent', raw, start: m.index ?? 0, end: (m.index ?? 0) + 1, possessive: false });
      continue;
    }
    let possessive = false;
    const pm = /^(.*?)['’]s$/i.exec(raw);
    if (pm && pm[1]) {
      raw = pm[1];
      possessive = true;
    }
    // "n't" contractions keep their meaning as a separate "not"
    const nt = /^(.*?)n['’]t$/i.exec(raw);
    const start = m.index ?? 0;
    if (nt && nt[1]) {
      out.push({ norm: normWord(nt[1]), raw: nt[1], start, end: start + nt[1].length, possessive: false });
      out.push({ norm: 'not', raw: "n't", start: start + nt[1].length, end: start + m[0].length, possessive: false });
      continue;
    }
    // "we've", "they're", "I'd", "we'll": the pronoun and the auxiliary are two words
    const aux = /^(.*?)['’](ve|re|ll|d|m)$/i.exec(raw);
    if (aux && aux[1] && /^[a-z]+$/i.test(aux[1])) {
      const full = { ve: 'have', re: 'are', ll: 'will', d: 'would', m: 'am' }[aux[2]!.toLowerCase() as 've']!;
      out.push({ norm: normWord(aux[1]), raw: aux[1], start, end: start + aux[1].length, possessive: false });
      out.push({ norm: full, raw: full, start: start + aux[1].length, end: start + m[0].length, possessive: false });
      continue;
    }
    // a decimal point stays ("1.5m" is one and a half million, not 15m); other dots and apostrophes go
    raw = raw.replace(/(\d)\.(?=\d)/g, '$1\u0000').replace(/['’.]/g, '').replace(/\u0000/g, '.');
    if (!raw) continue;
    out.push({ norm: normWord(raw), raw, start, end: start + m[0].length, possessive });
  }
  return out;
}

const KEEP = new Set(['cds', 'sds', 'status', 'bus', 'gas', 'us', 'its', 'this', 'has', 'was', 'is', 'as', 'plus', 'less', 'ois', 'chf', 'ups', 'sms', 'news', 'series', 'analysis', 'basis', 'process', 'address', 'across', 'class', 'gross', 'loss', 'access', 'business', 'kras', 'paris', 'previous', 'various']);

/** Lower case and singular ("trades" -> "trade", "counterparties" -> "counterparty"). */
export function normWord(word: string): string {
  const w = word.toLowerCase();
  if (w.length <= 3 || KEEP.has(w) || /\d/.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) return w.slice(0, -3) + 'y';
  if (/(ss|us|is)$/.test(w)) return w;
  if (/(sses|shes|ches|xes|zzes)$/.test(w)) return w.slice(0, -2);
  if (w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}

/** The normal forms of a phrase, joined by single spaces ("Hedge Funds" -> "hedge fund"). */
export function normPhrase(text: string): string {
  return tokenize(text)
    .map((t) => t.norm)
    .join(' ');
}

/** Damerau-Levenshtein distance (optimal string alignment), stopping early above `max`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = a.length;
  const m = b.length;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m];
}

/** The edit distance a token of this length may be from a known word and still count as it. */
export function typoAllowance(length: number): number {
  if (length >= 9) return 2;
  if (length >= 5) return 1;
  return 0;
}
