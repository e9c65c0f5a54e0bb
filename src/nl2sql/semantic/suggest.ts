/** Close questions the model can answer, ranked by word overlap with the one it could not. */
import { normPhrase } from '../../training/index.js';
import type { EngineModel } from './model.js';

export function buildSuggestionPool(m: EngineModel): string[] {
  const pool = new Set<string>();
  for (const ex of m.model.profile.examples) pool.add(ex.question);
  for (const md of m.measures.values()) {
    const e = m.entities.get(md.entity)!;
    if (md.agg === 'count') continue;
    pool.add(md.agg === 'ratio' ? `What is the ${md.label} this month?` : `${md.agg === 'avg' ? 'Average' : 'Total'} ${md.label} of ${e.label} this month`);
  }
  for (const f of m.filters.values()) {
    const e = m.entities.get(f.entity)!;
    if (!f.words[0]) continue;
    pool.add(`How many ${f.words[0]} ${f.implies && f.words[0].split(' ').length > 1 ? '' : e.label + ' '}are there?`.replace(/\s+/g, ' '));
  }
  return [...pool];
}

const STOP = new Set(['the', 'a', 'an', 'of', 'for', 'in', 'on', 'what', 'is', 'how', 'many', 'are', 'there', 'do', 'we', 'our', 'by', 'with', 'this', 'to', 'and', 'or']);

export function suggest(pool: string[], question: string, n = 3): string[] {
  const q = new Set(normPhrase(question).split(' ').filter((w) => w && !STOP.has(w)));
  if (!q.size) return pool.slice(0, n);
  const scored = pool.map((p, i) => {
    const w = normPhrase(p).split(' ').filter((x) => x && !STOP.has(x));
    let s = 0;
    for (const x of w) if (q.has(x)) s += 1;
    return { p, i, s: s / Math.sqrt(w.length + 1) };
  });
  // ties keep the profile's order (its curated examples come first)
  scored.sort((a, b) => b.s - a.s || a.i - b.i);
  return scored.slice(0, n).map((x) => x.p);
}
