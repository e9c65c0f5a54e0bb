/**
 * The semantic query as the language model's first target: the prompt section that lists the
 * training profile's names and the semantic query's JSON Schema, and the step that turns the
 * model's JSON into SQL through the semantic engine's own resolver and compiler, so the profile's
 * business rules (default filters, denominators, currencies, dates) hold for the model's answers
 * too and the explanation is ours, generated from what will run. Raw SQL is only the fallback.
 */
import type { SqlDialect } from '../../datasource/dialect.js';
import { semanticQueryJsonSchema, type SemanticEngine, type SemanticQuery, type TypedQuery } from '../semantic/index.js';

/** What the LLM engine needs of the semantic query: the prompt text and the compile step. */
export interface SemanticTarget {
  /** The profile's names and the JSON Schema of a semantic query, for the system prompt. */
  prompt(): string;
  /**
   * The model's semantic query (untrusted JSON) -> SQL and the explanation, with the query as
   * validated and the typed query it resolved to. Throws an Error whose message says what to fix.
   */
  compile(query: unknown, today: string): { sql: string; explanation: string; semantic: SemanticQuery; understood: TypedQuery };
}

const MAX_FIELDS = 400;

export function semanticTarget(engine: Pick<SemanticEngine, 'resolve' | 'compile' | 'describe' | 'names'>, dialect: SqlDialect): SemanticTarget {
  let text: string | undefined;
  return {
    prompt() {
      text ??= render(engine.names());
      return text;
    },
    compile(query, today) {
      const understood = engine.resolve(query, today);
      const c = engine.compile(understood, dialect);
      return { ...c, understood, semantic: engine.describe(understood) };
    },
  };
}

function render(n: ReturnType<SemanticEngine['names']>): string {
  const lines: string[] = ['Entities (name: label; default date; default filters):'];
  for (const e of n.entities) lines.push(`- ${e.name}: ${e.label}${e.defaultDate ? `; default date "${e.defaultDate}"` : ''}${e.defaultFilters.length ? `; default filters ${e.defaultFilters.join(', ')}` : ''}`);
  lines.push('', 'Measures (name [entity, agg]: label):');
  for (const x of n.measures) lines.push(`- ${x.name} [${x.entity}, ${x.agg}]: ${x.label}`);
  lines.push('', 'Named filters (name [entity]: label):');
  for (const f of n.filters) lines.push(`- ${f.name} [${f.entity}]: ${f.label}`);
  lines.push('', 'Fields (name [kind]: label):');
  for (const f of n.fields.slice(0, MAX_FIELDS)) lines.push(`- "${f.name}" [${f.kind}]: ${f.label}`);
  lines.push('', 'JSON Schema of "query":', JSON.stringify(semanticQueryJsonSchema()));
  return lines.join('\n');
}
