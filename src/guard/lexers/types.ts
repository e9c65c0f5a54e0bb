/** What one piece of SQL text is, as the database's own tokenizer would see it. */
export type TokenKind =
  | 'word' // keyword or bare identifier
  | 'quotedIdent' // "x", [x], `x`
  | 'string' // any string literal, with its prefix (E'', N'', $tag$…$tag$)
  | 'number'
  | 'param' // $1, ?, :name, @var
  | 'punct' // operators, parentheses, commas, and any other single character
  | 'semicolon'
  | 'space'
  | 'comment';

export interface Token {
  kind: TokenKind;
  text: string;
  /** UTF-16 offsets into the scanned text. */
  start: number;
  end: number;
}

export type LexResult = { ok: true; tokens: Token[] } | { ok: false; reason: string };

/** One dialect's lexical rules: where strings, identifiers, comments and statements begin and end. */
export interface SqlLexer {
  readonly name: string;
  scan(sql: string): LexResult;
}

/** Thrown inside a scanner when the text cannot be tokenised; turned into a refusal. */
export class LexError extends Error {}
