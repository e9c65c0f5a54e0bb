/**
 * Documents of a profile (Markdown, text, CSV of terms) split into chunks for retrieval: one
 * chunk per section of a Markdown heading (long sections split at paragraphs), one per CSV row.
 */
export interface DocumentChunk {
  document: string;
  seq: number;
  /** The heading path of a Markdown section ("Settlements > Fails"), or the term of a CSV row. */
  heading: string | null;
  text: string;
}

const MAX_CHUNK = 1200;

export function chunkDocument(name: string, text: string): DocumentChunk[] {
  const parts = /\.csv$/i.test(name) ? csvChunks(text) : markdownChunks(text);
  return parts.map((p, seq) => ({ document: name, seq, heading: p.heading, text: p.text }));
}

function markdownChunks(text: string): { heading: string | null; text: string }[] {
  const out: { heading: string | null; text: string }[] = [];
  const path: string[] = [];
  let buf: string[] = [];
  const flush = () => {
    const body = buf.join('\n').trim();
    buf = [];
    if (!body) return;
    const heading = path.filter(Boolean).join(' > ') || null;
    for (const piece of splitLong(body)) out.push({ heading, text: piece });
  };
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const h = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      flush();
      const level = h[1]!.length;
      path.length = level - 1;
      path[level - 1] = h[2]!;
      continue;
    }
    buf.push(line);
  }
  flush();
  return out;
}

/** Splits at blank lines so no chunk is much longer than MAX_CHUNK characters. */
function splitLong(body: string): string[] {
  if (body.length <= MAX_CHUNK) return [body];
  const out: string[] = [];
  let cur = '';
  for (const para of body.split(/\n\s*\n/)) {
    if (cur && cur.length + para.length + 2 > MAX_CHUNK) {
      out.push(cur.trim());
      cur = '';
    }
    cur += (cur ? '\n\n' : '') + para;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** RFC 4180-style CSV rows (quoted fields, doubled quotes, newlines inside quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f.trim())) rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f.trim())) rows.push(row);
  return rows;
}

/** A CSV of terms: a header row (e.g. term,definition,synonyms), then one chunk per term. */
function csvChunks(text: string): { heading: string | null; text: string }[] {
  const rows = parseCsv(text.replace(/^\uFEFF/, ''));
  if (!rows.length) return [];
  const header = rows[0]!.map((h) => h.trim());
  return rows.slice(1).map((r) => {
    const term = (r[0] ?? '').trim();
    const body = header
      .map((h, i) => [h, (r[i] ?? '').trim()] as const)
      .filter(([, v]) => v)
      .map(([h, v]) => `${h || 'column'}: ${v}`)
      .join('\n');
    return { heading: term || null, text: body };
  });
}
