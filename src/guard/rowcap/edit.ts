import { structuralTokens } from '../lexers/statement.js';
import type { Token } from '../lexers/types.js';

export type Placed = Token & { depth: number };

/** Index (into `st`) of the first top-level word equal to `word` (case-insensitive), from `from`. */
export function findTopLevelWord(st: readonly Placed[], word: string, from = 0): number {
  for (let i = from; i < st.length; i++) {
    const t = st[i]!;
    if (t.depth === 0 && t.kind === 'word' && t.text.length === word.length && t.text.toUpperCase() === word) return i;
  }
  return -1;
}

/** The number token at `i`, or inside one pair of parentheses starting at `i` ("10" or "(10)"). */
export function numberAt(st: readonly Placed[], i: number): Placed | undefined {
  const t = st[i];
  if (t?.kind === 'number') return t;
  if (t?.kind === 'punct' && t.text === '(' && st[i + 1]?.kind === 'number' && st[i + 2]?.text === ')') return st[i + 1];
  return undefined;
}

export function replaceToken(text: string, t: Token, replacement: string): string {
  return text.slice(0, t.start) + replacement + text.slice(t.end);
}

export function insertAt(text: string, offset: number, insertion: string): string {
  return text.slice(0, offset) + insertion + text.slice(offset);
}

export { structuralTokens };
