/**
 * The slice of the training profile that one question needs (schema linking), as the LLM
 * engine sends it to the model: tables with their columns, join paths, business rules,
 * glossary, example question/SQL pairs and the values resolved from the question.
 * Never result rows, never credentials.
 */
import { estimateTokens as estimate } from '../../llm/index.js';

export interface LlmColumn {
  name: string;
  /** The database's type, e.g. 'varchar(20)', 'date', 'decimal(20,2)'. */
  type: string;
  description?: string;
  /** Words people use for this column. */
  synonyms?: string[];
  /** A few distinct values, so the model spells them as the data does. */
  sampleValues?: (string | number)[];
  primaryKey?: boolean;
  /** Foreign key target as 'table.column'. */
  references?: string;
}

export interface LlmTable {
  name: string;
  /** Database schema (PostgreSQL/SQL Server), when not the default. */
  schema?: string;
  description?: string;
  synonyms?: string[];
  columns: LlmColumn[];
  rowCount?: number;
}

export interface LlmJoinPath {
  /** 'table.column' */
  from: string;
  /** 'table.column' */
  to: string;
  description?: string;
}

export interface LlmGlossaryTerm {
  term: string;
  meaning: string;
  /** The SQL condition or expression the term stands for, when there is one. */
  sql?: string;
}

export interface LlmExample {
  question: string;
  sql: string;
}

/** A word of the question already matched to a value in the data (value index). */
export interface LlmResolvedValue {
  /** The words as the user wrote them, e.g. 'Northbridge'. */
  text: string;
  table: string;
  column: string;
  /** The value as stored; absent when OTC_LLM_PROMPT_DATA keeps stored values out of prompts. */
  value?: string | number;
}

export interface LlmContext {
  tables: LlmTable[];
  joins: LlmJoinPath[];
  /** The bank's business rules, as text (markdown is fine). */
  businessRules?: string;
  glossary: LlmGlossaryTerm[];
  examples: LlmExample[];
  resolvedValues: LlmResolvedValue[];
}

export interface RenderOptions {
  /**
   * Budget in estimated tokens. Over budget, the rendering sheds, in order: sample values
   * beyond three per column, examples (from the last), then all sample values and
   * synonyms. Tables, joins, resolved values, glossary and rules are always kept.
   */
  maxTokens?: number;
}

/** Estimated tokens of a text (see src/llm estimateTokens). */
export function estimateTokens(text: string): number {
  return estimate(text);
}

interface Detail {
  maxSamples: number;
  synonyms: boolean;
  examples: number;
}

/** Prints the context compactly for a prompt, within the token budget when one is given. */
export function renderContext(ctx: LlmContext, opts: RenderOptions = {}): string {
  const full: Detail = { maxSamples: Infinity, synonyms: true, examples: ctx.examples.length };
  let text = render(ctx, full);
  if (opts.maxTokens === undefined || estimateTokens(text) <= opts.maxTokens) return text;
  const levels: Detail[] = [{ maxSamples: 3, synonyms: true, examples: ctx.examples.length }];
  for (let n = ctx.examples.length - 1; n >= 0; n--) levels.push({ maxSamples: 3, synonyms: true, examples: n });
  levels.push({ maxSamples: 0, synonyms: false, examples: 0 });
  for (const level of levels) {
    text = render(ctx, level);
    if (estimateTokens(text) <= opts.maxTokens) return text;
  }
  return text;
}

const q = (v: string | number) => (typeof v === 'number' ? String(v) : JSON.stringify(v));
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

function render(ctx: LlmContext, d: Detail): string {
  const out: string[] = [];
  out.push('## Tables');
  for (const t of ctx.tables) {
    const name = t.schema ? `${t.schema}.${t.name}` : t.name;
    const notes = [t.description && oneLine(t.description), t.rowCount !== undefined && `~${t.rowCount} rows`, d.synonyms && t.synonyms?.length ? `aka ${t.synonyms.join(', ')}` : undefined].filter(Boolean);
    out.push(`${name}${notes.length ? ` -- ${notes.join('; ')}` : ''}`);
    for (const c of t.columns) {
      const parts = [`  ${c.name} ${c.type}`];
      if (c.primaryKey) parts.push('PK');
      if (c.references) parts.push(`-> ${c.references}`);
      const extra: string[] = [];
      if (c.description) extra.push(oneLine(c.description));
      if (d.synonyms && c.synonyms?.length) extra.push(`aka ${c.synonyms.join(', ')}`);
      if (d.maxSamples > 0 && c.sampleValues?.length) {
        const shown = c.sampleValues.slice(0, d.maxSamples);
        extra.push(`e.g. ${shown.map(q).join(', ')}${c.sampleValues.length > shown.length ? ', …' : ''}`);
      }
      out.push(`${parts.join(' ')}${extra.length ? ` -- ${extra.join('; ')}` : ''}`);
    }
  }
  if (ctx.joins.length) {
    out.push('', '## Joins');
    for (const j of ctx.joins) out.push(`${j.from} = ${j.to}${j.description ? ` -- ${oneLine(j.description)}` : ''}`);
  }
  if (ctx.resolvedValues.length) {
    const withValues = ctx.resolvedValues.some((v) => v.value !== undefined);
    out.push('', withValues ? '## Values found in the question (use exactly these)' : '## Words of the question found in these columns');
    for (const v of ctx.resolvedValues) out.push(`${JSON.stringify(v.text)} -> ${v.table}.${v.column}${v.value !== undefined ? ` = ${q(v.value)}` : ''}`);
  }
  if (ctx.glossary.length) {
    out.push('', '## Glossary');
    for (const g of ctx.glossary) out.push(`${g.term}: ${oneLine(g.meaning)}${g.sql ? ` [SQL: ${oneLine(g.sql)}]` : ''}`);
  }
  if (ctx.businessRules && ctx.businessRules.trim()) {
    out.push('', '## Business rules', ctx.businessRules.trim());
  }
  const examples = ctx.examples.slice(0, d.examples);
  if (examples.length) {
    out.push('', '## Examples');
    for (const e of examples) out.push(`Q: ${oneLine(e.question)}`, `SQL: ${oneLine(e.sql)}`);
  }
  return out.join('\n');
}
