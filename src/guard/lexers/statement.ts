import type { SqlLexer, Token } from './types.js';

export type SingleStatement = { ok: true; text: string; tokens: Token[] } | { ok: false; reason: string };

const SIGNIFICANT = (t: Token): boolean => t.kind !== 'space' && t.kind !== 'comment' && t.kind !== 'semicolon';

/** One character from ! to ~ (U+0021–U+007E). */
function isVisibleAscii(text: string): boolean {
  const code = text.charCodeAt(0);
  return text.length === 1 && code >= 0x21 && code <= 0x7e;
}

function describeChar(ch: string): string {
  return 'U+' + ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
}

/**
 * Layer 1: with the dialect's own lexical rules, checks that the text is exactly one statement
 * (a single trailing semicolon is fine), with no NUL byte, no unclosed quote or comment, and no
 * unusual character (non-breaking or zero-width spaces, fullwidth punctuation, control
 * characters) outside quotes. Returns the statement with comments removed and without the
 * trailing semicolon: the text every later layer judges and the database runs.
 */
export function singleStatement(sql: string, lexer: SqlLexer): SingleStatement {
  if (sql.includes('\0')) return { ok: false, reason: 'The query contains a NUL byte.' };
  const lexed = lexer.scan(sql);
  if (!lexed.ok) return { ok: false, reason: `The query is not well-formed ${lexer.name} text: ${lexed.reason}.` };
  const tokens = lexed.tokens;
  for (const t of tokens) {
    if (t.kind === 'punct' && !isVisibleAscii(t.text)) {
      return { ok: false, reason: `The query contains the character ${describeChar(t.text)} outside quotes; only plain ASCII is accepted there.` };
    }
  }
  const firstSemi = tokens.findIndex((t) => t.kind === 'semicolon');
  if (firstSemi >= 0) {
    const after = tokens.slice(firstSemi + 1);
    if (after.some(SIGNIFICANT) || after.some((t) => t.kind === 'semicolon')) {
      return { ok: false, reason: 'The text holds more than one statement; only a single query is accepted.' };
    }
  }
  const body = firstSemi >= 0 ? tokens.slice(0, firstSemi) : tokens;
  if (!body.some(SIGNIFICANT)) return { ok: false, reason: 'The query is empty.' };
  const text = body
    .map((t) => (t.kind === 'comment' ? ' ' : t.text))
    .join('')
    .trim();
  // The same text scans to the same tokens: only a text that changed (comments, semicolon, outer
  // spaces removed) is scanned again.
  if (text === sql) return { ok: true, text, tokens };
  const again = lexer.scan(text);
  if (!again.ok) return { ok: false, reason: `The query is not well-formed ${lexer.name} text: ${again.reason}.` };
  return { ok: true, text, tokens: again.tokens };
}

/** Tokens that matter for structure (no spaces, no comments), with their parenthesis depth. */
export function structuralTokens(tokens: readonly Token[]): Array<Token & { depth: number }> {
  let depth = 0;
  const out: Array<Token & { depth: number }> = [];
  for (const t of tokens) {
    if (t.kind === 'space' || t.kind === 'comment') continue;
    if (t.kind === 'punct' && t.text === ')') depth--;
    out.push({ kind: t.kind, text: t.text, start: t.start, end: t.end, depth });
    if (t.kind === 'punct' && t.text === '(') depth++;
  }
  return out;
}
