/**
 * Reads the model's reply. Everything in it is untrusted: this only finds the candidate SQL,
 * the explanation or the refusal; the SQL guard decides whether the SQL may run.
 */

export type ModelReply =
  /** a semantic query (untrusted JSON; validated and resolved by the semantic target) */
  | { kind: 'query'; query: unknown; explanation: string }
  | { kind: 'sql'; sql: string; explanation: string }
  | { kind: 'cannot_answer'; reason: string }
  | { kind: 'unparseable'; reason: string };

const MAX_TEXT = 500;

export function parseModelReply(text: string, acceptQuery = false): ModelReply {
  const obj = findJsonObject(text);
  if (obj) {
    const cannot = obj.cannot_answer === true || obj.cannot_answer === 'true';
    const sql = typeof obj.sql === 'string' ? obj.sql.trim() : '';
    if (cannot) return { kind: 'cannot_answer', reason: plain(obj.reason) || 'the model said the question cannot be answered from this data' };
    if (acceptQuery && obj.query !== undefined && obj.query !== null) return { kind: 'query', query: obj.query, explanation: plain(obj.explanation) };
    if (sql) return { kind: 'sql', sql, explanation: plain(obj.explanation) };
    return { kind: 'unparseable', reason: 'the JSON object has no "sql" text and does not set "cannot_answer"' };
  }
  const fenced = /```sql[ \t]*\r?\n?([\s\S]*?)```/i.exec(text);
  if (fenced && fenced[1].trim()) return { kind: 'sql', sql: fenced[1].trim(), explanation: '' };
  return { kind: 'unparseable', reason: 'the reply is neither a JSON object with "sql" nor a ```sql fenced block' };
}

/** The first JSON object in the text: the whole text, a ```json block, or the outermost {…}. */
function findJsonObject(text: string): Record<string, unknown> | undefined {
  const candidates: string[] = [text.trim()];
  const fenced = /```(?:json)?[ \t]*\r?\n?([\s\S]*?)```/i.exec(text);
  if (fenced) candidates.push(fenced[1].trim());
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  if (first >= 0 && last > first) candidates.push(text.slice(first, last + 1));
  for (const c of candidates) {
    if (!c.startsWith('{')) continue;
    try {
      const v: unknown = JSON.parse(c);
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      /* next candidate */
    }
  }
  return undefined;
}

/** Model text shown to people: one line, bounded, never markup-significant control characters. */
function plain(v: unknown): string {
  if (typeof v !== 'string') return '';
  // eslint-disable-next-line no-control-regex
  const t = v.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return t.length > MAX_TEXT ? `${t.slice(0, MAX_TEXT)}…` : t;
}
