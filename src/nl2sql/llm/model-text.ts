/**
 * Text a language model wrote is never shown as ours. An answer's explanation is generated from
 * what was computed; a model's own words (its reason for not answering) are shown quoted and
 * attributed, as plain text without links, so a hostile reply cannot pose as the product
 * ("your session expired, sign in at …").
 */
import type { QueryResult } from '../../datasource/types.js';

const MAX_QUOTED = 300;

/** Links of every kind a reader could follow or copy: scheme URLs, www., host/path, markdown and HTML links. */
const LINKS = [
  /<[^>]*>/g, // HTML tags (an <a href>)
  /\]\([^)]*\)/g, // the target of a markdown link [text](url)
  /\b[a-z][a-z0-9+.-]*:\/\/\S*/gi, // scheme://…
  /\b(?:mailto|javascript|data|file|tel):\S*/gi,
  /\bwww\.\S*/gi,
  /\b[a-z0-9-]+(?:\.[a-z0-9-]+)+\/\S*/gi, // host.tld/path
];

/** A model's words as plain, one-line text with every link removed, bounded. */
export function plainModelText(text: string): string {
  let t = text;
  for (const re of LINKS) t = t.replace(re, (m) => (m.startsWith('](') ? ']' : ' [link removed] '));
  // eslint-disable-next-line no-control-regex
  t = t.replace(/[\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ').replace(/\s+/g, ' ').trim();
  return t.length > MAX_QUOTED ? `${t.slice(0, MAX_QUOTED)}…` : t;
}

/** The model's reason for not answering, quoted and attributed to it. */
export function modelSaysCannotAnswer(reason: string): string {
  return `The language model said it cannot answer: "${plainModelText(reason).replace(/"/g, "'")}"`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The explanation of an answer the model's SQL computed, from facts only: the tables the SQL
 * guard admitted and the shape of the result (column names are the model's aliases: not used).
 */
export function explainModelAnswer(tables: string[], result: Pick<QueryResult, 'rowCount' | 'columns' | 'truncated'>): string {
  const from = tables.length ? ` from ${tables.length === 1 ? 'the table' : 'the tables'} ${tables.join(', ')}` : '';
  const cut = result.truncated ? ', cut at the row cap' : '';
  return `Computed by SQL the language model wrote and the SQL guard admitted, reading${from || ' the database'}: ${plural(result.rowCount, 'row')} of ${plural(result.columns.length, 'column')}${cut}. Check the SQL to see exactly what was computed.`;
}
