/**
 * Schema linking: from the ranked documents and the values found in the question, the smallest
 * slice of the training version the model needs — the tables asked about (plus the tables that
 * join them), their columns, the business rules and glossary terms that concern them, the
 * closest examples and the resolved values — as an LlmContext.
 */
import type { TrainedModel, JoinEdge, FilterDef, MeasureDef, ConditionDef, ExprDef } from '../../training/index.js';
import { renderContext, estimateTokens, type LlmColumn, type LlmContext, type LlmExample, type LlmGlossaryTerm, type LlmJoinPath, type LlmTable } from '../llm/index.js';
import { columnNotes, type RetrievalDoc } from './documents.js';
import type { RetrievalHit, RetrievalIndex } from './store.js';
import { normPhrase } from './text.js';
import { createValueMatcher, type ValueMatch } from './values.js';

export interface RetrieveOptions {
  /** Token budget of the rendered context: over it, the least-evidenced tables shrink to their key and matched columns (default 1800). */
  maxTokens?: number;
  maxExamples?: number;
  maxRules?: number;
  maxGlossary?: number;
  signal?: AbortSignal;
}

export interface RetrievedContext {
  context: LlmContext;
  /** estimateTokens(renderContext(context)). */
  tokens: number;
  /** Tables the question is about, strongest first. */
  tables: string[];
  /** Tables added only to join them. */
  bridges: string[];
  values: ValueMatch[];
  /** The best-ranked documents, for explanations and debugging. */
  hits: { id: string; kind: RetrievalDoc['kind']; score: number }[];
  /** The training version's index key. */
  indexKey: string;
}

export interface Retriever {
  readonly index: RetrievalIndex;
  retrieve(question: string, opts?: RetrieveOptions): Promise<RetrievedContext>;
}

const ANCHOR_REL = 0.5;
const MAX_ANCHORS = 4;
const SCHEMA_KINDS = new Set<RetrievalDoc['kind']>(['table', 'column', 'filter', 'measure']);
const SMALL_VALUE_SET = 10;
const FEW_SAMPLES = 3;
const MAX_SYNONYMS = 4;

export function createRetriever(model: TrainedModel, index: RetrievalIndex): Retriever {
  const values = createValueMatcher(model);
  const notes = columnNotes(model);
  const tables = new Map(model.snapshot.tables.map((t) => [t.name.toLowerCase(), t]));
  const entityOf = new Map(Object.values(model.profile.entities).map((e) => [e.table.toLowerCase(), e]));
  const filterOf = new Map(model.profile.filters.map((f) => [f.name, f]));
  const measureOf = new Map(model.profile.measures.map((m) => [m.name, m]));
  const owners = new Map<string, number>();
  for (const t of model.snapshot.tables) for (const c of t.columns) owners.set(c.name.toLowerCase(), (owners.get(c.name.toLowerCase()) ?? 0) + 1);
  const samples = new Map<string, string[]>();
  for (const v of model.values) {
    const all = v.values.map((e) => e.value);
    samples.set(`${v.table.toLowerCase()}.${v.column.toLowerCase()}`, all.length <= SMALL_VALUE_SET ? all : all.slice(0, FEW_SAMPLES));
  }
  const phrases = tablePhrases(model);
  const edges = model.joins.map((j) => ({ ...j, fromTable: j.fromTable.toLowerCase(), toTable: j.toTable.toLowerCase(), fromColumn: j.fromColumn.toLowerCase(), toColumn: j.toColumn.toLowerCase() }));

  return {
    index,
    async retrieve(question, opts = {}) {
      const maxTokens = opts.maxTokens ?? 1800;
      const hits = await index.search(question, { limit: 80, signal: opts.signal });
      const matches = values.match(question);
      const qPhrase = ` ${normPhrase(question)} `;

      // 1. Tables the question is about: evidence from schema documents and unambiguous values.
      const evidence = new Map<string, number>();
      const bump = (t: string, s: number) => evidence.set(t, Math.max(evidence.get(t) ?? 0, s));
      const shared: RetrievalHit[] = [];
      for (const h of hits) {
        if (!SCHEMA_KINDS.has(h.doc.kind)) continue;
        if (h.fields.length && h.fields.every((f) => f === 'values')) continue; // values are the value matcher's business
        if (h.doc.kind === 'column' && (owners.get(h.doc.columns[0]!.split('.')[1]!) ?? 0) > 1) {
          shared.push(h); // a column name several tables have ("status", "currency") picks no table by itself
          continue;
        }
        // A filter's words name its entity only when the profile says so ("fails" = failed settlements);
        // "open" or "pending" alone say nothing about which table.
        const weight = h.doc.kind === 'filter' && !filterOf.get(h.doc.id.slice(2))?.implies ? 0.5 : 1;
        // BM25 scores are calibrated against each other; fused (RRF) scores are flat, so evidence is lexical
        for (const t of h.doc.tables) bump(t, h.lexical * weight);
      }
      const valueTables = new Map<string, Set<string>>();
      for (const m of matches) if (!m.weak) (valueTables.get(m.text) ?? valueTables.set(m.text, new Set()).get(m.text)!).add(m.table);
      const pulled = new Set<string>();
      for (const set of valueTables.values()) if (set.size === 1) pulled.add([...set][0]!);
      const top = Math.max(0, ...evidence.values());
      // With vectors: a table or column among the three best fused hits counts even without a
      // shared word ("collateral" -> margin calls when the profile does not say so).
      if (index.vectors)
        for (const h of hits.filter((x) => SCHEMA_KINDS.has(x.doc.kind)).slice(0, 3))
          if (h.lexical === 0 && (h.vector ?? 0) > 0) for (const t of h.doc.tables) bump(t, Math.max(top, 1) * ANCHOR_REL);
      let anchors = [...evidence.entries()]
        .filter(([, s]) => s >= ANCHOR_REL * top)
        .sort((a, b) => b[1] - a[1])
        .slice(0, MAX_ANCHORS)
        .map(([t]) => t);
      for (const t of literalTables(phrases, question)) if (!anchors.includes(t)) anchors.push(t);
      for (const t of pulled) if (!anchors.includes(t)) anchors.push(t);
      if (!anchors.length && shared.length) anchors = [...shared[0]!.doc.tables];
      anchors = anchors.filter((t) => tables.has(t));

      // 2. Connect them through the join graph (shortest paths from the strongest table), with the
      //    tables that hold an asked-about table's display columns ("confirmations" show trades.trade_ref).
      const chosen = new Set(anchors.slice(0, 1));
      const pathEdges: JoinEdge[] = [];
      const displayCols = new Set<string>();
      const targets = [...anchors.slice(1)];
      for (const a of anchors)
        for (const d of entityOf.get(a)?.display ?? []) {
          if (!d.includes('.')) continue;
          const [dt, dc] = d.toLowerCase().split('.') as [string, string];
          displayCols.add(`${dt}.${dc}`);
          if (!targets.includes(dt) && !anchors.includes(dt)) targets.push(dt);
        }
      for (const t of targets) {
        if (chosen.has(t)) continue;
        const path = shortestPath(edges, chosen, t);
        for (const e of path) {
          chosen.add(e.fromTable);
          chosen.add(e.toTable);
          pathEdges.push(e);
        }
        chosen.add(t);
      }
      const bridges = [...chosen].filter((t) => !anchors.includes(t));
      const finalTables = [...anchors, ...bridges];
      const joins = edges.filter((e) => chosen.has(e.fromTable) && chosen.has(e.toTable));

      // 3. Columns: keys, display and date columns always; matched ones; all of the asked-about tables within budget.
      const matched = new Set<string>();
      for (const h of hits) {
        if (h.doc.kind === 'rule' || h.doc.kind === 'example' || h.score < 0.25) continue;
        for (const c of h.doc.columns) matched.add(c);
      }
      for (const m of matches) matched.add(`${m.table}.${m.column}`);
      const keyCols = (t: string): Set<string> => {
        const info = tables.get(t)!;
        const out = new Set(info.primaryKey.map((c) => c.toLowerCase()));
        for (const e of joins) {
          if (e.fromTable === t) out.add(e.fromColumn);
          if (e.toTable === t) out.add(e.toColumn);
        }
        for (const c of displayCols) if (c.startsWith(`${t}.`)) out.add(c.split('.')[1]!);
        const ent = entityOf.get(t);
        if (ent) for (const d of ent.display) if (!d.includes('.')) out.add(d.toLowerCase());
        if (ent && anchors.includes(t)) {
          if (ent.defaultDate) out.add(ent.defaultDate.toLowerCase());
          for (const d of ent.dates) out.add(d.column.toLowerCase());
          if (ent.amount?.usd) out.add(ent.amount.usd.toLowerCase());
        }
        return out;
      };
      const full = new Set(anchors);
      const limits = { rules: opts.maxRules ?? 6, glossary: opts.maxGlossary ?? 6, examples: opts.maxExamples ?? 3 };
      const build = (): LlmContext => ({
        tables: finalTables.map((t) => tableOf(t, full.has(t) ? undefined : new Set([...keyCols(t), ...[...matched].filter((c) => c.startsWith(`${t}.`)).map((c) => c.split('.')[1]!)]))),
        joins: joins.map(joinOf),
        businessRules: rulesText(hits, chosen, limits.rules),
        glossary: glossary(hits, chosen, qPhrase, limits.glossary),
        examples: examples(hits, chosen, limits.examples),
        resolvedValues: matches.filter((m) => chosen.has(m.table)).map((m) => ({ text: m.text, table: m.table, column: m.column, value: m.value })),
      });
      let context = build();
      let tokens = estimateTokens(renderContext(context));
      for (const t of [...anchors].reverse()) {
        if (tokens <= maxTokens || full.size <= 1) break;
        full.delete(t);
        context = build();
        tokens = estimateTokens(renderContext(context));
      }
      // Still over: fewer examples, rules and glossary terms (the best ones stay).
      while (tokens > maxTokens && (limits.examples > 1 || limits.rules > 3 || limits.glossary > 3)) {
        limits.examples = Math.max(1, limits.examples - 1);
        limits.rules = Math.max(3, limits.rules - 1);
        limits.glossary = Math.max(3, limits.glossary - 1);
        context = build();
        tokens = estimateTokens(renderContext(context));
      }
      return {
        context,
        tokens,
        tables: anchors,
        bridges,
        values: matches,
        hits: hits.slice(0, 15).map((h) => ({ id: h.doc.id, kind: h.doc.kind, score: Math.round(h.score * 1000) / 1000 })),
        indexKey: index.key,
      };
    },
  };

  function tableOf(t: string, only?: Set<string>): LlmTable {
    const info = tables.get(t)!;
    const ent = entityOf.get(t);
    const fks = new Map<string, string>();
    for (const fk of info.foreignKeys) if (fk.columns.length === 1) fks.set(fk.columns[0]!.toLowerCase(), `${fk.refTable}.${fk.refColumns[0]}`);
    const columns: LlmColumn[] = [];
    for (const c of info.columns) {
      const key = `${t}.${c.name.toLowerCase()}`;
      if (only && !only.has(c.name.toLowerCase())) continue;
      const n = notes.get(key);
      const col: LlmColumn = { name: c.name, type: c.dataType };
      if (n?.description) col.description = n.description;
      if (n?.synonyms.length) col.synonyms = n.synonyms.slice(0, MAX_SYNONYMS);
      const s = samples.get(key);
      if (s?.length) col.sampleValues = s;
      if (info.primaryKey.length === 1 && info.primaryKey[0]!.toLowerCase() === c.name.toLowerCase()) col.primaryKey = true;
      const ref = fks.get(c.name.toLowerCase());
      if (ref) col.references = ref;
      columns.push(col);
    }
    const table: LlmTable = { name: info.name, columns, rowCount: info.rowCount };
    if (info.schema) table.schema = info.schema;
    if (ent && normPhrase(ent.label) !== normPhrase(info.name.replace(/_/g, ' '))) table.description = ent.label;
    if (ent?.words.length) table.synonyms = ent.words.filter((w) => normPhrase(w) !== normPhrase(ent.label)).slice(0, MAX_SYNONYMS);
    return table;
  }

  function glossary(hits: RetrievalHit[], chosen: Set<string>, qPhrase: string, max: number): LlmGlossaryTerm[] {
    const cands: { score: number; term: LlmGlossaryTerm }[] = [];
    const topG = Math.max(0, ...hits.filter((h) => h.doc.kind === 'filter' || h.doc.kind === 'measure').map((h) => h.lexical || h.score));
    for (const h of hits) {
      if (h.doc.kind !== 'filter' && h.doc.kind !== 'measure') continue;
      if (!h.doc.tables.some((t) => chosen.has(t))) continue;
      const name = h.doc.id.slice(2);
      const def = h.doc.kind === 'filter' ? filterOf.get(name) : measureOf.get(name);
      if (!def) continue;
      const literal = def.words.some((w) => qPhrase.includes(` ${normPhrase(w)} `));
      const s = h.lexical || h.score;
      if (!literal && s < 0.5 * topG) continue;
      const term = h.doc.kind === 'filter' ? filterTerm(def as FilterDef, h.doc.tables[0]!) : measureTerm(def as MeasureDef, h.doc.tables[0]!);
      cands.push({ score: s + (literal ? 1 : 0), term });
    }
    return cands
      .sort((a, b) => b.score - a.score)
      .slice(0, max)
      .map((c) => c.term);
  }

  function filterTerm(f: FilterDef, table: string): LlmGlossaryTerm {
    return { term: f.words[0] ?? f.label, meaning: `${table}: ${f.label}`, sql: f.where.map(conditionSql).join(' AND ') };
  }

  function measureTerm(m: MeasureDef, table: string): LlmGlossaryTerm {
    let sql: string | undefined;
    if (m.agg === 'count') sql = 'COUNT(*)';
    else if (m.agg === 'ratio' && m.ratio) {
      const num = filterOf.get(m.ratio.numerator);
      const den = m.ratio.denominator.map((d) => filterOf.get(d)).filter((x): x is FilterDef => !!x);
      sql = `100.0 * SUM(CASE WHEN ${num ? num.where.map(conditionSql).join(' AND ') : m.ratio.numerator} THEN 1 ELSE 0 END) / COUNT(*)${den.length ? ` over rows where ${den.map((d) => d.where.map(conditionSql).join(' AND ')).join(' AND ')}` : ''}`;
    } else if (m.expr) sql = `${m.agg === 'count_distinct' ? 'COUNT(DISTINCT' : m.agg.toUpperCase() + '('} ${exprSql(m.expr)})${m.native ? `; in one named currency: ${exprSql(m.native)}` : ''}`;
    const req = m.requires.map((r) => filterOf.get(r)).filter((x): x is FilterDef => !!x);
    const meaning = [`${table}: ${m.label}`, m.unit ? `in ${m.unit}` : '', m.date ? `dated by ${m.date}` : '', req.length ? `only where ${req.map((r) => r.where.map(conditionSql).join(' AND ')).join(' AND ')}` : '']
      .filter(Boolean)
      .join(', ');
    return { term: m.words[0] ?? m.label, meaning, ...(sql ? { sql } : {}) };
  }

  function rulesText(hits: RetrievalHit[], chosen: Set<string>, max: number): string | undefined {
    const rules = hits.filter((h) => h.doc.kind === 'rule' && (h.doc.tables.length === 0 || h.doc.tables.some((t) => chosen.has(t))));
    if (!rules.length) return undefined;
    const topR = rules[0]!.score;
    const picked = rules.filter((h) => h.score >= 0.3 * topR).slice(0, max);
    return picked.map((h) => `- ${h.doc.extra ? `[${h.doc.extra}] ` : ''}${h.doc.text}`).join('\n');
  }

  function examples(hits: RetrievalHit[], chosen: Set<string>, max: number): LlmExample[] {
    const ex = hits
      .filter((h) => h.doc.kind === 'example')
      .map((h) => ({ h, s: h.score * (h.doc.tables.every((t) => chosen.has(t)) ? 1 : 0.6) }))
      .sort((a, b) => b.s - a.s);
    if (!ex.length) return [];
    const topE = ex[0]!.s;
    return ex
      .filter((e) => e.s >= 0.35 * topE)
      .slice(0, max)
      .map((e) => ({ question: e.h.doc.text, sql: e.h.doc.extra ?? '' }));
  }
}

/** Normalised phrase -> the tables it names: table names, entity words and labels, dimension, date, filter and measure words. */
function tablePhrases(model: TrainedModel): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (phrase: string, table: string) => {
    const k = normPhrase(phrase);
    if (!k || k.length < 3) return;
    (out.get(k) ?? out.set(k, new Set()).get(k)!).add(table.toLowerCase());
  };
  const p = model.profile;
  for (const t of model.snapshot.tables) add(t.name.replace(/_/g, ' '), t.name);
  for (const e of Object.values(p.entities)) {
    [e.label, ...e.words].forEach((w) => add(w, e.table));
    e.dates.forEach((d) => d.words.forEach((w) => add(w, e.table)));
  }
  for (const d of p.dimensions) d.words.forEach((w) => add(w, d.table));
  for (const f of p.filters) if (p.entities[f.entity]) f.words.forEach((w) => add(w, p.entities[f.entity]!.table));
  for (const m of p.measures) if (p.entities[m.entity]) m.words.forEach((w) => add(w, p.entities[m.entity]!.table));
  return out;
}

/** Tables named by an unambiguous phrase of the question (longest phrases first, each word used once). */
function literalTables(phrases: Map<string, Set<string>>, question: string): string[] {
  const toks = normPhrase(question).split(' ').filter(Boolean);
  const used = new Array<boolean>(toks.length).fill(false);
  const out: string[] = [];
  for (let len = Math.min(5, toks.length); len >= 1; len--) {
    for (let i = 0; i + len <= toks.length; i++) {
      if (used.slice(i, i + len).some(Boolean)) continue;
      const set = phrases.get(toks.slice(i, i + len).join(' '));
      if (!set) continue;
      for (let k = i; k < i + len; k++) used[k] = true;
      if (set.size === 1 && !out.includes([...set][0]!)) out.push([...set][0]!);
    }
  }
  return out;
}

function joinOf(e: JoinEdge): LlmJoinPath {
  return { from: `${e.fromTable}.${e.fromColumn}`, to: `${e.toTable}.${e.toColumn}` };
}

/** Shortest undirected path (as edges) from any table of `from` to `to`; empty when not connected. */
function shortestPath(edges: JoinEdge[], from: Set<string>, to: string): JoinEdge[] {
  const prev = new Map<string, JoinEdge | null>();
  const queue = [...from];
  for (const t of from) prev.set(t, null);
  while (queue.length) {
    const cur = queue.shift()!;
    if (cur === to) break;
    for (const e of edges) {
      const next = e.fromTable === cur ? e.toTable : e.toTable === cur ? e.fromTable : undefined;
      if (next === undefined || prev.has(next)) continue;
      prev.set(next, e);
      queue.push(next);
    }
  }
  if (!prev.has(to)) return [];
  const path: JoinEdge[] = [];
  let cur = to;
  while (prev.get(cur)) {
    const e = prev.get(cur)!;
    path.unshift(e);
    cur = e.fromTable === cur ? e.toTable : e.fromTable;
  }
  return path;
}

const lit = (v: string | number) => (typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`);

function conditionSql(c: ConditionDef): string {
  if ('olderThanDays' in c) return `${c.column} < today - ${c.olderThanDays} days`;
  if (c.otherColumn) return `${c.column} ${c.op} ${c.otherColumn}`;
  if (c.op === 'in' || c.op === 'not in') return `${c.column} ${c.op.toUpperCase()} (${(c.values ?? []).map(lit).join(', ')})`;
  if (c.op === 'is null' || c.op === 'is not null') return `${c.column} ${c.op.toUpperCase()}`;
  return `${c.column} ${c.op} ${lit(c.value!)}`;
}

function exprSql(x: ExprDef): string {
  if ('column' in x) return x.column;
  if ('minus' in x) return `${x.minus[0]} - ${x.minus[1]}`;
  if ('daysBetween' in x) return `days from ${x.daysBetween[0]} to ${x.daysBetween[1]}`;
  return `days since ${x.ageDays}`;
}
