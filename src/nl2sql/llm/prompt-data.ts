/**
 * What of the data may go into a prompt (OTC_LLM_PROMPT_DATA). The schema (tables, columns,
 * types, joins) and the profile's own texts (descriptions, glossary, business rules, example
 * questions with SQL) always go: the model cannot write SQL without them. Values read from the
 * database are the bank's data and go only as far as the setting allows:
 * - `none`: no value, no row count, no value-index match;
 * - `columns`: also which column a word of the question matched in the value index, without the
 *   stored value (the model learns `"Northbridge" -> counterparties.name`, not the full name);
 * - `samples` (default): also a few sample values per column and the matched values as stored.
 * Database errors never go back as text, whatever the level (db-error.ts).
 */
import type { LlmContext } from './context.js';

export const PROMPT_DATA_LEVELS = ['none', 'columns', 'samples'] as const;
export type PromptDataLevel = (typeof PROMPT_DATA_LEVELS)[number];

export function limitContextData(ctx: LlmContext, level: PromptDataLevel): LlmContext {
  if (level === 'samples') return ctx;
  return {
    ...ctx,
    tables: ctx.tables.map(({ rowCount: _rows, ...t }) => ({
      ...t,
      columns: t.columns.map(({ sampleValues: _samples, ...c }) => c),
    })),
    resolvedValues: level === 'columns' ? ctx.resolvedValues.map(({ value: _value, ...v }) => v) : [],
  };
}
