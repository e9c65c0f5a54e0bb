/**
 * A cheap, deterministic estimate of how many tokens a text costs a BPE tokenizer
 * (cl100k-like): letter runs cost about one token per four letters, digit runs one per three,
 * each punctuation mark one; whitespace is free. Good to budget prompts, not to bill.
 */
export function estimateTokens(text: string): number {
  let n = 0;
  for (const m of text.matchAll(/[\p{L}]+|\p{N}+|[^\s\p{L}\p{N}]/gu)) {
    const t = m[0];
    if (/^\p{L}/u.test(t)) n += Math.ceil(t.length / 4);
    else if (/^\p{N}/u.test(t)) n += Math.ceil(t.length / 3);
    else n += 1;
  }
  return n;
}
