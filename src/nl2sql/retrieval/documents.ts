/**
 * The retrieval documents of one training version: tables and columns (names, descriptions,
 * synonyms, indexed values), named filters and measures (glossary), business rules (the
 * profile's documents split by heading and bullet), and example question/SQL pairs.
 */
import type { TrainedModel } from '../../training/index.js';
import { exampleSql } from '../../training/profile-schema.js';
import { sqlRefs } from './sql-refs.js';
import { identWords, normPhrase } from './text.js';

export type DocKind = 'table' | 'column' | 'filter' | 'measure' | 'rule' | 'example';

export interface RetrievalDoc {
  /** Stable within a training version: 't:trades', 'c:trades.status', 'f:live', 'm:notional', 'r:<doc>#<n>', 'e:<n>'. */
  id: string;
  kind: DocKind;
  /** Lower-case tables the document is about. */
  tables: string[];
  /** Lower-case 'table.column' the document is about. */
  columns: string[];
  /** Indexed fields. */
  name: string;
  words: string;
  text: string;
  values: string;
  /** For rules: the heading path ("Settlements"); for examples: the SQL. */
  extra?: string;
}

const MAX_VALUES_IN_DOC = 300;

/** A human description of each column from the profile (dimension labels, dates, amounts). */
export function columnNotes(model: TrainedModel): Map<string, { description?: string; synonyms: string[] }> {
  const out = new Map<string, { description?: string; synonyms: string[] }>();
  const note = (table: string, column: string) => {
    const k = `${table.toLowerCase()}.${column.toLowerCase()}`;
    return out.get(k) ?? out.set(k, { synonyms: [] }).get(k)!;
  };
  const addSyn = (n: { synonyms: string[] }, column: string, words: string[]) => {
    const own = normPhrase(identWords(column));
    for (const w of words) if (normPhrase(w) !== own && !n.synonyms.some((s) => normPhrase(s) === normPhrase(w))) n.synonyms.push(w);
  };
  const p = model.profile;
  for (const e of Object.values(p.entities)) {
    for (const d of e.dates) {
      const n = note(e.table, d.column);
      if (normPhrase(d.label) !== normPhrase(identWords(d.column))) n.description ??= d.label;
      addSyn(n, d.column, d.words);
    }
    if (e.amount?.usd) note(e.table, e.amount.usd).description ??= 'amount in US dollars (reporting currency)';
    if (e.amount?.native) note(e.table, e.amount.native).description ??= `amount in the row's own currency${e.currencyColumn ? ` (${e.currencyColumn})` : ''}`;
  }
  for (const d of p.dimensions) {
    const n = note(d.table, d.column);
    if (normPhrase(d.label) !== normPhrase(identWords(d.column))) n.description ??= d.label;
    addSyn(n, d.column, d.words);
  }
  return out;
}

export function buildDocuments(model: TrainedModel): RetrievalDoc[] {
  const docs: RetrievalDoc[] = [];
  const p = model.profile;
  const notes = columnNotes(model);
  const entityOf = new Map(Object.values(p.entities).map((e) => [e.table.toLowerCase(), e]));
  const valuesOf = new Map<string, string[]>();
  for (const v of model.values) {
    const k = `${v.table.toLowerCase()}.${v.column.toLowerCase()}`;
    const list = valuesOf.get(k) ?? valuesOf.set(k, []).get(k)!;
    for (const e of v.values.slice(0, MAX_VALUES_IN_DOC)) list.push(e.value, ...e.forms.filter((f) => f !== normPhrase(e.value)));
  }

  for (const t of model.snapshot.tables) {
    const table = t.name.toLowerCase();
    const e = entityOf.get(table);
    docs.push({
      id: `t:${table}`,
      kind: 'table',
      tables: [table],
      columns: [],
      name: `${identWords(t.name)}${e ? ` ${e.label}` : ''}`,
      words: e ? e.words.join(' ; ') : '',
      text: '',
      values: '',
    });
    for (const c of t.columns) {
      const key = `${table}.${c.name.toLowerCase()}`;
      const n = notes.get(key);
      docs.push({
        id: `c:${key}`,
        kind: 'column',
        tables: [table],
        columns: [key],
        name: identWords(c.name),
        words: n?.synonyms.join(' ; ') ?? '',
        text: n?.description ?? '',
        values: (valuesOf.get(key) ?? []).join(' ; '),
      });
    }
  }

  const entityTable = (name: string) => p.entities[name]?.table.toLowerCase();
  for (const f of p.filters) {
    const table = entityTable(f.entity);
    if (!table) continue;
    docs.push({
      id: `f:${f.name}`,
      kind: 'filter',
      tables: [table],
      columns: f.where.map((c) => `${table}.${c.column.toLowerCase()}`),
      name: f.label,
      words: f.words.join(' ; '),
      text: `${identWords(f.name)} ${table}`,
      values: '',
    });
  }
  for (const m of p.measures) {
    const table = entityTable(m.entity);
    if (!table) continue;
    const cols = exprColumns(m.expr).concat(exprColumns(m.native), m.date ? [m.date] : []);
    docs.push({
      id: `m:${m.name}`,
      kind: 'measure',
      tables: [table],
      columns: [...new Set(cols.map((c) => `${table}.${c.toLowerCase()}`))],
      name: m.label,
      words: m.words.join(' ; '),
      text: identWords(m.name),
      values: '',
    });
  }

  const headingTable = new Map<string, string>();
  for (const t of model.snapshot.tables) {
    headingTable.set(normPhrase(identWords(t.name)), t.name.toLowerCase());
    const e = entityOf.get(t.name.toLowerCase());
    if (e) headingTable.set(normPhrase(e.label), t.name.toLowerCase());
  }
  const columnOwners = new Map<string, string[]>();
  for (const t of model.snapshot.tables)
    for (const c of t.columns) (columnOwners.get(c.name.toLowerCase()) ?? columnOwners.set(c.name.toLowerCase(), []).get(c.name.toLowerCase())!).push(t.name.toLowerCase());
  for (const d of p.documents) {
    ruleChunks(d.text).forEach((chunk, i) => {
      const hTables = chunk.path.map((h) => headingTable.get(normPhrase(h))).filter((x): x is string => !!x);
      const tables = new Set(hTables);
      const columns = new Set<string>();
      for (const m of chunk.text.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
        const w = m[0].toLowerCase();
        if (headingTable.has(normPhrase(identWords(w))) && w.includes('_')) tables.add(headingTable.get(normPhrase(identWords(w)))!);
        const owners = columnOwners.get(w);
        if (!owners) continue;
        const scoped = owners.filter((o) => hTables.includes(o));
        // A bare column name ties the rule to its table when the heading names it, or when only one table has it.
        for (const o of scoped.length ? scoped : owners.length === 1 || w.includes('_') ? owners : []) {
          columns.add(`${o}.${w}`);
          if (!scoped.length && (owners.length === 1 || w.includes('_'))) tables.add(o);
        }
      }
      docs.push({
        id: `r:${d.name}#${i}`,
        kind: 'rule',
        tables: [...tables],
        columns: [...columns],
        name: chunk.path.join(' ; '),
        words: '',
        text: chunk.text,
        values: '',
        extra: chunk.path.join(' > '),
      });
    });
  }

  p.examples.forEach((ex, i) => {
    const sql = exampleSql(ex, model.snapshot.dialect);
    const refs = sqlRefs(sql, model.snapshot);
    docs.push({ id: `e:${i}`, kind: 'example', tables: refs.tables, columns: refs.columns, name: '', words: '', text: ex.question, values: '', extra: sql });
  });
  return docs;
}

function exprColumns(x: unknown): string[] {
  if (!x || typeof x !== 'object') return [];
  const out: string[] = [];
  for (const v of Object.values(x as Record<string, unknown>)) for (const c of Array.isArray(v) ? v : [v]) if (typeof c === 'string' && c !== 'today') out.push(c);
  return out;
}

export interface RuleChunk {
  /** Heading path, outermost first (the document title left out when there are sections). */
  path: string[];
  text: string;
}

/** Markdown split into one chunk per bullet (with its continuation lines) or paragraph, under its headings. */
export function ruleChunks(markdown: string): RuleChunk[] {
  const out: RuleChunk[] = [];
  const path: string[] = [];
  let buf: string[] = [];
  const flush = () => {
    const text = buf.join(' ').replace(/\s+/g, ' ').trim();
    buf = [];
    if (text) out.push({ path: path.slice(1).filter(Boolean).length ? path.slice(1).filter(Boolean) : path.filter(Boolean), text });
  };
  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    const h = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      flush();
      const level = h[1]!.length;
      path.length = level - 1;
      path[level - 1] = h[2]!;
      continue;
    }
    if (/^\s*([-*+]|\d+[.)])\s+/.test(line)) {
      flush();
      buf.push(line.replace(/^\s*([-*+]|\d+[.)])\s+/, ''));
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    buf.push(line.trim());
  }
  flush();
  return out;
}
